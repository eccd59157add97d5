//! Repositories nobody cleaned: every one gives findings or a clear error — never a panic,
//! never a hang, never a file written outside `.strata/`.
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use strata_test::CliTest;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn assert_no_panic(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{what}: strata panicked: {stderr}"
    );
    assert!(
        out.status.code().is_some_and(|c| c <= 2),
        "{what}: exit {:?}: {stderr}",
        out.status.code()
    );
}

/// Every path under `root` except `.strata/`, sorted.
fn listing(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel == ".strata" {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(p);
            }
            out.push(rel);
        }
    }
    out.sort();
    out
}

fn hostile_repo() -> CliTest {
    let t = CliTest::new(BIN);
    t.write("strata.toml", "[project]\nexclude = [\"strata.toml\"]\n")
        .write("app/module.yaml", "name: app\ninterfaces: [\"../../etc/**\"]\npaths: [\"../..\"]\n")
        .write("app/package.json", "{\"name\": \"app\"}")
        // Binary data, invalid UTF-8, UTF-16, BOM + CRLF, all with source extensions.
        .write("app/src/binary.ts", (0..=255u8).cycle().take(64 * 1024).collect::<Vec<u8>>())
        .write("app/src/latin1.py", b"import os\n# caf\xe9\nx = '\xff'\n".as_slice())
        .write("app/src/utf16.ts", [0xFF, 0xFE, b'i', 0, b'm', 0, b'p', 0].as_slice())
        .write("app/src/crlf.rs", b"\xEF\xBB\xBFuse crate::x;\r\nmod y;\r\n".as_slice())
        // A 20,000-character minified line and a module.yaml with every field of the wrong type.
        .write("app/src/min.js", format!("var a=require('./x');{}", "b=c/2/d;e=/re/g;f=`${g}`;".repeat(800)))
        .write(
            "wrong/module.yaml",
            "name: [1]\nkind: 3\nversion: {a: 1}\nowner: []\nlifecycle: maybe\ntier: -1\ndepends_on: 7\napi: 1\nevents: x\n",
        )
        .write("wrong/x.py", "import y\n");
    // 200 nested folders with a file at the bottom.
    let deep: String = (0..200).fold(String::new(), |mut s, i| {
        let _ = write!(s, "d{i}/");
        s
    });
    t.write(&format!("deep/{deep}leaf.py"), "import os\n");
    t
}

#[test]
fn hostile_files_and_declarations() {
    let t = hostile_repo();
    #[cfg(unix)]
    {
        // A symlink loop and a symlink out of the root: not followed.
        std::os::unix::fs::symlink(".", t.root().join("app/src/loop")).unwrap();
        std::os::unix::fs::symlink("/etc", t.root().join("app/src/outside")).unwrap();
    }
    let before = listing(t.root());
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["scan"],
        &["graph", "--level", "file", "--format", "json"],
        &["modules"],
        &["waves"],
        &["impact", "app/src/min.js"],
    ] {
        let out = t.run(args);
        assert_no_panic(&out, &format!("{args:?}"));
    }
    let check = t.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
    let invalid = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "schema-invalid")
        .count();
    assert!(
        invalid >= 1,
        "the wrongly typed module.yaml is a finding: {v}"
    );
    let climbs = v["findings"].as_array().unwrap().iter().any(|f| {
        f["rule"] == "schema-invalid"
            && f["file"] == "app/module.yaml"
            && f["line"] == 2
            && f["message"].as_str().unwrap().contains("`../../etc/**`")
    });
    assert!(
        climbs,
        "a glob climbing out of the module is a finding: {v}"
    );
    assert_eq!(
        listing(t.root()),
        before,
        "nothing written outside .strata/"
    );
}

#[test]
fn a_large_generated_file_is_scanned_in_bounded_time() {
    let t = CliTest::new(BIN);
    // About 50 MB of generated TypeScript in one file.
    let line = "export const value_000000 = compute(1, 2) / 3; // import x from 'y'\n";
    let body = line.repeat(50 * 1024 * 1024 / line.len());
    t.write("big/package.json", "{\"name\": \"big\"}")
        .write("big/src/generated.ts", body);
    let start = std::time::Instant::now();
    let out = t.run(&["scan", "--format", "json"]);
    assert_no_panic(&out, "50 MB file");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["imports"], 0, "comments never import");
    // A generous bound: this guards against quadratic behaviour, not for speed.
    assert!(
        start.elapsed().as_secs() < 120,
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn a_hundred_thousand_files_in_one_folder() {
    let t = CliTest::new(BIN);
    t.write("flat/pyproject.toml", "[project]\nname = \"flat\"\n");
    let dir = t.root().join("flat/flat");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("__init__.py"), "").unwrap();
    for i in 0..100_000 {
        std::fs::write(
            dir.join(format!("m{i}.py")),
            if i % 1000 == 0 {
                "from flat import m1\n"
            } else {
                ""
            },
        )
        .unwrap();
    }
    let out = t.run(&["scan", "--format", "json"]);
    assert_no_panic(&out, "100,000 files");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 100_001);
    assert_eq!(v["file_edges"], 100, "every thousandth file imports m1");
}

#[test]
fn config_errors_are_exit_2_never_panics() {
    let t = CliTest::new(BIN);
    for (what, toml) in [
        ("duplicate keys", "[project]\nname = \"a\"\nname = \"b\"\n"),
        ("wrong types", "layers = 3\n[lanes]\ncore = \"x\"\n"),
        ("binary", "\u{0}\u{1}\u{2}"),
        ("bad glob", "[project]\nexclude = [\"a/[\"]\n"),
        ("climbing glob", "[project]\nexclude = [\"../../**\"]\n"),
        ("absolute glob", "[project]\nexclude = [\"/etc/**\"]\n"),
    ] {
        t.write("strata.toml", toml);
        let out = t.run(&["check"]);
        assert_no_panic(&out, what);
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("strata.toml:"),
            "{what}: names the file"
        );
    }
}

#[test]
fn a_yaml_alias_bomb_is_a_finding_in_bounded_time() {
    let t = CliTest::new(BIN);
    let mut bomb = String::from(
        "name: bomb\na0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        let _ = writeln!(
            bomb,
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        );
    }
    t.write("bomb/module.yaml", &bomb)
        .write("bomb/x.py", "import os\n");
    let start = std::time::Instant::now();
    let out = t.run(&["check", "--format", "json"]);
    assert_no_panic(&out, "alias bomb");
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "schema-invalid")
        .expect("the bomb is reported");
    assert_eq!(finding["file"], "bomb/module.yaml");
}

#[test]
fn files_changing_during_the_scan() {
    let t = CliTest::new(BIN);
    for i in 0..200 {
        t.write(
            &format!("app/src/f{i}.py"),
            format!("import app.f{}\n", (i + 1) % 200),
        );
    }
    t.write("app/pyproject.toml", "[project]\nname = \"app\"\n");
    let root = t.root().to_path_buf();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let churn = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let p = root.join(format!("app/src/f{}.py", n % 200));
                if n.is_multiple_of(3) {
                    let _ = std::fs::remove_file(&p);
                } else {
                    let _ = std::fs::write(&p, "x".repeat((n % 5000) as usize));
                }
                n += 1;
            }
        })
    };
    for _ in 0..15 {
        for args in [&["check"][..], &["scan"], &["--no-cache", "check"]] {
            let out = t.run(args);
            assert_no_panic(&out, &format!("{args:?} while files change"));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
    // Once things settle, a cached run agrees with a cold one.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let json = |args: &[&str]| {
        let mut v: serde_json::Value = serde_json::from_slice(&t.run(args).stdout).expect("JSON");
        v["summary"]["elapsed_ms"] = serde_json::Value::Null;
        v
    };
    assert_eq!(
        json(&["check", "--format", "json"]),
        json(&["--no-cache", "check", "--format", "json"])
    );
}

/// Unreadable files and folders are warnings naming them, never a failure. Needs a user
/// permissions apply to: as root, strata runs as `nobody` through `setpriv`.
#[cfg(unix)]
#[test]
fn unreadable_files_and_folders() {
    use std::os::unix::fs::PermissionsExt;
    let t = CliTest::new(BIN);
    t.write("app/pyproject.toml", "[project]\nname = \"app\"\n")
        .write("app/src/ok.py", "import os\n")
        .write("app/src/locked.py", "import os\n")
        .write("app/secret/inner.py", "import os\n");
    let mode = |p: &str, m: u32| {
        std::fs::set_permissions(t.root().join(p), std::fs::Permissions::from_mode(m)).unwrap();
    };
    // Every folder traversable by others (the temporary root is owner-only).
    for p in ["", "app", "app/src"] {
        mode(p, 0o777);
    }
    mode("app/src/ok.py", 0o644);
    mode("app/pyproject.toml", 0o644);
    mode("app/src/locked.py", 0o000);
    mode("app/secret", 0o000);
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let out = if is_root {
        let Ok(out) = std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                BIN,
                "--no-cache",
                "check",
            ])
            .current_dir(t.root())
            .output()
        else {
            println!("skipped: running as root without setpriv");
            return;
        };
        out
    } else {
        t.run(&["--no-cache", "check"])
    };
    mode("app/secret", 0o755);
    assert_no_panic(&out, "unreadable entries");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{stderr}");
    assert!(
        stderr.contains("locked.py"),
        "the unreadable file is named: {stderr}"
    );
    assert!(
        stderr.contains("secret"),
        "the unreadable folder is named: {stderr}"
    );
}
