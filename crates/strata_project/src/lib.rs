//! One repository loaded: configuration, modules with their files, and every analysis on top.
//!
//! [`Project`] is the API every front-end (CLI, registry server, MCP server) calls; none of
//! them holds logic of its own.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod api_diff;
mod backstage;
mod baseline;
mod budgets;
mod cache;
#[doc(hidden)]
pub use cache::reencode as reencode_cache;
mod docs;
mod graph_view;
mod health;
mod history;

pub use api_diff::{
    ApiChange, ApiDiffDoc, ApiImpact, Bump, ChangeKind, Dependent, ModuleApiDiff, Symbol,
    VersionChange, declared_bump, required_bump,
};
pub use backstage::{
    ANNOTATION_PREFIX as BACKSTAGE_ANNOTATION_PREFIX, CATALOG_FILE, CatalogFile,
    HEADER as BACKSTAGE_HEADER, ImportedModule, ImportedTeam, import_backstage,
    import_backstage_groups, slug as backstage_name,
};
pub use baseline::{Baseline, BaselineError, Revision};
mod check_plan;
mod context;
mod find;
mod index;
mod intel;
mod module;
mod plan;
mod radar;
mod registry;
mod shard;
mod svg;

pub use docs::{Page, page_name};
pub use graph_view::{GraphDoc, GraphError, Level, Problems};
pub use plan::{
    Affected, Gate, GraphDocError, ImpactDoc, ImpactGraph, ImpactModule, OwnerToNotify, Wave,
    WavesDoc,
};
pub use radar::{DepsDoc, DepsSummary, ModuleDepsView, PackageView, RINGS, RadarView};
pub use registry::{Head, RegistryDocuments, RegistryModule, modules_doc};
pub use shard::{MergeReport, Shard, ShardError, ShardHeader, ShardReport};

pub use check_plan::{
    FindingShape, Plan, PlanDoc, PlanError, PlannedChange, PlannedDependency, PlannedImport,
    SeverityShape, Unresolved,
};
pub use context::{ContextDoc, ContextError, ContextItem, ContextQuery, Omitted, estimate_tokens};
pub use find::{FindDoc, FindOptions, Hit, WhyNot, match_score, words};
pub use health::{
    Band, Breakpoints, Dimension, HISTORY_FILE as HEALTH_HISTORY_FILE, HealthDoc, HealthHistory,
    HealthHistoryError, HealthInputs, HealthRecord, HealthSummary, HistorySummary, ModuleHealth,
    RecordedScore, default_breakpoints, default_weight,
};
/// Days of git history health reads when `[health] history_days` is not set.
pub const DEFAULT_HISTORY_DAYS: u32 = 180;

pub use history::{
    Coupling, CouplingLimits, FileHistory, History, HistoryError, parse_log as parse_git_log,
    read as read_history,
};
pub use index::Index;
pub use intel::{
    CloneSide, DupesDoc, DupesOptions, DupesSummary, Duplicate, Match, SimilarDoc, SimilarError,
    SimilarQuery,
};
pub use strata_analysis::{CoverageError, FileCoverage, parse_coverage};
pub use strata_graph::{FileEdge, SourceFile};
pub use strata_lang::Lang;

pub use budgets::{
    BreachForecast, BudgetReport, BudgetStatus, BudgetsDoc, BudgetsSummary, DEFAULT_HORIZON_DAYS,
    DEFAULT_WINDOW_DAYS, ModuleBudgets, Point as BudgetPoint, PushedSample, SERIES_POINTS,
    SampleIn, SamplesBody, SamplesError, by_series as samples_by_series, declared_budgets,
    evaluate as evaluate_budgets, format_date, parse_rfc3339, parse_samples,
};
pub use module::{DependencyView, Module, ModuleRecord};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

use strata_diagnostics::{Diagnostic, Summary};
use strata_rules::{Context, GraphInput, Phase, RuleSettings};
use strata_workspace::{
    CONFIG_FILE, ConfigError, DeclaredModule, Discovery, LoadedConfig, ModuleSource, find_config,
    load_config,
};

/// How to find and read the repository.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The repository root (`--root`); default: the folder of the nearest `strata.toml` above
    /// the working directory, else the working directory.
    pub root: Option<PathBuf>,
    /// An explicit `strata.toml` (`--config`).
    pub config: Option<PathBuf>,
    /// Ignore any `strata.toml` (`--no-config`).
    pub no_config: bool,
    /// Worker threads; 0 = one per core.
    pub jobs: usize,
    /// Neither read nor write the incremental cache under `.strata/` (`--no-cache`).
    pub no_cache: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("repository root `{}` is not a folder", .0.display())]
    RootNotFound(PathBuf),
    #[error("cannot determine the working directory")]
    NoWorkingDirectory(#[source] std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl ProjectError {
    /// What the user can do about it, when strata knows.
    pub fn hint(&self) -> Option<&str> {
        match self {
            ProjectError::Config(c) => c.hint(),
            _ => None,
        }
    }
}

/// A loaded repository.
pub struct Project {
    pub root: PathBuf,
    pub config: LoadedConfig,
    /// Repository-relative path of `strata.toml` (empty when there is none).
    pub config_path: String,
    pub settings: RuleSettings,
    pub discovery: Discovery,
    pub modules: Vec<Module>,
    /// Every source file (a file of a known language), sorted by path.
    pub sources: Vec<SourceFile>,
    /// Whether scans use the incremental cache under `.strata/`.
    pub use_cache: bool,
    /// Rewrite the cache only when many files were read anew, not after every change: for
    /// a process that indexes again and again (`strata serve`), where re-reading the few
    /// changed files costs less than writing the cache of a large repository each time.
    pub lazy_cache: bool,
    /// Called with the number of files read so far during a scan (for progress bars).
    pub progress: Option<Progress>,
    /// The scan [`Project::index`] made and keeps.
    index: OnceLock<Index>,
    /// The scan [`Project::facts_index`] made without the cache.
    facts_index: OnceLock<Index>,
}

/// A progress callback: the number of source files read so far.
pub type Progress = std::sync::Arc<dyn Fn(usize) + Send + Sync>;

/// The result of `check`.
pub struct CheckReport {
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Problems of the run that are not findings (the cache was rebuilt, a file could not be
    /// read).
    pub warnings: Vec<String>,
}

impl Project {
    /// Find the repository, read its configuration, discover modules and assign files.
    pub fn load(options: &LoadOptions) -> Result<Project, ProjectError> {
        let cwd = std::env::current_dir().map_err(ProjectError::NoWorkingDirectory)?;
        let (root, config_file) = match &options.root {
            Some(root) => {
                let root = cwd.join(root);
                if !root.is_dir() {
                    return Err(ProjectError::RootNotFound(root));
                }
                let file = root.join(CONFIG_FILE);
                (root, file.is_file().then_some(file))
            }
            None => match find_config(&cwd) {
                Some(file) => (file.parent().unwrap_or(&cwd).to_path_buf(), Some(file)),
                None => (cwd.clone(), None),
            },
        };
        let config_file = if options.no_config {
            None
        } else {
            options.config.as_ref().map(|c| cwd.join(c)).or(config_file)
        };
        let config = match &config_file {
            Some(path) => load_config(path)?,
            None => LoadedConfig::default(),
        };
        let settings = strata_rules::resolve_settings(&config)?;
        let config_path = config_file
            .as_deref()
            .map(|p| relative(&root, p))
            .unwrap_or_default();
        // Sizes and modification times serve only the cache.
        let wants_meta: fn(&str) -> bool = if options.no_cache {
            |_| false
        } else {
            |name| Lang::from_path(name).is_some()
        };
        let discovery = strata_workspace::discover(&root, config.clone(), options.jobs, wants_meta);
        let (modules, sources) = module::assign(&discovery);
        Ok(Project {
            root,
            config,
            config_path,
            settings,
            discovery,
            modules,
            sources,
            use_cache: !options.no_cache,
            lazy_cache: false,
            progress: None,
            index: OnceLock::new(),
            facts_index: OnceLock::new(),
        })
    }

    /// The project after the source files `changed` (repository-relative) were edited in
    /// place: the same walk and modules, with those files' sizes and times read again and no
    /// scan kept. `Err(self)` when a change may alter the walk or the modules (a file added or
    /// removed, or anything but a source file: a manifest, `module.yaml`, `strata.toml`, an
    /// ignore file), which needs [`Project::load`].
    pub fn after_edits(mut self, changed: &[String]) -> Result<Project, Box<Project>> {
        for path in changed {
            let name = path.rsplit('/').next().unwrap_or(path);
            let is_source = self
                .sources
                .binary_search_by(|s| s.path.as_str().cmp(path))
                .is_ok();
            let shapes = strata_workspace::ManifestKind::from_file_name(name).is_some();
            let Ok(i) = self.discovery.files.binary_search(path) else {
                return Err(Box::new(self));
            };
            let meta = std::fs::metadata(self.root.join(path));
            let Some(meta) = meta.ok().filter(|m| is_source && !shapes && m.is_file()) else {
                return Err(Box::new(self));
            };
            if let Some(m) = self.discovery.file_meta.get_mut(i) {
                *m = strata_workspace::FileMeta::of(&meta);
            }
        }
        self.index = OnceLock::new();
        self.facts_index = OnceLock::new();
        Ok(self)
    }

    /// Read every source file once and build the import graph (parallel; `jobs` threads as
    /// loaded). Each call scans again; [`Project::index`] scans once and keeps the result.
    pub fn scan(&self) -> Index {
        index::build(self, index::Scope::Full)
    }

    /// The project's scan, made on the first call and kept for the project's lifetime (a
    /// project is a snapshot of the repository as loaded).
    pub fn index(&self) -> &Index {
        self.index.get_or_init(|| self.scan())
    }

    /// A scan for what needs each file's facts and no graph (`dupes`): the project's
    /// [`Project::index`] when the cache is on (a cold scan then fills the cache for the next
    /// command) or already made; otherwise one that resolves no import and runs no file rule,
    /// so its edges and file findings are empty.
    pub fn facts_index(&self) -> &Index {
        if self.use_cache || self.index.get().is_some() {
            return self.index();
        }
        self.facts_index
            .get_or_init(|| index::build(self, index::Scope::Facts))
    }

    /// The module named `name`.
    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.declared.name == name)
    }

    /// Scan the repository (once: see [`Project::index`]) and run every enabled rule;
    /// findings sorted.
    pub fn check(&self) -> CheckReport {
        let start = Instant::now();
        let index = self.index();
        let mut report = self.check_with(index);
        report.warnings.extend(index.warnings.iter().cloned());
        report.warnings.extend(
            index
                .unreadable
                .iter()
                .map(|(p, e)| format!("failed to read `{p}`: {e}")),
        );
        report.summary.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        report
    }

    /// The declarations of every module, in module order (what rules index by).
    pub(crate) fn declared_modules(&self) -> Vec<DeclaredModule> {
        self.modules.iter().map(|m| m.declared.clone()).collect()
    }

    /// What rules see: the configuration, `declared` (from [`Project::declared_modules`]),
    /// this graph and every file of the repository.
    pub(crate) fn rule_context<'a>(
        &'a self,
        declared: &'a [DeclaredModule],
        graph: GraphInput<'a>,
    ) -> Context<'a> {
        Context::new(
            &self.config,
            &self.config_path,
            declared,
            &self.discovery.invalid_schemas,
            &self.settings,
        )
        .with_graph(graph)
        .with_files(&self.discovery.files)
    }

    /// Whether the rule `id` is on (at `warn` or `error`).
    pub(crate) fn rule_on(&self, id: &str) -> bool {
        strata_rules::rule(id).is_some_and(|r| self.settings.level(r).severity().is_some())
    }

    /// Run every enabled rule on an index already built.
    pub fn check_with(&self, index: &Index) -> CheckReport {
        let start = Instant::now();
        let declared = self.declared_modules();
        let cx = self.rule_context(
            &declared,
            GraphInput::new(&self.sources, &index.file_edges, &index.module_edges),
        );
        // Clones are found only for `duplicate-code`, and only when it is on.
        let clones = if self.rule_on("duplicate-code") {
            self.code_clones(
                index,
                strata_rules::duplicate_code_min_tokens(&self.settings),
            )
        } else {
            Vec::new()
        };
        let cx = cx.with_clones(&clones);
        // External dependencies are resolved (lockfiles read) only for the rules that use them.
        let wants_deps = self.rule_on("dependency-drift")
            || (self.rule_on("radar-hold") && !self.config.config.radar.hold.is_empty());
        let resolution = if wants_deps {
            self.dependencies_of(&declared)
        } else {
            strata_workspace::deps::Resolution::default()
        };
        let cx = cx.with_deps(&resolution.modules);
        let mut diagnostics = strata_rules::run(&cx, &[Phase::Schema, Phase::Graph]);
        diagnostics.extend(index.file_findings.iter().cloned());
        let mut warnings = resolution.warnings.clone();
        // `health-gate` scores modules on every other finding, so it runs last.
        if self.rule_on("health-gate") {
            let scores = self.tier_scores(index, &diagnostics, &mut warnings);
            let cx = cx.with_health(&scores);
            diagnostics.extend(strata_rules::run_only(&cx, &["health-gate"]));
        }
        strata_diagnostics::sort(&mut diagnostics);
        let mut summary = Summary::count(&diagnostics, self.modules.len(), self.sources.len());
        summary.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        CheckReport {
            diagnostics,
            summary,
            warnings,
        }
    }

    /// The git history health reads: the last `[health] history_days` (default
    /// [`DEFAULT_HISTORY_DAYS`]) up to HEAD, with code-maat's coupling limits. `None` outside
    /// a git repository or before its first commit.
    pub fn history(&self) -> Result<Option<History>, HistoryError> {
        let days = self
            .config
            .config
            .health
            .history_days
            .unwrap_or(DEFAULT_HISTORY_DAYS);
        history::read(&self.root, days, CouplingLimits::default())
    }

    /// The health of every module with a tier that `[health.tiers]` gives a line, for
    /// `health-gate`.
    fn tier_scores(
        &self,
        index: &Index,
        findings: &[Diagnostic],
        warnings: &mut Vec<String>,
    ) -> Vec<strata_rules::ModuleScore> {
        let tiers = &self.config.config.health.tiers;
        if tiers.is_empty() {
            return Vec::new();
        }
        let history = match self.history() {
            Ok(h) => h,
            Err(e) => {
                warnings.push(format!("health-gate scores without git history: {e}"));
                None
            }
        };
        let inputs = health::HealthInputs {
            findings,
            history: history.as_ref(),
            ..health::HealthInputs::default()
        };
        let doc = self.health(index, &inputs, None);
        doc.modules
            .into_iter()
            .filter_map(|h| {
                let tier = h.tier?;
                let line = *tiers.get(&tier.to_string())?;
                Some(strata_rules::ModuleScore {
                    module: self.modules.iter().position(|m| m.name() == h.module)?,
                    score: h.score,
                    tier,
                    line,
                    next_step: h.next_steps.first().cloned(),
                })
            })
            .collect()
    }

    /// One line of a repository file (1-based), for showing findings in context.
    pub fn source_line(&self, file: &str, line: u32) -> Option<String> {
        let text = std::fs::read(self.root.join(file)).ok()?;
        let text = String::from_utf8_lossy(&text);
        text.lines()
            .nth(usize::try_from(line).ok()?.checked_sub(1)?)
            .map(str::to_owned)
    }

    /// The registry view of every module (the `modules` JSON shape).
    pub fn records(&self) -> Vec<ModuleRecord> {
        let mut records: Vec<ModuleRecord> = self.modules.iter().map(Module::record).collect();
        records.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.root.cmp(&b.root)));
        records
    }

    /// Modules discovered from manifests only (what `strata init` writes `module.yaml` for).
    pub fn modules_without_schema(&self) -> impl Iterator<Item = &Module> {
        self.modules
            .iter()
            .filter(|m| m.declared.source == ModuleSource::Manifest)
    }

    /// Number of source files per language.
    pub fn files_by_lang(&self) -> HashMap<Lang, usize> {
        let mut counts = HashMap::new();
        for f in &self.sources {
            *counts.entry(f.lang).or_default() += 1;
        }
        counts
    }
}

/// `path` relative to `root`, with `/`.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}
