//! The engine against the fixture templates of `tests/fixtures/templates/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use strata_templates::{
    ANSWERS_FILE, Answer, Answers, Catalog, RenderOptions, Rendered, RepoFacts, Source,
    TemplateError, render,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn facts() -> RepoFacts {
    RepoFacts {
        modules: vec!["billing".into(), "users".into()],
        teams: vec!["core".into(), "web".into()],
        lanes: BTreeMap::from([
            ("core".into(), vec![]),
            ("products".into(), vec!["core".into()]),
        ]),
        layers: vec!["foundation".into(), "service".into()],
        ports: BTreeMap::from([(8000, "billing".into())]),
        strata_version: "0.1.0".into(),
    }
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    let mut a: Answers = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Answer::Text((*v).to_owned())))
        .collect();
    a.entry("name".into())
        .or_insert_with(|| Answer::Text("my-mod".into()));
    a
}

fn try_render(template: &str, pairs: &[(&str, &str)]) -> Result<Rendered, TemplateError> {
    let catalog = Catalog::load(&fixtures(), &[]).unwrap();
    render(
        &catalog,
        template,
        &answers(pairs),
        &facts(),
        &RenderOptions::default(),
    )
}

fn ok(template: &str, pairs: &[(&str, &str)]) -> Rendered {
    try_render(template, pairs).unwrap()
}

fn err(template: &str, pairs: &[(&str, &str)]) -> String {
    match try_render(template, pairs) {
        Ok(_) => panic!("`{template}` rendered"),
        Err(e) => e.to_string(),
    }
}

fn file<'a>(r: &'a Rendered, path: &str) -> &'a str {
    r.files
        .get(Path::new(path))
        .unwrap_or_else(|| panic!("no `{path}` in {:?}", r.files.keys()))
}

#[test]
fn catalog_lists_repository_templates() {
    let catalog = Catalog::load(&fixtures(), &[]).unwrap();
    let child = catalog.get("child-mod").unwrap();
    assert_eq!(child.source, Source::Repository);
    assert_eq!(child.spec.extends.as_deref(), Some("base-mod"));
    assert!(catalog.list().any(|t| t.spec.name == "ci-mixin"));
    let e = render(
        &catalog,
        "child-mdo",
        &answers(&[]),
        &facts(),
        &RenderOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no template is named `child-mdo` (did you mean `child-mod`?)"
    );
}

#[test]
fn built_ins_parse_and_render_with_defaults() {
    let catalog = Catalog::builtin().unwrap();
    for t in catalog.list() {
        assert_eq!(t.source, Source::Builtin);
        if t.spec.category == strata_templates::Category::Include {
            continue;
        }
        let r = render(
            &catalog,
            &t.spec.name,
            &answers(&[("name", "new-mod")]),
            &facts(),
            &RenderOptions::default(),
        );
        assert!(r.is_ok(), "`{}`: {}", t.spec.name, r.unwrap_err());
    }
}

#[test]
fn a_child_replaces_parent_files_and_merges_variables() {
    let r = ok("child-mod", &[]);
    assert_eq!(r.into, "services/my-mod");
    assert_eq!(
        file(&r, "README.md"),
        "# my-mod (axum)\n\nchild readme abc\n"
    );
    assert_eq!(file(&r, "src/my_mod.rs"), "pub struct MyMod;\n");
    // The parent's module.yaml, with the child's default for `description`.
    let module = file(&r, "module.yaml");
    assert!(module.contains("description: Child my-mod\n"), "{module}");
    assert!(module.contains("owner: team:core\nlane: products\nlayer: service\ntier: 3\n"));
    // Variables of parent, child and include, in one set.
    for key in ["db", "framework", "code", "ci_image", "upstream", "port"] {
        assert!(r.answers.contains_key(key), "{key}");
    }
    assert_eq!(r.answers["port"], Answer::Int(8001));
    assert_eq!(r.answers["db"], Answer::Bool(false));
    assert_eq!(r.template, "child-mod");
    assert_eq!(r.version, "2.1.0");
}

#[test]
fn includes_add_files_and_an_explicit_override_wins() {
    let r = ok("child-mod", &[("ci_image", "rust:2")]);
    assert_eq!(file(&r, "ci.yml"), "image: rust:2\nname: my-mod\n");
    assert!(file(&r, "README.md").contains("child readme"));
}

#[test]
fn an_include_overlapping_another_part_is_an_error_naming_both() {
    assert_eq!(
        err("overlap-mod", &[]),
        "templates `base-mod` and `ci-mixin` both write `README.md` (give `overlap-mod` its own `README.md` to choose)"
    );
}

#[test]
fn extends_cycles_and_missing_parents() {
    assert_eq!(
        err("cycle-a", &[]),
        "templates extend each other in a cycle: cycle-a -> cycle-b -> cycle-a"
    );
    assert_eq!(
        err("orphan", &[]),
        "template `orphan` extends `no-such-parent`, which does not exist"
    );
}

#[test]
fn the_strata_requirement_is_checked() {
    assert_eq!(
        err("future", &[]),
        "template `future` requires strata `>=99.0.0`, this is strata `0.1.0`"
    );
}

#[test]
fn template_syntax_errors_name_the_file_and_line() {
    let e = err("broken-syntax", &[]);
    assert!(
        e.starts_with("`templates/broken-syntax/files/notes.txt` line 3: "),
        "{e}"
    );
}

#[test]
fn a_misspelt_variable_is_an_error() {
    let catalog = Catalog::load(&fixtures(), &[]).unwrap();
    let mut entry = catalog.get("base-mod").unwrap().clone();
    entry
        .files
        .insert("typo.txt".into(), "ok\n{{ nmae }}\n".into());
    let mut catalog = Catalog::default();
    catalog.insert(entry);
    let e = render(
        &catalog,
        "base-mod",
        &answers(&[]),
        &facts(),
        &RenderOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("`templates/base-mod/files/typo.txt` line 2: "),
        "{e}"
    );
}

#[test]
fn variable_errors() {
    assert_eq!(
        err("child-mod", &[("code", "ABC")]),
        "variable `code`: `ABC` does not match `^[a-z]+$`"
    );
    assert_eq!(
        err("child-mod", &[("framework", "actx")]),
        "variable `framework`: `actx` is not one of the choices (did you mean `actix`? choose from `axum`, `actix`)"
    );
    assert_eq!(
        err("child-mod", &[("db", "true"), ("workers", "many")]),
        "variable `workers`: `many` is not a whole number"
    );
    assert_eq!(
        err("child-mod", &[("framwork", "axum")]),
        "unknown variable `framwork` in `--set` (did you mean `framework`?)"
    );
    assert_eq!(
        err("child-mod", &[("owner", "team:cor")]),
        "variable `owner`: unknown team `cor` (did you mean `team:core`? `strata.toml` declares `core`, `web`)"
    );
    assert_eq!(
        err("child-mod", &[("upstream", "biling")]),
        "variable `upstream`: no module is named `biling` (did you mean `billing`?)"
    );
    assert_eq!(
        err("child-mod", &[("lane", "prodcts")]),
        "variable `lane`: `prodcts` is not one of the choices (did you mean `products`? choose from `core`, `products`)"
    );
    assert_eq!(
        err("child-mod", &[("port", "8000")]),
        "variable `port`: port `8000` is already used by module `billing` (port `8001` is free)"
    );
    assert_eq!(
        err("child-mod", &[("name", "billing")]),
        "module name `billing`: a module of that name already exists"
    );
    assert_eq!(
        err("child-mod", &[("name", "My_Mod")]),
        "module name `My_Mod`: use lowercase letters, digits and `-`, starting with a letter"
    );
}

#[test]
fn set_values_are_typed() {
    let r = ok(
        "child-mod",
        &[
            ("owner", "web"),
            ("depends_on", "billing, users"),
            ("tier", "1"),
        ],
    );
    assert_eq!(r.answers["owner"], Answer::Text("team:web".into()));
    assert_eq!(
        r.answers["depends_on"],
        Answer::List(vec!["billing".into(), "users".into()])
    );
    assert_eq!(r.answers["tier"], Answer::Int(1));
    assert!(file(&r, "module.yaml").contains("depends_on: [billing, users]\n"));
}

#[test]
fn when_on_variables_and_file_rules() {
    // `workers` is neither asked nor checked without a database, and migrations are left out.
    let r = ok("base-mod", &[("workers", "many")]);
    assert!(!r.answers.contains_key("workers"));
    assert!(!r.files.keys().any(|p| p.starts_with("migrations")));
    let r = ok("base-mod", &[("db", "yes")]);
    assert_eq!(r.answers["workers"], Answer::Int(2));
    assert_eq!(
        file(&r, "migrations/001.sql"),
        "-- 2 workers\ncreate table my_mod (id int);\n"
    );
}

#[test]
fn hooks_run_only_with_trust() {
    let r = ok("child-mod", &[]);
    assert_eq!(r.skipped_hooks, ["echo hooked > hooked.txt"]);
    assert!(!r.files.contains_key(Path::new("hooked.txt")));
    let catalog = Catalog::load(&fixtures(), &[]).unwrap();
    let options = RenderOptions {
        trust: true,
        ..RenderOptions::default()
    };
    let r = render(&catalog, "child-mod", &answers(&[]), &facts(), &options).unwrap();
    assert!(r.skipped_hooks.is_empty());
    assert_eq!(file(&r, "hooked.txt"), "hooked\n");
    assert!(r.files.contains_key(Path::new("README.md")));
}

#[test]
fn into_can_be_overridden() {
    let catalog = Catalog::load(&fixtures(), &[]).unwrap();
    let options = RenderOptions {
        into: Some("elsewhere/x/"),
        ..RenderOptions::default()
    };
    let r = render(&catalog, "base-mod", &answers(&[]), &facts(), &options).unwrap();
    assert_eq!(r.into, "elsewhere/x");
    let options = RenderOptions {
        into: Some("../out"),
        ..RenderOptions::default()
    };
    assert!(render(&catalog, "base-mod", &answers(&[]), &facts(), &options).is_err());
}

#[test]
fn write_creates_the_module_with_its_answers_file_and_never_overwrites() {
    let repo = tempfile::tempdir().unwrap();
    let r = ok("child-mod", &[("framework", "actix")]);
    let dest = r.write(repo.path()).unwrap();
    assert_eq!(dest, repo.path().join("services/my-mod"));
    let answers = std::fs::read_to_string(dest.join(ANSWERS_FILE)).unwrap();
    assert!(
        answers.contains("template: child-mod\nversion: 2.1.0\nparts:\n"),
        "{answers}"
    );
    assert!(answers.contains("  framework: \"actix\"\n"), "{answers}");
    assert!(answers.contains("  db: false\n"), "{answers}");
    assert!(dest.join("src/my_mod.rs").is_file());
    // The answers file is YAML that reads back.
    let back = strata_templates::AnswersFile::read(&dest, "services/my-mod").unwrap();
    assert_eq!(back.template, "child-mod");
    assert_eq!(back.answers, r.answers);

    // A second time: every file exists; nothing is touched.
    std::fs::write(dest.join("README.md"), "mine\n").unwrap();
    let e = r.write(repo.path()).unwrap_err().to_string();
    assert!(
        e.starts_with(
            "refusing to overwrite existing files: `services/my-mod/.strata-template.yaml`"
        ),
        "{e}"
    );
    assert_eq!(
        std::fs::read_to_string(dest.join("README.md")).unwrap(),
        "mine\n"
    );
    // No staging folder is left behind.
    let left: Vec<_> = std::fs::read_dir(repo.path().join("services"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, ["my-mod"]);
}

#[test]
fn write_into_an_existing_folder_adds_files_when_none_clash() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join("libs/my-mod")).unwrap();
    std::fs::write(repo.path().join("libs/my-mod/keep.txt"), "x").unwrap();
    let r = ok("base-mod", &[]);
    r.write(repo.path()).unwrap();
    assert!(repo.path().join("libs/my-mod/module.yaml").is_file());
    assert!(repo.path().join("libs/my-mod/keep.txt").is_file());
}
