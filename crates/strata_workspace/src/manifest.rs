//! Package manifests (Cargo.toml, package.json, pyproject.toml, go.mod, pom.xml): what
//! discovery needs of them — the package's name, version and description, whether the
//! file declares a package at all or only a workspace, and the dependencies it declares.

use serde_json::Value;

/// Which manifest a module was discovered from; it also tells the module's language when its
/// files do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManifestKind {
    Cargo,
    Npm,
    Python,
    Go,
    Maven,
}

impl ManifestKind {
    /// Manifest file names, in the order they win when one folder holds several.
    pub const FILES: &[(&'static str, ManifestKind)] = &[
        ("Cargo.toml", ManifestKind::Cargo),
        ("go.mod", ManifestKind::Go),
        ("pom.xml", ManifestKind::Maven),
        ("pyproject.toml", ManifestKind::Python),
        ("setup.py", ManifestKind::Python),
        ("setup.cfg", ManifestKind::Python),
        ("package.json", ManifestKind::Npm),
    ];

    pub fn from_file_name(name: &str) -> Option<ManifestKind> {
        Self::FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
    }

    /// The language id (as `strata_lang::Lang` spells it) of packages of this kind.
    pub fn lang(self) -> &'static str {
        match self {
            ManifestKind::Cargo => "rust",
            ManifestKind::Npm => "ts",
            ManifestKind::Python => "py",
            ManifestKind::Go => "go",
            ManifestKind::Maven => "java",
        }
    }
}

/// What a manifest says about its package.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManifestInfo {
    /// Repository-relative path of the manifest file.
    pub path: String,
    pub kind: Option<ManifestKind>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    /// False for a file that only declares a workspace (a virtual Cargo manifest, a Maven
    /// aggregator with `pom` packaging).
    pub is_package: bool,
    /// Third-party (and sibling) packages the manifest requires, with the version requirement
    /// as written (`^1.2`, `1.4.0`, `>=2,<3`, `v1.9.0`), sorted by name then kind; one entry per
    /// (name, kind). Empty when the manifest declares none or cannot be read.
    pub dependencies: Vec<ManifestDependency>,
}

/// One dependency a manifest declares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ManifestDependency {
    /// The package name as the ecosystem spells it (`serde`, `@scope/pkg`, `requests`,
    /// `github.com/x/y`, `org.slf4j:slf4j-api`); Python names are normalised per PEP 503.
    pub name: String,
    /// The version requirement as written; `None` when the manifest gives none (a path or git
    /// dependency, `{ workspace = true }`, a PEP 508 URL requirement, a Maven dependency managed
    /// by a parent). `*` is kept as `"*"`.
    pub version: Option<String>,
    /// Where it was declared: [`Self::NORMAL`], [`Self::DEV`] or [`Self::BUILD`].
    pub kind: &'static str,
    /// 1-based line and column where the manifest first names the package (0 when it does
    /// not spell it so that strata finds it).
    pub line: u32,
    pub column: u32,
}

impl ManifestDependency {
    /// Needed by the package itself (Cargo `[dependencies]`, npm `dependencies`,
    /// `peerDependencies` and `optionalDependencies`, PEP 621 `dependencies`, go.mod
    /// `require`, Maven scopes other than `test`).
    pub const NORMAL: &'static str = "normal";
    /// Needed only to develop or test it (Cargo `[dev-dependencies]`, npm `devDependencies`,
    /// Python optional and dependency groups, Maven `test` scope).
    pub const DEV: &'static str = "dev";
    /// Needed only to build it (Cargo `[build-dependencies]`, `[build-system] requires`).
    pub const BUILD: &'static str = "build";

    /// A dependency from a name and version as they appear in the manifest: both trimmed, an
    /// empty version read as none. `None` for an empty name.
    fn new(name: &str, version: Option<&str>, kind: &'static str) -> Option<ManifestDependency> {
        let name = name.trim();
        (!name.is_empty()).then(|| ManifestDependency {
            name: name.to_owned(),
            version: version
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
            kind,
            line: 0,
            column: 0,
        })
    }
}

/// Read what discovery needs from a manifest's text. Never fails: a manifest strata cannot
/// read still marks a package folder, with nothing known about it.
pub fn read_manifest(path: &str, kind: ManifestKind, text: &str) -> ManifestInfo {
    let mut info = ManifestInfo {
        path: path.to_owned(),
        kind: Some(kind),
        is_package: true,
        ..ManifestInfo::default()
    };
    match kind {
        ManifestKind::Cargo => {
            let v: Value = toml::from_str(text).unwrap_or(Value::Null);
            let package = &v["package"];
            info.is_package = package.is_object();
            info.name = str_of(&package["name"]);
            info.version = str_of(&package["version"])
                .or_else(|| str_of(&v["workspace"]["package"]["version"]));
            info.description = str_of(&package["description"]);
            info.dependencies = cargo_dependencies(&v);
        }
        ManifestKind::Npm => {
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            info.name = str_of(&v["name"]);
            info.version = str_of(&v["version"]);
            // A private root that only lists workspaces is the workspace, not a package.
            info.is_package = v["private"] != Value::Bool(true) || v["workspaces"].is_null();
            info.description = str_of(&v["description"]);
            info.dependencies = npm_dependencies(&v);
        }
        ManifestKind::Python => {
            if path.ends_with("pyproject.toml") {
                let v: Value = toml::from_str(text).unwrap_or(Value::Null);
                let project = &v["project"];
                let poetry = &v["tool"]["poetry"];
                info.name = str_of(&project["name"]).or_else(|| str_of(&poetry["name"]));
                info.version = str_of(&project["version"]).or_else(|| str_of(&poetry["version"]));
                info.description =
                    str_of(&project["description"]).or_else(|| str_of(&poetry["description"]));
                info.dependencies = python_dependencies(&v);
            }
        }
        ManifestKind::Go => {
            info.name = text.lines().find_map(|l| {
                let rest = l.trim().strip_prefix("module")?;
                let name = rest.trim().trim_matches('"');
                (!name.is_empty() && rest.starts_with([' ', '\t'])).then(|| name.to_owned())
            });
            info.dependencies = go_dependencies(text);
        }
        ManifestKind::Maven => {
            let own = pom_own_part(text);
            info.name = xml_text(&own, "artifactId");
            info.version = xml_text(&own, "version");
            info.description = xml_text(&own, "description");
            info.is_package = xml_text(&own, "packaging").as_deref() != Some("pom");
            info.dependencies = maven_dependencies(text);
        }
    }
    sort_dependencies(&mut info.dependencies);
    for d in &mut info.dependencies {
        (d.line, d.column) = position_of(text, kind, &d.name);
    }
    info
}

/// Line and column (1-based) of the first word of `text` that names the package `name` as
/// this ecosystem spells it (`(0, 0)` when none does). Words are runs of letters, digits and
/// `-_./@`; a Python word matches once normalised per PEP 503, a Maven one by artifact id.
fn position_of(text: &str, kind: ManifestKind, name: &str) -> (u32, u32) {
    let wanted = match kind {
        ManifestKind::Maven => name.rsplit_once(':').map_or(name, |(_, a)| a),
        _ => name,
    };
    let in_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '@');
    for (i, line) in text.lines().enumerate() {
        let mut start = None;
        for (at, c) in line
            .char_indices()
            .chain(std::iter::once((line.len(), ' ')))
        {
            match (in_word(c), start) {
                (true, None) => start = Some(at),
                (false, Some(from)) => {
                    start = None;
                    let word = &line[from..at];
                    let found = match kind {
                        ManifestKind::Python => {
                            word.len() >= wanted.len() && pep503(word) == wanted
                        }
                        _ => word == wanted,
                    };
                    if found {
                        let column = line[..from].chars().count() + 1;
                        return (
                            u32::try_from(i + 1).unwrap_or(0),
                            u32::try_from(column).unwrap_or(0),
                        );
                    }
                }
                _ => {}
            }
        }
    }
    (0, 0)
}

/// Sort by name then kind and keep one entry per (name, kind). Where a name is declared twice
/// for one kind (a renamed Cargo dependency, a target-specific table, a package both in
/// `[tool.poetry.dependencies]` and `[project]`), the first declaration that gives a version
/// wins, else the first.
fn sort_dependencies(deps: &mut Vec<ManifestDependency>) {
    deps.sort_by(|a, b| {
        (&a.name, a.kind, a.version.is_none()).cmp(&(&b.name, b.kind, b.version.is_none()))
    });
    deps.dedup_by(|later, kept| later.name == kept.name && later.kind == kept.kind);
}

/// Cargo's dependency tables, with the underscore spellings Cargo still accepts.
const CARGO_TABLES: [(&str, &str); 5] = [
    ("dependencies", ManifestDependency::NORMAL),
    ("dev-dependencies", ManifestDependency::DEV),
    ("dev_dependencies", ManifestDependency::DEV),
    ("build-dependencies", ManifestDependency::BUILD),
    ("build_dependencies", ManifestDependency::BUILD),
];

/// The dependency tables of a Cargo manifest, those under `[target.'cfg(..)']`, and
/// `[workspace.dependencies]`, where a workspace pins the versions its members inherit.
fn cargo_dependencies(v: &Value) -> Vec<ManifestDependency> {
    let mut out = Vec::new();
    let targets = v["target"].as_object().into_iter().flat_map(|t| t.values());
    for owner in std::iter::once(v).chain(targets) {
        for (table, kind) in CARGO_TABLES {
            cargo_table(&owner[table], kind, &mut out);
        }
    }
    cargo_table(
        &v["workspace"]["dependencies"],
        ManifestDependency::NORMAL,
        &mut out,
    );
    out
}

fn cargo_table(table: &Value, kind: &'static str, out: &mut Vec<ManifestDependency>) {
    let Some(table) = table.as_object() else {
        return;
    };
    for (key, spec) in table {
        let (name, version) = match spec {
            Value::String(version) => (key.as_str(), Some(version.as_str())),
            // `{ package = "real-name" }` renames: the key is only the local name.
            Value::Object(t) => (
                t.get("package").and_then(Value::as_str).unwrap_or(key),
                t.get("version").and_then(Value::as_str),
            ),
            _ => continue,
        };
        out.extend(ManifestDependency::new(name, version, kind));
    }
}

/// npm's dependency objects. Every string value is kept as written, protocols included
/// (`workspace:*`, `file:../x`, `github:user/repo`).
fn npm_dependencies(v: &Value) -> Vec<ManifestDependency> {
    let mut out = Vec::new();
    for (field, kind) in [
        ("dependencies", ManifestDependency::NORMAL),
        ("optionalDependencies", ManifestDependency::NORMAL),
        ("peerDependencies", ManifestDependency::NORMAL),
        ("devDependencies", ManifestDependency::DEV),
    ] {
        let Some(table) = v[field].as_object() else {
            continue;
        };
        for (name, version) in table {
            if let Some(version) = version.as_str() {
                out.extend(ManifestDependency::new(name, Some(version), kind));
            }
        }
    }
    out
}

/// A pyproject's PEP 621 `[project]` lists, PEP 735 `[dependency-groups]`, PEP 518
/// `[build-system] requires`, and Poetry's tables.
fn python_dependencies(v: &Value) -> Vec<ManifestDependency> {
    let mut out = Vec::new();
    let project = &v["project"];
    pep508_list(
        &project["dependencies"],
        ManifestDependency::NORMAL,
        &mut out,
    );
    for groups in [&project["optional-dependencies"], &v["dependency-groups"]] {
        for group in groups.as_object().into_iter().flat_map(|g| g.values()) {
            pep508_list(group, ManifestDependency::DEV, &mut out);
        }
    }
    pep508_list(
        &v["build-system"]["requires"],
        ManifestDependency::BUILD,
        &mut out,
    );
    let poetry = &v["tool"]["poetry"];
    poetry_table(
        &poetry["dependencies"],
        ManifestDependency::NORMAL,
        &mut out,
    );
    poetry_table(
        &poetry["dev-dependencies"],
        ManifestDependency::DEV,
        &mut out,
    );
    for group in poetry["group"]
        .as_object()
        .into_iter()
        .flat_map(|g| g.values())
    {
        poetry_table(&group["dependencies"], ManifestDependency::DEV, &mut out);
    }
    out
}

/// A list of PEP 508 requirement strings; other entries (a PEP 735 `{ include-group }`) and
/// strings that are not requirements are skipped.
fn pep508_list(list: &Value, kind: &'static str, out: &mut Vec<ManifestDependency>) {
    for spec in list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if let Some((name, version)) = pep508(spec) {
            out.extend(ManifestDependency::new(&name, version, kind));
        }
    }
}

/// The name (normalised) and version specifier of a PEP 508 requirement such as
/// `pydantic[email]==2.5.0 ; python_version>='3.9'`: extras and markers are dropped, a URL
/// requirement (`name @ https://…`) has no version.
pub(crate) fn pep508(spec: &str) -> Option<(String, Option<&str>)> {
    let spec = spec
        .split_once(';')
        .map_or(spec, |(req, _marker)| req)
        .trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let (name, rest) = spec.split_at(end);
    // PEP 508 names begin and end with a letter or digit.
    let alnum_ends = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !alnum_ends {
        return None;
    }
    let mut rest = rest.trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        rest = extras.split_once(']')?.1.trim_start();
    }
    if rest.starts_with('@') {
        return Some((pep503(name), None));
    }
    let rest = match rest.strip_prefix('(') {
        Some(inner) => inner.strip_suffix(')')?.trim(),
        None => rest,
    };
    if !(rest.is_empty() || rest.starts_with(['<', '>', '=', '!', '~'])) {
        return None;
    }
    Some((pep503(name), (!rest.is_empty()).then_some(rest)))
}

/// A Python package name normalised per PEP 503: lower case, each run of `-`, `_` and `.`
/// one `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// A Poetry dependency table: values are a version string, a table with an optional
/// `version`, or a list of such tables (one per Python or platform marker, so no single
/// version). The `python` entry is the interpreter, not a package.
fn poetry_table(table: &Value, kind: &'static str, out: &mut Vec<ManifestDependency>) {
    let Some(table) = table.as_object() else {
        return;
    };
    for (name, spec) in table {
        let name = pep503(name.trim());
        if name == "python" {
            continue;
        }
        let version = match spec {
            Value::String(version) => Some(version.as_str()),
            Value::Object(t) => t.get("version").and_then(Value::as_str),
            Value::Array(_) => None,
            _ => continue,
        };
        out.extend(ManifestDependency::new(&name, version, kind));
    }
}

/// The `require` directives of a go.mod, single-line and in blocks, `// indirect` ones
/// included; `replace`, `exclude`, `retract` and `tool` are not requirements.
fn go_dependencies(text: &str) -> Vec<ManifestDependency> {
    let mut out = Vec::new();
    let mut in_require_block = false;
    for line in text.lines() {
        let line = line
            .split_once("//")
            .map_or(line, |(code, _comment)| code)
            .trim();
        if in_require_block {
            if line.starts_with(')') {
                in_require_block = false;
            } else {
                out.extend(go_requirement(line));
            }
            continue;
        }
        let Some(rest) = line.strip_prefix("require") else {
            continue;
        };
        // `require` must be the whole first token: `requirex …` is no directive.
        if !(rest.is_empty() || rest.starts_with(|c: char| c.is_whitespace() || c == '(')) {
            continue;
        }
        match rest.trim_start().strip_prefix('(') {
            Some(after) => in_require_block = after.trim().is_empty(),
            None => out.extend(go_requirement(rest)),
        }
    }
    out
}

/// `module/path v1.2.3` (the path possibly quoted) as a dependency; anything else is none.
fn go_requirement(line: &str) -> Option<ManifestDependency> {
    let mut tokens = line.split_whitespace();
    let (path, version) = (tokens.next()?, tokens.next()?);
    if tokens.next().is_some() {
        return None;
    }
    let path = path.trim_matches(|c| c == '"' || c == '`');
    ManifestDependency::new(path, Some(version), ManifestDependency::NORMAL)
}

/// The project's own `<dependencies>` of a POM, as `groupId:artifactId`; those managed in
/// `<dependencyManagement>`, a plugin's in `<build>`, a profile's and comments are skipped.
/// A dependency without a `groupId` or `artifactId` is invalid and skipped.
fn maven_dependencies(text: &str) -> Vec<ManifestDependency> {
    let mut s = strip_between(text, "<!--", "-->");
    for tag in ["dependencyManagement", "build", "profiles", "reporting"] {
        s = strip_between(&s, &format!("<{tag}>"), &format!("</{tag}>"));
    }
    let mut out = Vec::new();
    for block in elements(&s, "dependencies") {
        for dependency in elements(block, "dependency") {
            // An exclusion's coordinates must not be read as the dependency's.
            let dependency = strip_between(dependency, "<exclusions>", "</exclusions>");
            let (Some(group), Some(artifact)) = (
                xml_text(&dependency, "groupId"),
                xml_text(&dependency, "artifactId"),
            ) else {
                continue;
            };
            let kind = if xml_text(&dependency, "scope").as_deref() == Some("test") {
                ManifestDependency::DEV
            } else {
                ManifestDependency::NORMAL
            };
            let version = xml_text(&dependency, "version");
            out.extend(ManifestDependency::new(
                &format!("{group}:{artifact}"),
                version.as_deref(),
                kind,
            ));
        }
    }
    out
}

fn str_of(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The project's own elements of a POM: sections that hold other artifacts' coordinates
/// (`<parent>`, `<dependencies>`, `<build>`, …) and comments removed.
pub(crate) fn pom_own_part(text: &str) -> String {
    let mut s = strip_between(text, "<!--", "-->");
    for tag in [
        "parent",
        "dependencies",
        "dependencyManagement",
        "build",
        "profiles",
        "reporting",
        "modules",
        "properties",
        "distributionManagement",
        "repositories",
        "pluginRepositories",
    ] {
        s = strip_between(&s, &format!("<{tag}>"), &format!("</{tag}>"));
    }
    s
}

pub(crate) fn strip_between(text: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        out.push_str(&rest[..i]);
        match rest[i..].find(close) {
            Some(j) => rest = &rest[i + j + close.len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The contents of each closed `<tag>…</tag>` element, in order; the tag must not nest.
pub(crate) fn elements<'a>(text: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&open) {
        let inner = &rest[i + open.len()..];
        let Some(j) = inner.find(&close) else {
            break;
        };
        found.push(&inner[..j]);
        rest = &inner[j + close.len()..];
    }
    found
}

pub(crate) fn xml_text(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find('<')? + start;
    let v = text[start..end].trim();
    (!v.is_empty()).then(|| v.to_owned())
}

#[cfg(test)]
mod tests {

    #[test]
    fn dependencies_know_where_they_are_written() {
        let at = |kind, text: &str, name: &str| {
            let file = ManifestKind::FILES
                .iter()
                .find(|(_, k)| *k == kind)
                .map_or("m", |(f, _)| *f);
            let info = read_manifest(file, kind, text);
            let d = info
                .dependencies
                .iter()
                .find(|d| d.name == name)
                .expect(name);
            (d.line, d.column)
        };
        let cargo = "[package]\nname = \"a\"\n[dependencies]\nserde_json = \"1\"\nserde = \"1\"\n";
        assert_eq!(at(ManifestKind::Cargo, cargo, "serde"), (5, 1));
        let npm = "{\n  \"name\": \"a\",\n  \"dependencies\": {\n    \"@scope/x\": \"1.0.0\",\n    \"x\": \"2\"\n  }\n}\n";
        assert_eq!(at(ManifestKind::Npm, npm, "@scope/x"), (4, 6));
        assert_eq!(at(ManifestKind::Npm, npm, "x"), (5, 6));
        let py = "[project]\nname = \"a\"\ndependencies = [\n  \"PyYAML>=6\",\n]\n";
        assert_eq!(at(ManifestKind::Python, py, "pyyaml"), (4, 4));
        let pom = "<project>\n<artifactId>a</artifactId>\n<dependencies><dependency>\n  <groupId>org.x</groupId>\n  <artifactId>core</artifactId>\n  <version>1</version>\n</dependency></dependencies>\n</project>\n";
        assert_eq!(at(ManifestKind::Maven, pom, "org.x:core"), (5, 15));
        let go = "module example.com/a\n\nrequire (\n\tgithub.com/x/y v1.2.3\n)\n";
        assert_eq!(at(ManifestKind::Go, go, "github.com/x/y"), (4, 2));
    }

    use super::*;

    #[test]
    fn cargo_package_and_virtual_workspace() {
        let p = read_manifest(
            "a/Cargo.toml",
            ManifestKind::Cargo,
            "[package]\nname = \"a\"\nversion = \"1.2.3\"\ndescription = \"A\"\n",
        );
        assert_eq!(
            (p.name.as_deref(), p.version.as_deref()),
            (Some("a"), Some("1.2.3"))
        );
        assert!(p.is_package);
        let w = read_manifest(
            "Cargo.toml",
            ManifestKind::Cargo,
            "[workspace]\nmembers = []\n",
        );
        assert!(!w.is_package);
    }

    #[test]
    fn npm_python_go() {
        let n = read_manifest(
            "p/package.json",
            ManifestKind::Npm,
            r#"{"name": "@x/p", "version": "0.1.0"}"#,
        );
        assert_eq!(n.name.as_deref(), Some("@x/p"));
        let root = read_manifest(
            "package.json",
            ManifestKind::Npm,
            r#"{"name": "root", "private": true, "workspaces": ["packages/*"]}"#,
        );
        assert!(!root.is_package);
        let py = read_manifest(
            "q/pyproject.toml",
            ManifestKind::Python,
            "[project]\nname = \"q\"\nversion = \"2.0.0\"\n",
        );
        assert_eq!(py.version.as_deref(), Some("2.0.0"));
        let go = read_manifest(
            "go.mod",
            ManifestKind::Go,
            "// c\nmodule example.com/m\n\ngo 1.22\n",
        );
        assert_eq!(go.name.as_deref(), Some("example.com/m"));
    }

    #[test]
    fn maven_skips_parent_coordinates() {
        let pom = "<project><parent><artifactId>root</artifactId><version>9</version></parent>\
                   <artifactId>svc</artifactId><version>1.0.0</version>\
                   <dependencies><dependency><artifactId>x</artifactId></dependency></dependencies></project>";
        let m = read_manifest("svc/pom.xml", ManifestKind::Maven, pom);
        assert_eq!(
            (m.name.as_deref(), m.version.as_deref()),
            (Some("svc"), Some("1.0.0"))
        );
        let agg = read_manifest(
            "pom.xml",
            ManifestKind::Maven,
            "<project><packaging>pom</packaging></project>",
        );
        assert!(!agg.is_package);
    }

    /// The dependencies as `(name, version, kind)`, in the order read.
    fn deps(m: &ManifestInfo) -> Vec<(&str, Option<&str>, &str)> {
        m.dependencies
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_deref(), d.kind))
            .collect()
    }

    #[test]
    fn cargo_dependencies_in_every_form() {
        let text = r#"
[package]
name = "a"
version = "0.1.0"

[dependencies]
serde = "1.0"
anyhow = { version = "^1.0.80", features = ["backtrace"] }
local = { path = "../local" }
local-pinned = { path = "../lp", version = "0.3" }
from-git = { git = "https://example.com/x.git", branch = "main" }
shared = { workspace = true }
json = { package = "serde_json", version = ">=1,<2" }
anything = "*"
not-a-spec = 3

[dev-dependencies]
insta = "1.40"
serde = { version = "1", features = ["derive"] }

[build-dependencies]
cc = "1"

[target.'cfg(unix)'.dependencies]
libc = "0.2"
serde = "1.0.200"

[target.'cfg(windows)'.dev-dependencies]
winapi = "0.3"
"#;
        let m = read_manifest("a/Cargo.toml", ManifestKind::Cargo, text);
        assert_eq!(
            deps(&m),
            [
                ("anyhow", Some("^1.0.80"), "normal"),
                ("anything", Some("*"), "normal"),
                ("cc", Some("1"), "build"),
                ("from-git", None, "normal"),
                ("insta", Some("1.40"), "dev"),
                ("libc", Some("0.2"), "normal"),
                ("local", None, "normal"),
                ("local-pinned", Some("0.3"), "normal"),
                ("serde", Some("1"), "dev"),
                // Also in the `cfg(unix)` table: one entry per kind, the first declared.
                ("serde", Some("1.0"), "normal"),
                ("serde_json", Some(">=1,<2"), "normal"),
                ("shared", None, "normal"),
                ("winapi", Some("0.3"), "dev"),
            ]
        );
    }

    #[test]
    fn cargo_workspace_dependencies() {
        let virtual_root = r#"
[workspace]
members = ["crates/*"]

[workspace.dependencies]
a = { path = "crates/a" }
serde = { version = "1", features = ["derive"] }
toml = "0.8"
"#;
        let w = read_manifest("Cargo.toml", ManifestKind::Cargo, virtual_root);
        assert!(!w.is_package);
        assert_eq!(
            deps(&w),
            [
                ("a", None, "normal"),
                ("serde", Some("1"), "normal"),
                ("toml", Some("0.8"), "normal"),
            ]
        );
        // A root package inheriting from its own workspace table: the pinned version wins
        // over the versionless `workspace = true` entry.
        let root = r#"
[package]
name = "root"

[dependencies]
serde = { workspace = true }

[workspace.dependencies]
serde = "1.0.190"
"#;
        let r = read_manifest("Cargo.toml", ManifestKind::Cargo, root);
        assert_eq!(deps(&r), [("serde", Some("1.0.190"), "normal")]);
    }

    #[test]
    fn npm_dependencies_in_every_section() {
        let text = r#"{
            "name": "@x/app",
            "dependencies": {
                "react": "^18.2.0",
                "@x/shared": "workspace:*",
                "local": "file:../local",
                "linked": "link:../linked",
                "gh": "github:user/repo#v1",
                "any": "*",
                "unpinned": "",
                "number": 42,
                "null": null,
                "object": {"version": "1"}
            },
            "devDependencies": {"typescript": "~5.4.0", "react": "18.2.0"},
            "peerDependencies": {"react-dom": ">=18 <19"},
            "optionalDependencies": {"fsevents": "2.3.3"},
            "bundledDependencies": ["react"]
        }"#;
        let n = read_manifest("app/package.json", ManifestKind::Npm, text);
        assert_eq!(
            deps(&n),
            [
                ("@x/shared", Some("workspace:*"), "normal"),
                ("any", Some("*"), "normal"),
                ("fsevents", Some("2.3.3"), "normal"),
                ("gh", Some("github:user/repo#v1"), "normal"),
                ("linked", Some("link:../linked"), "normal"),
                ("local", Some("file:../local"), "normal"),
                ("react", Some("18.2.0"), "dev"),
                ("react", Some("^18.2.0"), "normal"),
                ("react-dom", Some(">=18 <19"), "normal"),
                ("typescript", Some("~5.4.0"), "dev"),
                ("unpinned", None, "normal"),
            ]
        );
    }

    #[test]
    fn pep621_dependencies_normalised() {
        let text = r#"
[project]
name = "svc"
dependencies = [
    "requests>=2.31",
    "pydantic[email]==2.5.0 ; python_version>='3.9'",
    "Typing_Extensions",
    "zope.interface (>=5.0)",
    "my-lib @ https://example.com/my_lib-1.0.tar.gz",
    "numpy >= 1.26, < 2",
    "Foo.-_Bar ~= 1.0",
    "",
    "!!!",
    "-leading-dash",
    "name garbage",
    "unclosed[extra>=1",
    42,
]

[project.optional-dependencies]
test = ["pytest>=8", "requests"]
docs = ["Sphinx~=7.2"]

[dependency-groups]
lint = ["ruff==0.4.4", { include-group = "test" }]

[build-system]
requires = ["hatchling>=1.18"]
"#;
        let py = read_manifest("svc/pyproject.toml", ManifestKind::Python, text);
        assert_eq!(
            deps(&py),
            [
                ("foo-bar", Some("~= 1.0"), "normal"),
                ("hatchling", Some(">=1.18"), "build"),
                ("my-lib", None, "normal"),
                ("numpy", Some(">= 1.26, < 2"), "normal"),
                ("pydantic", Some("==2.5.0"), "normal"),
                ("pytest", Some(">=8"), "dev"),
                ("requests", None, "dev"),
                ("requests", Some(">=2.31"), "normal"),
                ("ruff", Some("==0.4.4"), "dev"),
                ("sphinx", Some("~=7.2"), "dev"),
                ("typing-extensions", None, "normal"),
                ("zope-interface", Some(">=5.0"), "normal"),
            ]
        );
        // setup.py and setup.cfg are not read.
        let setup = read_manifest("s/setup.py", ManifestKind::Python, "install_requires=['x']");
        assert!(setup.dependencies.is_empty());
    }

    #[test]
    fn poetry_dependencies_and_groups() {
        let text = r#"
[tool.poetry]
name = "legacy"

[tool.poetry.dependencies]
python = "^3.10"
Django = "^4.2"
requests = { version = "2.31.0", extras = ["socks"] }
local-pkg = { path = "../local", develop = true }
multi = [{ version = "1.0", python = "<3.11" }, { version = "2.0", python = ">=3.11" }]
not-a-spec = true

[tool.poetry.dev-dependencies]
black = "*"

[tool.poetry.group.test.dependencies]
pytest = "^8.0"

[tool.poetry.group.docs.dependencies]
mkdocs = { version = ">=1.5" }
"#;
        let py = read_manifest("legacy/pyproject.toml", ManifestKind::Python, text);
        assert_eq!(
            deps(&py),
            [
                ("black", Some("*"), "dev"),
                ("django", Some("^4.2"), "normal"),
                ("local-pkg", None, "normal"),
                ("mkdocs", Some(">=1.5"), "dev"),
                ("multi", None, "normal"),
                ("pytest", Some("^8.0"), "dev"),
                ("requests", Some("2.31.0"), "normal"),
            ]
        );
    }

    #[test]
    fn go_mod_requires() {
        let text = "// top comment
module example.com/app

go 1.22

require github.com/single/line v1.0.0

require (
\tgithub.com/pkg/errors v0.9.1
\tgolang.org/x/sys v0.20.0 // indirect
\t// github.com/commented/out v1.0.0
\t\"github.com/quoted/mod\" v2.0.0+incompatible
\tline-without-version
\ttoo many tokens here
)

require github.com/trailing v1.2.3 // indirect

require(
\tgithub.com/no/space v0.1.0
)

replace github.com/pkg/errors => ../errors

replace (
\tgolang.org/x/net v0.1.0 => golang.org/x/net v0.2.0
)

exclude github.com/bad v0.0.1

requirements.example/x v9.9.9
";
        let go = read_manifest("go.mod", ManifestKind::Go, text);
        assert_eq!(go.name.as_deref(), Some("example.com/app"));
        assert_eq!(
            deps(&go),
            [
                ("github.com/no/space", Some("v0.1.0"), "normal"),
                ("github.com/pkg/errors", Some("v0.9.1"), "normal"),
                (
                    "github.com/quoted/mod",
                    Some("v2.0.0+incompatible"),
                    "normal"
                ),
                ("github.com/single/line", Some("v1.0.0"), "normal"),
                ("github.com/trailing", Some("v1.2.3"), "normal"),
                ("golang.org/x/sys", Some("v0.20.0"), "normal"),
            ]
        );
    }

    #[test]
    fn maven_dependencies_skip_managed_plugin_and_profile_ones() {
        let pom = r"<?xml version='1.0'?>
<project>
  <parent><groupId>com.acme</groupId><artifactId>root</artifactId><version>9</version></parent>
  <artifactId>svc</artifactId>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>com.managed</groupId><artifactId>bom</artifactId><version>3</version><scope>import</scope></dependency>
    </dependencies>
  </dependencyManagement>
  <!-- <dependencies><dependency><groupId>com.commented</groupId><artifactId>out</artifactId></dependency></dependencies> -->
  <dependencies>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>${slf4j.version}</version>
    </dependency>
    <dependency>
      <exclusions>
        <exclusion><groupId>commons-logging</groupId><artifactId>commons-logging</artifactId></exclusion>
      </exclusions>
      <groupId>org.springframework</groupId>
      <artifactId>spring-core</artifactId>
    </dependency>
    <!-- <dependency><groupId>com.commented</groupId><artifactId>inner</artifactId></dependency> -->
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.10.2</version><scope>test</scope></dependency>
    <dependency><groupId>jakarta.servlet</groupId><artifactId>jakarta.servlet-api</artifactId><version>6.0.0</version><scope>provided</scope></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId><version>42.7.3</version><scope>runtime</scope></dependency>
    <dependency><artifactId>no-group</artifactId></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <artifactId>maven-surefire-plugin</artifactId>
        <dependencies><dependency><groupId>com.plugin</groupId><artifactId>dep</artifactId><version>1</version></dependency></dependencies>
      </plugin>
    </plugins>
  </build>
  <profiles>
    <profile><id>x</id><dependencies><dependency><groupId>com.profile</groupId><artifactId>only</artifactId></dependency></dependencies></profile>
  </profiles>
</project>";
        let m = read_manifest("svc/pom.xml", ManifestKind::Maven, pom);
        assert_eq!(m.name.as_deref(), Some("svc"));
        assert_eq!(
            deps(&m),
            [
                (
                    "jakarta.servlet:jakarta.servlet-api",
                    Some("6.0.0"),
                    "normal"
                ),
                ("org.junit.jupiter:junit-jupiter", Some("5.10.2"), "dev"),
                ("org.postgresql:postgresql", Some("42.7.3"), "normal"),
                ("org.slf4j:slf4j-api", Some("${slf4j.version}"), "normal"),
                ("org.springframework:spring-core", None, "normal"),
            ]
        );
    }

    #[test]
    fn broken_or_hostile_manifests_declare_no_dependencies() {
        let deep_toml = format!("a = {}", "[".repeat(10_000));
        let deep_json = format!("{{\"dependencies\": {}", "[".repeat(10_000));
        let inputs = [
            "",
            "\0\u{feff}\u{10ffff}",
            "[dependencies\nserde = \"1\"",
            "[dependencies]\nserde = []\nbad = 1\n[dev-dependencies]\nx = true",
            "dependencies = 5\n[target]\nx = 1\n[workspace]\ndependencies = \"x\"",
            "{",
            r#"{"dependencies": "react", "devDependencies": ["x"], "peerDependencies": {"": "1"}}"#,
            "[project]\ndependencies = \"requests\"\noptional-dependencies = [\"x\"]",
            "project = 5\n[tool.poetry]\ndependencies = 3\ngroup = 4\n[tool.poetry.group.a]\ndependencies = [\"x\"]",
            "[project]\ndependencies = [\"é>=1\", \"[x]\", \"(\", \";\", \"@ url\"]",
            "require (\n",
            "require\nrequire (x v1)\nrequire x\nrequire(",
            "<!--",
            "<project><dependencies><dependency><groupId>g</groupId><artifactId>a",
            "<project><dependencies><dependency><groupId>g</groupId></dependency></dependencies>",
            "<dependencies><dependency><groupId></groupId><artifactId></artifactId></dependency></dependencies>",
            &deep_toml,
            &deep_json,
        ];
        for input in inputs {
            for (file, kind) in ManifestKind::FILES {
                let m = read_manifest(&format!("x/{file}"), *kind, input);
                assert_eq!(m.dependencies, [], "{file}: {input:?}");
            }
        }
    }

    #[test]
    fn broken_manifests_do_not_fail() {
        let m = read_manifest("Cargo.toml", ManifestKind::Cargo, "[package\n");
        assert_eq!(m.name, None);
        let n = read_manifest("package.json", ManifestKind::Npm, "{");
        assert_eq!(n.name, None);
    }
}
