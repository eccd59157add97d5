//! The templates strata knows: the built-in ones and the repository's own under `templates/`,
//! which replace a built-in of the same name.

use std::collections::BTreeMap;
use std::path::Path;

use strata_workspace::error::closest;

use crate::error::TemplateError;
use crate::spec::{SPEC_FILE, TemplateSpec};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The folder of a repository that holds its own templates.
pub const REPOSITORY_FOLDER: &str = "templates";

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
}

/// Every template available to a repository, by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    templates: BTreeMap<String, TemplateEntry>,
}

impl Catalog {
    /// The built-in templates and those of `<repo_root>/templates/*/template.yaml`.
    pub fn load(repo_root: &Path) -> Result<Catalog, TemplateError> {
        let mut catalog = Catalog::builtin()?;
        let dir = repo_root.join(REPOSITORY_FOLDER);
        if dir.is_dir() {
            for entry in read_dir(&dir)? {
                if entry.join(SPEC_FILE).is_file() {
                    let origin = format!(
                        "{REPOSITORY_FOLDER}/{}",
                        entry.file_name().unwrap_or_default().to_string_lossy()
                    );
                    catalog.insert(load_folder(&entry, origin)?);
                }
            }
        }
        Ok(catalog)
    }

    /// The templates embedded in this binary.
    pub fn builtin() -> Result<Catalog, TemplateError> {
        let mut by_folder: BTreeMap<&str, BTreeMap<&str, &[u8]>> = BTreeMap::new();
        for (path, bytes) in builtin::BUILTIN {
            if let Some((folder, rest)) = path.split_once('/') {
                by_folder.entry(folder).or_default().insert(rest, bytes);
            }
        }
        let mut catalog = Catalog::default();
        for (folder, files) in by_folder {
            let Some(spec) = files.get(SPEC_FILE) else {
                continue;
            };
            let origin = format!("builtin:{folder}");
            let text = String::from_utf8_lossy(spec);
            let spec = parse_spec(&text, folder, &origin)?;
            let files = files
                .iter()
                .filter_map(|(p, b)| {
                    let rest = p.strip_prefix("files/")?;
                    Some((rest.to_owned(), String::from_utf8_lossy(b).into_owned()))
                })
                .collect();
            catalog.insert(TemplateEntry {
                spec,
                files,
                source: Source::Builtin,
                replaces_builtin: false,
                origin,
            });
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

fn collect(
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
