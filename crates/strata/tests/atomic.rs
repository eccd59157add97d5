//! Killed mid-write, strata leaves the old file or the new one, never a part: the baseline
//! and the cache are written to a temporary file and renamed into place.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// A fleet of `modules` Python modules of `files` files each, large enough that a run lasts
/// long enough to be killed mid-write: every file imports the next one of its module, and
/// every tenth file the first file of the next module without declaring it (an
/// `undeclared-dependency` finding for the baseline).
fn fleet(root: &Path, modules: usize, files: usize) {
    let write = |path: String, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "strata.toml".into(),
        "[lanes]\nmain = []\n[teams.t]\ncontact = \"t@example.com\"\n",
    );
    for m in 0..modules {
        let next = (m + 1) % modules;
        write(
            format!("m{m}/module.yaml"),
            &format!("name: m{m}\nowner: team:t\nlifecycle: production\nlane: main\n"),
        );
        write(
            format!("m{m}/pyproject.toml"),
            &format!("[project]\nname = \"m{m}\"\nversion = \"1.0.0\"\n"),
        );
        write(format!("m{m}/m{m}/__init__.py"), "");
        for f in 0..files {
            let mut text = format!("from m{m} import f{} as _next\n", (f + 1) % files);
            if f % 10 == 0 {
                writeln!(text, "import m{next}.f0").unwrap();
            }
            writeln!(
                text,
                "\n\ndef run_{f}(x):\n    return _next.run_{}(x) + {f}",
                (f + 1) % files
            )
            .unwrap();
            write(format!("m{m}/m{m}/f{f}.py"), &text);
        }
    }
}

#[test]
fn sigkill_never_leaves_a_partial_baseline_or_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fleet(root, 30, 50);
    let baseline = root.join("baseline.json");
    let cache = root.join(".strata/cache/index.bin");
    // A first complete baseline: the "old" file.
    let status = Command::new(BIN)
        .args(["check", "--baseline", "baseline.json", "--update-baseline"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(status.success());
    let old = std::fs::read(&baseline).unwrap();
    // Kill at spread-out moments across the run (a fixed sequence, so the test is repeatable).
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 0..24 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % 400);
        // Half the rounds rebuild the cache from nothing, so its write is in the window too.
        if round % 2 == 0 {
            let _ = std::fs::remove_dir_all(root.join(".strata"));
        }
        let mut child = Command::new(BIN)
            .args(["check", "--baseline", "baseline.json", "--update-baseline"])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&baseline).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&now)
            .unwrap_or_else(|e| panic!("round {round}: partial baseline ({e})"));
        assert!(
            now == old || parsed["findings"].is_array(),
            "round {round}: neither old nor new"
        );
        // A cache that survives is complete: the next run uses it or rebuilds it without a word
        // of corruption.
        if cache.exists() {
            let out = Command::new(BIN)
                .args(["scan"])
                .current_dir(root)
                .output()
                .unwrap();
            assert!(out.status.success());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !stderr.contains("corrupt"),
                "round {round}: partial cache: {stderr}"
            );
        }
    }
}
