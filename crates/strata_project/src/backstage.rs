//! Backstage `catalog-info.yaml`: every module as a Component (and an API entity when it has an
//! OpenAPI file), the teams as Groups, and back from a Component to a `module.yaml`, with the
//! fields Backstage has no place for kept as `strata.dev/` annotations so nothing is lost.
//!
//! The mapping (README, "Backstage"):
//! - `name` → `metadata.name` (a catalog-safe slug; the original in `strata.dev/name` when it
//!   differs), `description`/`tags`/`links`/`annotations` → `metadata.*`;
//! - `kind` → `spec.type`, `lifecycle` → `spec.lifecycle`, `owner` `team:x` → `group:x`
//!   (`user:x` as it is); Backstage requires all three, so a missing one is written as
//!   `unknown` and named in `strata.dev/unset`;
//! - `depends_on` → `spec.dependsOn` (`component:NAME`); versions and kinds in
//!   `strata.dev/depends-on`;
//! - `api.openapi` → an API entity of the same name (`type: openapi`, `definition` by `$text`),
//!   `spec.providesApis` of the module and `spec.consumesApis` of the modules depending on it;
//! - `lane` is kept as an annotation, not as `spec.system`: a Backstage System needs an owner
//!   and groups entities by the product they serve, while a lane is a dependency partition;
//! - `[teams]` → Group entities (`type: team`) in the repository root's `catalog-info.yaml`.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Component as PathPart, Path, PathBuf};

use serde::Deserialize;
use serde_saphyr::Spanned;
use strata_workspace::ConfigError;
use strata_workspace::module_file::{
    Dependency, DependencyKind, Lifecycle, ModuleFile, ModuleKind, pos,
};

use crate::Project;

/// The descriptor's file name, written next to each `module.yaml`.
pub const CATALOG_FILE: &str = "catalog-info.yaml";

/// The prefix of the annotations that carry strata-only fields.
pub const ANNOTATION_PREFIX: &str = "strata.dev/";

const API_VERSION: &str = "backstage.io/v1alpha1";
/// Written where Backstage requires a value (`type`, `lifecycle`, `owner`) and strata has none.
const UNKNOWN: &str = "unknown";

/// One descriptor file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogFile {
    /// Path relative to the output folder (the repository root by default), with `/`.
    pub path: String,
    /// The entities in it, as `kind:name` references.
    pub entities: Vec<String>,
    /// The YAML text.
    pub text: String,
}

/// A module read back from a `catalog-info.yaml`.
#[derive(Clone, Debug)]
pub struct ImportedModule {
    /// The Component's `metadata.name` (or the original name from `strata.dev/name`).
    pub name: String,
    /// The `module.yaml` text.
    pub text: String,
    /// The parsed `module.yaml`.
    pub module: ModuleFile,
    /// Fields of the Component that have no place in a `module.yaml` and were left out.
    pub dropped: Vec<String>,
}

/// A small YAML value, written deterministically in block style.
#[derive(Clone, Debug)]
enum Node {
    Str(String),
    /// Written as it is: numbers.
    Raw(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

fn s(v: impl Into<String>) -> Node {
    Node::Str(v.into())
}

fn strs<'a>(items: impl IntoIterator<Item = &'a String>) -> Node {
    Node::Seq(items.into_iter().map(|v| s(v.as_str())).collect())
}

impl Project {
    /// The descriptors of every module and the Groups of `[teams]`. `out` is the folder the
    /// files will be written under (mirroring module roots), `None` for next to each
    /// `module.yaml`; it decides the relative paths of `$text` references to OpenAPI files.
    pub fn backstage_export(&self, out: Option<&Path>) -> Vec<CatalogFile> {
        let slugs = unique_slugs(self.modules.iter().map(crate::Module::name));
        let slug_of = |name: &str| slugs.get(name).cloned().unwrap_or_else(|| slug(name));
        // Modules that provide an API, for the consumers' `consumesApis`.
        let provides: HashMap<&str, String> = self
            .modules
            .iter()
            .filter(|m| api_file(m.declared.schema.as_ref()).is_some())
            .map(|m| (m.name(), slug_of(m.name())))
            .collect();

        let mut files: BTreeMap<String, (Vec<String>, Vec<Node>)> = BTreeMap::new();
        for m in &self.modules {
            let d = &m.declared;
            let name = slug_of(&d.name);
            let path = if d.root.is_empty() {
                CATALOG_FILE.to_owned()
            } else {
                format!("{}/{CATALOG_FILE}", d.root)
            };
            let definition = api_file(d.schema.as_ref()).map(|openapi| {
                let target = self.root.join(&d.root).join(openapi);
                let here = out.map_or_else(|| self.root.join(&d.root), |o| o.join(&d.root));
                text_ref(&here, &target, openapi)
            });
            let consumes: Vec<String> = d
                .schema
                .iter()
                .flat_map(|s| &s.depends_on)
                .filter_map(|dep| provides.get(dep.value.name()).cloned())
                .collect();
            let component = component(&d.name, &name, d.schema.as_ref(), &slug_of, &consumes);
            let entry = files.entry(path).or_default();
            entry.0.push(format!("component:{name}"));
            entry.1.push(component.0);
            if let Some(def) = definition {
                entry.0.push(format!("api:{name}"));
                entry.1.push(api_entity(&name, &component.1, def));
            }
        }
        let teams = &self.config.config.teams;
        if !teams.is_empty() {
            let entry = files.entry(CATALOG_FILE.to_owned()).or_default();
            for (team, t) in teams {
                entry.0.push(format!("group:{}", slug(team)));
                entry.1.push(group(team, t));
            }
        }
        files
            .into_iter()
            .map(|(path, (entities, docs))| {
                let mut text = String::from(
                    "# Generated by `strata export backstage` from module.yaml and strata.toml;\n\
                     # edit those and export again.\n",
                );
                for (i, doc) in docs.iter().enumerate() {
                    if i > 0 || docs.len() > 1 {
                        text.push_str("---\n");
                    }
                    render_map(doc, 0, &mut text);
                }
                CatalogFile {
                    path,
                    entities,
                    text,
                }
            })
            .collect()
    }
}

/// The module's OpenAPI file, when it declares one.
fn api_file(schema: Option<&ModuleFile>) -> Option<&str> {
    schema?.api.as_ref()?.openapi.as_deref()
}

/// A `$text` reference to `target` relative to the descriptor's folder `here`.
fn text_ref(here: &Path, target: &Path, declared: &str) -> String {
    let rel = relative(here, target).unwrap_or_else(|| PathBuf::from(declared));
    let rel = rel.to_string_lossy().replace('\\', "/");
    if rel.starts_with("../") || rel.starts_with("./") {
        rel
    } else {
        format!("./{rel}")
    }
}

/// `to` relative to the folder `from`; both made absolute against the current directory.
fn relative(from: &Path, to: &Path) -> Option<PathBuf> {
    let norm = |p: &Path| -> Option<Vec<std::ffi::OsString>> {
        let abs = std::path::absolute(p).ok()?;
        let mut parts = Vec::new();
        for part in abs.components() {
            match part {
                PathPart::CurDir | PathPart::RootDir => {}
                PathPart::ParentDir => {
                    parts.pop();
                }
                PathPart::Normal(n) => parts.push(n.to_owned()),
                PathPart::Prefix(p) => parts.push(p.as_os_str().to_owned()),
            }
        }
        Some(parts)
    };
    let (from, to) = (norm(from)?, norm(to)?);
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for part in &to[common..] {
        rel.push(part);
    }
    Some(rel)
}

/// A catalog-safe name: `[A-Za-z0-9]` runs separated by one of `-_.`, at most 63 characters.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let separator = matches!(c, '-' | '_' | '.');
        if c.is_ascii_alphanumeric()
            || (separator && !out.is_empty() && !out.ends_with(['-', '_', '.']))
        {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(['-', '_', '.']) {
            out.push('-');
        }
    }
    out.truncate(63);
    while out.ends_with(['-', '_', '.']) {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("module");
    }
    out
}

/// Slugs of every name, made unique by a numeric suffix in the order given.
fn unique_slugs<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, String> {
    let mut taken: HashMap<String, u32> = HashMap::new();
    let mut out = HashMap::new();
    for name in names {
        let base = slug(name);
        let n = taken.entry(base.to_lowercase()).or_insert(0);
        *n += 1;
        let chosen = if *n == 1 {
            base
        } else {
            let suffix = format!("-{n}");
            let mut b = base;
            b.truncate(63 - suffix.len());
            b + &suffix
        };
        out.insert(name.to_owned(), chosen);
    }
    out
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The Component of a module, and its `spec.owner`/`spec.lifecycle` for the API entity.
fn component(
    name: &str,
    entity_name: &str,
    schema: Option<&ModuleFile>,
    slug_of: &dyn Fn(&str) -> String,
    consumes: &[String],
) -> (Node, (String, String)) {
    let mut ann: BTreeMap<String, String> = BTreeMap::new();
    let mut meta = vec![("name".to_owned(), s(entity_name))];
    let mut unset = Vec::new();
    let mut spec = Vec::new();
    let key = |k: &str| format!("{ANNOTATION_PREFIX}{k}");
    if entity_name != name {
        ann.insert(key("name"), name.to_owned());
    }
    let kind = schema.and_then(|m| m.kind);
    let lifecycle = schema.and_then(|m| m.lifecycle);
    let owner = schema
        .and_then(|m| m.owner.as_ref())
        .map(|o| o.value.as_str());
    if kind.is_none() {
        unset.push("kind");
    }
    if lifecycle.is_none() {
        unset.push("lifecycle");
    }
    let owner_ref = match owner {
        None => {
            unset.push("owner");
            UNKNOWN.to_owned()
        }
        Some(o) => match owner_to_backstage(o) {
            Some(r) => r,
            None => {
                ann.insert(key("owner"), o.to_owned());
                slug(o)
            }
        },
    };
    let lifecycle = lifecycle.map_or(UNKNOWN, Lifecycle::as_str).to_owned();
    spec.push((
        "type".to_owned(),
        s(kind.map_or(UNKNOWN, ModuleKind::as_str)),
    ));
    spec.push(("lifecycle".to_owned(), s(lifecycle.clone())));
    spec.push(("owner".to_owned(), s(owner_ref.clone())));
    if let Some(m) = schema {
        if let Some(d) = &m.description {
            meta.push(("description".to_owned(), s(d.as_str())));
        }
        if let Some(v) = &m.schema {
            ann.insert(key("schema"), v.value.clone());
        }
        if let Some(v) = &m.version {
            ann.insert(key("version"), v.value.clone());
        }
        if let Some(v) = &m.lane {
            ann.insert(key("lane"), v.value.clone());
        }
        if let Some(v) = &m.layer {
            ann.insert(key("layer"), v.value.clone());
        }
        if let Some(v) = &m.tier {
            ann.insert(key("tier"), v.value.to_string());
        }
        if !m.paths.is_empty() {
            ann.insert(key("paths"), json(&m.paths));
        }
        if !m.interfaces.is_empty() {
            ann.insert(key("interfaces"), json(&m.interfaces));
        }
        let deps: Vec<&Dependency> = m.depends_on.iter().map(|d| &d.value).collect();
        if !deps.is_empty() {
            spec.push((
                "dependsOn".to_owned(),
                Node::Seq(
                    deps.iter()
                        .map(|d| s(format!("component:{}", slug_of(d.name()))))
                        .collect(),
                ),
            ));
            // The names alone come back from `dependsOn`; anything more needs the annotation.
            let exact = deps
                .iter()
                .all(|d| matches!(d, Dependency::Name(n) if slug_of(n) == *n));
            if !exact {
                let list: Vec<serde_json::Value> = deps
                    .iter()
                    .map(|d| match d {
                        Dependency::Name(n) => serde_json::Value::from(n.as_str()),
                        Dependency::Detailed(x) => {
                            let mut o = serde_json::Map::new();
                            o.insert("name".into(), x.name.clone().into());
                            if let Some(v) = &x.version {
                                o.insert("version".into(), v.clone().into());
                            }
                            if let Some(k) = x.kind {
                                let k = match k {
                                    DependencyKind::Runtime => "runtime",
                                    DependencyKind::Build => "build",
                                };
                                o.insert("kind".into(), k.into());
                            }
                            serde_json::Value::Object(o)
                        }
                    })
                    .collect();
                ann.insert(key("depends-on"), json(&list));
            }
        }
        if let Some(api) = &m.api {
            let mut o = serde_json::Map::new();
            if let Some(p) = &api.port {
                o.insert("port".into(), p.value.into());
            }
            if let Some(b) = &api.base_path {
                o.insert("base_path".into(), b.value.clone().into());
            }
            if let Some(f) = &api.openapi {
                o.insert("openapi".into(), f.clone().into());
                spec.push(("providesApis".to_owned(), Node::Seq(vec![s(entity_name)])));
            }
            ann.insert(key("api"), json(&o));
        }
        if let Some(e) = &m.events {
            let list =
                |v: &[Spanned<String>]| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
            let mut o = serde_json::Map::new();
            if !e.publishes.is_empty() {
                o.insert("publishes".into(), list(&e.publishes).into());
            }
            if !e.consumes.is_empty() {
                o.insert("consumes".into(), list(&e.consumes).into());
            }
            ann.insert(key("events"), json(&o));
        }
        if let Some(h) = &m.health {
            let mut o = serde_json::Map::new();
            if let Some(v) = &h.liveness {
                o.insert("liveness".into(), v.clone().into());
            }
            if let Some(v) = &h.readiness {
                o.insert("readiness".into(), v.clone().into());
            }
            ann.insert(key("health"), json(&o));
        }
        if let Some(t) = &m.template {
            let mut o = serde_json::Map::new();
            o.insert("name".into(), t.name.clone().into());
            o.insert("version".into(), t.version.clone().into());
            ann.insert(key("template"), json(&o));
        }
        // The module's own annotations; strata's keys above win over a clash.
        for (k, v) in &m.annotations {
            ann.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if !m.tags.is_empty() {
            meta.push(("tags".to_owned(), strs(&m.tags)));
        }
        if !m.links.is_empty() {
            meta.push((
                "links".to_owned(),
                Node::Seq(
                    m.links
                        .iter()
                        .map(|l| {
                            Node::Map(vec![
                                ("url".to_owned(), s(l.url.as_str())),
                                ("title".to_owned(), s(l.title.as_str())),
                            ])
                        })
                        .collect(),
                ),
            ));
        }
    }
    if !consumes.is_empty() {
        spec.push(("consumesApis".to_owned(), strs(consumes)));
    }
    if !unset.is_empty() {
        ann.insert(key("unset"), unset.join(","));
    }
    if !ann.is_empty() {
        meta.push((
            "annotations".to_owned(),
            Node::Map(ann.into_iter().map(|(k, v)| (k, s(v))).collect()),
        ));
    }
    let node = Node::Map(vec![
        ("apiVersion".to_owned(), s(API_VERSION)),
        ("kind".to_owned(), s("Component")),
        ("metadata".to_owned(), Node::Map(meta)),
        ("spec".to_owned(), Node::Map(spec)),
    ]);
    (node, (owner_ref, lifecycle))
}

/// `team:x` → `group:x`, `user:x` → `user:x`; `None` for any other form (kept as an annotation).
fn owner_to_backstage(owner: &str) -> Option<String> {
    let (kind, name) = owner.split_once(':')?;
    let kind = match kind {
        "team" => "group",
        "user" => "user",
        _ => return None,
    };
    (slug(name) == name).then(|| format!("{kind}:{name}"))
}

fn api_entity(name: &str, (owner, lifecycle): &(String, String), definition: String) -> Node {
    Node::Map(vec![
        ("apiVersion".to_owned(), s(API_VERSION)),
        ("kind".to_owned(), s("API")),
        (
            "metadata".to_owned(),
            Node::Map(vec![("name".to_owned(), s(name))]),
        ),
        (
            "spec".to_owned(),
            Node::Map(vec![
                ("type".to_owned(), s("openapi")),
                ("lifecycle".to_owned(), s(lifecycle.as_str())),
                ("owner".to_owned(), s(owner.as_str())),
                (
                    "definition".to_owned(),
                    Node::Map(vec![("$text".to_owned(), s(definition))]),
                ),
            ]),
        ),
    ])
}

fn group(team: &str, t: &strata_workspace::config::Team) -> Node {
    let mut meta = vec![("name".to_owned(), s(slug(team)))];
    if let Some(d) = &t.description {
        meta.push(("description".to_owned(), s(d.as_str())));
    }
    let mut spec = vec![
        ("type".to_owned(), s("team")),
        ("children".to_owned(), Node::Seq(Vec::new())),
    ];
    if let Some(c) = &t.contact {
        meta.push((
            "annotations".to_owned(),
            Node::Map(vec![(format!("{ANNOTATION_PREFIX}contact"), s(c.as_str()))]),
        ));
        if looks_like_email(c) {
            spec.push((
                "profile".to_owned(),
                Node::Map(vec![("email".to_owned(), s(c.as_str()))]),
            ));
        }
    }
    if !t.members.is_empty() {
        spec.push((
            "members".to_owned(),
            Node::Seq(t.members.iter().map(|m| s(slug(m))).collect()),
        ));
    }
    Node::Map(vec![
        ("apiVersion".to_owned(), s(API_VERSION)),
        ("kind".to_owned(), s("Group")),
        ("metadata".to_owned(), Node::Map(meta)),
        ("spec".to_owned(), Node::Map(spec)),
    ])
}

fn looks_like_email(s: &str) -> bool {
    let Some((user, host)) = s.split_once('@') else {
        return false;
    };
    !user.is_empty() && host.contains('.') && !s.contains(char::is_whitespace) && !s.contains(':')
}

// ---- YAML writing ----------------------------------------------------------------------------

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// A mapping's entries at `depth` spaces, one per line.
fn render_map(node: &Node, depth: usize, out: &mut String) {
    let Node::Map(entries) = node else {
        return;
    };
    for (k, v) in entries {
        indent(out, depth);
        out.push_str(&scalar(k));
        out.push(':');
        render_value(v, depth, out);
    }
}

/// The value after `key:` (or `-`), continuing the current line.
fn render_value(v: &Node, depth: usize, out: &mut String) {
    match v {
        Node::Str(x) => {
            let _ = writeln!(out, " {}", scalar(x));
        }
        Node::Raw(x) => {
            let _ = writeln!(out, " {x}");
        }
        Node::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Node::Seq(items) => {
            out.push('\n');
            for item in items {
                indent(out, depth + 2);
                out.push('-');
                match item {
                    Node::Map(entries) if !entries.is_empty() => {
                        // The first entry on the dash's line, the rest aligned under it.
                        let mut first = String::new();
                        render_map(item, depth + 4, &mut first);
                        out.push(' ');
                        out.push_str(&first[depth + 4..]);
                    }
                    other => render_value(other, depth + 2, out),
                }
            }
        }
        Node::Map(_) => {
            out.push('\n');
            render_map(v, depth + 2, out);
        }
    }
}

/// A string as a YAML scalar: plain when it cannot be read as anything but this string,
/// otherwise double-quoted (JSON escapes are valid YAML escapes).
fn scalar(v: &str) -> String {
    let plain = !v.is_empty()
        && (v
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '$')
            || v.starts_with("./")
            || v.starts_with("../"))
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _./:@$,-".contains(c))
        && !v.contains(": ")
        && !v.ends_with([':', ' '])
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
        );
    if plain {
        return v.to_owned();
    }
    // Single quotes need no escapes but cannot hold control characters or the characters
    // YAML 1.1 readers take for line breaks or a byte-order mark; double quotes with JSON's
    // escapes (valid YAML escapes) take the rest.
    let awkward = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}');
    if !v.chars().any(awkward) {
        return format!("'{}'", v.replace('\'', "''"));
    }
    let mut q = serde_json::to_string(v).unwrap_or_else(|_| "\"\"".into());
    for (raw, esc) in [
        ('\u{85}', "\\N"),
        ('\u{2028}', "\\L"),
        ('\u{2029}', "\\P"),
        ('\u{feff}', "\\uFEFF"),
    ] {
        if q.contains(raw) {
            q = q.replace(raw, esc);
        }
    }
    q
}

// ---- Import ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct Entity {
    #[serde(rename = "apiVersion")]
    api_version: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    metadata: Option<Metadata>,
    #[serde(default)]
    spec: Option<Spec>,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    name: Option<Spanned<String>>,
    description: Option<String>,
    title: Option<String>,
    namespace: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    links: Vec<EntityLink>,
    #[serde(default)]
    annotations: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
struct EntityLink {
    url: String,
    title: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Spec {
    #[serde(rename = "type")]
    kind: Option<Spanned<String>>,
    lifecycle: Option<Spanned<String>>,
    owner: Option<Spanned<String>>,
    system: Option<String>,
    #[serde(rename = "dependsOn", default)]
    depends_on: Vec<Spanned<String>>,
    #[serde(rename = "providesApis", default)]
    provides_apis: Vec<String>,
}

/// Read the Components of a `catalog-info.yaml` (other kinds are skipped) into `module.yaml`
/// texts. `path` is used in messages only.
pub fn import_backstage(path: &Path, text: &str) -> Result<Vec<ImportedModule>, ConfigError> {
    let invalid =
        |(line, column): (u32, u32), message: String, hint: Option<&str>| ConfigError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message,
            hint: hint.map(str::to_owned),
        };
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_aliases = 1_000;
    budget.max_depth = 64;
    options.budget = Some(budget);
    let docs: Vec<Entity> =
        serde_saphyr::from_multiple_with_options(text, options).map_err(|e| {
            let e = e.without_snippet();
            let at = e.location().map_or((1, 1), |l| {
                (
                    u32::try_from(l.line()).unwrap_or(1).max(1),
                    u32::try_from(l.column()).unwrap_or(1).max(1),
                )
            });
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |i| &message[..i]);
            invalid(at, format!("not a catalog descriptor: {message}"), None)
        })?;
    let mut out = Vec::new();
    let mut first_component = None;
    for doc in docs {
        let Some(kind) = &doc.kind else {
            return Err(invalid(
                (1, 1),
                "an entity without `kind`".into(),
                Some("every document needs `apiVersion`, `kind`, `metadata` and `spec`"),
            ));
        };
        if kind.value != "Component" {
            continue;
        }
        if let Some(first) = first_component {
            return Err(invalid(
                pos(kind),
                "a second Component in one file: each becomes the `module.yaml` of this folder"
                    .into(),
                Some(&format!(
                    "move it to its own folder's `{CATALOG_FILE}` (the first is at line {first})"
                )),
            ));
        }
        first_component = Some(pos(kind).0);
        if let Some(v) = &doc.api_version
            && !v.value.starts_with("backstage.io/")
        {
            return Err(invalid(
                pos(v),
                format!("`apiVersion: {}` is not a Backstage Component", v.value),
                Some("write `apiVersion: backstage.io/v1alpha1`"),
            ));
        }
        let Some(meta) = doc.metadata else {
            return Err(invalid(
                pos(kind),
                "a Component without `metadata`".into(),
                None,
            ));
        };
        let Some(name) = &meta.name else {
            return Err(invalid(
                pos(kind),
                "a Component without `metadata.name`".into(),
                None,
            ));
        };
        out.push(component_to_module(
            path,
            &meta,
            name,
            &doc.spec.unwrap_or_default(),
        )?);
    }
    Ok(out)
}

fn component_to_module(
    path: &Path,
    meta: &Metadata,
    name: &Spanned<String>,
    spec: &Spec,
) -> Result<ImportedModule, ConfigError> {
    let invalid = |at: (u32, u32), message: String| ConfigError::Invalid {
        path: path.to_owned(),
        line: at.0,
        column: at.1,
        message,
        hint: None,
    };
    let mut ann: BTreeMap<&str, &Spanned<String>> = BTreeMap::new();
    let mut own: Vec<(String, Node)> = Vec::new();
    for (k, v) in &meta.annotations {
        match k.strip_prefix(ANNOTATION_PREFIX) {
            Some(
                key @ ("name" | "schema" | "version" | "lane" | "layer" | "tier" | "paths"
                | "interfaces" | "depends-on" | "api" | "events" | "health" | "template"
                | "owner" | "unset"),
            ) => {
                ann.insert(key, v);
            }
            _ => own.push((k.clone(), s(v.value.as_str()))),
        }
    }
    let unset: Vec<&str> = ann
        .get("unset")
        .map(|v| v.value.split(',').map(str::trim).collect())
        .unwrap_or_default();
    let mut dropped = Vec::new();
    let module_name = ann.get("name").map_or(&name.value, |v| &v.value).clone();
    let mut m: Vec<(String, Node)> = Vec::new();
    if let Some(v) = ann.get("schema") {
        m.push(("schema".into(), s(v.value.as_str())));
    }
    m.push(("name".into(), s(module_name.as_str())));
    if let Some(t) = &spec.kind
        && !unset.contains(&"kind")
    {
        let known = ["service", "library", "website", "job", "cli", "resource"];
        if known.contains(&t.value.as_str()) {
            m.push(("kind".into(), s(t.value.as_str())));
        } else {
            dropped.push(format!("spec.type `{}` (not a strata kind)", t.value));
        }
    }
    if let Some(v) = ann.get("version") {
        m.push(("version".into(), s(v.value.as_str())));
    }
    if let Some(d) = &meta.description {
        m.push(("description".into(), s(d.as_str())));
    }
    if let Some(o) = ann.get("owner") {
        m.push(("owner".into(), s(o.value.as_str())));
    } else if let Some(o) = &spec.owner
        && !unset.contains(&"owner")
    {
        m.push(("owner".into(), s(owner_from_backstage(&o.value))));
    }
    if let Some(l) = &spec.lifecycle
        && !unset.contains(&"lifecycle")
    {
        if matches!(
            l.value.as_str(),
            "experimental" | "production" | "deprecated"
        ) {
            m.push(("lifecycle".into(), s(l.value.as_str())));
        } else {
            dropped.push(format!(
                "spec.lifecycle `{}` (not a strata lifecycle)",
                l.value
            ));
        }
    }
    for key in ["lane", "layer"] {
        if let Some(v) = ann.get(key) {
            m.push((key.into(), s(v.value.as_str())));
        }
    }
    if let Some(v) = ann.get("tier") {
        let tier: u32 = v.value.trim().parse().map_err(|_| {
            invalid(
                pos(v),
                format!(
                    "annotation `{ANNOTATION_PREFIX}tier` is `{}`, not a whole number",
                    v.value
                ),
            )
        })?;
        m.push(("tier".into(), Node::Raw(tier.to_string())));
    }
    let json_of = |key: &str| -> Result<Option<serde_json::Value>, ConfigError> {
        ann.get(key)
            .map(|v| {
                serde_json::from_str::<serde_json::Value>(&v.value).map_err(|e| {
                    invalid(
                        pos(v),
                        format!("annotation `{ANNOTATION_PREFIX}{key}` is not valid JSON: {e}"),
                    )
                })
            })
            .transpose()
    };
    if let Some(v) = json_of("paths")? {
        m.push(("paths".into(), from_json(&v)));
    }
    if let Some(v) = json_of("depends-on")? {
        m.push(("depends_on".into(), from_json(&v)));
    } else if !spec.depends_on.is_empty() {
        let mut deps = Vec::new();
        for d in &spec.depends_on {
            let (kind, name) = split_ref(&d.value);
            if kind.is_some_and(|k| !k.eq_ignore_ascii_case("component")) {
                dropped.push(format!("spec.dependsOn `{}` (not a Component)", d.value));
                continue;
            }
            if kind.is_none() {
                return Err(invalid(
                    pos(d),
                    format!(
                        "`dependsOn` entry `{}` has no kind: write `component:{}`",
                        d.value, d.value
                    ),
                ));
            }
            deps.push(s(name));
        }
        if !deps.is_empty() {
            m.push(("depends_on".into(), Node::Seq(deps)));
        }
    }
    if let Some(v) = json_of("interfaces")? {
        m.push(("interfaces".into(), from_json(&v)));
    }
    for key in ["api", "events", "health"] {
        if let Some(v) = json_of(key)? {
            m.push((key.into(), from_json(&v)));
        }
    }
    if !ann.contains_key("api") && !spec.provides_apis.is_empty() {
        dropped.push("spec.providesApis (no `strata.dev/api` annotation)".into());
    }
    if !meta.links.is_empty() {
        m.push((
            "links".into(),
            Node::Seq(
                meta.links
                    .iter()
                    .map(|l| {
                        Node::Map(vec![
                            (
                                "title".into(),
                                s(l.title.clone().unwrap_or_else(|| l.url.clone())),
                            ),
                            ("url".into(), s(l.url.as_str())),
                        ])
                    })
                    .collect(),
            ),
        ));
    }
    if !meta.tags.is_empty() {
        m.push(("tags".into(), strs(&meta.tags)));
    }
    if !own.is_empty() {
        m.push(("annotations".into(), Node::Map(own)));
    }
    if let Some(v) = json_of("template")? {
        m.push(("template".into(), from_json(&v)));
    }
    if spec.system.is_some() {
        dropped.push("spec.system".into());
    }
    if meta.title.is_some() {
        dropped.push("metadata.title".into());
    }
    if meta.namespace.as_deref().is_some_and(|n| n != "default") {
        dropped.push("metadata.namespace".into());
    }
    if !meta.labels.is_empty() {
        dropped.push("metadata.labels".into());
    }
    let mut text = String::new();
    render_map(&Node::Map(m), 0, &mut text);
    let module = strata_workspace::parse_module_file(Path::new("module.yaml"), text.as_bytes())
        .map_err(|e| {
            invalid(
                pos(name),
                format!("the Component does not make a valid `module.yaml`: {e}"),
            )
        })?;
    Ok(ImportedModule {
        name: module_name,
        text,
        module,
        dropped,
    })
}

/// `kind:namespace/name` → (`kind`, `name`).
fn split_ref(r: &str) -> (Option<&str>, &str) {
    let (kind, rest) = match r.split_once(':') {
        Some((k, rest)) => (Some(k), rest),
        None => (None, r),
    };
    (kind, rest.rsplit_once('/').map_or(rest, |(_, n)| n))
}

/// `group:x` (or a bare `x`, which Backstage reads as a Group) → `team:x`; `user:x` as it is.
fn owner_from_backstage(owner: &str) -> String {
    match split_ref(owner) {
        (Some(k), n) if k.eq_ignore_ascii_case("user") => format!("user:{n}"),
        (_, n) => format!("team:{n}"),
    }
}

fn from_json(v: &serde_json::Value) -> Node {
    match v {
        serde_json::Value::String(x) => s(x.as_str()),
        serde_json::Value::Array(a) => Node::Seq(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Node::Map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
        // Numbers and booleans: their text, which YAML reads back as the same value.
        other => Node::Raw(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A field added to module.yaml must be mapped here too, or an export would drop it.
    #[test]
    fn every_module_yaml_field_is_mapped() {
        let schema = schemars::schema_for!(ModuleFile);
        let mut fields: Vec<&str> = schema
            .as_object()
            .and_then(|o| o.get("properties"))
            .and_then(|p| p.as_object())
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        let mut mapped = [
            "schema",
            "name",
            "kind",
            "version",
            "description",
            "owner",
            "lifecycle",
            "lane",
            "layer",
            "tier",
            "paths",
            "depends_on",
            "interfaces",
            "api",
            "events",
            "health",
            "links",
            "tags",
            "annotations",
            "template",
        ];
        mapped.sort_unstable();
        assert_eq!(fields, mapped);
    }

    #[test]
    fn slugs_are_catalog_names() {
        assert_eq!(slug("billing"), "billing");
        assert_eq!(slug("@acme/ui-kit"), "acme-ui-kit");
        assert_eq!(slug("crates/strata_lang"), "crates-strata_lang");
        assert_eq!(slug("__"), "module");
        assert_eq!(slug(&"a".repeat(80)).len(), 63);
    }

    #[test]
    fn scalars_quote_what_yaml_would_read_otherwise() {
        assert_eq!(scalar("billing"), "billing");
        assert_eq!(scalar("group:payments"), "group:payments");
        assert_eq!(scalar("3"), "'3'");
        assert_eq!(scalar("yes"), "'yes'");
        assert_eq!(scalar("^1.8"), "'^1.8'");
        assert_eq!(scalar("a: b"), "'a: b'");
        assert_eq!(scalar("it's"), "'it''s'");
        assert_eq!(scalar("{\"a\":1}"), "'{\"a\":1}'");
        assert_eq!(scalar("a\nb\u{2028}"), "\"a\\nb\\L\"");
        assert_eq!(scalar(""), "''");
    }

    #[test]
    fn nested_values_render_in_block_style() {
        let node = Node::Map(vec![
            ("a".into(), s("x")),
            ("list".into(), Node::Seq(vec![s("p"), s("q")])),
            (
                "links".into(),
                Node::Seq(vec![Node::Map(vec![
                    ("url".into(), s("https://x.example")),
                    ("title".into(), s("X")),
                ])]),
            ),
            ("empty".into(), Node::Seq(vec![])),
            ("m".into(), Node::Map(vec![("k".into(), s("v"))])),
        ]);
        let mut out = String::new();
        render_map(&node, 0, &mut out);
        assert_eq!(
            out,
            "a: x\nlist:\n  - p\n  - q\nlinks:\n  - url: https://x.example\n    title: X\nempty: []\nm:\n  k: v\n"
        );
    }

    #[test]
    fn a_hand_written_descriptor_imports_with_what_has_no_place_named() {
        // Backstage's own descriptor (backstage/backstage catalog-info.yaml), abridged.
        let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: backstage-existing\n  title: Backstage\n  description: |\n    Backstage is an open-source developer portal.\n  links:\n    - title: Website\n      url: http://backstage.io\n  annotations:\n    github.com/project-slug: backstage/backstage\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: library\n  owner: CNCF\n  lifecycle: production\n  system: portal\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: CNCF\nspec:\n  type: team\n  children: []\n";
        let m = import_backstage(Path::new("catalog-info.yaml"), text).unwrap();
        assert_eq!(m.len(), 1);
        let m = &m[0];
        assert_eq!(m.module.name.value, "backstage-existing");
        assert_eq!(m.module.kind, Some(ModuleKind::Library));
        assert_eq!(m.module.owner.as_ref().unwrap().value, "team:CNCF");
        assert_eq!(
            m.module.description.as_deref(),
            Some("Backstage is an open-source developer portal.\n")
        );
        assert_eq!(m.module.links[0].url, "http://backstage.io");
        assert_eq!(m.module.annotations["backstage.io/techdocs-ref"], "dir:.");
        assert_eq!(m.dropped, ["spec.system", "metadata.title"]);
    }

    #[test]
    fn a_bare_depends_on_entry_is_an_error_with_its_line() {
        let text = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: production\n  owner: group:x\n  dependsOn:\n    - b\n";
        let e = import_backstage(Path::new("c.yaml"), text).unwrap_err();
        assert!(e.to_string().starts_with("c.yaml:10:"), "{e}");
    }
}
