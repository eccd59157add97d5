//! Lockfiles (Cargo.lock, package-lock.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock,
//! pinned requirements.txt, go.sum) read into the versions each package manager resolved, and
//! the versions a Maven POM resolves for its dependencies, which Maven records nowhere else.
//!
//! Names are spelled as [`ManifestDependency::name`](crate::ManifestDependency) spells them, so
//! a manifest's requirement and the lockfile's resolution meet on the name.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;

use crate::error::{line_col, to_u32};
use crate::manifest::{
    ManifestKind, elements, pep503, pep508, pom_own_part, strip_between, xml_text,
};

/// Lockfile names strata reads, with the ecosystem each belongs to; within an ecosystem, in
/// the order they win when one folder holds several. `requirements.txt` counts only for its
/// pinned (`name==version`) lines.
pub const LOCKFILES: &[(&str, ManifestKind)] = &[
    ("Cargo.lock", ManifestKind::Cargo),
    ("package-lock.json", ManifestKind::Npm),
    ("npm-shrinkwrap.json", ManifestKind::Npm),
    ("pnpm-lock.yaml", ManifestKind::Npm),
    ("yarn.lock", ManifestKind::Npm),
    ("uv.lock", ManifestKind::Python),
    ("poetry.lock", ManifestKind::Python),
    ("requirements.txt", ManifestKind::Python),
    ("go.sum", ManifestKind::Go),
];

/// The ecosystem of a lockfile name from [`LOCKFILES`].
pub fn lockfile_kind(file_name: &str) -> Option<ManifestKind> {
    LOCKFILES
        .iter()
        .find(|(n, _)| *n == file_name)
        .map(|(_, k)| *k)
}

/// One resolved package: a name and the exact version the lockfile records.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LockedPackage {
    /// As [`ManifestDependency::name`](crate::ManifestDependency) spells it: `serde`,
    /// `@scope/pkg`, `requests` (PEP 503), `github.com/x/y`, `org.slf4j:slf4j-api`.
    pub name: String,
    /// As the lockfile records it: `1.2.3`, `v1.2.3` (Go), a git URL for a git dependency.
    pub version: String,
}

/// What a lockfile resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lockfile {
    /// The path it was read from, as given to [`read_lockfile`].
    pub path: String,
    pub kind: ManifestKind,
    /// Third-party packages, sorted by name then version, each pair once. A name appears once
    /// per version the lockfile holds (npm's nested copies, Cargo's semver-incompatible
    /// duplicates). The repository's own packages are left out where the format marks them.
    pub packages: Vec<LockedPackage>,
}

impl Lockfile {
    /// Every version locked for `name`, lowest first in string order; none when not locked.
    pub fn versions(&self, name: &str) -> impl Iterator<Item = &str> {
        let start = self.packages.partition_point(|p| p.name.as_str() < name);
        let end = start + self.packages[start..].partition_point(|p| p.name == name);
        self.packages[start..end].iter().map(|p| p.version.as_str())
    }
}

/// A lockfile strata could not read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map_or_else(String::new, |l| format!(":{l}")))]
pub struct LockfileError {
    pub path: String,
    /// 1-based line of the problem, when it is known.
    pub line: Option<u32>,
    /// What was wrong and what was expected there.
    pub message: String,
}

/// Read a lockfile's text; its format is chosen by the file name of `path` (one of
/// [`LOCKFILES`]). Malformed text is an error naming the line where the format allows.
pub fn read_lockfile(path: &str, text: &str) -> Result<Lockfile, LockfileError> {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fail = |line: Option<u32>, message: String| LockfileError {
        path: path.to_owned(),
        line,
        message,
    };
    let Some(kind) = lockfile_kind(file_name) else {
        let names: Vec<String> = LOCKFILES.iter().map(|(n, _)| format!("`{n}`")).collect();
        return Err(fail(
            None,
            format!(
                "not a lockfile strata reads: expected one of {}",
                names.join(", ")
            ),
        ));
    };
    let packages = match file_name {
        "Cargo.lock" => cargo(text),
        "package-lock.json" | "npm-shrinkwrap.json" => package_lock(text),
        "pnpm-lock.yaml" => pnpm(text),
        "yarn.lock" if is_yarn_berry(text) => yarn_berry(text),
        "yarn.lock" => yarn_classic(text),
        "poetry.lock" | "uv.lock" => python_lock(text),
        "requirements.txt" => requirements(text),
        _ => go_sum(text),
    }
    .map_err(|(line, message)| fail(line, message))?;
    Ok(Lockfile {
        path: path.to_owned(),
        kind,
        packages: sorted(packages),
    })
}

/// A parse failure before the path is attached: the line, when known, and the message.
type Failure = (Option<u32>, String);

fn sorted(mut packages: Vec<LockedPackage>) -> Vec<LockedPackage> {
    packages.sort_unstable();
    packages.dedup();
    packages
}

fn locked(name: &str, version: &str) -> LockedPackage {
    LockedPackage {
        name: name.to_owned(),
        version: version.to_owned(),
    }
}

fn line_at(text: &str, offset: usize) -> u32 {
    line_col(text, offset).0
}

/// A TOML lockfile's `[[package]]` tables; `expected` says what the file should hold.
fn toml_lock<'de, T: Deserialize<'de>>(text: &'de str, expected: &str) -> Result<T, Failure> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|span| line_at(text, span.start));
        (line, format!("expected {expected}: {}", e.message().trim()))
    })
}

fn json_failure(text: &str, base: usize, e: &serde_json::Error, expected: &str) -> Failure {
    let line = (e.line() > 0).then(|| line_at(text, base) + to_u32(e.line()) - 1);
    let message = e.to_string();
    let message = message
        .rfind(" at line ")
        .map_or(message.as_str(), |i| &message[..i]);
    (line, format!("expected {expected}: {message}"))
}

// ---------------------------------------------------------------------------------------------
// Cargo.lock

#[derive(Deserialize)]
struct CargoLock {
    #[serde(default)]
    package: Vec<CargoPackage>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: String,
    version: String,
    source: Option<String>,
}

/// Every lockfile version (1–4) lists `[[package]]` tables alike; a package without a
/// `source` is a path package of the workspace.
fn cargo(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let lock: CargoLock = toml_lock(
        text,
        "TOML `[[package]]` tables with `name` and `version` strings",
    )?;
    Ok(lock
        .package
        .into_iter()
        .filter(|p| p.source.is_some())
        .map(|p| LockedPackage {
            name: p.name,
            version: p.version,
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// package-lock.json and npm-shrinkwrap.json

#[derive(Deserialize)]
struct PackageLock<'a> {
    /// lockfileVersion 2 and 3: every installed folder, keyed by its path.
    packages: Option<HashMap<String, NpmPackage>>,
    /// lockfileVersion 1 (also kept by version 2): the tree of nested `dependencies`. Left raw
    /// so version 2 files do not pay for reading the tree twice.
    #[serde(borrow)]
    dependencies: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct NpmPackage {
    /// Set for an alias (`"x": "npm:real@^1"`) and for the root and workspace folders.
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    link: bool,
}

#[derive(Deserialize)]
struct NpmV1Dependency {
    version: Option<String>,
    #[serde(default)]
    dependencies: HashMap<String, NpmV1Dependency>,
}

const NPM_EXPECTED: &str = "a JSON object with `packages` or `dependencies`";

fn package_lock(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let lock: PackageLock =
        serde_json::from_str(text).map_err(|e| json_failure(text, 0, &e, NPM_EXPECTED))?;
    let mut out = Vec::new();
    if let Some(packages) = lock.packages {
        for (key, package) in packages {
            // The root (`""`) and workspace folders are no `node_modules/` path; a link points
            // at one of them.
            let Some(i) = key.rfind("node_modules/") else {
                continue;
            };
            if package.link {
                continue;
            }
            let name = package
                .name
                .as_deref()
                .unwrap_or(&key[i + "node_modules/".len()..]);
            if let Some(version) = package.version.as_deref() {
                if !name.is_empty() && !version.is_empty() {
                    out.push(locked(name, version));
                }
            }
        }
    } else if let Some(raw) = lock.dependencies {
        // The raw text borrows from `text`: its offset there places errors on the right line.
        let base = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        let tree: HashMap<String, NpmV1Dependency> = serde_json::from_str(raw.get())
            .map_err(|e| json_failure(text, base, &e, NPM_EXPECTED))?;
        let mut stack: Vec<(String, NpmV1Dependency)> = tree.into_iter().collect();
        while let Some((key, dependency)) = stack.pop() {
            stack.extend(dependency.dependencies);
            let Some(version) = dependency.version else {
                continue;
            };
            // A local folder (`file:`, `link:`) belongs to the repository.
            if version.starts_with("file:") || version.starts_with("link:") {
                continue;
            }
            match version.strip_prefix("npm:").and_then(split_name_at) {
                Some((name, version)) => out.push(locked(name, version)),
                None => out.push(LockedPackage { name: key, version }),
            }
        }
    }
    Ok(out)
}

/// `name@rest` split at the `@` that ends the name (a scope's leading `@` is part of it).
fn split_name_at(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    let (name, rest) = (&spec[..at], &spec[at + 1..]);
    (!name.is_empty() && !rest.is_empty()).then_some((name, rest))
}

// ---------------------------------------------------------------------------------------------
// YAML: pnpm-lock.yaml and yarn berry's yarn.lock

/// A YAML scalar read as text whatever type YAML would give it (`lockfileVersion: 5.4` is a
/// float, `'6.0'` a string, berry's `version: 10` an integer).
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// Limits that scale with the file: a 5 MB lockfile is ordinary, an alias bomb is not.
fn yaml_options(text: &str) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = budget.max_events.max(text.len());
    budget.max_nodes = budget.max_nodes.max(text.len());
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

fn yaml_failure(e: &serde_saphyr::Error, expected: &str) -> Failure {
    let e = e.without_snippet();
    let line = e
        .location()
        .map(|l| to_u32(usize::try_from(l.line()).unwrap_or(1)).max(1));
    let opts = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let rendered = e.render_with_options(opts);
    let first = rendered.lines().next().unwrap_or_default().trim();
    let message = first.rfind(" at line ").map_or(first, |i| &first[..i]);
    (
        line,
        format!("expected {expected}: {}", message.trim_end_matches('.')),
    )
}

#[derive(Deserialize)]
struct PnpmLock {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<Text>,
    packages: Option<HashMap<String, Option<PnpmPackage>>>,
}

#[derive(Deserialize)]
struct PnpmPackage {
    /// Given for packages not from the registry (git, tarball, local folders).
    name: Option<Text>,
    version: Option<Text>,
    resolution: Option<PnpmResolution>,
}

#[derive(Deserialize)]
struct PnpmResolution {
    /// Set for a local folder.
    directory: Option<Text>,
}

/// pnpm-lock.yaml: lockfile 5.x keys are `/name/1.2.3_peer@x`, 6.x `/name@1.2.3(peer@x)`, 9.x
/// `name@1.2.3` (peers only in `snapshots:`). pnpm 10 may put a config-dependency document
/// first: the `packages` of every document count.
fn pnpm(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let documents: Vec<PnpmLock> =
        serde_saphyr::from_multiple_with_options(text, yaml_options(text)).map_err(|e| {
            yaml_failure(&e, "a YAML mapping with `lockfileVersion` and `packages`")
        })?;
    let mut out = Vec::new();
    for document in documents {
        let major = document
            .lockfile_version
            .as_ref()
            .and_then(|v| v.0.split('.').next()?.trim().parse::<u32>().ok())
            .unwrap_or(9);
        for (key, package) in document.packages.into_iter().flatten() {
            let package = package.unwrap_or(PnpmPackage {
                name: None,
                version: None,
                resolution: None,
            });
            if package
                .resolution
                .as_ref()
                .is_some_and(|r| r.directory.is_some())
            {
                continue;
            }
            let from_key = pnpm_key(&key, major < 6);
            let name = match &package.name {
                Some(name) => Some(name.0.as_str()),
                None => from_key.map(|(name, _)| name),
            };
            let version = match &package.version {
                Some(version) => Some(version.0.as_str()),
                None => from_key.map(|(_, version)| version),
            };
            let (Some(name), Some(version)) = (name, version) else {
                continue;
            };
            if name.is_empty() || version.is_empty() || is_local_npm_protocol(version) {
                continue;
            }
            out.push(locked(name, version));
        }
    }
    Ok(out)
}

/// The name and version of a pnpm `packages` key, without the peer-dependency suffix.
fn pnpm_key(key: &str, before_v6: bool) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    if before_v6 {
        let (name, version) = key.rsplit_once('/')?;
        let version = version.split('_').next().unwrap_or(version);
        return (!name.is_empty() && !version.is_empty()).then_some((name, version));
    }
    let key = key.split_once('(').map_or(key, |(key, _peers)| key);
    split_name_at(key)
}

/// Protocols of a package that lives in the repository rather than in a registry.
fn is_local_npm_protocol(spec: &str) -> bool {
    ["file:", "link:", "workspace:", "portal:"]
        .iter()
        .any(|p| spec.starts_with(p))
}

/// Berry writes `__metadata:` first; classic files never hold that key.
fn is_yarn_berry(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("__metadata:"))
}

#[derive(Deserialize)]
struct BerryEntry {
    version: Option<Text>,
    resolution: Option<Text>,
}

/// Yarn 2+ (berry): each entry's `resolution` (`lodash@npm:4.17.21`) names the package as
/// installed, aliases resolved; workspaces and local folders are skipped.
fn yarn_berry(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let entries: HashMap<String, Option<BerryEntry>> =
        serde_saphyr::from_str_with_options(text, yaml_options(text)).map_err(|e| {
            yaml_failure(
                &e,
                "a YAML mapping of `name@range` keys to `version` and `resolution`",
            )
        })?;
    let mut out = Vec::new();
    for (key, entry) in entries {
        let Some(BerryEntry {
            version: Some(version),
            resolution: Some(resolution),
        }) = entry
        else {
            continue;
        };
        if key == "__metadata" {
            continue;
        }
        let Some((name, source)) = split_name_at(&resolution.0) else {
            continue;
        };
        if !is_local_npm_protocol(source) && !version.0.is_empty() {
            out.push(locked(name, &version.0));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// yarn classic (v1)

/// Yarn 1's own format: unindented `"a@^1", a@~1.2:` headers, each entry's fields indented
/// under it, `  version "1.2.3"` among them.
fn yarn_classic(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    /// The entry being read: its header's line, package name (`None` for a local folder) and
    /// whether its version was seen.
    struct Open<'t> {
        line: u32,
        name: Option<&'t str>,
        header: &'t str,
        has_version: bool,
    }
    let unversioned = |open: &Open| {
        (
            Some(open.line),
            format!(
                "expected `version \"…\"` in the entry `{}`",
                open.header.trim_end_matches(':')
            ),
        )
    };
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = to_u32(i + 1);
        let line = raw.trim_end();
        if line.trim_start().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            if let Some(previous) = open.take() {
                if !previous.has_version {
                    return Err(unversioned(&previous));
                }
            }
            let header = yarn_header(line).ok_or_else(|| {
                (
                    Some(line_no),
                    format!("expected an entry header such as `name@^1.0.0:`, found `{line}`"),
                )
            })?;
            open = Some(Open {
                line: line_no,
                name: match header {
                    YarnHeader::Package(name) => Some(name),
                    YarnHeader::Local => None,
                },
                header: line,
                has_version: false,
            });
            continue;
        }
        let Some(current) = open.as_mut() else {
            return Err((
                Some(line_no),
                "expected an entry header such as `name@^1.0.0:` before indented fields".into(),
            ));
        };
        // Fields of the entry itself are indented by two spaces; deeper lines are its
        // dependency lists.
        let Some(value) = line
            .strip_prefix("  version")
            .filter(|rest| rest.starts_with([' ', ':']))
        else {
            continue;
        };
        let version = value.trim_start_matches(':').trim().trim_matches('"');
        if version.is_empty() {
            return Err((Some(line_no), "expected a version after `version`".into()));
        }
        current.has_version = true;
        if let Some(name) = current.name {
            out.push(locked(name, version));
        }
    }
    if let Some(last) = open {
        if !last.has_version {
            return Err(unversioned(&last));
        }
    }
    Ok(out)
}

/// What a yarn 1 header line names.
enum YarnHeader<'t> {
    /// A package from a registry, git or a tarball, by its real name (an `npm:` alias resolved).
    Package(&'t str),
    /// A folder of the repository (`file:`, `link:`).
    Local,
}

/// A yarn 1 header (`"@s/a@^1", @s/a@~1.2:`; the first specifier names it); `None` for a line
/// that is no header.
fn yarn_header(line: &str) -> Option<YarnHeader<'_>> {
    let specs = line.strip_suffix(':')?;
    let first = specs.split(',').next()?.trim().trim_matches('"');
    let (name, range) = split_name_at(first)?;
    if is_local_npm_protocol(range) {
        return Some(YarnHeader::Local);
    }
    let real = range
        .strip_prefix("npm:")
        .and_then(split_name_at)
        .map_or(name, |(real, _)| real);
    Some(YarnHeader::Package(real))
}

// ---------------------------------------------------------------------------------------------
// poetry.lock and uv.lock

#[derive(Deserialize)]
struct PythonLock {
    #[serde(default)]
    package: Vec<PythonPackage>,
}

#[derive(Deserialize)]
struct PythonPackage {
    name: String,
    /// uv leaves it out for a workspace member with a dynamic version.
    version: Option<String>,
    /// uv: `{ registry = … }`, `{ editable = "." }`, …; Poetry: `[package.source] type = …`.
    source: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Both list `[[package]]` tables with `name` and `version`; the repository's own packages are
/// uv's `editable`, `virtual` and `directory` sources and Poetry's `directory` source type.
fn python_lock(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let lock: PythonLock = toml_lock(
        text,
        "TOML `[[package]]` tables with `name` and `version` strings",
    )?;
    Ok(lock
        .package
        .into_iter()
        .filter(|p| {
            p.source.as_ref().is_none_or(|s| {
                !(["editable", "virtual", "directory"]
                    .iter()
                    .any(|k| s.contains_key(*k))
                    || s.get("type").and_then(|t| t.as_str()) == Some("directory"))
            })
        })
        .filter_map(|p| {
            Some(LockedPackage {
                name: pep503(p.name.trim()),
                version: p.version?,
            })
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// requirements.txt

/// pip's requirement file: `name==1.2.3` lines count; extras, markers, `--hash` options,
/// continuations and comments are read past; option lines (`-r`, `-e`, `--index-url`), paths,
/// URLs and requirements that pin nothing are skipped.
fn requirements(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let mut out = Vec::new();
    for (line_no, line) in logical_lines(text) {
        let line = strip_comment(&line).trim();
        if line.is_empty() || line.starts_with('-') {
            continue;
        }
        // Per-requirement options (`--hash=…`) follow the requirement after whitespace.
        let requirement = line
            .match_indices("--")
            .find(|(i, _)| line[..*i].ends_with(char::is_whitespace))
            .map_or(line, |(i, _)| &line[..i])
            .trim();
        match pep508(requirement) {
            Some((name, Some(spec))) => {
                if let Some(version) = pinned(spec) {
                    out.push(LockedPackage {
                        name,
                        version: version.to_owned(),
                    });
                }
            }
            Some((_, None)) => {}
            None if looks_like_path_or_url(requirement) => {}
            None => {
                return Err((
                    Some(line_no),
                    format!(
                        "expected a requirement such as `name==1.2.3`, an option, a path or a \
                         URL, found `{requirement}`"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// The physical lines joined where one ends in `\`, each with the line it starts on. A comment
/// line ends a continuation, as in pip.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let line_no = to_u32(i + 1);
        if line.trim_start().starts_with('#') {
            out.extend(pending.take());
            continue;
        }
        let (body, continues) = match line.trim_end().strip_suffix('\\') {
            Some(body) => (body, true),
            None => (line, false),
        };
        let entry = pending.get_or_insert_with(|| (line_no, String::new()));
        entry.1.push_str(body);
        entry.1.push(' ');
        if !continues {
            out.extend(pending.take());
        }
    }
    out.extend(pending);
    out
}

/// A line without its comment: `#` at the start or after whitespace begins one.
fn strip_comment(line: &str) -> &str {
    line.match_indices('#')
        .find(|(i, _)| *i == 0 || line[..*i].ends_with(char::is_whitespace))
        .map_or(line, |(i, _)| &line[..i])
}

/// The version of an exact `==` or `===` pin; `==1.*`, ranges and lists pin nothing.
fn pinned(spec: &str) -> Option<&str> {
    let version = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    let exact = !version.is_empty() && !version.contains([',', '*', ' ', '<', '>', '=', '!', '~']);
    exact.then_some(version)
}

fn looks_like_path_or_url(line: &str) -> bool {
    line.contains(['/', '\\'])
        || line.starts_with('.')
        || line.starts_with("${")
        || [".whl", ".zip", ".tar.gz", ".tar.bz2"]
            .iter()
            .any(|ext| line.ends_with(ext))
}

// ---------------------------------------------------------------------------------------------
// go.sum

/// `module version h1:hash` lines. A `version/go.mod` line only hashes a module's go.mod,
/// read for the module graph: the module is resolved only where a line hashes its content.
fn go_sum(text: &str) -> Result<Vec<LockedPackage>, Failure> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut fields = line.split_whitespace();
        let Some(module) = fields.next() else {
            continue;
        };
        let (Some(version), Some(hash), None) = (fields.next(), fields.next(), fields.next())
        else {
            return Err((
                Some(to_u32(i + 1)),
                format!("expected `module version h1:hash`, found `{}`", line.trim()),
            ));
        };
        if !version.starts_with('v') || !hash.contains(':') {
            return Err((
                Some(to_u32(i + 1)),
                format!(
                    "expected `module version h1:hash` with a `v` version, found `{}`",
                    line.trim()
                ),
            ));
        }
        if !version.ends_with("/go.mod") {
            out.push(locked(module, version));
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Maven

/// Maven has no lockfile: the versions a pom.xml gives its own `<dependencies>` once its
/// `${property}` references (from the pom's own `<properties>`, `project.version`,
/// `project.parent.version`, `project.groupId`) and `<dependencyManagement>` are resolved.
/// `parents` are the texts of parent poms found in the repository, nearest first: their
/// properties and dependency management are inherited, the nearer winning. Names are
/// `groupId:artifactId` as written in the pom (as `read_manifest` spells them); dependencies
/// whose version stays unknown (an unresolved property, a BOM import not in `parents`) are
/// left out, as are profiles', plugins' and the parents' own dependencies.
pub fn maven_resolved_versions(pom: &str, parents: &[&str]) -> Vec<LockedPackage> {
    let pom = strip_between(pom, "<!--", "-->");
    let parents: Vec<String> = parents
        .iter()
        .map(|p| strip_between(p, "<!--", "-->"))
        .collect();
    let outline = |text: &str| {
        let mut s = text.to_owned();
        for tag in ["build", "profiles", "reporting"] {
            s = strip_between(&s, &format!("<{tag}>"), &format!("</{tag}>"));
        }
        s
    };
    let pom = outline(&pom);
    let parents: Vec<String> = parents.iter().map(|p| outline(p)).collect();

    let mut properties: HashMap<String, String> = HashMap::new();
    for text in parents.iter().rev().chain(std::iter::once(&pom)) {
        for block in elements(text, "properties") {
            properties.extend(child_texts(block));
        }
    }
    let own = pom_own_part(&pom);
    let parent = elements(&pom, "parent").first().map(|p| (*p).to_owned());
    let parent_field = |tag: &str| parent.as_deref().and_then(|p| xml_text(p, tag));
    let implicit = [
        (
            "project.version",
            xml_text(&own, "version").or_else(|| parent_field("version")),
        ),
        (
            "project.groupId",
            xml_text(&own, "groupId").or_else(|| parent_field("groupId")),
        ),
        ("project.artifactId", xml_text(&own, "artifactId")),
        ("project.parent.version", parent_field("version")),
        ("project.parent.groupId", parent_field("groupId")),
    ];
    for (key, value) in implicit {
        if let Some(value) = value {
            // The `pom.` and bare spellings are deprecated aliases Maven still resolves.
            let short = key.trim_start_matches("project.");
            properties.insert(format!("pom.{short}"), value.clone());
            properties.insert(short.to_owned(), value.clone());
            properties.insert(key.to_owned(), value);
        }
    }

    // The pom's own management first, then each parent's: the first entry for a coordinate
    // wins.
    let mut managed: HashMap<String, String> = HashMap::new();
    for text in std::iter::once(&pom).chain(&parents) {
        for block in elements(text, "dependencyManagement") {
            for dependency in elements(block, "dependency") {
                let dependency = strip_between(dependency, "<exclusions>", "</exclusions>");
                if let (Some(key), Some(version)) = (
                    coordinate(&dependency, &properties),
                    xml_text(&dependency, "version"),
                ) {
                    managed.entry(key).or_insert(version);
                }
            }
        }
    }

    let body = strip_between(&pom, "<dependencyManagement>", "</dependencyManagement>");
    let mut out = Vec::new();
    for block in elements(&body, "dependencies") {
        for dependency in elements(block, "dependency") {
            let dependency = strip_between(dependency, "<exclusions>", "</exclusions>");
            let (Some(group), Some(artifact)) = (
                xml_text(&dependency, "groupId"),
                xml_text(&dependency, "artifactId"),
            ) else {
                continue;
            };
            let version = xml_text(&dependency, "version").or_else(|| {
                coordinate(&dependency, &properties).and_then(|key| managed.get(&key).cloned())
            });
            let Some(version) = version.map(|v| interpolate(&v, &properties)) else {
                continue;
            };
            if !version.contains("${") && !version.is_empty() {
                out.push(LockedPackage {
                    name: format!("{group}:{artifact}"),
                    version,
                });
            }
        }
    }
    sorted(out)
}

/// `groupId:artifactId` of a dependency with its properties resolved, to match a managed entry.
fn coordinate(dependency: &str, properties: &HashMap<String, String>) -> Option<String> {
    let group = interpolate(&xml_text(dependency, "groupId")?, properties);
    let artifact = interpolate(&xml_text(dependency, "artifactId")?, properties);
    Some(format!("{group}:{artifact}"))
}

/// `${name}` references replaced by their values, those in values too (a few levels deep, so a
/// cycle ends); unknown ones are kept as written.
fn interpolate(text: &str, properties: &HashMap<String, String>) -> String {
    let mut current = text.to_owned();
    for _ in 0..8 {
        if !current.contains("${") {
            break;
        }
        let mut next = String::with_capacity(current.len());
        let mut rest = current.as_str();
        while let Some(start) = rest.find("${") {
            next.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find('}') {
                Some(end) => {
                    match properties.get(after[..end].trim()) {
                        Some(value) => next.push_str(value),
                        None => next.push_str(&rest[start..=start + 2 + end]),
                    }
                    rest = &after[end + 1..];
                }
                None => {
                    next.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        next.push_str(rest);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// The child elements of a `<properties>` block as (name, trimmed text); `<x/>` is empty.
fn child_texts(block: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = block;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            break;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        if tag.starts_with(['/', '?', '!']) {
            continue;
        }
        if let Some(name) = tag.strip_suffix('/') {
            out.insert(name.trim().to_owned(), String::new());
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or_default();
        let end_tag = format!("</{name}>");
        if let Some(end) = rest.find(&end_tag) {
            out.insert(name.to_owned(), rest[..end].trim().to_owned());
            rest = &rest[end + end_tag.len()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(lock: &Lockfile) -> Vec<(&str, &str)> {
        lock.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect()
    }

    #[test]
    fn versions_finds_every_copy() {
        let lock = read_lockfile(
            "go.sum",
            "a v1.0.0 h1:x=\nb v1.0.0 h1:x=\nb v2.0.0 h1:x=\nc v1.0.0 h1:x=\n",
        )
        .unwrap();
        assert_eq!(lock.versions("b").collect::<Vec<_>>(), ["v1.0.0", "v2.0.0"]);
        assert_eq!(lock.versions("d").count(), 0);
        assert_eq!(lock.versions("").count(), 0);
    }

    #[test]
    fn pnpm_keys_of_each_version() {
        assert_eq!(pnpm_key("/foo/1.2.3", true), Some(("foo", "1.2.3")));
        assert_eq!(
            pnpm_key("/@s/foo/1.2.3_react@18.2.0", true),
            Some(("@s/foo", "1.2.3"))
        );
        assert_eq!(
            pnpm_key("/@s/foo@1.2.3(react@18.2.0)(b@1)", false),
            Some(("@s/foo", "1.2.3"))
        );
        assert_eq!(pnpm_key("foo@1.2.3", false), Some(("foo", "1.2.3")));
        assert_eq!(pnpm_key("github.com/a/b/abc", false), None);
    }

    #[test]
    fn requirement_lines() {
        let lock = read_lockfile(
            "requirements.txt",
            "Foo.Bar[x]==1.0 ; python_version < \"3.9\" --hash=sha256:abc\nbaz>=2\nq===3 # c\n",
        )
        .unwrap();
        assert_eq!(pairs(&lock), [("foo-bar", "1.0"), ("q", "3")]);
    }

    #[test]
    fn maven_interpolation_stops_on_cycles() {
        let props: HashMap<String, String> = [
            ("a".to_owned(), "${b}".to_owned()),
            ("b".to_owned(), "${a}".to_owned()),
        ]
        .into();
        assert!(interpolate("${a}", &props).contains("${"));
        assert_eq!(interpolate("x-${c", &props), "x-${c");
    }
}
