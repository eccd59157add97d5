//! `read_lockfile` on lockfiles written by the real tools, and `maven_resolved_versions` on a
//! hand-written multi-module build (Maven has no lockfile).
//!
//! The fixtures under `tests/fixtures/lockfiles/` were generated from one small project per
//! ecosystem: `cargo generate-lockfile` (cargo 1.95; v3 by `cargo update -w` on a v3 file);
//! `npm install --package-lock-only` (npm 6 for lockfileVersion 1, npm 11 with
//! `--lockfile-version 2` and 3); `pnpm install --lockfile-only` (pnpm 8 writes lockfile 6.0,
//! pnpm 9 writes 9.0); yarn 1.22 and yarn 4 (`@yarnpkg/cli-dist`, `--mode update-lockfile`);
//! `uv lock` and `uv export --format requirements-txt` (uv 0.13); `poetry lock` (Poetry 2.5);
//! `go mod tidy` (go 1.19) against a local file-system module proxy, as proxy.golang.org is not
//! reachable where they were made. The npm, pnpm and yarn projects share one manifest: a
//! workspace package, an `npm:` alias of lodash, react-dom (a peer dependency on react) and two
//! versions of `ms` (one nested under debug).
//!
//! `real_tools` (ignored) compares `read_lockfile` with each tool's own listing on lockfiles
//! `.ci/lockfiles-check` generates afresh, and prints how many packages agreed.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};

use strata_workspace::ManifestKind;
use strata_workspace::lockfile::{
    LOCKFILES, Lockfile, LockfileError, maven_resolved_versions, read_lockfile,
};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles")
}

fn fixture(rel: &str) -> Lockfile {
    let text = std::fs::read_to_string(fixture_dir().join(rel)).unwrap();
    read_lockfile(rel, &text).unwrap_or_else(|e| panic!("{e}"))
}

fn pairs(lock: &Lockfile) -> Vec<(&str, &str)> {
    lock.packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect()
}

fn error(path: &str, text: &str) -> LockfileError {
    match read_lockfile(path, text) {
        Ok(lock) => panic!("`{path}` read as {:?}", lock.packages),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------
// Cargo

const CARGO: [(&str, &str); 5] = [
    ("bitflags", "1.3.2"),
    ("bitflags", "2.13.2"),
    ("itoa", "1.0.19"),
    ("memchr", "2.8.3"),
    ("smallvec", "1.16.6"),
];

#[test]
fn cargo_v3_and_v4_skip_path_packages() {
    for rel in ["cargo/v3/Cargo.lock", "cargo/v4/Cargo.lock"] {
        let lock = fixture(rel);
        assert_eq!(lock.kind, ManifestKind::Cargo);
        assert_eq!(lock.path, rel);
        // `fixture-app` and its path dependency `local-helper` have no `source`.
        assert_eq!(pairs(&lock), CARGO, "{rel}");
        assert_eq!(
            lock.versions("bitflags").collect::<Vec<_>>(),
            ["1.3.2", "2.13.2"]
        );
        assert_eq!(lock.versions("local-helper").count(), 0);
    }
}

/// Versions 1 and 2 as Cargo wrote them before 1.53 and 1.78 (today's Cargo upgrades them on
/// write, so these are written out here): v1 keeps checksums in `[metadata]` and spells
/// dependencies with their source, v2 has no `version` line.
#[test]
fn cargo_v1_and_v2() {
    let v1 = r#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "itoa 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)",
 "rand 0.7.3 (git+https://github.com/rust-random/rand?branch=old#abc123)",
]

[[package]]
name = "itoa"
version = "0.4.8"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "rand"
version = "0.7.3"
source = "git+https://github.com/rust-random/rand?branch=old#abc123"

[metadata]
"checksum itoa 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)" = "b71991ff56294aa922b450139ee08b3bfc70982c6b2c7562771375cf73542dd4"
"#;
    let lock = read_lockfile("Cargo.lock", v1).unwrap();
    assert_eq!(pairs(&lock), [("itoa", "0.4.8"), ("rand", "0.7.3")]);
    let v2 = "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"itoa\"\n\
              version = \"1.0.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\
              checksum = \"1aab8fc367588b89dcee83ab0fd66b72b50b72fa1904d7095045ace2b0c81c35\"\n";
    let lock = read_lockfile("crates/x/Cargo.lock", v2).unwrap();
    assert_eq!(pairs(&lock), [("itoa", "1.0.1")]);
}

// ---------------------------------------------------------------------------------------------
// npm, pnpm, yarn: one project, so one answer

const NPM: [(&str, &str); 12] = [
    ("@types/node", "20.19.43"),
    ("debug", "4.4.3"),
    ("is-number", "7.0.0"),
    ("js-tokens", "4.0.0"),
    // Installed as `lodash-alias` (`npm:lodash@^4.17.21`).
    ("lodash", "4.18.1"),
    ("loose-envify", "1.4.0"),
    ("ms", "1.0.0"),
    ("ms", "2.1.3"),
    ("react", "18.3.1"),
    ("react-dom", "18.3.1"),
    ("scheduler", "0.23.2"),
    ("undici-types", "6.21.0"),
];

#[test]
fn npm_package_lock_v1_v2_v3() {
    for rel in [
        "npm/v1/package-lock.json",
        "npm/v2/package-lock.json",
        "npm/v3/package-lock.json",
    ] {
        let lock = fixture(rel);
        assert_eq!(lock.kind, ManifestKind::Npm);
        // No root, no `@fixture/lib` (a workspace link in v2/v3, `file:` in v1), no alias name.
        assert_eq!(pairs(&lock), NPM, "{rel}");
        // `ms` 2.1.3 is nested under debug: `node_modules/debug/node_modules/ms`.
        assert_eq!(lock.versions("ms").collect::<Vec<_>>(), ["1.0.0", "2.1.3"]);
        assert_eq!(lock.versions("lodash-alias").count(), 0);
    }
}

#[test]
fn npm_shrinkwrap_reads_like_package_lock() {
    let text = std::fs::read_to_string(fixture_dir().join("npm/v3/package-lock.json")).unwrap();
    let lock = read_lockfile("web/npm-shrinkwrap.json", &text).unwrap();
    assert_eq!(pairs(&lock), NPM);
}

#[test]
fn pnpm_v6_and_v9() {
    for rel in ["pnpm/v6/pnpm-lock.yaml", "pnpm/v9/pnpm-lock.yaml"] {
        let lock = fixture(rel);
        // v6's `/react-dom@18.3.1(react@18.3.1)` loses its peer suffix; the workspace
        // package (`link:packages/lib`) is an importer, not a package.
        assert_eq!(pairs(&lock), NPM, "{rel}");
        assert_eq!(lock.versions("react-dom").collect::<Vec<_>>(), ["18.3.1"]);
    }
}

/// Lockfile 5.x (pnpm 7) keys, and local folders and git packages as pnpm records them.
#[test]
fn pnpm_v5_keys_and_non_registry_packages() {
    let v5 = "lockfileVersion: 5.4\n\nimporters:\n  .:\n    specifiers: {}\n\npackages:\n\n  \
              /@babel/core/7.24.0:\n    resolution: {integrity: sha512-x}\n    dev: true\n\n  \
              /react-dom/18.2.0_react@18.2.0:\n    resolution: {integrity: sha512-y}\n\n  \
              github.com/user/repo/0123abc:\n    resolution: {tarball: https://codeload.github.com/user/repo/tar.gz/0123abc}\n    \
              name: from-git\n    version: 2.0.0\n\n  \
              file:packages/local:\n    resolution: {directory: packages/local, type: directory}\n    \
              name: local\n    version: 0.0.1\n";
    let lock = read_lockfile("pnpm-lock.yaml", v5).unwrap();
    assert_eq!(
        pairs(&lock),
        [
            ("@babel/core", "7.24.0"),
            ("from-git", "2.0.0"),
            ("react-dom", "18.2.0")
        ]
    );
    let v9 = "lockfileVersion: '9.0'\n\npackages:\n\n  '@s/peer@1.0.0(react@18.2.0)(typescript@5.4.0)':\n    \
              resolution: {integrity: sha512-x}\n\n  local@file:packages/local:\n    \
              resolution: {directory: packages/local, type: directory}\n\n  \
              tar@https://example.com/tar-1.2.3.tgz:\n    resolution: {tarball: https://example.com/tar-1.2.3.tgz}\n    \
              version: 1.2.3\n";
    let lock = read_lockfile("pnpm-lock.yaml", v9).unwrap();
    assert_eq!(pairs(&lock), [("@s/peer", "1.0.0"), ("tar", "1.2.3")]);
}

#[test]
fn yarn_classic_and_berry() {
    for rel in ["yarn/classic/yarn.lock", "yarn/berry/yarn.lock"] {
        let lock = fixture(rel);
        // Classic: `@fixture/local@file:./local` is skipped, `lodash-alias@npm:lodash@…` is
        // lodash, `loose-envify@^1.1.0, loose-envify@^1.4.0:` one entry. Berry: the
        // `workspace:` resolutions are skipped.
        assert_eq!(pairs(&lock), NPM, "{rel}");
    }
}

#[test]
fn yarn_classic_quoting_and_git_entries() {
    let text = "# yarn lockfile v1\n\n\n\"@s/a@^1.0.0\", \"@s/a@~1.2.0\":\n  version \"1.2.5\"\n  \
                dependencies:\n    b \"^2\"\n\nb@^2:\n  version \"2.0.1\"\n  resolved \"https://r/b.tgz\"\n\n\
                c@git+https://example.com/c.git#abc:\n  version \"0.3.0\"\n\n\
                \"d@link:./d\":\n  version \"0.0.0\"\n\nlegacy@^1:\n  version: 1.0.0\n";
    let lock = read_lockfile("yarn.lock", text).unwrap();
    assert_eq!(
        pairs(&lock),
        [
            ("@s/a", "1.2.5"),
            ("b", "2.0.1"),
            ("c", "0.3.0"),
            ("legacy", "1.0.0")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Python

const PYTHON: [(&str, &str); 10] = [
    ("certifi", "2026.10.19.post1"),
    ("charset-normalizer", "3.5.3"),
    ("idna", "3.21"),
    ("iniconfig", "2.3.1"),
    ("jaraco-classes", "3.4.0"),
    ("markdown", "3.11.3"),
    ("more-itertools", "11.2.1"),
    ("requests", "2.34.2"),
    ("typing-extensions", "4.16.0"),
    ("urllib3", "2.8.0"),
];

#[test]
fn uv_poetry_and_requirements() {
    for rel in [
        "uv/uv.lock",
        "poetry/poetry.lock",
        "requirements/requirements.txt",
    ] {
        let lock = fixture(rel);
        assert_eq!(lock.kind, ManifestKind::Python);
        // uv: `fixture-app` (virtual) and `fixture-helper` (editable) skipped; Poetry:
        // `fixture-helper` (a `directory` source) skipped; requirements: `-e ./packages/helper`.
        assert_eq!(pairs(&lock), PYTHON, "{rel}");
    }
}

#[test]
fn python_names_are_normalised() {
    let poetry = "[[package]]\nname = \"Jaraco.Classes\"\nversion = \"3.4.0\"\n\n[[package]]\n\
                  name = \"zope_interface\"\nversion = \"6.0\"\n\n[[package]]\nname = \"mine\"\n\
                  version = \"0.1.0\"\n\n[package.source]\ntype = \"directory\"\nurl = \"mine\"\n\n\
                  [[package]]\nname = \"from-git\"\nversion = \"1.0\"\n\n[package.source]\n\
                  type = \"git\"\nurl = \"https://example.com/g.git\"\n";
    let lock = read_lockfile("poetry.lock", poetry).unwrap();
    assert_eq!(
        pairs(&lock),
        [
            ("from-git", "1.0"),
            ("jaraco-classes", "3.4.0"),
            ("zope-interface", "6.0")
        ]
    );
    let uv = "version = 1\n\n[[package]]\nname = \"a\"\nsource = { editable = \".\" }\n\n\
              [[package]]\nname = \"b\"\nversion = \"1\"\nsource = { directory = \"b\" }\n\n\
              [[package]]\nname = \"c\"\nversion = \"2\"\nsource = { virtual = \"c\" }\n\n\
              [[package]]\nname = \"D_E\"\nversion = \"3\"\nsource = { git = \"https://g/d#x\" }\n";
    let lock = read_lockfile("uv.lock", uv).unwrap();
    assert_eq!(pairs(&lock), [("d-e", "3")]);
}

#[test]
fn requirements_pinned_lines_only() {
    let text = "\
# comment
-r base.txt
-c constraints.txt
--index-url https://pypi.org/simple
-e ./local
./dist/pkg-1.0-py3-none-any.whl
https://example.com/x.tar.gz
name-at-url @ https://example.com/y.zip
PyYAML==6.0.1 \\
    --hash=sha256:aaa \\
    --hash=sha256:bbb
    # via app
requests[socks,security] == 2.31.0 ; python_version >= \"3.8\"  # pinned
Django>=4,<5
unpinned
wild==1.*
zope.interface===6.1
";
    let lock = read_lockfile("requirements.txt", text).unwrap();
    assert_eq!(
        pairs(&lock),
        [
            ("pyyaml", "6.0.1"),
            ("requests", "2.31.0"),
            ("zope-interface", "6.1")
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Go

#[test]
fn go_sum_counts_only_modules_with_a_content_hash() {
    let lock = fixture("go/go.sum");
    assert_eq!(lock.kind, ManifestKind::Go);
    // `example.com/unused` v0.3.0 and `example.com/words` v1.0.0 appear only as `/go.mod`
    // lines: read for the module graph, never built.
    assert_eq!(
        pairs(&lock),
        [
            ("example.com/greet", "v1.2.0"),
            ("example.com/greet/v2", "v2.0.1"),
            ("example.com/words", "v1.1.0"),
        ]
    );
    assert_eq!(lock.versions("example.com/unused").count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Maven

#[test]
fn maven_properties_and_dependency_management_through_parents() {
    let read = |rel: &str| std::fs::read_to_string(fixture_dir().join("maven").join(rel)).unwrap();
    let (root, platform, billing) = (
        read("pom.xml"),
        read("platform/pom.xml"),
        read("platform/services/billing/pom.xml"),
    );
    let resolved = maven_resolved_versions(&billing, &[&platform, &root]);
    let got: Vec<(&str, &str)> = resolved
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            // `${project.version}` in the parent's management is the child's version.
            ("${project.groupId}:billing-api", "3.2.0-SNAPSHOT"),
            // The nearer parent's property wins over the root's.
            ("com.fasterxml.jackson.core:jackson-databind", "2.17.2"),
            // The nearer parent's management wins over the root's.
            ("com.google.guava:guava", "33.2.1-jre"),
            ("io.micrometer:micrometer-core", "1.13.0"),
            ("org.apache.commons:commons-lang3", "3.14.0"),
            ("org.junit.jupiter:junit-jupiter", "5.10.2"),
            ("org.postgresql:postgresql", "42.7.3"),
            ("org.slf4j:slf4j-api", "2.0.13"),
        ]
    );
    // Without its parents only the pom's own versions resolve.
    let alone = maven_resolved_versions(&billing, &[]);
    assert_eq!(alone.len(), 2);
    // A parent's own dependencies and plugins are not the child's resolved packages.
    assert!(maven_resolved_versions(&root, &[]).is_empty());
    assert!(maven_resolved_versions("not xml <<<", &["<project>"]).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Errors: malformed input names its line and never panics

#[test]
fn malformed_lockfiles_name_the_line() {
    let cases: [(&str, &str, u32, &str); 12] = [
        (
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"a\"\nversion = 1\n",
            5,
            "`name` and `version` strings",
        ),
        ("Cargo.lock", "[[package]\nname = \"a\"\n", 1, "TOML"),
        (
            "package-lock.json",
            "{\n  \"packages\": {\n    \"node_modules/a\": { \"version\": 1 }\n  }\n}\n",
            3,
            "`packages` or `dependencies`",
        ),
        (
            "package-lock.json",
            "{\n  \"lockfileVersion\": 1,\n  \"dependencies\": {\n    \"a\": {\n      \
             \"version\": \"1.0.0\",\n      \"dependencies\": { \"b\": { \"version\": [] } }\n    }\n  }\n}\n",
            6,
            "invalid type",
        ),
        ("package-lock.json", "{\n  \"packages\": {\n", 3, "JSON"),
        (
            "pnpm-lock.yaml",
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n   bad: [\n",
            5,
            "lockfileVersion",
        ),
        (
            "yarn.lock",
            "# yarn lockfile v1\n\na@^1:\n  resolved \"x\"\n\nb@^2:\n  version \"2.0.0\"\n",
            3,
            "`version",
        ),
        (
            "yarn.lock",
            "# yarn lockfile v1\n\na@^1:\n  version \"1.0.0\"\nnot a header\n",
            5,
            "entry header",
        ),
        (
            "yarn.lock",
            "__metadata:\n  version: 8\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: [\n",
            6,
            "resolution",
        ),
        (
            "uv.lock",
            "version = 1\n\n[[package]]\nversion = \"1.0\"\n",
            3,
            "`name`",
        ),
        (
            "requirements.txt",
            "a==1\n\nthis is not a requirement\n",
            3,
            "name==1.2.3",
        ),
        (
            "go.sum",
            "a v1.0.0 h1:x=\na v1.0.0/go.mod\n",
            2,
            "module version h1:hash",
        ),
    ];
    for (path, text, line, expected) in cases {
        let e = error(path, text);
        assert_eq!(e.path, path);
        assert_eq!(e.line, Some(line), "{path}: {e}");
        assert!(e.message.contains(expected), "{path}: {e}");
        assert!(
            e.to_string().starts_with(&format!("{path}:{line}: ")),
            "{e}"
        );
    }
}

#[test]
fn errors_display_without_a_line_and_for_unknown_names() {
    let e = error("deps/Gemfile.lock", "GEM\n");
    assert_eq!(e.line, None);
    assert!(
        e.to_string()
            .starts_with("deps/Gemfile.lock: not a lockfile"),
        "{e}"
    );
    assert!(e.message.contains("`Cargo.lock`"), "{e}");
    let source: &dyn std::error::Error = &e;
    assert!(source.source().is_none());
}

#[test]
fn every_lockfile_name_dispatches() {
    for (name, kind) in LOCKFILES {
        // An empty file is valid only where the format allows no content at all.
        match read_lockfile(&format!("a/{name}"), "") {
            Ok(lock) => {
                assert_eq!(lock.kind, *kind);
                assert!(lock.packages.is_empty());
            }
            Err(e) => assert!(e.line.is_some(), "{e}"),
        }
    }
}

/// Truncations and byte swaps of every fixture: an error or a result, never a panic.
#[test]
fn damaged_fixtures_never_panic() {
    let mut files = Vec::new();
    let mut dirs = vec![fixture_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut tried = 0;
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&file).unwrap();
        let step = (text.len() / 60).max(1);
        for cut in (0..text.len()).step_by(step) {
            let Some(prefix) = text.get(..cut) else {
                continue;
            };
            let _ = read_lockfile(&name, prefix);
            let swapped: String = text
                .char_indices()
                .map(|(i, c)| match (i == cut, c) {
                    (true, '"') => '\'',
                    (true, ':') => '=',
                    (true, '\n') => ' ',
                    (true, _) => '{',
                    _ => c,
                })
                .collect();
            let _ = read_lockfile(&name, &swapped);
            if name == "pom.xml" {
                let _ = maven_resolved_versions(prefix, &[&swapped]);
            }
            tried += 1;
        }
    }
    assert!(tried > 500, "{tried}");
}

// ---------------------------------------------------------------------------------------------
// Against the tools themselves (`.ci/lockfiles-check`)

/// Each folder of `STRATA_LOCKFILES_DIR` holds one fresh lockfile and `expected.txt`, the
/// `name version` pairs the tool itself lists (`cargo metadata`, `npm query`, `pnpm list`,
/// `yarn info`, `uv export`, `poetry show`, `pip install --dry-run --report`, `go list`).
#[test]
#[ignore = "needs lockfiles from the real tools: run by .ci/lockfiles-check"]
fn real_tools() {
    let root = std::env::var("STRATA_LOCKFILES_DIR")
        .expect("STRATA_LOCKFILES_DIR names the folder .ci/lockfiles-check fills");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases under {root}");
    let mut failures = Vec::new();
    for case in &cases {
        let lockfile = LOCKFILES
            .iter()
            .map(|(name, _)| case.join(name))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("no lockfile in {}", case.display()));
        let text = std::fs::read_to_string(&lockfile).unwrap();
        let path = lockfile.display().to_string();
        let got: Vec<String> = match read_lockfile(&path, &text) {
            Ok(lock) => lock
                .packages
                .iter()
                .map(|p| format!("{} {}", p.name, p.version))
                .collect(),
            Err(e) => {
                failures.push(format!("{e}"));
                continue;
            }
        };
        let mut expected: Vec<String> = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        expected.sort();
        expected.dedup();
        let missing: Vec<&String> = expected.iter().filter(|e| !got.contains(e)).collect();
        let extra: Vec<&String> = got.iter().filter(|g| !expected.contains(g)).collect();
        let name = case.file_name().unwrap().to_string_lossy();
        if missing.is_empty() && extra.is_empty() {
            println!("{name}: {} packages agree with the tool", got.len());
        } else {
            failures.push(format!(
                "{name}: missing {missing:?}, not listed by the tool {extra:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
