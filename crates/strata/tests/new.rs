//! `strata new` and `strata template` in a copy of `examples/coder-ide`, with the engine's
//! fixture templates as the repository's own `templates/`.

use std::path::Path;

use insta::assert_snapshot;
use strata_test::{CliTest, copy_dir};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// The example repository with the fixture templates under `templates/`.
fn repo() -> CliTest {
    let t = CliTest::new(BIN);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&manifest.join("../../examples/coder-ide"), t.root());
    copy_dir(
        &manifest.join("../strata_templates/tests/fixtures/templates"),
        &t.root().join("templates"),
    );
    t
}

#[test]
fn dry_run_prints_the_tree_and_module_yaml_and_writes_nothing() {
    let t = repo();
    assert_snapshot!(t.snapshot(&[
        "--no-cache",
        "new",
        "child-mod",
        "my-mod",
        "--set",
        "depends_on=session-store",
        "--dry-run"
    ]));
    assert!(!t.root().join("services/my-mod").exists());
}

#[test]
fn new_writes_the_module_and_its_answers_file_once() {
    let t = repo();
    let out = t.run(&[
        "--no-cache",
        "new",
        "child-mod",
        "my-mod",
        "--set",
        "db=true",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        t.read("services/my-mod/README.md")
            .starts_with("# my-mod (axum)")
    );
    assert!(
        t.root()
            .join("services/my-mod/migrations/001.sql")
            .is_file()
    );
    assert!(!t.root().join("services/my-mod/hooked.txt").exists());
    let answers = t.read("services/my-mod/.strata-template.yaml");
    assert!(
        answers.contains("template: child-mod\nversion: 2.1.0\n"),
        "{answers}"
    );
    assert!(answers.contains("  db: true\n"), "{answers}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("hook `echo hooked > hooked.txt` not run")
    );
    // The module is a module of the repository now, so the name is taken.
    assert_snapshot!(t.snapshot(&["--no-cache", "new", "child-mod", "my-mod"]));
    // Into the same folder under another name: nothing is overwritten.
    let out = t.run(&[
        "--no-cache",
        "new",
        "child-mod",
        "other",
        "--into",
        "services/my-mod",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to overwrite"));
}

#[test]
fn trust_runs_hooks() {
    let t = repo();
    let out = t.run(&["--no-cache", "new", "child-mod", "my-mod", "--trust"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(t.read("services/my-mod/hooked.txt"), "hooked\n");
}

#[test]
fn values_file_and_set() {
    let t = repo();
    t.write(
        "values.yaml",
        "framework: actix\ncode: xyz\nowner: team:devex\n",
    );
    let out = t.run(&[
        "--no-cache",
        "new",
        "child-mod",
        "my-mod",
        "--values",
        "values.yaml",
        "--set",
        "code=qq",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["answers"]["framework"], "actix");
    assert_eq!(v["answers"]["code"], "qq");
    assert_eq!(v["answers"]["owner"], "team:devex");
    assert_eq!(v["written"], true);
}

#[test]
fn bad_input_is_exit_2_with_a_hint() {
    let t = repo();
    assert_snapshot!(t.snapshot(&["--no-cache", "new", "chld-mod", "my-mod"]));
    assert_snapshot!(t.snapshot(&[
        "--no-cache",
        "new",
        "child-mod",
        "my-mod",
        "--set",
        "framework=actx"
    ]));
}

#[test]
fn a_built_in_template_makes_a_module_that_passes_check() {
    let t = repo();
    let out = t.run(&[
        "--no-cache",
        "new",
        "rust-library",
        "my-lib",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let into = v["into"].as_str().unwrap();
    assert!(t.root().join(into).join("module.yaml").is_file());
    assert!(t.root().join(into).join(".strata-template.yaml").is_file());
    let out = t.run(&["--no-cache", "check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mine: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.to_string().contains("my-lib"))
        .collect();
    assert!(mine.is_empty(), "{mine:#?}");
}

#[test]
fn template_list_and_show() {
    let t = repo();
    let out = t.run(&["template", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = v["templates"].as_array().unwrap();
    let child = list.iter().find(|t| t["name"] == "child-mod").unwrap();
    assert_eq!(
        child,
        &serde_json::json!({
            "name": "child-mod",
            "version": "2.1.0",
            "category": "service",
            "description": "A child of base-mod",
            "extends": "base-mod",
            "source": "repository",
        })
    );
    assert!(list.iter().any(|t| t["source"] == "builtin"));
    assert_snapshot!(t.snapshot(&["template", "show", "child-mod"]));
}

#[test]
fn a_repository_template_replaces_a_built_in_one() {
    let t = repo();
    t.write(
        "templates/rust-library/template.yaml",
        "name: rust-library\nversion: 9.0.0\ndescription: ours\ncategory: library\n",
    );
    let out = t.run(&["template", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("rust-library"))
        .unwrap();
    assert!(
        line.contains("9.0.0") && line.contains("replaces the built-in"),
        "{line}"
    );
}

/// On a terminal (here a pseudo-terminal from util-linux's `script`), `strata new` asks for
/// each variable not given, shows its default, asks again after an invalid answer; with `CI`
/// set, or `--defaults`, it asks nothing.
#[test]
fn a_terminal_is_asked_for_the_answers_and_ci_never_is() {
    let t = repo();
    let run = |args: &str, input: &str, ci: bool| {
        let mut command = std::process::Command::new("script");
        command
            .args(["-qec", &format!("{BIN} --no-cache {args}"), "/dev/null"])
            .current_dir(t.root())
            .env_remove("CI")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        if ci {
            command.env("CI", "true");
        }
        let mut child = command.spawn().expect("util-linux `script` runs");
        // Ctrl-D at the start of a line: the end of input on a terminal (`script` does not
        // pass its own end of input on).
        let input = format!("{input}\u{4}");
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Owner: a typo, then a team; description: the default; the rest: defaults (end of input).
    let screen = run(
        "new rust-library asked-lib --set edition=2024",
        "nobody\nplatform\n\n",
        false,
    );
    assert!(
        screen.contains("The team that owns the module (owner) [team:ai]: "),
        "{screen}"
    );
    assert!(screen.contains("unknown team `nobody`"), "{screen}");
    assert!(
        screen.contains(
            "One line saying what the crate does (description) [The asked-lib library]: "
        ),
        "{screen}"
    );
    assert!(
        !screen.contains("(edition)"),
        "a given answer was asked: {screen}"
    );
    let answers = t.read("libs/asked-lib/.strata-template.yaml");
    assert!(
        answers.contains("  owner: \"team:platform\"\n"),
        "{answers}"
    );
    assert!(answers.contains("  edition: \"2024\"\n"), "{answers}");

    for (args, ci) in [
        ("new rust-library quiet-lib", true),
        ("new rust-library quieter-lib --defaults", false),
    ] {
        let screen = run(args, "", ci);
        assert!(!screen.contains("(owner)"), "{args}: {screen}");
        assert!(screen.contains("created 12 files"), "{args}: {screen}");
    }
}
