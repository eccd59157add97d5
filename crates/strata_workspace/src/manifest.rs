//! Package manifests (Cargo.toml, package.json, pyproject.toml, go.mod, pom.xml): what
//! discovery needs of them — the package's name, version and description, and whether the
//! file declares a package at all or only a workspace.

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
        }
        ManifestKind::Npm => {
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            info.name = str_of(&v["name"]);
            info.version = str_of(&v["version"]);
            // A private root that only lists workspaces is the workspace, not a package.
            info.is_package = v["private"] != Value::Bool(true) || v["workspaces"].is_null();
            info.description = str_of(&v["description"]);
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
            }
        }
        ManifestKind::Go => {
            info.name = text.lines().find_map(|l| {
                let rest = l.trim().strip_prefix("module")?;
                let name = rest.trim().trim_matches('"');
                (!name.is_empty() && rest.starts_with([' ', '\t'])).then(|| name.to_owned())
            });
        }
        ManifestKind::Maven => {
            let own = pom_own_part(text);
            info.name = xml_text(&own, "artifactId");
            info.version = xml_text(&own, "version");
            info.description = xml_text(&own, "description");
            info.is_package = xml_text(&own, "packaging").as_deref() != Some("pom");
        }
    }
    info
}

fn str_of(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The project's own elements of a POM: sections that hold other artifacts' coordinates
/// (`<parent>`, `<dependencies>`, `<build>`, …) and comments removed.
fn pom_own_part(text: &str) -> String {
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

fn strip_between(text: &str, open: &str, close: &str) -> String {
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

fn xml_text(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find('<')? + start;
    let v = text[start..end].trim();
    (!v.is_empty()).then(|| v.to_owned())
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn broken_manifests_do_not_fail() {
        let m = read_manifest("Cargo.toml", ManifestKind::Cargo, "[package\n");
        assert_eq!(m.name, None);
        let n = read_manifest("package.json", ManifestKind::Npm, "{");
        assert_eq!(n.name, None);
    }
}
