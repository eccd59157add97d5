//! What rules see: the configuration and the declared modules (and, from later phases on, the
//! import graph). Built by the project; rules only read it.

use std::collections::{BTreeMap, HashMap};

use strata_graph::{FileEdge, Graph, SourceFile};
use strata_workspace::deps::ModuleDeps;
use strata_workspace::{ConfigError, DeclaredModule, LoadedConfig};

use crate::RuleSettings;

/// One side of a [`CodeClone`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloneSpan {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// Index into [`Context::modules`].
    pub module: Option<usize>,
    /// The function or method.
    pub name: String,
}

/// Two functions or methods with the same normalised tokens (`a` sorts before `b`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeClone {
    pub a: CloneSpan,
    pub b: CloneSpan,
    /// 1: the same tokens; 2: the same once names and literals are abstracted.
    pub kind: u8,
    pub tokens: usize,
}

/// A module's health score and the line its tier must reach, for `health-gate`.
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleScore {
    /// Index into [`Context::modules`].
    pub module: usize,
    pub score: f64,
    pub tier: u32,
    /// `[health.tiers]` line of the module's tier.
    pub line: f64,
    /// The step that would raise the score most, if any.
    pub next_step: Option<String>,
}

/// A module's public-API change since a base revision and the bump it declares, for
/// `semver-bump` (given only with a base revision: `strata check --diff-base`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiBump {
    /// Index into [`Context::modules`].
    pub module: usize,
    /// Where the version is declared: repository-relative file, 1-based line and column.
    pub file: String,
    pub line: u32,
    pub column: u32,
    /// The version at the base and now.
    pub from: String,
    pub to: String,
    /// The bump the change needs and the one declared: `major`, `minor`, `patch` or `none`.
    pub required: &'static str,
    pub declared: &'static str,
    /// Whether the declared bump covers the required one.
    pub enough: bool,
    /// A public symbol was removed or changed (else only added, or none).
    pub breaking: bool,
    /// The changes that call for the bump, as shown: "`Invoice::total` removed".
    pub symbols: Vec<String>,
}

pub struct Context<'a> {
    pub config: &'a LoadedConfig,
    /// Repository-relative path of `strata.toml` (empty without one).
    pub config_path: &'a str,
    pub modules: &'a [DeclaredModule],
    /// `module.yaml` files that did not parse.
    pub invalid_schemas: &'a [(String, ConfigError)],
    pub settings: &'a RuleSettings,
    /// The import graph, for graph-phase rules (`None` when only declarations were loaded).
    pub graph: Option<GraphInput<'a>>,
    /// Every file of the repository (repository-relative, sorted), sources or not.
    pub files: &'a [String],
    /// Duplicated functions and methods, for `duplicate-code` (given only when it is on).
    pub clones: &'a [CodeClone],
    /// Health scores of the tiered modules, for `health-gate` (given only when it is on).
    pub health: &'a [ModuleScore],
    /// Public-API changes since a base revision, for `semver-bump` (empty without one).
    pub api_bumps: &'a [ApiBump],
    /// Every module's external dependencies, for `radar-hold` and `dependency-drift` (given
    /// only when one of them is on).
    pub deps: &'a [ModuleDeps],
    by_name: HashMap<&'a str, Vec<usize>>,
}

/// The import graph as rules see it. Module indices are indices into [`Context::modules`].
pub struct GraphInput<'a> {
    pub files: &'a [SourceFile],
    /// Sorted by (from, to); one edge per pair of files.
    pub edges: &'a [FileEdge],
    /// (from, to) -> number of file edges between the two modules.
    pub module_edges: &'a BTreeMap<(usize, usize), usize>,
    /// For each module edge, the first file edge that makes it (by importing path, then line).
    first_edge: HashMap<(usize, usize), usize>,
}

impl<'a> GraphInput<'a> {
    pub fn new(
        files: &'a [SourceFile],
        edges: &'a [FileEdge],
        module_edges: &'a BTreeMap<(usize, usize), usize>,
    ) -> GraphInput<'a> {
        let mut first_edge = HashMap::new();
        for (i, e) in edges.iter().enumerate() {
            if let Some(pair) = Self::modules_of(files, e) {
                first_edge.entry(pair).or_insert(i);
            }
        }
        GraphInput {
            files,
            edges,
            module_edges,
            first_edge,
        }
    }

    fn modules_of(files: &[SourceFile], e: &FileEdge) -> Option<(usize, usize)> {
        let a = files.get(e.from as usize)?.module?;
        let b = files.get(e.to as usize)?.module?;
        (a != b).then_some((a, b))
    }

    /// The modules of an edge's two files, when both have one and they differ.
    pub fn edge_modules(&self, e: &FileEdge) -> Option<(usize, usize)> {
        Self::modules_of(self.files, e)
    }

    /// The first import that makes the module edge `from -> to`.
    pub fn example_edge(&self, from: usize, to: usize) -> Option<&'a FileEdge> {
        self.first_edge.get(&(from, to)).map(|&i| &self.edges[i])
    }

    pub fn path(&self, file: u32) -> &'a str {
        self.files
            .get(file as usize)
            .map_or("", |f| f.path.as_str())
    }

    /// The module graph over `modules` nodes.
    pub fn module_graph(&self, modules: usize) -> Graph {
        Graph::new(
            modules,
            self.module_edges
                .keys()
                .filter_map(|&(a, b)| Some((u32::try_from(a).ok()?, u32::try_from(b).ok()?))),
        )
    }
}

impl<'a> Context<'a> {
    pub fn new(
        config: &'a LoadedConfig,
        config_path: &'a str,
        modules: &'a [DeclaredModule],
        invalid_schemas: &'a [(String, ConfigError)],
        settings: &'a RuleSettings,
    ) -> Context<'a> {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, m) in modules.iter().enumerate() {
            by_name.entry(m.name.as_str()).or_default().push(i);
        }
        Context {
            config,
            config_path,
            modules,
            invalid_schemas,
            settings,
            graph: None,
            files: &[],
            clones: &[],
            health: &[],
            api_bumps: &[],
            deps: &[],
            by_name,
        }
    }

    /// Give graph-phase rules the import graph.
    #[must_use]
    pub fn with_graph(mut self, graph: GraphInput<'a>) -> Context<'a> {
        self.graph = Some(graph);
        self
    }

    /// Give rules the list of every file (for rules about files that must exist).
    #[must_use]
    pub fn with_files(mut self, files: &'a [String]) -> Context<'a> {
        self.files = files;
        self
    }

    /// Give `duplicate-code` the clones the project found.
    #[must_use]
    pub fn with_clones(mut self, clones: &'a [CodeClone]) -> Context<'a> {
        self.clones = clones;
        self
    }

    /// Give `health-gate` the scores of the tiered modules.
    #[must_use]
    pub fn with_health(mut self, health: &'a [ModuleScore]) -> Context<'a> {
        self.health = health;
        self
    }

    /// Give `semver-bump` the public-API changes since the base revision.
    #[must_use]
    pub fn with_api_bumps(mut self, bumps: &'a [ApiBump]) -> Context<'a> {
        self.api_bumps = bumps;
        self
    }

    /// Give `radar-hold` and `dependency-drift` the modules' external dependencies.
    #[must_use]
    pub fn with_deps(mut self, deps: &'a [ModuleDeps]) -> Context<'a> {
        self.deps = deps;
        self
    }

    /// Index of the module named `name`.
    pub fn module_index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).and_then(|v| v.first()).copied()
    }

    /// The module named `name` (the first by root when several share it).
    pub fn module(&self, name: &str) -> Option<&'a DeclaredModule> {
        self.by_name
            .get(name)
            .and_then(|v| v.first())
            .map(|&i| &self.modules[i])
    }

    /// Every module with this name (more than one is a `duplicate-module` finding).
    pub fn modules_named(&self, name: &str) -> impl Iterator<Item = &'a DeclaredModule> + '_ {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| &self.modules[i])
    }
}

/// What file-phase rules see: one file's bytes and what the repository declares about the
/// services it might address.
pub struct FileContext<'a> {
    /// Repository-relative path.
    pub path: &'a str,
    /// The owning module's name (empty when none).
    pub module: &'a str,
    pub bytes: &'a [u8],
    pub endpoints: &'a Endpoints,
}

/// The ports and API base paths declared in `module.yaml` files, by module.
#[derive(Debug, Default, Clone)]
pub struct Endpoints {
    pub ports: HashMap<u16, String>,
    /// (base path, module), longest first.
    pub base_paths: Vec<(String, String)>,
}

impl Endpoints {
    pub fn from_modules(modules: &[DeclaredModule]) -> Endpoints {
        let mut e = Endpoints::default();
        for m in modules {
            let Some(api) = m.schema.as_ref().and_then(|s| s.api.as_ref()) else {
                continue;
            };
            if let Some(p) = &api.port {
                e.ports.entry(p.value).or_insert_with(|| m.name.clone());
            }
            if let Some(b) = &api.base_path {
                if b.value.len() > 1 {
                    e.base_paths
                        .push((b.value.trim_end_matches('/').to_owned(), m.name.clone()));
                }
            }
        }
        e.base_paths
            .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        e
    }
}
