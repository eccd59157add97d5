//! The nine read-only tools: their arguments, what each computes over a [`Snapshot`], and the
//! object it answers with (before the envelope adds `index` and the budget's fields).

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};
use strata_diagnostics::{Diagnostic, Severity};
use strata_project::{ContextQuery, FindOptions, Plan, Project, SimilarQuery, estimate_tokens};
use strata_rules::{Interfaces, RULES, RuleDoc};
use strata_workspace::DeclaredModule;
use strata_workspace::error::closest;

use crate::live::Snapshot;

/// A tool's failure the model can act on: what was wrong and what to try instead.
#[derive(Debug)]
pub struct ToolError(pub String);

impl<T: std::fmt::Display> From<T> for ToolError {
    fn from(e: T) -> ToolError {
        ToolError(e.to_string())
    }
}

/// Numbers as models send them: `5` or `"5"`.
pub(crate) mod lenient {
    use serde::{Deserialize, Deserializer, de::Error};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        Int(u64),
        Float(f64),
        Text(String),
    }

    fn to_f64(n: Num) -> Result<f64, String> {
        match n {
            #[allow(clippy::cast_precision_loss)]
            Num::Int(i) => Ok(i as f64),
            Num::Float(f) => Ok(f),
            Num::Text(t) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| format!("expected a number, got \"{t}\"")),
        }
    }

    pub fn usize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
        let Some(n) = Option::<Num>::deserialize(d)? else {
            return Ok(None);
        };
        let f = to_f64(n).map_err(D::Error::custom)?;
        if f < 0.0 || f.fract() != 0.0 || f > 1e12 {
            return Err(D::Error::custom(format!(
                "expected a whole number ≥ 0, got {f}"
            )));
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(Some(f as usize))
    }

    pub fn u32_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        usize_opt(d)?
            .map(|n| u32::try_from(n).map_err(D::Error::custom))
            .transpose()
    }

    pub fn f64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<Num>::deserialize(d)?
            .map(|n| to_f64(n).map_err(D::Error::custom))
            .transpose()
    }
}

/// One or several strings: `"a"` or `["a", "b"]`.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

#[derive(Deserialize, Default)]
pub struct OverviewArgs {
    pub module: Option<String>,
}

#[derive(Deserialize)]
pub struct FindArgs {
    pub query: String,
    pub kind: Option<String>,
    pub module: Option<String>,
    pub from: Option<String>,
    #[serde(default, deserialize_with = "lenient::usize_opt")]
    pub limit: Option<usize>,
}

#[derive(Deserialize)]
pub struct SimilarArgs {
    pub code: Option<String>,
    /// Where the snippet will go (its language, and `importable`).
    pub at: Option<String>,
    pub path: Option<String>,
    #[serde(default, deserialize_with = "lenient::u32_opt")]
    pub start_line: Option<u32>,
    #[serde(default, deserialize_with = "lenient::u32_opt")]
    pub end_line: Option<u32>,
    #[serde(default, deserialize_with = "lenient::f64_opt")]
    pub min: Option<f64>,
    #[serde(default, deserialize_with = "lenient::usize_opt")]
    pub limit: Option<usize>,
}

#[derive(Deserialize)]
pub struct SymbolArgs {
    pub id: Option<String>,
    pub name: Option<String>,
    pub path: Option<String>,
    pub body: Option<bool>,
}

#[derive(Deserialize, Default)]
pub struct RulesArgs {
    pub path: Option<String>,
    pub module: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CheckArgs {
    #[serde(default, deserialize_with = "one_or_many")]
    pub paths: Vec<String>,
    pub rule: Option<String>,
}

#[derive(Deserialize)]
pub struct ImpactArgs {
    #[serde(deserialize_with = "one_or_many")]
    pub paths: Vec<String>,
}

#[derive(Deserialize)]
pub struct ContextArgs {
    pub task: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub paths: Vec<String>,
    #[serde(default, deserialize_with = "lenient::usize_opt")]
    pub budget_tokens: Option<usize>,
}

/// What a tool answers, before the envelope: the object, the field holding its list (what
/// a budget truncates), and how to narrow it.
pub struct Answer {
    pub value: Map<String, Value>,
    pub list: &'static str,
    pub hint: &'static str,
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("value".into(), other);
            m
        }
    }
}

/// `null` fields dropped: absent says the same in fewer tokens.
fn compact(mut v: Value) -> Value {
    match &mut v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            for x in m.values_mut() {
                *x = compact(std::mem::take(x));
            }
        }
        Value::Array(a) => {
            for x in a.iter_mut() {
                *x = compact(std::mem::take(x));
            }
        }
        _ => {}
    }
    v
}

fn to_value(v: impl serde::Serialize) -> Value {
    compact(serde_json::to_value(v).unwrap_or(Value::Null))
}

fn declared(project: &Project) -> Vec<DeclaredModule> {
    project.modules.iter().map(|m| m.declared.clone()).collect()
}

/// The module named `name`, or an error that suggests the closest name.
fn module_index(project: &Project, name: &str) -> Result<usize, ToolError> {
    if let Some(i) = project.modules.iter().position(|m| m.name() == name) {
        return Ok(i);
    }
    let names = project.modules.iter().map(strata_project::Module::name);
    Err(ToolError(match closest(name, names) {
        Some(c) => {
            format!("no module `{name}`; did you mean `{c}`? (strata_overview lists every module)")
        }
        None => format!("no module `{name}`; strata_overview lists every module"),
    }))
}

/// A repository path as the tools take it: relative, `/`, no `./`.
fn clean_path(project: &Project, path: &str) -> String {
    let p = path.trim().replace('\\', "/");
    let root = project.root.to_string_lossy().replace('\\', "/");
    let p = p
        .strip_prefix(&format!("{root}/"))
        .map_or(p.as_str(), |rest| rest)
        .trim_start_matches("./");
    p.to_owned()
}

/// A source file of the repository, or an error that suggests one.
fn source_file(project: &Project, path: &str) -> Result<usize, ToolError> {
    if let Ok(i) = project
        .sources
        .binary_search_by(|s| s.path.as_str().cmp(path))
    {
        return Ok(i);
    }
    // Files of the same name, or of the same stem (another extension).
    let stem = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or(p);
        name.split_once('.')
            .map_or(name, |(stem, _)| stem)
            .to_owned()
    };
    let wanted = stem(path);
    let same_name: Vec<&str> = project
        .sources
        .iter()
        .filter(|s| stem(&s.path) == wanted)
        .map(|s| s.path.as_str())
        .take(200)
        .collect();
    Err(ToolError(match closest(path, same_name) {
        Some(c) => format!("`{path}` is not a source file of the repository; did you mean `{c}`?"),
        None => format!(
            "`{path}` is not a source file of the repository (paths are relative to its root, \
             e.g. from strata_find)"
        ),
    }))
}

/// Modules each module imports (fan-out) and is imported by (fan-in), counted by modules.
fn fans(project: &Project) -> (Vec<usize>, Vec<usize>) {
    let n = project.modules.len();
    let (mut fan_in, mut fan_out) = (vec![0; n], vec![0; n]);
    for &(a, b) in project.index().module_edges.keys() {
        if a != b && a < n && b < n {
            fan_out[a] += 1;
            fan_in[b] += 1;
        }
    }
    (fan_in, fan_out)
}

fn findings_by_module(snapshot: &Snapshot) -> BTreeMap<&str, (usize, usize)> {
    let mut out: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for d in &snapshot.check().diagnostics {
        let e = out.entry(d.module.as_str()).or_default();
        match d.severity {
            Severity::Error => e.0 += 1,
            Severity::Warning => e.1 += 1,
        }
    }
    out
}

pub fn overview(snapshot: &Snapshot, args: &OverviewArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    if let Some(name) = &args.module {
        return Ok(module_card(snapshot, module_index(project, name)?));
    }
    let (fan_in, fan_out) = fans(project);
    let findings = findings_by_module(snapshot);
    let mut rows: Vec<(String, Value)> = project
        .modules
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let r = m.record();
            let (errors, warnings) = findings.get(m.name()).copied().unwrap_or_default();
            let row = json!({
                "name": r.name, "root": r.root, "lang": r.lang, "lane": r.lane,
                "layer": r.layer, "tier": r.tier, "owner": r.owner, "files": r.files,
                "depends_on": r.depends_on.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
                "fan_in": fan_in[i], "fan_out": fan_out[i],
                "errors": errors, "warnings": warnings,
            });
            (r.name, compact(row))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let lanes: BTreeMap<&String, &Vec<String>> = project.config.config.lanes.iter().collect();
    let rules: Vec<&str> = enabled_rules(project)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    Ok(Answer {
        value: object(json!({
            "modules": rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            "lanes": lanes,
            "layers": project.config.config.layers,
            "rules_enabled": rules,
        })),
        list: "modules",
        hint: "pass `module` for one module's card, or raise max_tokens",
    })
}

fn enabled_rules(project: &Project) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = RULES
        .iter()
        .filter_map(|r| {
            let sev = project.settings.level(*r).severity()?;
            Some((
                r.id(),
                if sev == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
            ))
        })
        .collect();
    out.sort_unstable();
    out
}

fn module_card(snapshot: &Snapshot, m: usize) -> Answer {
    let project = &snapshot.project;
    let index = project.index();
    let module = &project.modules[m];
    let record = module.record();
    let declared = declared(project);
    let interfaces = Interfaces::new(&declared);
    let facts = index.facts();
    let mut interface_files = Vec::new();
    let mut public = Vec::new();
    for (i, s) in project.sources.iter().enumerate() {
        if s.module != Some(m) || !interfaces.contains(m, &s.path) {
            continue;
        }
        interface_files.push(s.path.clone());
        for d in facts
            .get(i)
            .map(|f| f.definitions.as_slice())
            .unwrap_or_default()
        {
            if d.visibility == strata_lang::Visibility::Public {
                public.push(json!({
                    "id": format!("{}#{}@{}", s.path, d.name, d.start_line),
                    "signature": d.signature,
                }));
            }
        }
    }
    let name_of = |i: usize| project.modules[i].name().to_owned();
    let mut depends_on = Vec::new();
    let mut dependents = Vec::new();
    for (&(a, b), &n) in &index.module_edges {
        if a == m && b != m {
            depends_on.push(json!({"module": name_of(b), "imports": n}));
        } else if b == m && a != m {
            dependents.push(json!({"module": name_of(a), "imports": n}));
        }
    }
    let (errors, warnings) = findings_by_module(snapshot)
        .get(module.name())
        .copied()
        .unwrap_or_default();
    let schema = module.declared.schema.as_ref();
    let mut card = object(to_value(&record));
    card.insert(
        "description".into(),
        to_value(schema.and_then(|s| s.description.clone())),
    );
    card.insert(
        "declared_depends_on".into(),
        card.get("depends_on").cloned().unwrap_or(Value::Null),
    );
    card.insert("depends_on".into(), Value::Array(depends_on));
    card.insert("dependents".into(), Value::Array(dependents));
    card.insert("interface_files".into(), json!(interface_files));
    card.insert(
        "external".into(),
        json!(index.external.get(m).cloned().unwrap_or_default()),
    );
    card.insert("errors".into(), json!(errors));
    card.insert("warnings".into(), json!(warnings));
    let card = compact(Value::Object(card));
    Answer {
        value: object(json!({ "module": card, "public": public })),
        list: "public",
        hint: "strata_find with `module` narrows to names you need",
    }
}

pub fn find(snapshot: &Snapshot, args: &FindArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    if args.query.trim().is_empty() {
        return Err(ToolError(
            "`query` is empty: give a name or words, e.g. `parse config`".into(),
        ));
    }
    if let Some(kind) = &args.kind {
        if !["fn", "type", "const"].contains(&kind.as_str()) {
            return Err(ToolError(format!(
                "unknown kind `{kind}`: use `fn`, `type` or `const`"
            )));
        }
    }
    if let Some(m) = &args.module {
        module_index(project, m)?;
    }
    let options = FindOptions {
        kind: args.kind.clone(),
        module: args.module.clone(),
        from: args.from.as_deref().map(|p| clean_path(project, p)),
        limit: args.limit.unwrap_or(10).clamp(1, 100),
    };
    let doc = project.find(project.index(), &args.query, &options);
    Ok(Answer {
        value: object(to_value(&doc)),
        list: "hits",
        hint: "narrow with `kind`, `module` or more words, or raise max_tokens",
    })
}

pub fn similar(snapshot: &Snapshot, args: &SimilarArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    let query = match (&args.code, &args.path) {
        (Some(code), None) => {
            let at = args.at.as_deref().map(|p| clean_path(project, p));
            let lang = at
                .as_deref()
                .and_then(strata_project::Lang::from_path)
                .ok_or_else(|| {
                    ToolError(
                        "with `code`, give `at`: the file the code will go in (its extension \
                         names the language), e.g. `services/billing/src/pay.ts`"
                            .into(),
                    )
                })?;
            SimilarQuery::Snippet {
                lang,
                code: code.clone(),
                at,
            }
        }
        (None, Some(path)) => {
            let path = clean_path(project, path);
            source_file(project, &path)?;
            SimilarQuery::Span {
                path,
                start: args.start_line.unwrap_or(1),
                end: args.end_line.unwrap_or(u32::MAX),
            }
        }
        _ => {
            return Err(ToolError(
                "give either `code` (with `at`) or `path` (with `start_line` and `end_line`)"
                    .into(),
            ));
        }
    };
    let min = args.min.unwrap_or(0.8).clamp(0.0, 1.0);
    let limit = args.limit.unwrap_or(5).clamp(1, 50);
    let doc = project.similar(project.index(), &query, min, limit)?;
    Ok(Answer {
        value: object(to_value(&doc)),
        list: "matches",
        hint: "lower `limit` or raise `min`",
    })
}

/// `path#name@line`.
fn parse_id(id: &str) -> Option<(&str, &str, Option<u32>)> {
    let id = id.strip_prefix("sym:").unwrap_or(id);
    let (path, rest) = id.split_once('#')?;
    Some(match rest.rsplit_once('@') {
        Some((name, line)) => (path, name, line.parse().ok()),
        None => (path, rest, None),
    })
}

pub fn symbol(snapshot: &Snapshot, args: &SymbolArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    let (path, name, line) = match (&args.id, &args.name, &args.path) {
        (Some(id), _, _) => parse_id(id).ok_or_else(|| {
            ToolError(format!(
                "`{id}` is not a symbol id: ids look like `path#name@line` (strata_find gives them)"
            ))
        })?,
        (None, Some(name), Some(path)) => (path.as_str(), name.as_str(), None),
        _ => {
            return Err(ToolError(
                "give `id` (`path#name@line`, from strata_find) or `name` and `path`".into(),
            ));
        }
    };
    let path = clean_path(project, path);
    let file = source_file(project, &path)?;
    let index = project.index();
    let defs = index
        .facts()
        .get(file)
        .map(|f| f.definitions.as_slice())
        .unwrap_or_default();
    let same_name = defs.iter().filter(|d| d.name == name);
    // The definition at that line, else the nearest of that name (the file moved on).
    let def = same_name
        .min_by_key(|d| line.map_or(0, |l| d.start_line.abs_diff(l)))
        .ok_or_else(|| {
            let names = defs.iter().map(|d| d.name.as_str());
            ToolError(match closest(name, names) {
                Some(c) => format!("`{path}` defines no `{name}`; did you mean `{c}`?"),
                None => format!("`{path}` defines no `{name}`"),
            })
        })?;
    let source = &project.sources[file];
    let module = source.module.map(|m| project.modules[m].name().to_owned());
    let declared = declared(project);
    let interface = source
        .module
        .is_some_and(|m| Interfaces::new(&declared).contains(m, &path));
    let mut importers: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let to = u32::try_from(file).unwrap_or(u32::MAX);
    for e in index.file_edges.iter().filter(|e| e.to == to) {
        let from = &project.sources[e.from as usize];
        let m = from
            .module
            .map_or_else(String::new, |m| project.modules[m].name().to_owned());
        importers.entry(m).or_default().push(from.path.as_str());
    }
    let total: usize = importers.values().map(Vec::len).sum();
    let mut value = object(json!({
        "symbol": compact(json!({
            "id": format!("{path}#{}@{}", def.name, def.start_line),
            "name": def.name, "kind": def.kind, "signature": def.signature, "doc": def.doc,
            "path": path, "line": def.start_line, "end_line": def.end_line,
            "module": module, "exported": def.visibility == strata_lang::Visibility::Public,
            "interface": interface,
        })),
        "imported_by": importers.iter().map(|(m, files)| json!({"module": m, "files": files})).collect::<Vec<_>>(),
        "imported_by_total": total,
    }));
    if args.body.unwrap_or(true) {
        let text = std::fs::read(project.root.join(&path)).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let start = usize::try_from(def.start_line.saturating_sub(1)).unwrap_or(0);
        let len = usize::try_from(def.end_line.saturating_sub(def.start_line) + 1).unwrap_or(0);
        let body: Vec<&str> = text.lines().skip(start).take(len).collect();
        value.insert(
            "body".into(),
            json!({"start_line": def.start_line, "lines": body}),
        );
    }
    Ok(Answer {
        value,
        list: "imported_by",
        hint: "pass `body: false` to leave the body out, or raise max_tokens",
    })
}

pub fn rules(snapshot: &Snapshot, args: &RulesArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    let m = match (&args.module, &args.path) {
        (Some(name), _) => module_index(project, name)?,
        (None, Some(path)) => {
            let path = clean_path(project, path);
            project.owner_of(&path).ok_or_else(|| {
                ToolError(format!(
                    "no module holds `{path}`: its rules are the repository's (strata_overview)"
                ))
            })?
        }
        (None, None) => {
            return Err(ToolError(
                "give `module` (a name) or `path` (a file, existing or planned)".into(),
            ));
        }
    };
    let module = &project.modules[m];
    let schema = module.declared.schema.as_ref();
    let declared = declared(project);
    let interfaces = Interfaces::new(&declared);
    let through = |t: usize| -> Vec<&str> {
        project
            .sources
            .iter()
            .filter(|s| s.module == Some(t) && interfaces.contains(t, &s.path))
            .map(|s| s.path.as_str())
            .take(10)
            .collect()
    };
    let may: Vec<Value> = schema
        .map(|s| s.depends_on.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let name = d.value.name();
            let target = project.modules.iter().position(|x| x.name() == name);
            compact(json!({
                "module": name,
                "import_through": target.map(&through),
            }))
        })
        .collect();
    let lane = schema
        .and_then(|s| s.lane.as_ref())
        .map(|l| l.value.clone());
    let lanes_allowed = lane
        .as_ref()
        .and_then(|l| project.config.config.lanes.get(l))
        .cloned();
    let forbidden: Vec<Value> = project
        .config
        .config
        .forbidden
        .iter()
        .map(|f| compact(json!({"name": f.name, "comment": f.comment})))
        .collect();
    let rules: Vec<Value> = enabled_rules(project)
        .into_iter()
        .map(|(id, level)| {
            let summary = strata_rules::rule(id).map(RuleDoc::summary);
            json!({"rule": id, "level": level, "summary": summary})
        })
        .collect();
    Ok(Answer {
        value: object(compact(json!({
            "module": module.name(),
            "lane": lane,
            "lanes_it_may_import": lanes_allowed,
            "layer": schema.and_then(|s| s.layer.as_ref()).map(|l| l.value.clone()),
            "layers": project.config.config.layers,
            "tier": schema.and_then(|s| s.tier.as_ref()).map(|t| t.value),
            "may_depend_on": may,
            "interface_files": through(m),
            "forbidden": forbidden,
            "rules": rules,
        }))),
        list: "rules",
        hint: "raise max_tokens",
    })
}

pub fn check_plan(snapshot: &Snapshot, plan: &Plan) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    if plan.changes.is_empty() && plan.dependencies.is_empty() {
        return Err(ToolError(
            "give `changes`: [{file, imports: [specifier, import line, repository path or module]}]"
                .into(),
        ));
    }
    let doc = project.check_plan(project.index(), plan)?;
    Ok(Answer {
        value: object(to_value(&doc)),
        list: "findings",
        hint: "check fewer changes at a time, or raise max_tokens",
    })
}

pub fn check(snapshot: &Snapshot, args: &CheckArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    let report = snapshot.check();
    let paths: BTreeSet<String> = args.paths.iter().map(|p| clean_path(project, p)).collect();
    if let Some(rule) = &args.rule {
        if strata_rules::rule(rule).is_none() {
            let ids = RULES.iter().map(|r| r.id());
            return Err(ToolError(match closest(rule, ids) {
                Some(c) => format!("no rule `{rule}`; did you mean `{c}`?"),
                None => format!("no rule `{rule}`"),
            }));
        }
    }
    // A folder given as a path covers the files under it.
    let wanted = |d: &Diagnostic| {
        (paths.is_empty()
            || paths.iter().any(|p| {
                d.file == *p
                    || d.file
                        .strip_prefix(p.trim_end_matches('/'))
                        .is_some_and(|r| r.starts_with('/'))
            }))
            && args.rule.as_deref().is_none_or(|r| d.rule == r)
    };
    let findings: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| wanted(d)).collect();
    let errors = findings
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Ok(Answer {
        value: object(json!({
            "findings": to_value(&findings),
            "summary": {"errors": errors, "warnings": findings.len() - errors},
        })),
        list: "findings",
        hint: "narrow with `paths` or `rule`, or raise max_tokens",
    })
}

pub fn impact(snapshot: &Snapshot, args: &ImpactArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    if args.paths.is_empty() {
        return Err(ToolError(
            "give `paths`: the files you changed or will change".into(),
        ));
    }
    let paths: Vec<String> = args.paths.iter().map(|p| clean_path(project, p)).collect();
    let doc = project.impact(project.index(), &paths);
    Ok(Answer {
        value: object(to_value(&doc)),
        list: "affected",
        hint: "raise max_tokens",
    })
}

pub fn context(snapshot: &Snapshot, args: &ContextArgs) -> Result<Answer, ToolError> {
    let project = &snapshot.project;
    let query = match (&args.task, args.paths.is_empty()) {
        (Some(task), true) => ContextQuery::Task(task.clone()),
        (None, false) => {
            ContextQuery::Paths(args.paths.iter().map(|p| clean_path(project, p)).collect())
        }
        _ => {
            return Err(ToolError(
                "give either `task` (words) or `paths` (files to work on)".into(),
            ));
        }
    };
    let budget = args.budget_tokens.unwrap_or(4000).clamp(100, 50_000);
    let doc = project.context(project.index(), &query, budget)?;
    Ok(Answer {
        value: object(to_value(&doc)),
        list: "items",
        hint: "raise budget_tokens",
    })
}

/// Tokens of a value as JSON text.
pub fn tokens_of(v: &Value) -> usize {
    estimate_tokens(&serde_json::to_string(v).unwrap_or_default())
}
