//! Modules with their language and files: longest root wins, every source file in at most one
//! module.

use std::collections::{BTreeMap, HashMap};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Serialize;
use strata_lang::Lang;
use strata_workspace::{DeclaredModule, Discovery, ModuleSource};

use crate::SourceFile;

/// A module of the repository.
#[derive(Clone, Debug)]
pub struct Module {
    pub declared: DeclaredModule,
    /// The manifest's language, else the most common language of its files.
    pub lang: Option<Lang>,
    /// Number of source files it owns.
    pub files: usize,
}

/// A `depends_on` entry as the registry shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DependencyView {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One module in the registry's JSON shape (DESIGN.md §5).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModuleRecord {
    pub name: String,
    pub kind: Option<&'static str>,
    pub lang: Option<&'static str>,
    pub root: String,
    pub lane: Option<String>,
    pub layer: Option<String>,
    pub tier: Option<u32>,
    pub version: Option<String>,
    pub owner: Option<String>,
    pub lifecycle: Option<&'static str>,
    pub files: usize,
    pub depends_on: Vec<DependencyView>,
    /// Where the declaration comes from: `module.yaml`, or the manifest's file name.
    pub declared_in: Option<String>,
    /// `module.yaml` `budgets`: metric name -> ceiling; left out when there are none.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub budgets: BTreeMap<String, f64>,
}

impl Module {
    pub fn name(&self) -> &str {
        &self.declared.name
    }

    pub fn record(&self) -> ModuleRecord {
        let d = &self.declared;
        let s = d.schema.as_ref();
        ModuleRecord {
            name: d.name.clone(),
            kind: s
                .and_then(|s| s.kind)
                .map(strata_workspace::module_file::ModuleKind::as_str),
            lang: self.lang.map(Lang::as_str),
            root: d.display_root().to_owned(),
            lane: s.and_then(|s| s.lane.as_ref()).map(|v| v.value.clone()),
            layer: s.and_then(|s| s.layer.as_ref()).map(|v| v.value.clone()),
            tier: s.and_then(|s| s.tier.as_ref()).map(|v| v.value),
            version: d.version().map(str::to_owned),
            owner: s.and_then(|s| s.owner.as_ref()).map(|v| v.value.clone()),
            lifecycle: s
                .and_then(|s| s.lifecycle)
                .map(strata_workspace::module_file::Lifecycle::as_str),
            files: self.files,
            depends_on: s
                .map(|s| {
                    s.depends_on
                        .iter()
                        .map(|d| DependencyView {
                            name: d.value.name().to_owned(),
                            version: d.value.version().map(str::to_owned),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            declared_in: d
                .schema_path
                .clone()
                .or_else(|| d.manifest.as_ref().map(|m| m.path.clone())),
            budgets: s
                .map(|s| {
                    s.budgets
                        .iter()
                        .map(|(name, limit)| (name.clone(), limit.value))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Assign every source file to the module with the longest root containing it (and matching
/// its `paths` globs, when it declares any). Manifest-only modules that own no source file (a
/// workspace root's `package.json`, a `go.mod` whose packages are all modules of their own)
/// are dropped; modules with a `module.yaml` always stay.
pub(crate) fn assign(discovery: &Discovery) -> (Vec<Module>, Vec<SourceFile>) {
    let declared = &discovery.modules;
    let by_root: HashMap<&str, usize> = declared
        .iter()
        .enumerate()
        .map(|(i, m)| (m.root.as_str(), i))
        .collect();
    let path_filters: Vec<Option<GlobSet>> = declared.iter().map(paths_filter).collect();

    let mut counts = vec![0usize; declared.len()];
    let mut lang_counts: Vec<HashMap<Lang, usize>> = vec![HashMap::new(); declared.len()];
    let mut sources = Vec::new();
    for path in &discovery.files {
        let Some(lang) = Lang::from_path(path) else {
            continue;
        };
        let module = owner(path, &by_root).filter(|&i| {
            path_filters[i].as_ref().is_none_or(|set| {
                let root = &declared[i].root;
                let rel = if root.is_empty() {
                    path.as_str()
                } else {
                    &path[root.len() + 1..]
                };
                set.is_match(rel)
            })
        });
        if let Some(i) = module {
            counts[i] += 1;
            *lang_counts[i].entry(lang).or_default() += 1;
        }
        sources.push(SourceFile {
            path: path.clone(),
            lang,
            module,
        });
    }

    // Keep modules that have a schema or own files; renumber file owners accordingly.
    let mut new_index = vec![None; declared.len()];
    let mut modules = Vec::new();
    for (i, d) in declared.iter().enumerate() {
        if d.source == ModuleSource::Manifest && counts[i] == 0 {
            continue;
        }
        new_index[i] = Some(modules.len());
        let manifest_lang = d
            .manifest
            .as_ref()
            .and_then(|m| m.kind)
            .and_then(|k| Lang::parse(k.lang()));
        let majority = lang_counts[i]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(l, _)| *l);
        modules.push(Module {
            declared: d.clone(),
            lang: manifest_lang.or(majority),
            files: counts[i],
        });
    }
    for f in &mut sources {
        f.module = f.module.and_then(|i| new_index[i]);
    }
    (modules, sources)
}

/// The module owning `path`: the one whose root is the longest prefix folder.
fn owner(path: &str, by_root: &HashMap<&str, usize>) -> Option<usize> {
    let mut dir = path;
    loop {
        dir = match dir.rfind('/') {
            Some(i) => &dir[..i],
            None => "",
        };
        if let Some(&i) = by_root.get(dir) {
            return Some(i);
        }
        if dir.is_empty() {
            return None;
        }
    }
}

fn paths_filter(m: &DeclaredModule) -> Option<GlobSet> {
    let paths = &m.schema.as_ref()?.paths;
    if paths.is_empty() || paths.iter().any(|p| p == "." || p == "./" || p == "**") {
        return None;
    }
    let mut b = GlobSetBuilder::new();
    for p in paths {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        for g in [p.to_owned(), format!("{p}/**")] {
            if let Ok(glob) = Glob::new(&g) {
                b.add(glob);
            }
        }
    }
    b.build().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_root_wins() {
        let roots: HashMap<&str, usize> = [("", 0), ("a", 1), ("a/b", 2)].into_iter().collect();
        assert_eq!(owner("a/b/c/x.rs", &roots), Some(2));
        assert_eq!(owner("a/bb/x.rs", &roots), Some(1));
        assert_eq!(owner("x.rs", &roots), Some(0));
        let none: HashMap<&str, usize> = [("a", 1)].into_iter().collect();
        assert_eq!(owner("b/x.rs", &none), None);
    }
}
