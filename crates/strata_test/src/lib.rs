//! Test helpers: run the real `strata` binary in a temporary repository and format what it
//! printed for snapshots; generate monorepos with a ground truth.
#![allow(clippy::missing_panics_doc)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary repository and the binary to run in it.
pub struct CliTest {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl CliTest {
    /// `bin` is `env!("CARGO_BIN_EXE_strata")` of the calling test.
    pub fn new(bin: impl Into<PathBuf>) -> CliTest {
        CliTest {
            dir: tempfile::tempdir().expect("temp dir"),
            bin: bin.into(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Write a file (parents created) and return `self` for chaining.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &CliTest {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("create dirs");
        std::fs::write(p, contents).expect("write file");
        self
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path)).expect("read file")
    }

    /// Run `strata args…` in the repository.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(&self.bin, self.dir.path(), args)
    }

    /// Run and format exit code, stdout and stderr for a snapshot, with the temporary
    /// folder's path replaced by `[ROOT]`.
    pub fn snapshot(&self, args: &[&str]) -> String {
        format_output(&self.run(args), self.dir.path())
    }

    /// Run `git args…` in the repository as a fixed author; panics when git fails.
    pub fn git(&self, args: &[&str]) -> &CliTest {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.dir.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self
    }
}

/// Copy the folder `from` into `to` (created), every file and subfolder but `.strata`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dirs");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() != ".strata" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}

/// Run the binary in `dir` with a fixed environment (no colour, fixed width; git looks for a
/// repository no higher than `dir`, so a fixture inside this repository has no history).
pub fn run_in(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("run strata")
}

/// Exit code, stdout and stderr as one text, paths under `root` made stable.
pub fn format_output(out: &Output, root: &Path) -> String {
    let clean = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).into_owned();
        let root_str = root.to_string_lossy();
        let canonical = root
            .canonicalize()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let s = s.replace(root_str.as_ref(), "[ROOT]");
        if canonical.is_empty() {
            s
        } else {
            s.replace(&canonical, "[ROOT]")
        }
    };
    format!(
        "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        out.status
            .code()
            .map_or_else(|| "signal".into(), |c| c.to_string()),
        clean(&out.stdout),
        clean(&out.stderr),
    )
}

/// How to make the generator-based tests run, said whenever they cannot.
const ENABLE: &str = "put the `shared/` folder (with bench/genrepo.py) beside the repository, \
     or set STRATA_GENREPO=/path/to/genrepo.py";

/// `shared/bench/genrepo.py`, the ground-truth generator: `STRATA_GENREPO` when set (it must
/// exist), else the first found above this crate; `None` when there is none.
pub fn genrepo() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("STRATA_GENREPO") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "STRATA_GENREPO is {} but there is no file there",
            p.display()
        );
        return Some(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|d| d.join("shared/bench/genrepo.py"))
        .find(|p| p.is_file())
}

/// Whether this is a CI run (`CI` set and not `false` or `0`), where a missing generator is an
/// error: the ground-truth tests must run there, never skip.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The value of the environment variable `var`, which names a service a test needs (a
/// database server); or `None` after one line on the terminal saying the calling test is
/// skipped and how to enable it (`how`). Panics under CI, where every service is provided.
pub fn service_or_skip(var: &str, how: &str) -> Option<String> {
    if let Ok(value) = std::env::var(var) {
        return Some(value);
    }
    assert!(!in_ci(), "{var} is not set in CI: {how}");
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let _ = writeln!(std::io::stderr(), "{test}: skipped ({how})");
    None
}

/// A URL of the PostgreSQL server `STRATA_TEST_POSTGRES` names whose connections work in a
/// fresh, empty schema `name` (dropped and made again), so tests do not see each other's
/// rows; `None` (after the skip line of [`service_or_skip`]) without a server.
pub fn postgres_schema_or_skip(name: &str) -> Option<String> {
    let url = service_or_skip(
        "STRATA_TEST_POSTGRES",
        "set STRATA_TEST_POSTGRES=postgres://user:password@host/db to run it against PostgreSQL",
    )?;
    let schema = format!("{name}_{}", std::process::id());
    let mut admin =
        postgres::Client::connect(&url, postgres::NoTls).expect("STRATA_TEST_POSTGRES connects");
    admin
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .expect("a fresh schema");
    let sep = if url.contains('?') { '&' } else { '?' };
    Some(format!("{url}{sep}options=-c%20search_path%3D{schema}"))
}

/// The generator, or `None` after one line on the terminal saying the calling test is
/// skipped and how to enable it. Panics under CI, where skipping would hide the truth tests.
pub fn genrepo_or_skip() -> Option<PathBuf> {
    let found = genrepo();
    if found.is_none() {
        assert!(
            !in_ci(),
            "the ground-truth generator shared/bench/genrepo.py is missing in CI: {ENABLE}"
        );
        let thread = std::thread::current();
        let test = thread.name().unwrap_or("a ground-truth test");
        // Straight to the process's stderr, past the test harness's capture, so the skip is
        // seen in a plain `cargo test`.
        let _ = writeln!(
            std::io::stderr(),
            "{test}: skipped what needs the ground-truth generator ({ENABLE})"
        );
    }
    found
}

/// A generated monorepo and its ground truth.
pub struct Corpus {
    pub dir: tempfile::TempDir,
    pub truth: serde_json::Value,
}

impl Corpus {
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// Generate a corpus with `genrepo.py --files N --seed S` plus `extra` arguments; `None`
/// when the generator is missing (see [`genrepo_or_skip`]): the test returns early.
pub fn generate(files: usize, seed: u64, extra: &[&str]) -> Option<Corpus> {
    let genrepo = genrepo_or_skip()?;
    let dir = tempfile::tempdir().expect("temp dir");
    let status = Command::new("python3")
        .arg(genrepo)
        .arg("--out")
        .arg(dir.path())
        .args(["--files", &files.to_string(), "--seed", &seed.to_string()])
        .args(extra)
        .stdout(Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "genrepo.py failed");
    let truth = std::fs::read_to_string(dir.path().join(".truth/truth.json")).expect("truth.json");
    Some(Corpus {
        dir,
        truth: serde_json::from_str(&truth).expect("truth is JSON"),
    })
}

/// A real `strata serve` process for tests, and plain HTTP/1.1 requests to it.
pub mod server {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::path::Path;
    use std::process::{Child, Command, Stdio};

    use serde_json::Value;

    /// A running `strata serve`; killed when dropped.
    pub struct Server {
        child: Child,
        pub addr: String,
    }

    /// An answer: status, content type, body.
    pub type Answer = (u16, String, String);

    impl Server {
        /// `BIN serve ARGS --bind 127.0.0.1:0` in `dir` with `envs`, once it listens.
        pub fn start(bin: &Path, dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Server {
            let mut command = Command::new(bin);
            command
                .arg("serve")
                .args(args)
                .args(["--bind", &format!("{}:0", std::net::Ipv4Addr::LOCALHOST)])
                .current_dir(dir)
                .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
                .env_remove("STRATA_ADMIN_TOKEN")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            for (k, v) in envs {
                command.env(k, v);
            }
            let mut child = command.spawn().expect("strata serve starts");
            let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
            let addr = loop {
                let line = lines.next().expect("a line").expect("stderr");
                if let Some(rest) = line.strip_prefix("strata serve: http://") {
                    break rest.to_owned();
                }
            };
            // Keep draining stderr so the server never blocks on it.
            std::thread::spawn(move || for _ in lines {});
            Server { child, addr }
        }

        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        /// One request with an optional bearer token and JSON body.
        pub fn request(
            &self,
            method: &str,
            path: &str,
            token: Option<&str>,
            body: Option<&Value>,
        ) -> Answer {
            let mut s = TcpStream::connect(&self.addr).expect("connects");
            let payload = body.map(Value::to_string).unwrap_or_default();
            let auth = token
                .map(|t| format!("Authorization: Bearer {t}\r\n"))
                .unwrap_or_default();
            write!(
                s,
                "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{payload}",
                self.addr,
                payload.len()
            )
            .expect("writes");
            let mut raw = String::new();
            s.read_to_string(&mut raw).expect("reads");
            let (head, body) = raw.split_once("\r\n\r\n").expect("a response");
            let status = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .expect("a status");
            let content_type = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-type: ")
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            (status, content_type, body.to_owned())
        }

        /// One request without a token.
        pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
            self.request(method, path, None, body)
        }

        /// A GET that must answer 200 with JSON.
        pub fn get(&self, path: &str) -> Value {
            let (status, _, body) = self.call("GET", path, None);
            assert_eq!(status, 200, "GET {path}: {body}");
            serde_json::from_str(&body).expect("JSON")
        }

        /// SIGTERM, then the exit status.
        pub fn stop(mut self) -> std::process::ExitStatus {
            let pid = self.child.id().to_string();
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .expect("kill runs");
            self.child.wait().expect("exits")
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub use server::Server;

/// Identity tokens for tests: keys made in the test, JWKs and signed JWTs.
pub mod jwt {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use ring::rand::SystemRandom;
    use ring::signature::{self, EcdsaKeyPair, KeyPair as _, RsaKeyPair};
    use serde_json::{Value, json};

    fn enc(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// A signer of test tokens and its JWK.
    pub enum Signer {
        Es(EcdsaKeyPair),
        Rs(RsaKeyPair),
    }

    impl Signer {
        pub fn es256() -> Signer {
            let rng = SystemRandom::new();
            let alg = &signature::ECDSA_P256_SHA256_FIXED_SIGNING;
            let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
            Signer::Es(EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap())
        }

        /// An RSA key made by `openssl` (ring signs with RSA keys but does not make them).
        pub fn rs256() -> Option<Signer> {
            let out = std::process::Command::new("openssl")
                .args([
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:2048",
                    "-outform",
                    "DER",
                ])
                .output()
                .ok()?;
            if !out.status.success() {
                return None;
            }
            let der = &out.stdout;
            let key = RsaKeyPair::from_pkcs8(der).or_else(|_| RsaKeyPair::from_der(der));
            Some(Signer::Rs(
                key.expect("openssl makes an RSA key ring reads"),
            ))
        }

        pub fn jwk(&self, kid: &str) -> Value {
            match self {
                Signer::Es(k) => {
                    let point = k.public_key().as_ref();
                    json!({"kty": "EC", "crv": "P-256", "kid": kid, "x": enc(&point[1..33]), "y": enc(&point[33..])})
                }
                Signer::Rs(k) => {
                    let c: ring::rsa::PublicKeyComponents<Vec<u8>> = k.public().into();
                    json!({"kty": "RSA", "kid": kid, "n": enc(&c.n), "e": enc(&c.e)})
                }
            }
        }

        pub fn sign(&self, kid: &str, claims: &Value) -> String {
            let alg = match self {
                Signer::Es(_) => "ES256",
                Signer::Rs(_) => "RS256",
            };
            let head = enc(json!({"alg": alg, "kid": kid, "typ": "JWT"})
                .to_string()
                .as_bytes());
            let body = enc(claims.to_string().as_bytes());
            let signed = format!("{head}.{body}");
            let rng = SystemRandom::new();
            let sig = match self {
                Signer::Es(k) => k.sign(&rng, signed.as_bytes()).unwrap().as_ref().to_vec(),
                Signer::Rs(k) => {
                    let mut sig = vec![0; k.public().modulus_len()];
                    k.sign(
                        &signature::RSA_PKCS1_SHA256,
                        &rng,
                        signed.as_bytes(),
                        &mut sig,
                    )
                    .unwrap();
                    sig
                }
            };
            format!("{signed}.{}", enc(&sig))
        }
    }
}
