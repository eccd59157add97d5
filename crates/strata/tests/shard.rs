//! `strata scan --shard I/N` + `strata merge` against a single scan: the merged index gives
//! byte-identical `graph`, `check`, `impact` and `health` JSON (generated corpora with several
//! seeds and the bundled example, 1, 2, 3 and 7 shards), the commands after a merge read the
//! merged facts instead of extracting them again, and bad sets of shards are refused with the
//! file named and exit 2.

use std::path::{Path, PathBuf};

use serde_json::Value;
use strata_test::{copy_dir, generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");
const COUNTS: [u32; 4] = [1, 2, 3, 7];

fn run_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = run_in(BIN.as_ref(), dir, args);
    assert!(
        out.status.success(),
        "strata {args:?} in {}: {}\n{}",
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON output")
}

/// Scan `n` shards of `dir` into `shards/` and merge them into `dir`'s index. Returns the
/// per-language file counts of each shard.
fn shard_and_merge(dir: &Path, shards: &Path, n: u32) -> Vec<Value> {
    std::fs::create_dir_all(shards).unwrap();
    let mut files = Vec::new();
    let mut langs = Vec::new();
    for i in 0..n {
        let file = shards.join(format!("shard-{i}.bin"));
        let out = json(&run_ok(
            dir,
            &[
                "scan",
                "--shard",
                &format!("{i}/{n}"),
                "--out",
                file.to_str().unwrap(),
                "--format",
                "json",
            ],
        ));
        assert_eq!(out["shard"], format!("{i}/{n}"));
        langs.push(out["langs"].clone());
        files.push(file);
    }
    // Any order will do.
    files.reverse();
    let mut args = vec!["merge".to_owned()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_ok(dir, &args);
    langs
}

/// The outputs compared, in the order they run. `check`'s `summary.elapsed_ms` is the run's
/// own duration, different on every run, so it is removed; nothing else is.
fn outputs(dir: &Path, changed: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut impact = vec!["impact", "--format", "json"];
    impact.extend_from_slice(changed);
    let runs: [&[&str]; 5] = [
        &["graph", "--level", "file", "--format", "json"],
        &["graph", "--format", "json"],
        &["check", "--format", "json", "--exit-zero"],
        &impact,
        &["health", "--format", "json"],
    ];
    runs.iter()
        .map(|args| {
            let mut out = run_ok(dir, args);
            if args[0] == "check" {
                let mut v = json(&out);
                v["summary"]
                    .as_object_mut()
                    .expect("summary")
                    .remove("elapsed_ms");
                out = serde_json::to_vec(&v).unwrap();
            }
            (args.join(" "), out)
        })
        .collect()
}

/// Some files to call changed: a few spread over the file list.
fn changed_files(graph: &[u8]) -> Vec<String> {
    let v = json(graph);
    let files = v["files"].as_array().expect("files");
    [0, files.len() / 3, files.len() / 2, files.len() - 1]
        .iter()
        .map(|&i| files[i]["path"].as_str().unwrap().to_owned())
        .collect()
}

/// Shard + merge `src` for every count in [`COUNTS`] and compare with a single scan; `true`
/// when some shard held no file of a language the repository has.
fn equals_single_scan(src: &Path) -> bool {
    let tmp = tempfile::tempdir().unwrap();
    let single = tmp.path().join("single");
    copy_dir(src, &single);
    let graph = run_ok(&single, &["graph", "--level", "file", "--format", "json"]);
    let changed = changed_files(&graph);
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    let expected = outputs(&single, &changed);
    let files = json(&graph)["files"].as_array().unwrap().len();
    let mut lang_gap = false;
    for n in COUNTS {
        let dir = tmp.path().join(format!("sharded-{n}"));
        copy_dir(src, &dir);
        let langs = shard_and_merge(&dir, &tmp.path().join(format!("shards-{n}")), n);
        lang_gap |= langs
            .iter()
            .any(|l| l.as_object().unwrap().values().any(|c| c == 0));
        let total: u64 = langs
            .iter()
            .flat_map(|l| l.as_object().unwrap().values())
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(total, files as u64, "{n} shards hold every file once");
        // The first command after the merge reads the merged facts.
        let got = outputs(&dir, &changed);
        for ((what, want), (_, got)) in expected.iter().zip(&got) {
            assert!(
                want == got,
                "`{what}` differs after {n} shards of {}",
                src.display()
            );
        }
        // Every file was served by the merged index; none was extracted again, and the
        // cache now holds the resolutions too.
        let scan = json(&run_ok(&dir, &["scan", "--format", "json"]));
        assert_eq!(scan["cached"], scan["files"], "{scan}");
        assert_eq!(scan["resolved"], 0, "{scan}");
    }
    lang_gap
}

#[test]
fn shards_merged_equal_a_single_scan_of_generated_repositories() {
    for (seed, extra) in [(21u64, &[][..]), (22, &["--langs", "rust,ts,py,java"])] {
        let Some(corpus) = generate(1200, seed, extra) else {
            return;
        };
        if extra.is_empty() {
            equals_single_scan(corpus.root());
        } else {
            // One Go file in the whole repository: every shard but one has none.
            std::fs::create_dir_all(corpus.root().join("tools/lone")).unwrap();
            std::fs::write(
                corpus.root().join("tools/lone/main.go"),
                "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n",
            )
            .unwrap();
            assert!(
                equals_single_scan(corpus.root()),
                "some shard holds no Go file"
            );
        }
    }
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/coder-ide")
}

#[test]
fn shards_merged_equal_a_single_scan_of_the_example() {
    // The example is TypeScript only.
    equals_single_scan(&example());
}

/// Exit code and stderr of `strata merge FILES` in `dir`, with `dir`'s parent written as
/// `[DIR]`.
fn refused(dir: &Path, files: &[&Path]) -> (i32, String) {
    let mut args = vec!["merge".to_owned()];
    args.extend(files.iter().map(|f| f.to_str().unwrap().to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(BIN.as_ref(), dir, &args);
    let parent = dir.parent().unwrap().to_str().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).replace(parent, "[DIR]");
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn bad_sets_of_shards_are_refused_with_the_file_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    copy_dir(&example(), &dir);
    let shard = |i: u32, n: u32, name: &str| {
        let file = tmp.path().join(name);
        run_ok(
            &dir,
            &[
                "scan",
                "--shard",
                &format!("{i}/{n}"),
                "--out",
                file.to_str().unwrap(),
            ],
        );
        file
    };
    let s0 = shard(0, 3, "s0.bin");
    let s1 = shard(1, 3, "s1.bin");
    let s2 = shard(2, 3, "s2.bin");
    let cache = dir.join(".strata/cache/index.bin");
    let check = |files: &[&Path], expect: &[&str]| {
        let (code, err) = refused(&dir, files);
        assert_eq!(code, 2, "{err}");
        for e in expect {
            assert!(err.contains(e), "`{e}` not in:\n{err}");
        }
        assert!(!cache.exists(), "nothing is written on refusal");
    };

    // A shard missing, one given twice, shards of another count.
    check(&[&s0, &s2], &["shards missing: `1/3`", "hint: "]);
    check(
        &[&s0, &s1, &s2, &s1],
        &["error: `[DIR]/s1.bin` and `[DIR]/s1.bin` are both shard 1/3"],
    );
    let other_count = shard(1, 2, "t1.bin");
    check(
        &[&s0, &other_count, &s2],
        &["`[DIR]/t1.bin` differs from `[DIR]/s0.bin` in its shard count (2 against 3)"],
    );

    // Damaged files: truncated, altered, not a shard at all, absent.
    let bytes = std::fs::read(&s1).unwrap();
    let truncated = tmp.path().join("truncated.bin");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    check(
        &[&s0, &truncated, &s2],
        &["the shard `[DIR]/truncated.bin` is damaged"],
    );
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    let altered = tmp.path().join("altered.bin");
    std::fs::write(&altered, &flipped).unwrap();
    check(
        &[&s0, &altered, &s2],
        &["the shard `[DIR]/altered.bin` is damaged"],
    );
    let empty = tmp.path().join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    check(&[&empty], &["`[DIR]/empty.bin` is not a strata shard file"]);
    check(
        &[&s0, &dir.join("strata.toml"), &s2],
        &["`[DIR]/repo/strata.toml` is not a strata shard file"],
    );
    check(
        &[&s0, &tmp.path().join("absent.bin"), &s2],
        &["cannot read the shard `[DIR]/absent.bin`"],
    );

    // A shard of another configuration: refused whether the others agree with it or not.
    let mut config = std::fs::read_to_string(dir.join("strata.toml")).unwrap();
    let original = config.clone();
    config.push_str("\n# another configuration\n");
    std::fs::write(dir.join("strata.toml"), &config).unwrap();
    let other = shard(1, 3, "other.bin");
    std::fs::write(dir.join("strata.toml"), &original).unwrap();
    check(
        &[&s0, &other, &s2],
        &["the shard `[DIR]/other.bin` was made with another configuration than this repository's"],
    );
    // A tree that differs between shards: a file grew after the first shards were scanned.
    let file = dir.join("services/ai-service/src/models.ts");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n// grown\n")).unwrap();
    let grown = shard(2, 3, "grown.bin");
    std::fs::write(&file, &text).unwrap();
    check(
        &[&s0, &s1, &grown],
        &["`[DIR]/grown.bin` differs from `[DIR]/s0.bin` in its file tree"],
    );

    // The whole set merges.
    let (code, err) = refused(&dir, &[&s2, &s0, &s1]);
    assert_eq!(code, 0, "{err}");
    assert!(cache.exists());
    // A file changed since the shards were scanned is read and extracted again; every other
    // file comes from the merged index.
    std::fs::write(&file, format!("{text}\nexport const changed = 1;\n")).unwrap();
    let scan = json(&run_ok(&dir, &["scan", "--format", "json"]));
    assert_eq!(
        scan["cached"].as_u64().unwrap() + 1,
        scan["files"].as_u64().unwrap(),
        "{scan}"
    );
}
