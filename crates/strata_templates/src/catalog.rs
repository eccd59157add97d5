//! The templates strata knows: the built-in ones and the repository's own under `templates/`
//! (or `[templates] paths`), which replace a built-in of the same name; and their earlier
//! versions, which `strata template update` renders as the base of its three-way merge.

use std::collections::BTreeMap;
use std::path::Path;

use strata_workspace::error::closest;

use crate::error::TemplateError;
use crate::spec::{SPEC_FILE, TemplateSpec};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The folder of a repository that holds its own templates, unless `[templates] paths` says
/// otherwise.
pub const REPOSITORY_FOLDER: &str = "templates";

/// How many commits of a repository template's history are searched for an earlier version.
const HISTORY_DEPTH: usize = 500;

/// Where a template comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Builtin,
    Repository,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Builtin => "builtin",
            Source::Repository => "repository",
        }
    }
}

/// One template: its declaration and its files.
#[derive(Clone, Debug)]
pub struct TemplateEntry {
    pub spec: TemplateSpec,
    /// Path below `files/` (with `/`) -> contents.
    pub files: BTreeMap<String, String>,
    pub source: Source,
    /// A repository template that replaces the built-in one of the same name.
    pub replaces_builtin: bool,
    /// How errors name the template's folder: `builtin:NAME` or its repository path.
    pub origin: String,
    /// A repository template's folder relative to the repository root, with `/`.
    pub dir: Option<String>,
}

/// Every template available to a repository, by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    templates: BTreeMap<String, TemplateEntry>,
    /// Earlier versions of built-in templates, by (name, version).
    history: BTreeMap<(String, String), TemplateEntry>,
}

impl Catalog {
    /// The built-in templates and the repository's: every `DIR/*/template.yaml` for each folder
    /// of `paths` (relative to `repo_root`; `templates` when `paths` is empty). A missing folder
    /// holds no template.
    pub fn load(repo_root: &Path, paths: &[String]) -> Result<Catalog, TemplateError> {
        let mut catalog = Catalog::builtin()?;
        let default = [REPOSITORY_FOLDER.to_owned()];
        let paths = if paths.is_empty() {
            &default[..]
        } else {
            paths
        };
        for folder in paths {
            let folder = folder.trim_end_matches('/');
            let dir = repo_root.join(folder);
            if !dir.is_dir() {
                continue;
            }
            for entry in read_dir(&dir)? {
                if entry.join(SPEC_FILE).is_file() {
                    let rel = format!(
                        "{folder}/{}",
                        entry.file_name().unwrap_or_default().to_string_lossy()
                    );
                    let mut template = load_folder(&entry, rel.clone())?;
                    template.dir = Some(rel);
                    catalog.insert(template);
                }
            }
        }
        Ok(catalog)
    }

    /// The templates embedded in this binary, with their embedded earlier versions.
    pub fn builtin() -> Result<Catalog, TemplateError> {
        let mut catalog = Catalog::default();
        for (folder, entry) in embedded(builtin::BUILTIN, 1)? {
            debug_assert_eq!(folder, entry.spec.name);
            catalog.insert(entry);
        }
        for (folder, entry) in embedded(builtin::HISTORY, 2)? {
            let name = entry.spec.name.clone();
            let version = entry.spec.version.clone();
            if folder != format!("{name}/{version}") {
                return Err(TemplateError::Invalid {
                    template: name,
                    message: format!(
                        "`history/{folder}` holds version {version}: its folder must be `history/NAME/VERSION`"
                    ),
                });
            }
            catalog.history.insert((name, version), entry);
        }
        Ok(catalog)
    }

    /// Add a template; a repository one replaces a built-in one of the same name.
    pub fn insert(&mut self, mut entry: TemplateEntry) {
        if let Some(old) = self.templates.get(&entry.spec.name) {
            entry.replaces_builtin =
                old.source == Source::Builtin && entry.source == Source::Repository;
        }
        self.templates.insert(entry.spec.name.clone(), entry);
    }

    /// Every template, sorted by name.
    pub fn list(&self) -> impl Iterator<Item = &TemplateEntry> {
        self.templates.values()
    }

    pub fn get(&self, name: &str) -> Option<&TemplateEntry> {
        self.templates.get(name)
    }

    /// The template named `name`, or an error with the closest name.
    pub fn require(&self, name: &str) -> Result<&TemplateEntry, TemplateError> {
        self.get(name)
            .ok_or_else(|| TemplateError::UnknownTemplate {
                name: name.to_owned(),
                suggestion: closest(name, self.templates.keys().map(String::as_str))
                    .map(str::to_owned),
            })
    }

    /// Template `name` at `version`: the current one, an embedded earlier built-in, or a
    /// repository template as a commit of `repo_root`'s git history left it. `None` when no
    /// such version can be found.
    pub fn at_version(
        &self,
        name: &str,
        version: &str,
        repo_root: &Path,
    ) -> Result<Option<TemplateEntry>, TemplateError> {
        let Some(current) = self.get(name) else {
            return Ok(None);
        };
        if current.spec.version == version {
            return Ok(Some(current.clone()));
        }
        if let Some(old) = self.history.get(&(name.to_owned(), version.to_owned())) {
            return Ok(Some(old.clone()));
        }
        match &current.dir {
            Some(dir) => from_git(repo_root, dir, version),
            None => Ok(None),
        }
    }

    /// This catalog with each template of `parts` (name -> version) at that version. Returns
    /// the parts that could not be found at their version (they keep their current one).
    pub fn pinned(
        &self,
        parts: &BTreeMap<String, String>,
        repo_root: &Path,
    ) -> Result<(Catalog, Vec<String>), TemplateError> {
        let mut pinned = self.clone();
        let mut missing = Vec::new();
        for (name, version) in parts {
            match self.at_version(name, version, repo_root)? {
                Some(entry) => {
                    pinned.templates.insert(name.clone(), entry);
                }
                None => missing.push(format!("{name} {version}")),
            }
        }
        Ok((pinned, missing))
    }
}

/// Templates from an embedded table, keyed by the first `depth` segments of their paths.
fn embedded(
    table: &[(&str, &[u8])],
    depth: usize,
) -> Result<Vec<(String, TemplateEntry)>, TemplateError> {
    let mut by_folder: BTreeMap<String, BTreeMap<&str, &[u8]>> = BTreeMap::new();
    for (path, bytes) in table {
        let mut split = path.splitn(depth + 1, '/');
        let folder: Vec<&str> = split.by_ref().take(depth).collect();
        if let Some(rest) = split.next() {
            by_folder
                .entry(folder.join("/"))
                .or_default()
                .insert(rest, bytes);
        }
    }
    let mut out = Vec::new();
    for (folder, files) in by_folder {
        let Some(spec) = files.get(SPEC_FILE) else {
            continue;
        };
        let name = folder.split('/').next().unwrap_or_default().to_owned();
        let origin = format!("builtin:{folder}");
        let spec = parse_spec(&String::from_utf8_lossy(spec), &name, &origin)?;
        let files = files
            .iter()
            .filter_map(|(p, b)| {
                let rest = p.strip_prefix("files/")?;
                Some((rest.to_owned(), String::from_utf8_lossy(b).into_owned()))
            })
            .collect();
        out.push((
            folder,
            TemplateEntry {
                spec,
                files,
                source: Source::Builtin,
                replaces_builtin: false,
                origin,
                dir: None,
            },
        ));
    }
    Ok(out)
}

/// The repository template in folder `dir` as the newest commit whose `template.yaml` says
/// `version` left it; `None` outside git or when no commit does.
fn from_git(
    repo_root: &Path,
    dir: &str,
    version: &str,
) -> Result<Option<TemplateEntry>, TemplateError> {
    let git = |args: &[&str]| -> Option<Vec<u8>> {
        let out = std::process::Command::new("git")
            .arg("-C")
            .arg(repo_root)
            .args(args)
            .output()
            .ok()?;
        out.status.success().then_some(out.stdout)
    };
    let spec_path = format!("{dir}/{SPEC_FILE}");
    let Some(log) = git(&["log", "--format=%H", "--", &spec_path]) else {
        return Ok(None);
    };
    let folder = dir.rsplit('/').next().unwrap_or(dir);
    for commit in String::from_utf8_lossy(&log).lines().take(HISTORY_DEPTH) {
        let Some(text) = git(&["show", &format!("{commit}:{spec_path}")]) else {
            continue;
        };
        let origin = format!("{dir}@{}", &commit[..commit.len().min(12)]);
        let Ok(spec) = parse_spec(&String::from_utf8_lossy(&text), folder, &origin) else {
            continue;
        };
        if spec.version != version {
            continue;
        }
        let base = format!("{dir}/files/");
        let listing =
            git(&["ls-tree", "-r", "--name-only", commit, "--", &base]).unwrap_or_default();
        let mut files = BTreeMap::new();
        for path in String::from_utf8_lossy(&listing).lines() {
            let Some(rel) = path.strip_prefix(&base) else {
                continue;
            };
            let bytes =
                git(&["show", &format!("{commit}:{path}")]).ok_or_else(|| TemplateError::Read {
                    path: repo_root.join(path),
                    source: std::io::Error::other(format!("`git show {commit}:{path}` failed")),
                })?;
            files.insert(rel.to_owned(), String::from_utf8_lossy(&bytes).into_owned());
        }
        return Ok(Some(TemplateEntry {
            spec,
            files,
            source: Source::Repository,
            replaces_builtin: false,
            origin,
            dir: Some(dir.to_owned()),
        }));
    }
    Ok(None)
}

/// A template folder on disk: `template.yaml` and every file under `files/`.
pub fn load_folder(dir: &Path, origin: String) -> Result<TemplateEntry, TemplateError> {
    let spec_path = dir.join(SPEC_FILE);
    let text = std::fs::read_to_string(&spec_path).map_err(|source| TemplateError::Read {
        path: spec_path.clone(),
        source,
    })?;
    let folder = dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let spec = parse_spec(&text, &folder, &format!("{origin}/{SPEC_FILE}"))?;
    let mut files = BTreeMap::new();
    let base = dir.join("files");
    if base.is_dir() {
        collect(&base, &base, &mut files)?;
    }
    Ok(TemplateEntry {
        spec,
        files,
        source: Source::Repository,
        replaces_builtin: false,
        origin,
        dir: None,
    })
}

fn parse_spec(text: &str, folder: &str, path: &str) -> Result<TemplateSpec, TemplateError> {
    let spec: TemplateSpec =
        serde_saphyr::from_str(text).map_err(|source| TemplateError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })?;
    let invalid = |message: String| TemplateError::Invalid {
        template: folder.to_owned(),
        message,
    };
    if spec.name != folder {
        return Err(invalid(format!(
            "`name: {}` differs from its folder's name `{folder}`",
            spec.name
        )));
    }
    if semver::Version::parse(&spec.version).is_err() {
        return Err(invalid(format!(
            "`version: {}` is not a semantic version",
            spec.version
        )));
    }
    if let Some(req) = &spec.strata {
        if semver::VersionReq::parse(req).is_err() {
            return Err(invalid(format!(
                "`strata: {req}` is not a version requirement"
            )));
        }
    }
    Ok(spec)
}

fn read_dir(dir: &Path) -> Result<Vec<std::path::PathBuf>, TemplateError> {
    let read = std::fs::read_dir(dir).map_err(|source| TemplateError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<_> = read.flatten().map(|e| e.path()).collect();
    paths.sort();
    Ok(paths)
}

/// Every file below `dir`, by its path relative to `base` with `/`.
pub(crate) fn collect(
    base: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, String>,
) -> Result<(), TemplateError> {
    for path in read_dir(dir)? {
        if path.is_dir() {
            collect(base, &path, files)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            let bytes = std::fs::read(&path).map_err(|source| TemplateError::Read {
                path: path.clone(),
                source,
            })?;
            let rel: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            files.insert(rel.join("/"), String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(())
}
