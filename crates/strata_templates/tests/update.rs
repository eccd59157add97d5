//! Updating against the built-in templates' embedded history, answers asked by a prompter,
//! and the rule that keeps built-in versions honest (`templates.lock`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest, Sha256};
use strata_templates::{
    Action, Answer, Answers, Catalog, Prompter, RenderOptions, RepoFacts, Variable, plan_update,
    render,
};

fn facts() -> RepoFacts {
    RepoFacts {
        modules: vec!["billing".into()],
        teams: vec!["core".into(), "web".into()],
        lanes: BTreeMap::from([
            ("core".into(), vec![]),
            ("products".into(), vec!["core".into()]),
        ]),
        layers: vec!["foundation".into(), "service".into()],
        ports: BTreeMap::new(),
        strata_version: "0.1.0".into(),
    }
}

fn named(name: &str) -> Answers {
    Answers::from([("name".to_owned(), Answer::Text(name.to_owned()))])
}

/// A module made when `base-module` was 1.0.0 (its embedded earlier version) updates to the
/// current `base-module`, which adds `template:` to module.yaml; a local edit elsewhere stays.
#[test]
fn a_module_made_from_an_earlier_built_in_version_updates_against_the_embedded_history() {
    let catalog = Catalog::builtin().unwrap();
    let root = tempfile::tempdir().unwrap();
    let old = BTreeMap::from([("base-module".to_owned(), "1.0.0".to_owned())]);
    let (pinned, missing) = catalog.pinned(&old, root.path()).unwrap();
    assert!(missing.is_empty(), "{missing:?}");
    let made = render(
        &pinned,
        "rust-library",
        &named("demo"),
        &facts(),
        &RenderOptions::default(),
    )
    .unwrap();
    assert_eq!(made.parts["base-module"], "1.0.0");
    made.write(root.path()).unwrap();
    let dir = root.path().join("libs/demo");
    let module = std::fs::read_to_string(dir.join("module.yaml")).unwrap();
    assert!(!module.contains("template:"), "{module}");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap() + "\nOur notes.\n";
    std::fs::write(dir.join("README.md"), &readme).unwrap();

    // The module exists now: the update leaves it out of the facts by itself.
    let mut facts = facts();
    facts.modules.push("demo".into());
    let update = plan_update(&catalog, root.path(), "libs/demo", &Answers::new(), &facts).unwrap();
    assert_eq!(update.base_unavailable, None);
    assert_eq!(
        update.parts_changed,
        [(
            "base-module".to_owned(),
            "1.0.0".to_owned(),
            "1.1.0".to_owned()
        )]
    );
    let actions: Vec<(&str, Action)> = update
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.action))
        .collect();
    assert_eq!(
        actions,
        [
            ("README.md", Action::Kept),
            ("module.yaml", Action::Updated)
        ]
    );
    update.apply(root.path()).unwrap();
    let module = std::fs::read_to_string(dir.join("module.yaml")).unwrap();
    assert!(
        module.ends_with("template: { name: rust-library, version: 1.0.0 }\n"),
        "{module}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        readme
    );
    let again = plan_update(&catalog, root.path(), "libs/demo", &Answers::new(), &facts).unwrap();
    assert!(again.up_to_date(), "{:?}", again.files);
}

/// Without its earlier version the base is unknown: files that differ are conflicts, never
/// overwritten.
#[test]
fn without_a_base_every_difference_is_a_conflict() {
    let catalog = Catalog::builtin().unwrap();
    let root = tempfile::tempdir().unwrap();
    let made = render(
        &catalog,
        "rust-library",
        &named("demo"),
        &facts(),
        &RenderOptions::default(),
    )
    .unwrap();
    made.write(root.path()).unwrap();
    let dir = root.path().join("libs/demo");
    let answers = std::fs::read_to_string(dir.join(".strata-template.yaml")).unwrap();
    std::fs::write(
        dir.join(".strata-template.yaml"),
        answers.replace("  docs: 1.0.0\n", "  docs: 0.9.0\n"),
    )
    .unwrap();
    std::fs::write(dir.join("docs/index.md"), "Ours.\n").unwrap();
    let update = plan_update(
        &catalog,
        root.path(),
        "libs/demo",
        &Answers::new(),
        &facts(),
    )
    .unwrap();
    assert_eq!(
        update.base_unavailable.as_deref(),
        Some("not found: docs 0.9.0")
    );
    let conflicts: Vec<&str> = update
        .files
        .iter()
        .filter(|f| f.action == Action::Conflict)
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(conflicts, ["docs/index.md"]);
}

struct Scripted(
    std::cell::RefCell<Vec<&'static str>>,
    std::cell::RefCell<Vec<String>>,
);

impl Prompter for Scripted {
    fn ask(&self, var: &Variable, default: &Answer, problem: Option<&str>) -> Option<String> {
        let mut log = self.1.borrow_mut();
        log.push(format!(
            "{} [{}]{}",
            var.name,
            default.to_text(),
            problem.map_or_else(String::new, |p| format!(" after: {p}"))
        ));
        let next = self.0.borrow_mut().pop()?;
        (!next.is_empty()).then(|| next.to_owned())
    }
}

/// Each question shows its default; an empty answer takes it; an invalid one is asked again
/// with the reason; a choice of one is not asked.
#[test]
fn a_prompter_is_asked_for_what_was_not_given() {
    let catalog = Catalog::builtin().unwrap();
    // Answers in reverse order of the questions: owner (twice), description, edition (twice).
    let prompter = Scripted(
        std::cell::RefCell::new(vec!["2024", "2023", "", "web", "tem:web"]),
        std::cell::RefCell::default(),
    );
    let mut given = named("demo");
    given.insert("interface".into(), Answer::Text("src/lib.rs".into()));
    given.insert("test_command".into(), Answer::Text("cargo test".into()));
    given.insert(
        "strata_install".into(),
        Answer::Text("cargo install strata".into()),
    );
    let rendered = render(
        &catalog,
        "rust-library",
        &given,
        &facts(),
        &RenderOptions {
            prompter: Some(&prompter),
            ..RenderOptions::default()
        },
    )
    .unwrap();
    assert_eq!(rendered.answers["owner"], Answer::Text("team:web".into()));
    assert_eq!(
        rendered.answers["description"],
        Answer::Text("The demo library".into())
    );
    assert_eq!(rendered.answers["edition"], Answer::Text("2024".into()));
    let log = prompter.1.borrow();
    assert_eq!(log[0], "owner [team:core]");
    assert!(
        log[1].starts_with("owner [team:core] after: variable `owner`: unknown team `tem:web`"),
        "{log:?}"
    );
    assert_eq!(log[2], "description [The demo library]");
    assert_eq!(log[3], "edition [2021]");
    assert!(
        log[4].starts_with(
            "edition [2021] after: variable `edition`: `2023` is not one of the choices"
        ),
        "{log:?}"
    );
    assert_eq!(log.len(), 5, "{log:?}");
}

/// `templates.lock` records each built-in's version and a digest of its folder: a built-in
/// whose files change keeps its version only if the lock says so, and a version left behind
/// must be kept under `history/` so that modules made from it can update. Regenerate with
/// `STRATA_UPDATE_TEMPLATES_LOCK=1 cargo test -p strata_templates --test update`.
#[test]
fn built_in_templates_change_only_with_a_new_version_and_keep_the_old_one() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = Catalog::builtin().unwrap();
    let mut expected =
        String::from("# name version sha256 of template.yaml and files/ (tests/update.rs)\n");
    let mut current = BTreeMap::new();
    for t in catalog.list() {
        let digest = digest(&base.join("templates").join(&t.spec.name));
        let _ = writeln!(expected, "{} {} {digest}", t.spec.name, t.spec.version);
        current.insert(t.spec.name.clone(), (t.spec.version.clone(), digest));
    }
    let lock_path = base.join("templates.lock");
    if std::env::var_os("STRATA_UPDATE_TEMPLATES_LOCK").is_some() {
        std::fs::write(&lock_path, &expected).unwrap();
    }
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
    let mut problems = Vec::new();
    for line in lock.lines().filter(|l| !l.starts_with('#')) {
        let [name, version, digest] = line.split(' ').collect::<Vec<_>>()[..] else {
            problems.push(format!("bad line `{line}`"));
            continue;
        };
        let Some((now, now_digest)) = current.get(name) else {
            continue;
        };
        if now == version && now_digest != digest {
            problems.push(format!(
                "`{name}` changed but is still version {version}: bump `version` in its template.yaml and copy version {version} (from git) to history/{name}/{version}/"
            ));
        }
        if now != version && catalog.at_version(name, version, base).unwrap().is_none() {
            problems.push(format!(
                "`{name}` left version {version} behind: keep it under history/{name}/{version}/"
            ));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(
        lock, expected,
        "templates.lock is out of date: run with STRATA_UPDATE_TEMPLATES_LOCK=1"
    );
}

fn digest(dir: &Path) -> String {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    for (rel, bytes) in files {
        hasher.update(rel.as_bytes());
        hasher.update([0]);
        hasher.update(&bytes);
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(12)
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            let rel = path.strip_prefix(base).unwrap();
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((rel.join("/"), std::fs::read(&path).unwrap()));
        }
    }
}
