//! The incremental cache is never wrong: after each kind of change — a file edited, added,
//! deleted or renamed, `strata.toml` or a `module.yaml` changed, the cache file damaged — a
//! cached run reports exactly what a run without the cache reports.

use std::path::Path;

use serde_json::Value;
use strata_test::{generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// Findings and graph of a run, without timings.
fn result(root: &Path, cache: bool) -> (Value, Value, String) {
    let flag: &[&str] = if cache { &[] } else { &["--no-cache"] };
    let run = |args: &[&str]| {
        let args: Vec<&str> = args.iter().chain(flag).copied().collect();
        let out = run_in(BIN.as_ref(), root, &args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            serde_json::from_slice::<Value>(&out.stdout).expect("JSON"),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (mut check, stderr) = run(&["check", "--format", "json"]);
    check["summary"]["elapsed_ms"] = Value::Null;
    let (graph, _) = run(&["graph", "--level", "file", "--format", "json"]);
    (check, graph, stderr)
}

/// (files scanned, files served by the cache, files resolved anew).
fn cached_files(root: &Path) -> (u64, u64, u64) {
    let out = run_in(BIN.as_ref(), root, &["scan", "--format", "json"]);
    let v = serde_json::from_slice::<Value>(&out.stdout).expect("JSON");
    (
        v["files"].as_u64().expect("files"),
        v["cached"].as_u64().expect("cached"),
        v["resolved"].as_u64().expect("resolved"),
    )
}

/// Replace `from` by `to` in a file of the corpus (which must contain it).
fn edit(root: &Path, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    assert!(text.contains(from), "{path} holds no `{from}`");
    std::fs::write(root.join(path), text.replacen(from, to, 1)).unwrap();
}

/// A cached run equals a cold one; returns the cached run's stderr.
fn assert_same(root: &Path, step: &str) -> String {
    let (check, graph, stderr) = result(root, true);
    let (cold_check, cold_graph, _) = result(root, false);
    assert_eq!(
        check, cold_check,
        "{step}: findings differ from a run without the cache"
    );
    assert_eq!(
        graph, cold_graph,
        "{step}: graph differs from a run without the cache"
    );
    stderr
}

fn first(root: &Path, ext: &str) -> String {
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".truth/truth.json")).unwrap())
            .unwrap();
    truth["file_edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0].as_str().unwrap().to_owned())
        .find(|p| p.ends_with(ext))
        .unwrap()
}

#[test]
fn cached_runs_equal_cold_runs_after_every_kind_of_change() {
    let Some(corpus) = generate(600, 5, &["--violations-rate", "0.05"]) else {
        return;
    };
    let root = corpus.root();

    assert_same(root, "first run");
    assert!(
        root.join(".strata/cache/index.bin").is_file(),
        "the cache is written"
    );
    let (files, cached, resolved) = cached_files(root);
    assert_eq!(
        (cached, resolved),
        (files, 0),
        "an unchanged repository is served from the cache, resolutions included"
    );

    // Edit: a Python file gains an import of another module's internal file.
    let py = first(root, ".py");
    let mut text = std::fs::read_to_string(root.join(&py)).unwrap();
    text.push_str("\ndef _later():\n    import os\n");
    std::fs::write(root.join(&py), text).unwrap();
    assert_same(root, "edited file");

    // Add, delete, rename.
    let ts = first(root, ".ts");
    let dir = Path::new(&ts).parent().unwrap();
    std::fs::write(
        root.join(dir).join("added.ts"),
        format!(
            "import x from './{}';\n",
            Path::new(&ts).file_stem().unwrap().to_string_lossy()
        ),
    )
    .unwrap();
    assert_same(root, "added file");
    let go = first(root, ".go");
    std::fs::remove_file(root.join(&go)).unwrap();
    assert_same(root, "deleted file");
    let rs = first(root, ".rs");
    std::fs::rename(root.join(&rs), root.join(format!("{rs}.moved.rs"))).unwrap();
    assert_same(root, "renamed file");

    // What resolution reads besides the file list: each change re-resolves unchanged files.
    let before = result(root, false);
    edit(root, "ts/tsconfig.json", "\"@lib/", "\"@gone/");
    assert_same(root, "tsconfig.json paths changed");
    assert_ne!(
        result(root, false).1,
        before.1,
        "the tsconfig.json change alters the graph"
    );
    let package = corpus.truth["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| {
            let p = format!("{}/package.json", m["root"].as_str()?);
            root.join(&p).is_file().then_some(p)
        })
        .unwrap();
    edit(
        root,
        &package,
        "\"name\": \"@mono/",
        "\"name\": \"@renamed/",
    );
    assert_same(root, "package.json name changed");
    edit(
        root,
        "go/go.mod",
        "module example.com/mono",
        "module example.com/moved",
    );
    assert_same(root, "go.mod module path changed");
    let lib = corpus.truth["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|m| {
            let p = format!("{}/src/lib.rs", m["root"].as_str()?);
            let text = std::fs::read_to_string(root.join(&p)).ok()?;
            text.contains("\nmod ").then_some(p)
        })
        .unwrap();
    edit(root, &lib, "\nmod ", "\n// mod ");
    assert_same(root, "crate root lost a module");
    // Rewriting an input with the same bytes changes nothing: resolutions stay cached.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    cached_files(root);
    let text = std::fs::read(root.join("ts/tsconfig.json")).unwrap();
    std::fs::write(root.join("ts/tsconfig.json"), text).unwrap();
    assert_eq!(
        cached_files(root).2,
        0,
        "an input rewritten unchanged keeps resolutions"
    );
    assert_same(root, "input rewritten unchanged");

    // Configuration: rule levels and declarations the file rules depend on.
    let config = root.join("strata.toml");
    let mut toml = std::fs::read_to_string(&config).unwrap();
    toml.push_str("\n[rules]\nhardcoded-endpoint = \"error\"\nunused-dependency = \"off\"\n");
    std::fs::write(&config, toml).unwrap();
    assert_same(root, "changed strata.toml");
    let module = corpus.truth["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["api"].is_object())
        .unwrap();
    let yaml_path = root
        .join(module["root"].as_str().unwrap())
        .join("module.yaml");
    let yaml = std::fs::read_to_string(&yaml_path).unwrap();
    std::fs::write(&yaml_path, yaml.replace("port: ", "port: 1")).unwrap();
    assert_same(root, "changed module.yaml");

    // Damage: truncated, garbage, another version's cache. Each is reported and rebuilt.
    let cache = root.join(".strata/cache/index.bin");
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
    assert!(assert_same(root, "truncated cache").contains("is corrupt"));
    std::fs::write(&cache, b"not a cache at all").unwrap();
    assert!(assert_same(root, "garbage cache").contains("is corrupt"));
    let mut foreign = std::fs::read(&cache).unwrap();
    let at = foreign
        .windows(5)
        .position(|w| w == env!("CARGO_PKG_VERSION").as_bytes())
        .unwrap();
    foreign[at] = b'9';
    std::fs::write(&cache, &foreign).unwrap();
    assert!(assert_same(root, "foreign cache").contains("another strata"));
    assert_eq!(cached_files(root), cached_files(root), "rebuilt and stable");
}
