//! External dependencies: what each module's manifest requires from outside the repository,
//! the version its lockfile resolves, the `[radar]` package specs that select them, and the
//! packages several modules resolve to different versions (drift).
//!
//! A module's lockfile is the nearest one at or above its folder for its ecosystem
//! (`Cargo.lock`; `package-lock.json`, `npm-shrinkwrap.json`, `pnpm-lock.yaml`, `yarn.lock`;
//! `uv.lock`, `poetry.lock`, `requirements.txt`), so a workspace's one lockfile serves all its
//! members. Go needs none: `go.mod`'s `require` lists are the versions minimal version selection
//! chose. Maven has none either: the pom's versions, once its properties and the
//! `dependencyManagement` of it and its parents are applied, are the resolved ones.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::DeclaredModule;
use crate::lockfile::{self, Lockfile};
use crate::manifest::{ManifestDependency, ManifestKind};

/// The ecosystem's name as `[radar]` prefixes and reports spell it.
pub fn ecosystem_name(kind: ManifestKind) -> &'static str {
    match kind {
        ManifestKind::Cargo => "cargo",
        ManifestKind::Npm => "npm",
        ManifestKind::Python => "pypi",
        ManifestKind::Go => "go",
        ManifestKind::Maven => "maven",
    }
}

/// The five ecosystems, in the order reports draw them.
pub const ECOSYSTEMS: [ManifestKind; 5] = [
    ManifestKind::Cargo,
    ManifestKind::Npm,
    ManifestKind::Python,
    ManifestKind::Go,
    ManifestKind::Maven,
];

/// The ecosystem [`ecosystem_name`] spells `name`.
pub fn ecosystem_from_name(name: &str) -> Option<ManifestKind> {
    ECOSYSTEMS.into_iter().find(|&k| ecosystem_name(k) == name)
}

/// The lockfiles that give an ecosystem's versions, in the order they win when one folder
/// holds several. None for Go, whose `go.mod` holds the versions (go.sum only their hashes).
fn lockfile_names(kind: ManifestKind) -> impl Iterator<Item = &'static str> {
    lockfile::LOCKFILES
        .iter()
        .filter(move |(_, k)| *k == kind && kind != ManifestKind::Go)
        .map(|(name, _)| *name)
}

// ---------------------------------------------------------------------------------------------
// Versions and ranges

/// Compare two versions of any of the five ecosystems: a leading `v` is dropped, build
/// metadata (`+…`) ignored, and the rest split into numeric and alphabetic parts at `.`, `-`,
/// `_` and at every change between digits and letters. Numbers compare as numbers; a number
/// is newer than a word; when one version runs out, it is older if the other goes on with a
/// number (`1.0` < `1.0.1`) and newer if it goes on with a word (`1.0-rc1` < `1.0`), except
/// for Maven's release words (`final`, `ga`, `release`), which equal nothing at all.
pub fn compare_versions(left: &str, right: &str) -> Ordering {
    let (pl, pr) = (parts(left), parts(right));
    let mut at = 0;
    loop {
        match (pl.get(at), pr.get(at)) {
            (None, None) => return Ordering::Equal,
            (Some(x), None) => return tail_order(x),
            (None, Some(y)) => return tail_order(y).reverse(),
            (Some(x), Some(y)) => {
                let o = match (x, y) {
                    (Part::Num(x), Part::Num(y)) => x.cmp(y),
                    (Part::Num(_), Part::Word(_)) => Ordering::Greater,
                    (Part::Word(_), Part::Num(_)) => Ordering::Less,
                    (Part::Word(x), Part::Word(y)) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
        at += 1;
    }
}

/// How a version that goes on with `part` compares with one that has ended.
fn tail_order(part: &Part) -> Ordering {
    match part {
        Part::Num(_) => Ordering::Greater,
        Part::Word(_) => Ordering::Less,
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Part {
    Num(u64),
    Word(String),
}

fn parts(v: &str) -> Vec<Part> {
    let v = v.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let v = v.split('+').next().unwrap_or(v);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digits = false;
    let flush = |cur: &mut String, digits: bool, out: &mut Vec<Part>| {
        if cur.is_empty() {
            return;
        }
        let part = if digits {
            Part::Num(cur.parse().unwrap_or(u64::MAX))
        } else {
            Part::Word(cur.to_ascii_lowercase())
        };
        cur.clear();
        if !matches!(&part, Part::Word(w) if matches!(w.as_str(), "final" | "ga" | "release")) {
            out.push(part);
        }
    };
    for c in v.chars() {
        if matches!(c, '.' | '-' | '_') {
            flush(&mut cur, digits, &mut out);
        } else {
            let d = c.is_ascii_digit();
            if !cur.is_empty() && d != digits {
                flush(&mut cur, digits, &mut out);
            }
            digits = d;
            cur.push(c);
        }
    }
    flush(&mut cur, digits, &mut out);
    out
}

/// A version range: comparators that must all hold (`>=2,<3`, `<2.17.1`, `=1.4.0`), or
/// several such sets joined by `||`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRange {
    any_of: Vec<Vec<(Op, String)>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl VersionRange {
    /// Parse `<2.17.1`, `>=2,<3`, `>=2 <3`, `=1.0`, `1.0` (exactly), `<1 || >=2`.
    pub fn parse(text: &str) -> Result<VersionRange, String> {
        let mut any_of = Vec::new();
        for alternative in text.split("||") {
            let mut all = Vec::new();
            for c in alternative
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|c| !c.is_empty())
            {
                let (op, rest) = [
                    ("<=", Op::Le),
                    (">=", Op::Ge),
                    ("==", Op::Eq),
                    ("!=", Op::Ne),
                    ("<", Op::Lt),
                    (">", Op::Gt),
                    ("=", Op::Eq),
                ]
                .into_iter()
                .find_map(|(p, op)| c.strip_prefix(p).map(|r| (op, r)))
                .unwrap_or((Op::Eq, c));
                let rest = rest.trim();
                if rest.is_empty() || !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                    return Err(format!("`{c}` is not a comparison with a version"));
                }
                all.push((op, rest.to_owned()));
            }
            if all.is_empty() {
                return Err(format!("`{text}` holds an empty range"));
            }
            any_of.push(all);
        }
        Ok(VersionRange { any_of })
    }

    pub fn contains(&self, version: &str) -> bool {
        self.any_of.iter().any(|all| {
            all.iter().all(|(op, v)| {
                let o = compare_versions(version, v);
                match op {
                    Op::Lt => o == Ordering::Less,
                    Op::Le => o != Ordering::Greater,
                    Op::Gt => o == Ordering::Greater,
                    Op::Ge => o != Ordering::Less,
                    Op::Eq => o == Ordering::Equal,
                    Op::Ne => o != Ordering::Equal,
                }
            })
        })
    }
}

/// A `[radar]` entry: `[ecosystem:]name[@range]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageSpec {
    pub ecosystem: Option<ManifestKind>,
    pub name: String,
    pub range: Option<VersionRange>,
}

impl PackageSpec {
    pub fn parse(text: &str) -> Result<PackageSpec, String> {
        let text = text.trim();
        let (ecosystem, rest) = match text.split_once(':') {
            Some((e, rest)) if !e.contains('@') && !e.contains('/') && !e.contains('.') => {
                match ecosystem_from_name(e) {
                    Some(k) => (Some(k), rest),
                    // `group:artifact` of Maven.
                    None => (None, text),
                }
            }
            _ => (None, text),
        };
        // `@scope/pkg@range`: the range's `@` is the last one not at the start.
        let (name, range) = match rest.rfind('@').filter(|&i| i > 0) {
            Some(i) => (&rest[..i], Some(VersionRange::parse(&rest[i + 1..])?)),
            None => (rest, None),
        };
        let name = name.trim();
        if name.is_empty() {
            return Err("it names no package".into());
        }
        if name.chars().any(char::is_whitespace) {
            return Err(format!("the name `{name}` holds a space"));
        }
        Ok(PackageSpec {
            ecosystem,
            name: name.to_owned(),
            range,
        })
    }

    /// Whether the spec names this package: the same ecosystem when it gives one, and the
    /// same name (Python names compared as PEP 503 normalises them, Maven's also by artifact
    /// id alone).
    pub fn names(&self, kind: ManifestKind, name: &str) -> bool {
        if self.ecosystem.is_some_and(|e| e != kind) {
            return false;
        }
        match kind {
            ManifestKind::Python => crate::manifest::pep503(&self.name) == name,
            ManifestKind::Maven => {
                self.name == name
                    || (!self.name.contains(':')
                        && name.rsplit_once(':').is_some_and(|(_, a)| a == self.name))
            }
            _ => self.name == name,
        }
    }

    /// Whether a package at `version` is selected: always without a range, else when the
    /// version is known and in it (`None` when the range cannot be decided).
    pub fn selects(&self, version: Option<&str>) -> Option<bool> {
        match (&self.range, version) {
            (None, _) => Some(true),
            (Some(r), Some(v)) => Some(r.contains(v)),
            (Some(_), None) => None,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Resolution

/// One module's external dependencies.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleDeps {
    /// Index of the module in the list given to [`module_dependencies`].
    pub module: usize,
    pub ecosystem: ManifestKind,
    /// Repository-relative path of the manifest that declares them.
    pub manifest: String,
    /// The lockfile the versions come from (`None`: none found, or Go and Maven, whose
    /// manifests hold the resolved versions).
    pub lockfile: Option<String>,
    pub dependencies: Vec<ResolvedDependency>,
}

/// One external dependency of a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedDependency {
    pub name: String,
    /// [`ManifestDependency::NORMAL`], `DEV` or `BUILD`.
    pub kind: &'static str,
    /// The requirement as the manifest writes it (a Cargo `workspace = true` entry gets the
    /// workspace's).
    pub requirement: Option<String>,
    /// The version installed: from the lockfile, or the manifest's exact version (Go, Maven).
    pub resolved: Option<String>,
    /// 1-based line of the manifest that declares it (0 when not found).
    pub line: u32,
    /// 1-based column of the name on that line (0 when not found).
    pub column: u32,
}

impl ResolvedDependency {
    /// The version a rule judges: the resolved one, else the requirement when it can only
    /// mean one version: `=1.2.3` or `==1.2.3` anywhere, and a bare `1.2.3` in npm (where a
    /// bare version is exact, unlike Cargo's caret or npm's `1.2` x-range).
    pub fn version(&self, kind: ManifestKind) -> Option<&str> {
        self.resolved.as_deref().or_else(|| {
            let r = self.requirement.as_deref()?.trim();
            let explicit = r.strip_prefix("==").or_else(|| r.strip_prefix('='));
            let exact = match explicit {
                Some(v) => v.trim(),
                None if kind == ManifestKind::Npm && r.split('.').count() == 3 => r,
                None => return None,
            };
            let plain = exact.starts_with(|c: char| c.is_ascii_digit())
                && exact
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
                && !exact.contains(['x', 'X', '*']);
            plain.then_some(exact)
        })
    }
}

/// What resolution found, with what it could not read.
#[derive(Debug, Default)]
pub struct Resolution {
    /// One entry per module with a manifest that declares external dependencies, in module
    /// order.
    pub modules: Vec<ModuleDeps>,
    /// Lockfiles and manifests that could not be read or parsed (`path:line: message`).
    pub warnings: Vec<String>,
}

/// Resolve every module's external dependencies. `files` is every file of the repository
/// (repository-relative, sorted); `read` gives a file's text (`None` when unreadable).
/// Dependencies on packages another module of the repository is (by manifest name) are left
/// out: they are internal.
pub fn module_dependencies(
    modules: &[DeclaredModule],
    files: &[String],
    read: &dyn Fn(&str) -> Option<String>,
) -> Resolution {
    let internal: std::collections::HashSet<(ManifestKind, String)> = modules
        .iter()
        .filter_map(|m| {
            let man = m.manifest.as_ref()?;
            let kind = man.kind?;
            Some((kind, package_key(kind, man.name.as_deref()?)))
        })
        .collect();
    let exists = |path: &str| files.binary_search_by(|f| f.as_str().cmp(path)).is_ok();
    let mut out = Resolution::default();
    // Parsed once each, shared by every module they serve.
    let mut locks: HashMap<String, Option<Rc<Lockfile>>> = HashMap::new();
    let mut workspaces: HashMap<String, Option<Rc<Requirements>>> = HashMap::new();
    let mut poms: HashMap<String, Option<Rc<str>>> = HashMap::new();
    for (i, m) in modules.iter().enumerate() {
        let Some(man) = &m.manifest else { continue };
        let Some(kind) = man.kind else { continue };
        let external: Vec<&ManifestDependency> = man
            .dependencies
            .iter()
            .filter(|d| !internal.contains(&(kind, package_key(kind, &d.name))))
            .collect();
        if external.is_empty() {
            continue;
        }
        let lock_path = ancestors(&m.root).find_map(|dir| {
            lockfile_names(kind)
                .map(|n| join(dir, n))
                .find(|p| exists(p))
        });
        let lock = lock_path.as_ref().and_then(|p| {
            locks
                .entry(p.clone())
                .or_insert_with(|| match read(p).map(|t| lockfile::read_lockfile(p, &t)) {
                    Some(Ok(l)) => Some(Rc::new(l)),
                    Some(Err(e)) => {
                        out.warnings.push(e.to_string());
                        None
                    }
                    None => {
                        out.warnings
                            .push(format!("{p}: the lockfile could not be read"));
                        None
                    }
                })
                .clone()
        });
        // Only `workspace = true` entries (no version of their own) need the workspace's.
        let workspace_reqs =
            if kind == ManifestKind::Cargo && external.iter().any(|d| d.version.is_none()) {
                cargo_workspace_requirements(&m.root, &exists, read, &mut workspaces)
            } else {
                None
            };
        let maven = if kind == ManifestKind::Maven {
            let parents: Vec<Rc<str>> = ancestors(&m.root)
                .skip(1)
                .map(|dir| join(dir, "pom.xml"))
                .filter(|p| exists(p))
                .filter_map(|p| {
                    poms.entry(p)
                        .or_insert_with_key(|p| read(p).map(Rc::from))
                        .clone()
                })
                .collect();
            let parents: Vec<&str> = parents.iter().map(AsRef::as_ref).collect();
            // The pom is read again only for Maven: its properties and managed versions.
            let text = read(&man.path).unwrap_or_default();
            lockfile::maven_resolved_versions(&text, &parents)
                .into_iter()
                .map(|p| (p.name, p.version))
                .collect()
        } else {
            BTreeMap::new()
        };
        let dependencies = external
            .into_iter()
            .map(|d| {
                let requirement = d
                    .version
                    .clone()
                    .or_else(|| workspace_reqs.as_ref()?.get(&d.name).cloned());
                let resolved = match kind {
                    ManifestKind::Go => d.version.clone(),
                    ManifestKind::Maven => maven
                        .get(&d.name)
                        .cloned()
                        .or_else(|| d.version.clone().filter(|v| !v.contains("${"))),
                    _ => lock
                        .as_ref()
                        .and_then(|l| pick(kind, l, &d.name, requirement.as_deref())),
                };
                ResolvedDependency {
                    line: d.line,
                    column: d.column,
                    name: d.name.clone(),
                    kind: d.kind,
                    requirement,
                    resolved,
                }
            })
            .collect();
        out.modules.push(ModuleDeps {
            module: i,
            ecosystem: kind,
            manifest: man.path.clone(),
            lockfile: lock_path.filter(|_| lock.is_some()),
            dependencies,
        });
    }
    out
}

/// How a package is matched with the modules of the repository: Python names as PEP 503
/// normalises them, Maven's by artifact id (a pom names itself by artifact id, its dependants
/// by `groupId:artifactId`).
fn package_key(kind: ManifestKind, name: &str) -> String {
    match kind {
        ManifestKind::Python => crate::manifest::pep503(name),
        ManifestKind::Maven => name.rsplit_once(':').map_or(name, |(_, a)| a).to_owned(),
        _ => name.to_owned(),
    }
}

/// `root` and every folder above it, up to the repository root (`""`).
fn ancestors(root: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(root);
    std::iter::from_fn(move || {
        let cur = next?;
        next = if cur.is_empty() {
            None
        } else {
            Some(cur.rsplit_once('/').map_or("", |(parent, _)| parent))
        };
        Some(cur)
    })
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// Package name -> requirement, as a Cargo workspace's `[workspace.dependencies]` give them.
type Requirements = BTreeMap<String, String>;

/// The `[workspace.dependencies]` of the nearest Cargo manifest at or above `root` that has
/// them. Each manifest is read and parsed once, in `seen`, for every crate below it.
fn cargo_workspace_requirements(
    root: &str,
    exists: &dyn Fn(&str) -> bool,
    read: &dyn Fn(&str) -> Option<String>,
    seen: &mut HashMap<String, Option<Rc<Requirements>>>,
) -> Option<Rc<Requirements>> {
    ancestors(root)
        .map(|dir| join(dir, "Cargo.toml"))
        .filter(|path| exists(path))
        .find_map(|path| {
            seen.entry(path)
                .or_insert_with_key(|path| {
                    read(path)
                        .and_then(|t| workspace_requirements(&t))
                        .map(Rc::new)
                })
                .clone()
        })
}

/// A Cargo manifest's `[workspace.dependencies]`; `None` when it has none or does not parse.
fn workspace_requirements(text: &str) -> Option<Requirements> {
    let v = toml::from_str::<toml::Table>(text).ok()?;
    let deps = v
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)?;
    Some(
        deps.iter()
            .filter_map(|(name, spec)| {
                let version = match spec {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Table(t) => t.get("version")?.as_str()?.to_owned(),
                    _ => return None,
                };
                let name = spec
                    .get("package")
                    .and_then(toml::Value::as_str)
                    .unwrap_or(name);
                Some((name.to_owned(), version))
            })
            .collect(),
    )
}

/// The locked version of `name` a module with this requirement gets: the only one, else the
/// newest the requirement accepts, else the newest.
fn pick(
    kind: ManifestKind,
    lock: &Lockfile,
    name: &str,
    requirement: Option<&str>,
) -> Option<String> {
    let versions: Vec<&str> = lock.versions(name).collect();
    if versions.len() <= 1 {
        return versions.first().map(|v| (*v).to_owned());
    }
    let accepts = requirement.and_then(|r| requirement_matcher(kind, r));
    let newest = |vs: &mut dyn Iterator<Item = &&str>| {
        vs.max_by(|a, b| compare_versions(a, b))
            .map(|v| (*v).to_owned())
    };
    if let Some(accepts) = accepts {
        if let Some(v) = newest(&mut versions.iter().filter(|v| accepts(v))) {
            return Some(v);
        }
    }
    newest(&mut versions.iter())
}

type Matcher = Box<dyn Fn(&str) -> bool>;

/// A test of a version against a manifest's requirement, when strata can read it: Cargo's
/// and npm's semver ranges (`^1.2`, `~1`, `1.x`, `>=1 <2`, `a || b`), Python's specifiers.
fn requirement_matcher(kind: ManifestKind, req: &str) -> Option<Matcher> {
    match kind {
        ManifestKind::Cargo | ManifestKind::Npm => {
            let alternatives: Vec<semver::VersionReq> = req
                .split("||")
                .map(|alt| {
                    let alt = alt.split_whitespace().collect::<Vec<_>>().join(",");
                    let alt = alt.replace(",,", ",");
                    semver::VersionReq::parse(if alt.is_empty() { "*" } else { &alt })
                })
                .collect::<Result<_, _>>()
                .ok()?;
            Some(Box::new(move |v: &str| {
                semver::Version::parse(v.trim_start_matches('v'))
                    .is_ok_and(|v| alternatives.iter().any(|r| r.matches(&v)))
            }))
        }
        ManifestKind::Python => {
            let range = VersionRange::parse(&req.replace("~=", ">=")).ok()?;
            Some(Box::new(move |v: &str| range.contains(v)))
        }
        ManifestKind::Go | ManifestKind::Maven => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Drift

/// One package that modules resolve to different versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    pub ecosystem: ManifestKind,
    pub name: String,
    /// Version -> indices into [`Resolution::modules`] that resolve to it, newest first.
    pub versions: Vec<(String, Vec<usize>)>,
}

/// Every package of one ecosystem that modules resolve to more than one version, by
/// ecosystem then name.
pub fn drift(modules: &[ModuleDeps]) -> Vec<Drift> {
    let mut by_package: BTreeMap<(ManifestKind, &str), BTreeMap<&str, Vec<usize>>> =
        BTreeMap::new();
    for (i, m) in modules.iter().enumerate() {
        for d in &m.dependencies {
            if let Some(v) = d.resolved.as_deref() {
                let users = by_package
                    .entry((m.ecosystem, d.name.as_str()))
                    .or_default()
                    .entry(v)
                    .or_default();
                if users.last() != Some(&i) {
                    users.push(i);
                }
            }
        }
    }
    by_package
        .into_iter()
        .filter(|(_, versions)| versions.len() > 1)
        .map(|((ecosystem, name), versions)| {
            let mut versions: Vec<(String, Vec<usize>)> = versions
                .into_iter()
                .map(|(v, users)| (v.to_owned(), users))
                .collect();
            versions.sort_by(|a, b| compare_versions(&b.0, &a.0).then_with(|| a.0.cmp(&b.0)));
            Drift {
                ecosystem,
                name: name.to_owned(),
                versions,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_across_ecosystems() {
        let ordered = [
            "0.9",
            "1.0.0-alpha",
            "1.0.0-rc1",
            "1.0.0",
            "1.0.1",
            "v1.2.3",
            "1.10",
            "2.0rc1",
            "2.0",
            "2.17.0",
            "2.17.1",
            "2.17.1.1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(
                compare_versions(w[0], w[1]),
                Ordering::Less,
                "{} < {}",
                w[0],
                w[1]
            );
            assert_eq!(compare_versions(w[1], w[0]), Ordering::Greater);
        }
        assert_eq!(compare_versions("1.0.0", "v1.0.0"), Ordering::Equal);
        assert_eq!(compare_versions("3.1.Final", "3.1"), Ordering::Equal);
        assert_eq!(compare_versions("1.0.0+build5", "1.0.0"), Ordering::Equal);
    }

    #[test]
    fn ranges() {
        let r = VersionRange::parse("<2.17.1").unwrap();
        assert!(r.contains("2.14.1") && r.contains("2.17.0") && !r.contains("2.17.1"));
        let r = VersionRange::parse(">=2, <3").unwrap();
        assert!(
            r.contains("2.0") && r.contains("2.99") && !r.contains("3.0.0") && !r.contains("1.9")
        );
        let r = VersionRange::parse("<1 || >=2").unwrap();
        assert!(r.contains("0.5") && r.contains("2.1") && !r.contains("1.5"));
        assert!(VersionRange::parse("1.4.0").unwrap().contains("v1.4.0"));
        assert!(VersionRange::parse("<").is_err());
        assert!(VersionRange::parse("").is_err());
        assert!(VersionRange::parse(">=1,,<2").is_ok());
    }

    #[test]
    fn package_specs() {
        let s = PackageSpec::parse("log4j-core@<2.17.1").unwrap();
        assert_eq!(s.name, "log4j-core");
        assert!(s.names(ManifestKind::Maven, "org.apache.logging.log4j:log4j-core"));
        assert!(!s.names(ManifestKind::Maven, "org.apache.logging.log4j:log4j-api"));
        assert_eq!(s.selects(Some("2.14.1")), Some(true));
        assert_eq!(s.selects(Some("2.17.1")), Some(false));
        assert_eq!(s.selects(None), None);
        let s = PackageSpec::parse("@scope/pkg@>=2").unwrap();
        assert_eq!(s.name, "@scope/pkg");
        assert!(s.range.is_some());
        let s = PackageSpec::parse("npm:left-pad").unwrap();
        assert_eq!(s.ecosystem, Some(ManifestKind::Npm));
        assert!(
            s.names(ManifestKind::Npm, "left-pad") && !s.names(ManifestKind::Cargo, "left-pad")
        );
        assert_eq!(s.selects(None), Some(true));
        let s = PackageSpec::parse("org.slf4j:slf4j-api").unwrap();
        assert_eq!(
            (s.ecosystem, s.name.as_str()),
            (None, "org.slf4j:slf4j-api")
        );
        let s = PackageSpec::parse("pypi:PyYAML").unwrap();
        assert!(s.names(ManifestKind::Python, "pyyaml"));
        assert!(PackageSpec::parse("").is_err());
        assert!(PackageSpec::parse("x@").is_err());
        assert!(PackageSpec::parse("a b").is_err());
    }

    #[test]
    fn ancestors_walk_up_to_the_root() {
        assert_eq!(
            ancestors("a/b/c").collect::<Vec<_>>(),
            ["a/b/c", "a/b", "a", ""]
        );
        assert_eq!(ancestors("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn exact_requirements_are_versions() {
        let d = |req: &str| ResolvedDependency {
            name: "x".into(),
            kind: ManifestDependency::NORMAL,
            requirement: Some(req.into()),
            resolved: None,
            line: 0,
            column: 0,
        };
        let (py, npm, cargo) = (ManifestKind::Python, ManifestKind::Npm, ManifestKind::Cargo);
        assert_eq!(d("==2.31.0").version(py), Some("2.31.0"));
        assert_eq!(d("=1.0.3").version(cargo), Some("1.0.3"));
        assert_eq!(d("2.14.1").version(npm), Some("2.14.1"));
        // A bare version is a caret range in Cargo and an x-range in npm when partial.
        assert_eq!(d("2.14.1").version(cargo), None);
        assert_eq!(d("0.4").version(npm), None);
        assert_eq!(d("1.x.0").version(npm), None);
        assert_eq!(d("^1.2").version(npm), None);
        assert_eq!(d(">=1,<2").version(py), None);
    }
}
