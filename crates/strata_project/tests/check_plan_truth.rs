//! `check_plan` against generated ground truth: every planted violation, asked about as the
//! import an agent would plan, is flagged by the right rule; imports the truth allows (no
//! planted finding, no cycle, an interface target) are flagged by nothing.
#![allow(clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;
use strata_project::{LoadOptions, Plan, PlanDoc, PlannedChange, Project};
use strata_test::{Corpus, generate};

const SEEDS: [u64; 3] = [51, 52, 53];
const FILES: usize = 3000;
/// Allowed imports asked about per seed.
const ALLOWED_SAMPLE: usize = 150;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn list(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().map(s).collect()
}

/// The corpus with `file-cycle` on, as a project without a cache.
fn load(corpus: &Corpus) -> Project {
    let config = corpus.root().join("strata.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[rules]\nfile-cycle = \"warn\"\n");
    std::fs::write(&config, text).unwrap();
    Project::load(&LoadOptions {
        root: Some(corpus.root().to_path_buf()),
        no_cache: true,
        ..LoadOptions::default()
    })
    .expect("the corpus loads")
}

/// One planted violation asked about as a planned import.
struct Case {
    kind: &'static str,
    rule: &'static str,
    file: String,
    import: String,
    /// Whether a finding is the one planted.
    expect: Box<dyn Fn(&strata_diagnostics::Diagnostic) -> bool>,
}

fn one_import(project: &Project, file: &str, import: &str) -> PlanDoc {
    let plan = Plan {
        changes: vec![PlannedChange {
            file: file.to_owned(),
            imports: vec![import.to_owned()],
            new_file: None,
        }],
        dependencies: Vec::new(),
    };
    project
        .check_plan(project.index(), &plan)
        .expect("a valid plan")
}

fn cases(truth: &Value, first_file: &BTreeMap<String, String>) -> Vec<Case> {
    let f = &truth["findings"];
    let items = |k: &str| f[k].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for x in items("undeclared_deps") {
        let (module, dependency) = (s(&x["module"]), s(&x["dependency"]));
        let edge = list(&x["example_edge"]);
        out.push(Case {
            kind: "undeclared_deps",
            rule: "undeclared-dependency",
            file: edge[0].clone(),
            import: edge[1].clone(),
            expect: Box::new(move |d| d.module == module && d.target.as_ref() == Some(&dependency)),
        });
    }
    for x in items("internal_imports") {
        let (from, to) = (s(&x["from"]), s(&x["to"]));
        let (file, target) = (from.clone(), to.clone());
        out.push(Case {
            kind: "internal_imports",
            rule: "internal-import",
            file: from,
            import: to,
            expect: Box::new(move |d| d.file == file && d.target_file.as_ref() == Some(&target)),
        });
    }
    for (kind, rule) in [
        ("lane_violations", "lane-violation"),
        ("tier_violations", "layer-violation"),
    ] {
        for x in items(kind) {
            let (from, to) = (s(&x["from_module"]), s(&x["to_module"]));
            let (module, target) = (from.clone(), to.clone());
            out.push(Case {
                kind,
                rule,
                file: first_file[&from].clone(),
                import: to,
                expect: Box::new(move |d| d.module == module && d.target.as_ref() == Some(&target)),
            });
        }
    }
    for x in items("module_cycles") {
        let cycle = list(&x["cycle"]);
        let mut members = list(&x["members"]);
        members.sort();
        out.push(Case {
            kind: "module_cycles",
            rule: "no-cycles",
            file: first_file[&cycle[0]].clone(),
            import: cycle[1].clone(),
            expect: Box::new(move |d| d.members.as_ref() == Some(&members)),
        });
    }
    for x in items("file_cycles") {
        let cycle = list(&x["cycle"]);
        let mut members = list(&x["members"]);
        members.sort();
        out.push(Case {
            kind: "file_cycles",
            rule: "file-cycle",
            file: cycle[0].clone(),
            import: cycle[1].clone(),
            expect: Box::new(move |d| d.members.as_ref() == Some(&members)),
        });
    }
    out
}

/// File edges the truth allows: between modules with no planted finding and no shared
/// cycle, from and to files in no file cycle, to a file of its module's interface. An even
/// sample of them.
fn allowed_edges(truth: &Value, module_of: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let f = &truth["findings"];
    let items = |k: &str| f[k].as_array().cloned().unwrap_or_default();
    let mut planted: BTreeSet<(String, String)> = BTreeSet::new();
    for x in items("undeclared_deps") {
        planted.insert((s(&x["module"]), s(&x["dependency"])));
    }
    for k in ["internal_imports", "lane_violations", "tier_violations"] {
        for x in items(k) {
            planted.insert((s(&x["from_module"]), s(&x["to_module"])));
        }
    }
    let module_cycles: Vec<Vec<String>> = items("module_cycles")
        .iter()
        .map(|x| list(&x["members"]))
        .collect();
    let cyclic_files: BTreeSet<String> = items("file_cycles")
        .iter()
        .flat_map(|x| list(&x["members"]))
        .collect();
    let interfaces: BTreeSet<String> = truth["modules"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|m| list(&m["interfaces"]))
        .collect();
    let allowed: Vec<(String, String)> = truth["file_edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (s(&e[0]), s(&e[1])))
        .filter(|(a, b)| {
            let (Some(ma), Some(mb)) = (module_of.get(a), module_of.get(b)) else {
                return false;
            };
            let pair = (ma.clone(), mb.clone());
            let in_cycle = module_cycles
                .iter()
                .any(|m| m.contains(ma) && m.contains(mb));
            interfaces.contains(b)
                && !cyclic_files.contains(a)
                && !cyclic_files.contains(b)
                && (ma == mb || (!planted.contains(&pair) && !in_cycle))
        })
        .collect();
    let step = (allowed.len() / ALLOWED_SAMPLE).max(1);
    allowed
        .into_iter()
        .step_by(step)
        .take(ALLOWED_SAMPLE)
        .collect()
}

#[test]
fn planted_violations_are_flagged_and_allowed_imports_are_not() {
    // kind -> (flagged, planted) per seed
    let mut table: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    let mut allowed_rows = Vec::new();
    let mut failures = String::new();
    for (k, seed) in SEEDS.into_iter().enumerate() {
        let Some(corpus) = generate(FILES, seed, &["--violations-rate", "0.03"]) else {
            return;
        };
        let project = load(&corpus);
        let index = project.index();
        let mut first_file: BTreeMap<String, String> = BTreeMap::new();
        let mut module_of: BTreeMap<String, String> = BTreeMap::new();
        for s in &project.sources {
            if let Some(m) = s.module {
                let name = project.modules[m].name().to_owned();
                first_file
                    .entry(name.clone())
                    .or_insert_with(|| s.path.clone());
                module_of.insert(s.path.clone(), name);
            }
        }
        assert!(!index.file_edges.is_empty());
        for case in cases(&corpus.truth, &first_file) {
            let doc = one_import(&project, &case.file, &case.import);
            let flagged = doc
                .findings
                .iter()
                .any(|d| d.rule == case.rule && (case.expect)(d));
            let row = table
                .entry(case.kind)
                .or_insert_with(|| vec![(0, 0); SEEDS.len()]);
            row[k].1 += 1;
            if flagged {
                row[k].0 += 1;
            } else {
                let _ = writeln!(
                    failures,
                    "seed {seed} {}: `{}` importing `{}` is not flagged: {:?} {:?}",
                    case.kind,
                    case.file,
                    case.import,
                    doc.findings
                        .iter()
                        .map(|d| (d.rule, &d.message))
                        .collect::<Vec<_>>(),
                    doc.unresolved
                );
            }
        }
        let sample = allowed_edges(&corpus.truth, &module_of);
        let across = sample
            .iter()
            .filter(|(a, b)| module_of.get(a) != module_of.get(b))
            .count();
        let mut false_positives = 0;
        for (from, to) in &sample {
            let doc = one_import(&project, from, to);
            if !doc.findings.is_empty() || !doc.unresolved.is_empty() || !doc.allowed {
                false_positives += 1;
                let _ = writeln!(
                    failures,
                    "seed {seed}: allowed `{from}` -> `{to}` flagged: {:?} {:?}",
                    doc.findings
                        .iter()
                        .map(|d| (d.rule, &d.message))
                        .collect::<Vec<_>>(),
                    doc.unresolved
                );
            }
        }
        assert!(
            sample.len() >= 100 && across >= 30,
            "seed {seed}: {} allowed edges, {across} across modules",
            sample.len()
        );
        allowed_rows.push(format!(
            "seed {seed}: {false_positives} of {} allowed imports flagged ({across} across modules)",
            sample.len()
        ));
    }
    let mut text = format!("{:<18}", "kind (flagged/planted)");
    for seed in SEEDS {
        let _ = write!(text, " {:>9}", format!("seed {seed}"));
    }
    text.push_str("     total\n");
    for (kind, row) in &table {
        let _ = write!(text, "{kind:<22}");
        for (flagged, planted) in row {
            let _ = write!(text, " {:>9}", format!("{flagged}/{planted}"));
        }
        let (f, p) = row.iter().fold((0, 0), |(a, b), (f, p)| (a + f, b + p));
        let _ = writeln!(text, " {:>9}", format!("{f}/{p}"));
    }
    eprintln!("{text}{}", allowed_rows.join("\n"));
    assert!(failures.is_empty(), "{failures}");
}

/// What a planned import resolves to: target files and external packages, sorted.
fn resolved(
    project: &Project,
    file: &str,
    import: &str,
    new_file: bool,
) -> (Vec<String>, Vec<String>) {
    let plan = Plan {
        changes: vec![PlannedChange {
            file: file.to_owned(),
            imports: vec![import.to_owned()],
            new_file: Some(new_file),
        }],
        dependencies: Vec::new(),
    };
    let doc = project
        .check_plan(project.index(), &plan)
        .expect("a valid plan");
    let mut files: Vec<String> = doc
        .imports
        .iter()
        .filter_map(|i| i.target_file.clone())
        .collect();
    let mut external: Vec<String> = doc
        .imports
        .iter()
        .filter_map(|i| i.external.clone())
        .collect();
    files.sort();
    external.sort();
    (files, external)
}

/// An import as an agent would plan it: the specifier, or the statement when the specifier
/// alone means something else (`from a import b`, `import static a.B.c`).
fn planned_text(lang: strata_project::Lang, import: &strata_lang::Import) -> Option<String> {
    use strata_lang::ImportKind;
    use strata_project::Lang;
    let spec = &import.spec;
    match (lang, import.kind) {
        // Paths relative to the file's own module, and code paths, are not imports a new file
        // would plan the same way.
        (Lang::Rust, ImportKind::Mod | ImportKind::Qualified | ImportKind::ExternCrate) => None,
        (Lang::Rust, _) if !spec.starts_with("crate::") => None,
        (Lang::Py, _) if !import.names.is_empty() => {
            Some(format!("from {spec} import {}", import.names.join(", ")))
        }
        (Lang::Java, ImportKind::StaticMember) => Some(format!("import static {spec};")),
        _ => Some(spec.clone()),
    }
}

/// The same relative import written one folder further down (`./x` -> `../x`, `.x` -> `..x`).
fn one_folder_down(lang: strata_project::Lang, text: &str) -> Option<String> {
    use strata_project::Lang;
    match lang {
        Lang::Ts if text == "." || text == ".." => Some(format!("../{text}")),
        Lang::Ts if text.starts_with("./") => Some(format!("../{}", &text[2..])),
        Lang::Ts if text.starts_with("../") => Some(format!("../{text}")),
        Lang::Py if text.starts_with('.') => Some(format!(".{text}")),
        Lang::Py if text.starts_with("from .") => Some(text.replacen("from .", "from ..", 1)),
        _ => None,
    }
}

#[test]
fn new_files_resolve_their_imports_like_the_files_beside_them() {
    let Some(corpus) = generate(FILES, 54, &[]) else {
        return;
    };
    let project = load(&corpus);
    let facts = project.index().facts();
    // lang -> [(imports compared, mismatches) beside the file, one folder down]
    let mut table: BTreeMap<&str, [(usize, usize); 2]> = BTreeMap::new();
    let mut failures = String::new();
    for (i, source) in project.sources.iter().enumerate().step_by(7) {
        let lang = source.lang;
        let (dir, name) = source.path.rsplit_once('/').unwrap_or(("", &source.path));
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        let sibling = format!("{dir}/zz_planned.{ext}");
        let nested = format!("{dir}/zz_planned/zz_planned.{ext}");
        for import in &facts[i].imports {
            let Some(text) = planned_text(lang, import) else {
                continue;
            };
            let want = resolved(&project, &source.path, &text, false);
            let mut asked = vec![(sibling.clone(), text.clone())];
            if let Some(down) = one_folder_down(lang, &text) {
                asked.push((nested.clone(), down));
            }
            for (k, (file, text)) in asked.into_iter().enumerate() {
                let got = resolved(&project, &file, &text, true);
                let row = &mut table.entry(lang.as_str()).or_default()[k];
                row.0 += 1;
                if got != want {
                    row.1 += 1;
                    let _ = writeln!(
                        failures,
                        "`{text}` from new `{file}`: {got:?}; from `{}`: {want:?}",
                        source.path
                    );
                }
            }
        }
    }
    let rows: Vec<String> = table
        .iter()
        .map(|(lang, [(n, bad), (nested, nested_bad)])| {
            format!(
                "{lang:<5} new file beside: {n:>4} imports, {bad} resolved differently; \
                 in a new folder: {nested:>4} relative imports, {nested_bad} differently"
            )
        })
        .collect();
    eprintln!("{}", rows.join("\n"));
    assert!(table.len() == 5, "{table:?}");
    assert!(failures.is_empty(), "{failures}");
}
