//! `strata template update` in real git repositories: a repository template (under
//! `[templates] paths`) at version 1.0.0 makes a module, the module is edited and committed,
//! the template moves to 2.0.0 in a later commit, and the update merges both: a clean merge,
//! a conflict reported per file, the guard against uncommitted changes, a dry run.

use strata_test::CliTest;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

const CONFIG: &str = r#"[project]
name = "notes"
[teams.platform]
contact = "platform@example.com"
[templates]
paths = ["tools/templates"]
"#;

const SPEC_V1: &str = r#"name: notes-lib
version: 1.0.0
description: A small Python library
category: library
into: "libs/{{ name }}"
variables:
  - { name: greeting, type: string, default: "hello", help: "What greet() says" }
  - { name: retired, type: string, default: "x" }
"#;

const SPEC_V2: &str = r#"name: notes-lib
version: 2.0.0
description: A small Python library
category: library
into: "libs/{{ name }}"
variables:
  - { name: greeting, type: string, default: "hello", help: "What greet() says" }
  - { name: farewell, type: string, default: "bye" }
"#;

const MODULE: &str = r#"schema: strata/v1
name: {{ name }}
kind: library
version: {{ version }}
owner: {{ owner }}
lifecycle: experimental
tier: {{ tier }}
interfaces: ["src/{{ snake_name }}/__init__.py"]
template: { name: {{ template }}, version: {{ template_version }} }
"#;

const INIT_V1: &str = r#""""{{ name }}."""

GREETING = "{{ greeting }}"


def greet(who):
    return f"{GREETING}, {who}"
"#;

const INIT_V2: &str = r#""""{{ name }}."""

GREETING = "{{ greeting }}"


def greet(who):
    return f"{GREETING}, {who}"


def farewell(who):
    return f"{{ farewell }}, {who}"
"#;

const README_V1: &str = "# {{ name }}\n\nWhat it is.\n\nHow to use it.\n";
const README_V2: &str = "# {{ name }}\n\nWhat it is, in one line.\n\nHow to use it.\n";

const DIR: &str = "tools/templates/notes-lib";
const MODULE_DIR: &str = "libs/notes";

/// A repository whose template is at 1.0.0, the module `notes` made from it and committed.
fn generated() -> CliTest {
    let t = CliTest::new(BIN);
    t.write("strata.toml", CONFIG)
        .write(&format!("{DIR}/template.yaml"), SPEC_V1)
        .write(&format!("{DIR}/files/module.yaml"), MODULE)
        .write(
            &format!("{DIR}/files/src/{{{{ snake_name }}}}/__init__.py"),
            INIT_V1,
        )
        .write(&format!("{DIR}/files/README.md"), README_V1)
        .write(&format!("{DIR}/files/OLD.md"), "Old notes.\n")
        .write(&format!("{DIR}/files/NOTES.md"), "Notes.\n")
        .write(
            &format!("{DIR}/files/@root/ci/{{{{ name }}}}.txt"),
            "ci of {{ path }}\n",
        )
        .git(&["init", "-q", "-b", "main"])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "template 1.0.0"]);
    let out = t.run(&["new", "notes-lib", "notes", "--defaults"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    t.git(&["add", "-A"])
        .git(&["commit", "-qm", "new module notes"]);
    t
}

/// The template moves to 2.0.0: `farewell()` added at the end of `__init__.py`, the README's
/// first paragraph reworded, CHANGELOG.md added, OLD.md and NOTES.md removed, the `retired`
/// variable replaced by `farewell`.
fn template_v2(t: &CliTest) {
    t.write(&format!("{DIR}/template.yaml"), SPEC_V2)
        .write(
            &format!("{DIR}/files/src/{{{{ snake_name }}}}/__init__.py"),
            INIT_V2,
        )
        .write(&format!("{DIR}/files/README.md"), README_V2)
        .write(&format!("{DIR}/files/CHANGELOG.md"), "# Changes\n")
        .write(
            &format!("{DIR}/files/@root/ci/{{{{ name }}}}.txt"),
            "ci of {{ path }}, on every push\n",
        )
        .git(&["rm", "-q", &format!("{DIR}/files/OLD.md")])
        .git(&["rm", "-q", &format!("{DIR}/files/NOTES.md")])
        .git(&["add", "-A"])
        .git(&["commit", "-qm", "template 2.0.0"]);
}

fn update_json(t: &CliTest, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["template", "update", "--format", "json"];
    all.extend_from_slice(args);
    let out = t.run(&all);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    (out.status.code(), v)
}

fn actions(v: &serde_json::Value) -> Vec<(String, String)> {
    v["modules"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn right_after_new_the_module_is_up_to_date() {
    let t = generated();
    let answers = t.read(&format!("{MODULE_DIR}/.strata-template.yaml"));
    assert!(
        answers.contains("template: notes-lib\nversion: 1.0.0\n"),
        "{answers}"
    );
    assert!(answers.contains("  greeting: \"hello\"\n"), "{answers}");
    // `files/@root/…` goes to the repository root, with the module's folder as `path`.
    assert_eq!(t.read("ci/notes.txt"), "ci of libs/notes\n");
    let (code, v) = update_json(&t, &[]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["modules"][0]["up_to_date"], true, "{v}");
    assert_eq!(v["modules"][0]["files"], serde_json::json!([]));
}

#[test]
fn local_edits_and_template_changes_merge_cleanly() {
    let t = generated();
    // A local change away from the template's (adjacent lines would conflict, as in git).
    let init = format!("{MODULE_DIR}/src/notes/__init__.py");
    let local = t
        .read(&init)
        .replace("\"\"\"notes.\"\"\"", "\"\"\"notes: what we keep.\"\"\"");
    t.write(&init, &local)
        .git(&["commit", "-qam", "greet shouts"]);
    template_v2(&t);

    let (code, v) = update_json(&t, &[]);
    assert_eq!(code, Some(0), "{v}");
    let m = &v["modules"][0];
    assert_eq!(
        (m["from"].as_str(), m["to"].as_str()),
        (Some("1.0.0"), Some("2.0.0"))
    );
    assert_eq!(m["base_unavailable"], serde_json::Value::Null, "{v}");
    assert_eq!(m["dropped_answers"], serde_json::json!(["retired"]));
    assert_eq!(
        actions(&v),
        pairs(&[
            ("CHANGELOG.md", "added"),
            ("NOTES.md", "deleted"),
            ("OLD.md", "deleted"),
            ("README.md", "updated"),
            ("module.yaml", "updated"),
            ("src/notes/__init__.py", "merged"),
            ("ci/notes.txt", "updated"),
        ])
    );
    assert_eq!(m["files"][6]["root"], true, "{v}");
    assert_eq!(t.read("ci/notes.txt"), "ci of libs/notes, on every push\n");
    assert_eq!(
        t.read(&init),
        "\"\"\"notes: what we keep.\"\"\"\n\nGREETING = \"hello\"\n\n\ndef greet(who):\n    return f\"{GREETING}, {who}\"\n\n\ndef farewell(who):\n    return f\"bye, {who}\"\n"
    );
    assert!(t.root().join(MODULE_DIR).join("CHANGELOG.md").is_file());
    assert!(!t.root().join(MODULE_DIR).join("OLD.md").exists());
    assert!(
        t.read(&format!("{MODULE_DIR}/module.yaml"))
            .contains("template: { name: notes-lib, version: 2.0.0 }")
    );
    let answers = t.read(&format!("{MODULE_DIR}/.strata-template.yaml"));
    assert!(answers.contains("version: 2.0.0\n"), "{answers}");
    assert!(answers.contains("  farewell: \"bye\"\n"), "{answers}");
    assert!(!answers.contains("retired"), "{answers}");

    // Updated once, the module is up to date; `strata check` has nothing to say of it.
    t.git(&["add", "-A"]).git(&["commit", "-qm", "update"]);
    let (code, v) = update_json(&t, &[]);
    assert_eq!(
        (code, &v["modules"][0]["up_to_date"]),
        (Some(0), &true.into())
    );
    let out = t.run(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"], serde_json::json!([]), "{out:?}");
}

#[test]
fn the_same_lines_changed_on_both_sides_are_a_conflict_with_markers() {
    let t = generated();
    let readme = format!("{MODULE_DIR}/README.md");
    let notes = format!("{MODULE_DIR}/NOTES.md");
    t.write(
        &readme,
        "# notes\n\nWhat it is, for us.\n\nHow to use it.\n",
    )
    .write(&notes, "Notes we keep.\n")
    .git(&["commit", "-qam", "local notes"]);
    template_v2(&t);

    let out = t.run(&["template", "update", "notes"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("libs/notes: notes-lib 1.0.0 -> 2.0.0"),
        "{text}"
    );
    assert!(
        text.contains("  conflict  README.md  (changed locally and by the template on the same lines: conflict markers written)"),
        "{text}"
    );
    assert!(
        text.contains(
            "  conflict  NOTES.md  (changed locally, removed by the template: left as it is)"
        ),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 conflict(s)"), "{stderr}");
    assert_eq!(
        t.read(&readme),
        "# notes\n\n<<<<<<< local\nWhat it is, for us.\n=======\nWhat it is, in one line.\n>>>>>>> template notes-lib 2.0.0\n\nHow to use it.\n"
    );
    assert_eq!(t.read(&notes), "Notes we keep.\n");
}

#[test]
fn uncommitted_changes_stop_the_update_and_a_dry_run_writes_nothing() {
    let t = generated();
    template_v2(&t);
    let readme = format!("{MODULE_DIR}/README.md");
    t.write(&readme, "# notes\n\nWork in progress.\n");
    let out = t.run(&["template", "update"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`libs/notes` has changes not committed to git: `libs/notes/README.md`"),
        "{stderr}"
    );
    assert!(stderr.contains("commit or stash them first"), "{stderr}");

    t.git(&["checkout", "-q", "--", MODULE_DIR]);
    let (code, v) = update_json(&t, &["--dry-run"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["written"], false);
    assert_eq!(v["modules"][0]["files"].as_array().unwrap().len(), 7, "{v}");
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(t.root())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&status.stdout),
        "",
        "a dry run wrote"
    );
}

#[test]
fn new_answers_render_again_and_bad_targets_are_explained() {
    let t = generated();
    let (code, v) = update_json(&t, &["notes", "--set", "greeting=hi"]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(actions(&v), pairs(&[("src/notes/__init__.py", "updated")]));
    assert!(
        t.read(&format!("{MODULE_DIR}/src/notes/__init__.py"))
            .contains("GREETING = \"hi\"")
    );
    t.git(&["commit", "-qam", "hi"]);

    let out = t.run(&["template", "update", "nots"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean `notes`?"));

    let out = t.run(&["template", "update", "notes", "--set", "greetin=x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("unknown variable `greetin` in `--set` (did you mean `greeting`?)"),
        "{out:?}"
    );

    t.write(
        "libs/plain/module.yaml",
        "schema: strata/v1\nname: plain\nowner: team:platform\n",
    )
    .git(&["add", "-A"])
    .git(&["commit", "-qm", "plain"]);
    let out = t.run(&["template", "update", "plain"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "`libs/plain` holds no `.strata-template.yaml`: it was not made by `strata new`"
        ),
        "{out:?}"
    );
}
