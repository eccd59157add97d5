//! Module discovery: `module.yaml` files first, then package manifests for folders without
//! one. Files are assigned to modules later, by the project, once languages are known.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::LoadedConfig;
use crate::error::ConfigError;
use crate::manifest::{ManifestInfo, ManifestKind, read_manifest};
use crate::module_file::{MODULE_FILE, ModuleFile, parse_module_file};
use crate::walk::{FileMeta, exclude_set, walk};

/// Where a module's declaration comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleSource {
    /// A `module.yaml` that parsed.
    Schema,
    /// A package manifest, in a folder without a `module.yaml`.
    Manifest,
    /// A `module.yaml` that did not parse: the folder still owns its files (so they are not
    /// attributed to an enclosing module), under the manifest's or the folder's name.
    BrokenSchema,
}

/// A module as declared, before its files are known.
#[derive(Clone, Debug)]
pub struct DeclaredModule {
    pub name: String,
    /// Repository-relative folder with `/`; `""` is the repository root.
    pub root: String,
    pub source: ModuleSource,
    pub schema: Option<ModuleFile>,
    /// Repository-relative path of the `module.yaml`, when there is one.
    pub schema_path: Option<String>,
    /// The folder's package manifest, when there is one.
    pub manifest: Option<ManifestInfo>,
}

impl DeclaredModule {
    /// The module's version: module.yaml's, else the manifest's.
    pub fn version(&self) -> Option<&str> {
        self.schema
            .as_ref()
            .and_then(|s| s.version.as_ref().map(|v| v.value.as_str()))
            .or_else(|| self.manifest.as_ref().and_then(|m| m.version.as_deref()))
    }

    /// The root as shown to people: `.` for the repository root.
    pub fn display_root(&self) -> &str {
        if self.root.is_empty() {
            "."
        } else {
            &self.root
        }
    }
}

/// Everything discovery found.
#[derive(Debug)]
pub struct Discovery {
    pub root: PathBuf,
    pub config: LoadedConfig,
    /// Every walked file, repository-relative, sorted.
    pub files: Vec<String>,
    /// Size and modification time of each file as walked (same order as `files`); zero for
    /// files the caller did not ask about.
    pub file_meta: Vec<FileMeta>,
    /// Modules sorted by root.
    pub modules: Vec<DeclaredModule>,
    /// `module.yaml` files that did not parse (reported as `schema-invalid`).
    pub invalid_schemas: Vec<(String, ConfigError)>,
    /// Problems that did not stop discovery (unreadable folders and files).
    pub warnings: Vec<String>,
}

/// A `module.yaml` after the parallel read: folder, path, and the parse (or why it could not be
/// read).
type Parsed<'a> = (
    &'a str,
    &'a str,
    Result<Result<ModuleFile, ConfigError>, String>,
);

/// Walk the repository at `root` and find its modules. `wants_meta` names (by file name) the
/// files whose size and modification time the walk records in [`Discovery::file_meta`].
pub fn discover(
    root: &Path,
    config: LoadedConfig,
    threads: usize,
    wants_meta: fn(&str) -> bool,
) -> Discovery {
    let excluded = exclude_set(&config.config.excluded());
    let walked = walk(root, &excluded, threads, wants_meta);
    let mut warnings = walked.warnings;
    let mut invalid_schemas = Vec::new();

    // Folder -> (module.yaml path, manifests in it).
    let mut schemas: BTreeMap<&str, &str> = BTreeMap::new();
    let mut manifests: BTreeMap<&str, Vec<(&str, ManifestKind)>> = BTreeMap::new();
    for path in &walked.files {
        let (dir, name) = split(path);
        if name == MODULE_FILE {
            schemas.insert(dir, path);
        } else if let Some(kind) = ManifestKind::from_file_name(name) {
            manifests.entry(dir).or_default().push((path, kind));
        }
    }

    let read = |rel: &str| -> Result<Vec<u8>, String> {
        std::fs::read(root.join(rel)).map_err(|e| format!("failed to read `{rel}`: {e}"))
    };

    // Manifests and schemas are read and parsed in parallel, then assembled in order.
    let manifests: Vec<(&str, Vec<Result<ManifestInfo, String>>)> = manifests
        .into_par_iter()
        .map(|(dir, list)| {
            let infos = list
                .iter()
                .map(|(path, kind)| {
                    let bytes = read(path)?;
                    Ok(read_manifest(path, *kind, &String::from_utf8_lossy(&bytes)))
                })
                .collect();
            (dir, infos)
        })
        .collect();
    let mut folder_manifest: BTreeMap<&str, ManifestInfo> = BTreeMap::new();
    for (dir, infos) in manifests {
        let mut best: Option<ManifestInfo> = None;
        for info in infos {
            match info {
                Ok(m) if m.is_package => {
                    if best.as_ref().is_none_or(|b| m.kind < b.kind) {
                        best = Some(m);
                    }
                }
                Ok(_) => {}
                Err(w) => warnings.push(w),
            }
        }
        if let Some(m) = best {
            folder_manifest.insert(dir, m);
        }
    }

    let parsed: Vec<Parsed<'_>> = schemas
        .into_par_iter()
        .map(|(dir, path)| {
            let parsed = read(path).map(|bytes| parse_module_file(Path::new(path), &bytes));
            (dir, path, parsed)
        })
        .collect();
    let mut modules = Vec::new();
    for (dir, path, parsed) in parsed {
        let manifest = folder_manifest.remove(dir);
        let parsed = match parsed {
            Ok(p) => p,
            Err(w) => {
                warnings.push(w);
                continue;
            }
        };
        match parsed {
            Ok(schema) => modules.push(DeclaredModule {
                name: schema.name.value.clone(),
                root: (*dir).to_owned(),
                source: ModuleSource::Schema,
                schema: Some(schema),
                schema_path: Some((*path).to_owned()),
                manifest,
            }),
            Err(e) => {
                invalid_schemas.push(((*path).to_owned(), e));
                let name = manifest
                    .as_ref()
                    .and_then(|m| m.name.clone())
                    .unwrap_or_else(|| folder_name(dir).to_owned());
                modules.push(DeclaredModule {
                    name,
                    root: (*dir).to_owned(),
                    source: ModuleSource::BrokenSchema,
                    schema: None,
                    schema_path: Some((*path).to_owned()),
                    manifest,
                });
            }
        }
    }
    for (dir, manifest) in folder_manifest {
        let name = manifest
            .name
            .clone()
            .unwrap_or_else(|| folder_name(dir).to_owned());
        modules.push(DeclaredModule {
            name,
            root: dir.to_owned(),
            source: ModuleSource::Manifest,
            schema: None,
            schema_path: None,
            manifest: Some(manifest),
        });
    }
    modules.sort_by(|a, b| a.root.cmp(&b.root));
    Discovery {
        root: root.to_owned(),
        config,
        files: walked.files,
        file_meta: walked.meta,
        modules,
        invalid_schemas,
        warnings,
    }
}

/// `("a/b", "c.rs")` for `a/b/c.rs`, `("", "x")` for `x`.
pub fn split(path: &str) -> (&str, &str) {
    path.rfind('/')
        .map_or(("", path), |i| (&path[..i], &path[i + 1..]))
}

fn folder_name(dir: &str) -> &str {
    if dir.is_empty() { "root" } else { split(dir).1 }
}
