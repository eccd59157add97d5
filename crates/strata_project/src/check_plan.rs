//! `strata_check_plan`: the findings a change would cause, judged on the index before anything
//! is written: files to edit or create, what each will import, dependencies to declare.
//!
//! The rules run on the graph as the plan leaves it, but only where the plan can matter: the
//! import rules and `no-cycles` see the planned imports plus one real import per module edge
//! (what module-level rules and cycle cuts are shown at), and `file-cycle` sees the files that
//! lie on a path from a planned import's target back to its importer. A finding is kept when it
//! is about a planned import, or about a cycle the planned imports or dependencies are part of.
//! [`Project::importable`] (`find --from`) is the same judgement for one file.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};
use strata_diagnostics::{Diagnostic, Severity};
use strata_graph::{FileEdge, Graph, SourceFile};
use strata_lang::{FileId, Import, ImportKind, Lang, Target, frontend};
use strata_lang::{file_name, join, parent};
use strata_rules::{GraphInput, Interfaces};
use strata_workspace::DeclaredModule;
use strata_workspace::error::closest;
use strata_workspace::module_file::Dependency;

use crate::{Index, Project};

/// Module edges with the number of file edges that make each.
type ModuleEdges = BTreeMap<(usize, usize), usize>;

/// The rules that decide whether one file may import another.
pub(crate) const IMPORT_RULES: &[&str] = &[
    "undeclared-dependency",
    "internal-import",
    "lane-violation",
    "layer-violation",
    "forbidden",
];

/// The rules that decide whether a plan is allowed: the import rules and the cycles.
const PLAN_RULES: &[&str] = &[
    "undeclared-dependency",
    "internal-import",
    "lane-violation",
    "layer-violation",
    "forbidden",
    "no-cycles",
    "file-cycle",
];

/// A change about to be made, to check before anything is written.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct Plan {
    /// Files to edit or create, with what each will import.
    #[serde(default)]
    pub changes: Vec<PlannedChange>,
    /// Modules to add to another module's `depends_on`.
    #[serde(default)]
    pub dependencies: Vec<PlannedDependency>,
}

/// One file to edit or create.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct PlannedChange {
    /// Repository-relative path of the file.
    pub file: String,
    /// What it will import: a specifier as its language writes it (`../shop/src/cart`,
    /// `crate::a::b`, `billing.api`), an import statement, a repository path, or a module name.
    #[serde(default)]
    pub imports: Vec<String>,
    /// The file does not exist yet (default: whether the index has it). An existing file
    /// marked new is judged as rewritten, with only these imports.
    #[serde(default)]
    pub new_file: Option<bool>,
}

/// A dependency to declare in a `module.yaml`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
pub struct PlannedDependency {
    /// The module that will declare it.
    pub from: String,
    /// The module added to its `depends_on`.
    pub to: String,
}

/// What a plan would cause: `strata_check_plan`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct PlanDoc {
    /// No finding at error level. Imports in `unresolved` were not judged.
    pub allowed: bool,
    /// Findings the plan causes or is part of, as `strata check` reports them, sorted.
    #[schemars(with = "Vec<FindingShape>")]
    pub findings: Vec<Diagnostic>,
    /// What each planned import names: one entry per file or package.
    pub imports: Vec<PlannedImport>,
    /// Planned imports that name nothing strata can judge, and why.
    pub unresolved: Vec<Unresolved>,
}

/// One target of a planned import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct PlannedImport {
    /// The planned file.
    pub file: String,
    /// The import as planned.
    pub import: String,
    /// The repository file it names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_file: Option<String>,
    /// The module of that file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_module: Option<String>,
    /// The third-party package it names instead (never a finding).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<String>,
}

/// A planned import strata could not judge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Unresolved {
    pub file: String,
    pub import: String,
    /// Why, and what to write instead when strata can tell.
    pub reason: String,
}

/// The JSON shape of one finding (DESIGN.md §5), as [`Diagnostic`] serializes: for schemas.
#[derive(JsonSchema)]
pub struct FindingShape {
    /// The rule id (`internal-import`, `no-cycles`, …).
    pub rule: String,
    pub severity: SeverityShape,
    /// The module the finding belongs to.
    pub module: String,
    /// Repository-relative path.
    pub file: String,
    /// 1-based; 0 when the finding concerns the whole file.
    pub line: u32,
    pub column: u32,
    /// The module (or port, event, team) it is about.
    pub target: Option<String>,
    pub message: String,
    pub help: String,
    /// Import findings: the imported file.
    pub target_file: Option<String>,
    /// Cycle findings: the ordered cycle, first == last.
    pub cycle: Option<Vec<String>>,
    /// Cycle findings: every member of the cycle's component, sorted.
    pub members: Option<Vec<String>>,
    /// Transitive `forbidden` findings: the chain of modules.
    pub chain: Option<Vec<String>>,
}

/// [`Severity`] in a [`FindingShape`].
#[derive(JsonSchema)]
#[schemars(rename_all = "lowercase")]
pub enum SeverityShape {
    Error,
    Warning,
}

/// A plan that cannot be judged as given.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("`changes[{index}].file` is empty")]
    EmptyFile { index: usize },
    #[error(
        "`{file}` is not a repository-relative path inside the repository (`changes[{index}].file`)"
    )]
    OutsideRepository { index: usize, file: String },
    #[error("no module is named `{name}` (`dependencies[{index}].{side}`){}", did_you_mean(.suggestion.as_deref()))]
    UnknownModule {
        index: usize,
        side: &'static str,
        name: String,
        suggestion: Option<String>,
    },
    #[error("`{module}` cannot depend on itself (`dependencies[{index}]`)")]
    SelfDependency { index: usize, module: String },
}

fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |s| format!("; did you mean `{s}`?"))
}

/// The repository as a plan leaves it. Nodes are indices into [`Project::sources`], then into
/// `new_files` (after the last source).
pub(crate) struct Scenario {
    /// Files the index does not have.
    new_files: Vec<SourceFile>,
    /// Indexed files written anew: their indexed imports do not count.
    rewritten: BTreeSet<u32>,
    /// Planned imports, one per (from, to), positioned where the index has them (else 1:1).
    edges: Vec<FileEdge>,
    /// The modules' declarations with the planned dependencies.
    declared: Vec<DeclaredModule>,
    /// Planned dependencies as (from, to) module indices.
    dependencies: Vec<(usize, usize)>,
}

/// One planned import by name, to match findings against.
struct EdgeNames<'a> {
    from: &'a str,
    to: &'a str,
    from_module: Option<&'a str>,
    to_module: Option<&'a str>,
}

impl Scenario {
    pub(crate) fn new(project: &Project) -> Scenario {
        Scenario {
            new_files: Vec::new(),
            rewritten: BTreeSet::new(),
            edges: Vec::new(),
            declared: project.declared_modules(),
            dependencies: Vec::new(),
        }
    }

    fn file<'a>(&'a self, project: &'a Project, node: u32) -> &'a SourceFile {
        let n = project.sources.len();
        match (node as usize).checked_sub(n) {
            Some(k) => &self.new_files[k],
            None => &project.sources[node as usize],
        }
    }

    /// The node of the file at `path`: the indexed source (marked rewritten when `new_file`
    /// says it does not exist), else a new file of `lang` owned by the module whose root holds
    /// it.
    pub(crate) fn node(
        &mut self,
        project: &Project,
        path: &str,
        lang: Lang,
        new_file: Option<bool>,
    ) -> u32 {
        let idx = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        if let Some(i) = project.source_index(path) {
            if new_file == Some(true) {
                self.rewritten.insert(idx(i));
            }
            return idx(i);
        }
        let n = project.sources.len();
        if let Some(k) = self.new_files.iter().position(|f| f.path == path) {
            return idx(n + k);
        }
        self.new_files.push(SourceFile {
            path: path.to_owned(),
            lang,
            module: project.owner_of(path),
        });
        idx(n + self.new_files.len() - 1)
    }

    /// Whether the index's imports of `node` still count.
    fn keeps_indexed_imports(&self, project: &Project, node: u32) -> bool {
        (node as usize) < project.sources.len() && !self.rewritten.contains(&node)
    }

    /// Plan an import `from -> to` (none of a file of itself).
    pub(crate) fn add_edge(&mut self, project: &Project, index: &Index, from: u32, to: u32) {
        if from == to || self.edges.iter().any(|e| e.from == from && e.to == to) {
            return;
        }
        let indexed = self
            .keeps_indexed_imports(project, from)
            .then(|| {
                index
                    .file_edges
                    .binary_search_by(|e| (e.from, e.to).cmp(&(from, to)))
                    .ok()
            })
            .flatten()
            .map(|i| index.file_edges[i]);
        self.edges.push(indexed.unwrap_or(FileEdge {
            from,
            to,
            line: 1,
            column: 1,
        }));
    }

    /// Declare `to` in `from`'s `depends_on`, as an edit of its `module.yaml` would (a module
    /// without one has nothing to declare: no rule asks it to).
    fn add_dependency(&mut self, from: usize, to: usize) {
        let name = self.declared[to].name.clone();
        if let Some(schema) = self.declared[from].schema.as_mut() {
            if !schema.depends_on.iter().any(|d| d.value.name() == name) {
                schema.depends_on.push(Spanned::new(
                    Dependency::Name(name),
                    Location::UNKNOWN,
                    Location::UNKNOWN,
                ));
            }
        }
        self.dependencies.push((from, to));
    }

    /// The findings of `findings` about the planned import `from -> to`.
    pub(crate) fn touching<'a>(
        &'a self,
        project: &'a Project,
        from: u32,
        to: u32,
        findings: &'a [Diagnostic],
    ) -> impl Iterator<Item = &'a Diagnostic> + 'a {
        let e = self.names(project, from, to);
        findings.iter().filter(move |d| touches(d, &e))
    }

    fn names<'a>(&'a self, project: &'a Project, from: u32, to: u32) -> EdgeNames<'a> {
        let (a, b) = (self.file(project, from), self.file(project, to));
        let module = |f: &SourceFile| f.module.map(|m| self.declared[m].name.as_str());
        EdgeNames {
            from: &a.path,
            to: &b.path,
            from_module: module(a),
            to_module: module(b),
        }
    }
}

/// Whether finding `d` is about the planned import `e`: the import itself for findings about
/// one import, the module edge it makes for findings about a module edge, a cycle holding it.
fn touches(d: &Diagnostic, e: &EdgeNames<'_>) -> bool {
    let holds = |list: &Option<Vec<String>>, a: &str, b: &str| {
        list.as_ref().is_some_and(|m| {
            m.binary_search_by(|x| x.as_str().cmp(a)).is_ok()
                && m.binary_search_by(|x| x.as_str().cmp(b)).is_ok()
        })
    };
    let same_import = d.file == e.from && d.target_file.as_deref() == Some(e.to);
    let modules = match (e.from_module, e.to_module) {
        (Some(a), Some(b)) if a != b => Some((a, b)),
        _ => None,
    };
    match d.rule {
        "internal-import" => same_import,
        "file-cycle" => holds(&d.members, e.from, e.to),
        "no-cycles" => modules.is_some_and(|(a, b)| holds(&d.members, a, b)),
        "forbidden" => match &d.chain {
            Some(chain) => {
                modules.is_some_and(|(a, b)| chain.windows(2).any(|w| w[0] == a && w[1] == b))
            }
            None => same_import,
        },
        _ => modules.is_some_and(|(a, b)| d.module == a && d.target.as_deref() == Some(b)),
    }
}

/// Why a `from_lang` file cannot import `target`, a file of another language.
pub(crate) fn language_mismatch(from_lang: Lang, target: &SourceFile) -> String {
    format!(
        "a {} file cannot import `{}`, a {} file",
        from_lang.as_str(),
        target.path,
        target.lang.as_str()
    )
}

impl Project {
    /// The index of the source file at `path`.
    pub(crate) fn source_index(&self, path: &str) -> Option<usize> {
        self.sources
            .binary_search_by(|s| s.path.as_str().cmp(path))
            .ok()
    }

    /// The findings of `rules` (among [`PLAN_RULES`]) that `sc` causes or is part of.
    pub(crate) fn judge(&self, index: &Index, sc: &Scenario, rules: &[&str]) -> Vec<Diagnostic> {
        if sc.edges.is_empty() && sc.dependencies.is_empty() {
            return Vec::new();
        }
        let (mut module_edges, examples) = self.module_edges_without(index, &sc.rewritten);
        for e in &sc.edges {
            let counted = sc.keeps_indexed_imports(self, e.from)
                && index
                    .file_edges
                    .binary_search_by(|x| (x.from, x.to).cmp(&(e.from, e.to)))
                    .is_ok();
            let (a, b) = (sc.file(self, e.from).module, sc.file(self, e.to).module);
            if let (Some(a), Some(b), false) = (a, b, counted) {
                if a != b {
                    *module_edges.entry((a, b)).or_default() += 1;
                }
            }
        }

        let module_of = |node: u32| sc.file(self, node).module;
        let planned_pairs: BTreeSet<(usize, usize)> = sc
            .edges
            .iter()
            .filter_map(|e| Some((module_of(e.from)?, module_of(e.to)?)))
            .filter(|(a, b)| a != b)
            .collect();
        let dependency_pairs: Vec<(usize, usize)> = sc
            .dependencies
            .iter()
            .copied()
            .filter(|pair| module_edges.contains_key(pair))
            .collect();
        let module_edges =
            self.module_edges_to_judge(module_edges, &planned_pairs, &dependency_pairs, rules);

        // The planned imports and one real import per module edge left. Planned importers
        // come first, so a module edge the plan makes is shown at a planned import.
        let mut local: HashMap<u32, u32> = HashMap::new();
        let mut files: Vec<SourceFile> = Vec::new();
        let mut add = |node: u32| -> u32 {
            *local.entry(node).or_insert_with(|| {
                files.push(sc.file(self, node).clone());
                u32::try_from(files.len() - 1).unwrap_or(u32::MAX)
            })
        };
        let mut importers: Vec<u32> = sc.edges.iter().map(|e| e.from).collect();
        importers.sort_by(|&a, &b| sc.file(self, a).path.cmp(&sc.file(self, b).path));
        importers.dedup();
        for &f in &importers {
            add(f);
        }
        let examples = examples.iter().filter(|e| {
            module_of(e.from)
                .zip(module_of(e.to))
                .is_some_and(|pair| module_edges.contains_key(&pair))
        });
        let mut edges: Vec<FileEdge> = sc
            .edges
            .iter()
            .chain(examples)
            .map(|e| FileEdge {
                from: add(e.from),
                to: add(e.to),
                ..*e
            })
            .collect();
        edges.sort_unstable();
        edges.dedup_by_key(|e| (e.from, e.to));
        let cx = self.rule_context(&sc.declared, GraphInput::new(&files, &edges, &module_edges));
        let graph_rules: Vec<&str> = rules
            .iter()
            .copied()
            .filter(|&r| r != "file-cycle")
            .collect();
        let mut found = strata_rules::run_only(&cx, &graph_rules);
        if rules.contains(&"file-cycle") {
            found.extend(self.planned_file_cycles(index, sc));
        }

        let planned: Vec<EdgeNames<'_>> = sc
            .edges
            .iter()
            .map(|e| sc.names(self, e.from, e.to))
            .collect();
        let dependencies: Vec<(&str, &str)> = dependency_pairs
            .iter()
            .map(|&(a, b)| (sc.declared[a].name.as_str(), sc.declared[b].name.as_str()))
            .collect();
        let interfaces = Interfaces::new(&sc.declared);
        let mut kept: Vec<Diagnostic> = found
            .into_iter()
            .filter(|d| {
                planned.iter().any(|e| touches(d, e))
                    || (d.rule == "no-cycles"
                        && dependencies.iter().any(|&(a, b)| {
                            touches(
                                d,
                                &EdgeNames {
                                    from: "",
                                    to: "",
                                    from_module: Some(a),
                                    to_module: Some(b),
                                },
                            )
                        }))
            })
            .collect();
        for d in &mut kept {
            if d.rule == "internal-import" {
                if let Some(help) = self.interface_help(&interfaces, d) {
                    d.help = help;
                }
            }
        }
        strata_diagnostics::sort(&mut kept);
        kept.dedup();
        kept
    }

    /// The module edges `rules` need to judge the plan: those the plan makes, and those inside
    /// a module cycle with one of them or with a planned dependency (for `no-cycles`); all of
    /// them when a `[[forbidden]]` rule looks at chains (`via`), which may run anywhere.
    fn module_edges_to_judge(
        &self,
        module_edges: ModuleEdges,
        planned: &BTreeSet<(usize, usize)>,
        dependencies: &[(usize, usize)],
        rules: &[&str],
    ) -> ModuleEdges {
        if self.config.config.forbidden.iter().any(|f| f.via.is_some()) {
            return module_edges;
        }
        if !rules.contains(&"no-cycles") {
            return module_edges
                .into_iter()
                .filter(|(pair, _)| planned.contains(pair))
                .collect();
        }
        let idx = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let graph = Graph::new(
            self.modules.len(),
            module_edges.keys().map(|&(a, b)| (idx(a), idx(b))),
        );
        let mut component = vec![usize::MAX; self.modules.len()];
        for (c, members) in graph.cycles().iter().enumerate() {
            for &m in members {
                component[m as usize] = c;
            }
        }
        let cyclic: BTreeSet<usize> = planned
            .iter()
            .chain(dependencies)
            .filter(|&&(a, b)| component[a] == component[b] && component[a] != usize::MAX)
            .map(|&(a, _)| component[a])
            .collect();
        module_edges
            .into_iter()
            .filter(|&(pair @ (a, b), _)| {
                planned.contains(&pair)
                    || (component[a] == component[b] && cyclic.contains(&component[a]))
            })
            .collect()
    }

    /// The module edges (with their number of file edges) and one real import per module edge,
    /// without the imports of `rewritten` files.
    fn module_edges_without<'a>(
        &self,
        index: &'a Index,
        rewritten: &BTreeSet<u32>,
    ) -> (ModuleEdges, Cow<'a, [FileEdge]>) {
        if rewritten.is_empty() {
            return (
                index.module_edges.clone(),
                Cow::Borrowed(index.module_edge_examples(&self.sources)),
            );
        }
        let mut counts = BTreeMap::new();
        let mut examples = Vec::new();
        for e in &index.file_edges {
            let module = |f: u32| self.sources.get(f as usize).and_then(|s| s.module);
            if rewritten.contains(&e.from) {
                continue;
            }
            if let (Some(a), Some(b)) = (module(e.from), module(e.to)) {
                if a != b {
                    let n = counts.entry((a, b)).or_insert(0);
                    if *n == 0 {
                        examples.push(*e);
                    }
                    *n += 1;
                }
            }
        }
        (counts, Cow::Owned(examples))
    }

    /// `file-cycle` findings on the files that lie on a path from a planned import's target
    /// back to its importer (every cycle through a planned import is among them), when the
    /// rule is on.
    fn planned_file_cycles(&self, index: &Index, sc: &Scenario) -> Vec<Diagnostic> {
        if !self.rule_on("file-cycle") || sc.edges.is_empty() {
            return Vec::new();
        }
        let total = self.sources.len() + sc.new_files.len();
        let mut planned: HashMap<u32, Vec<FileEdge>> = HashMap::new();
        for e in &sc.edges {
            planned.entry(e.from).or_default().push(*e);
        }
        let successors = |f: u32, out: &mut Vec<FileEdge>| {
            out.clear();
            if sc.keeps_indexed_imports(self, f) {
                let lo = index.file_edges.partition_point(|e| e.from < f);
                let hi = index.file_edges.partition_point(|e| e.from <= f);
                out.extend_from_slice(&index.file_edges[lo..hi]);
            }
            if let Some(p) = planned.get(&f) {
                out.extend_from_slice(p);
            }
        };
        // Forward from the planned targets: `slot` numbers each file reached, `inside` holds
        // every import out of a reached file (so between reached files).
        let mut slot = vec![u32::MAX; total];
        let mut reached: Vec<u32> = Vec::new();
        let mut visit = |f: u32, reached: &mut Vec<u32>| {
            if slot[f as usize] == u32::MAX {
                slot[f as usize] = u32::try_from(reached.len()).unwrap_or(u32::MAX);
                reached.push(f);
            }
        };
        for e in &sc.edges {
            visit(e.to, &mut reached);
        }
        let mut out = Vec::new();
        let mut inside: Vec<FileEdge> = Vec::new();
        let mut next = 0;
        while let Some(&f) = reached.get(next) {
            next += 1;
            successors(f, &mut out);
            for e in &out {
                visit(e.to, &mut reached);
            }
            inside.extend_from_slice(&out);
        }
        let local = |f: u32| slot[f as usize] as usize;
        if !sc.edges.iter().any(|e| slot[e.from as usize] != u32::MAX) {
            return Vec::new();
        }
        // Backward from the planned importers over those imports, with a reverse index of them.
        let n = reached.len();
        let mut start = vec![0usize; n + 1];
        for e in &inside {
            start[local(e.to) + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut importers = vec![0u32; inside.len()];
        for e in &inside {
            let at = &mut fill[local(e.to)];
            importers[*at] = e.from;
            *at += 1;
        }
        let mut on_path = vec![false; n];
        let mut queue: VecDeque<u32> = VecDeque::new();
        for e in &sc.edges {
            if slot[e.from as usize] != u32::MAX
                && !std::mem::replace(&mut on_path[local(e.from)], true)
            {
                queue.push_back(e.from);
            }
        }
        while let Some(f) = queue.pop_front() {
            let l = local(f);
            for &p in &importers[start[l]..start[l + 1]] {
                if !std::mem::replace(&mut on_path[local(p)], true) {
                    queue.push_back(p);
                }
            }
        }
        // Those files, sorted by path as the rule expects, and the imports between them.
        let mut nodes: Vec<u32> = reached
            .iter()
            .copied()
            .filter(|&f| on_path[local(f)])
            .collect();
        nodes.sort_by(|&a, &b| sc.file(self, a).path.cmp(&sc.file(self, b).path));
        let position: HashMap<u32, u32> = nodes
            .iter()
            .enumerate()
            .map(|(i, &f)| (f, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let files: Vec<SourceFile> = nodes.iter().map(|&f| sc.file(self, f).clone()).collect();
        let mut edges: Vec<FileEdge> = inside
            .iter()
            .filter_map(|e| {
                Some(FileEdge {
                    from: *position.get(&e.from)?,
                    to: *position.get(&e.to)?,
                    ..*e
                })
            })
            .collect();
        edges.sort_unstable();
        edges.dedup_by_key(|e| (e.from, e.to));
        let none = BTreeMap::new();
        let cx = self.rule_context(&sc.declared, GraphInput::new(&files, &edges, &none));
        strata_rules::run_only(&cx, &["file-cycle"])
    }

    /// The help of an `internal-import` finding: the interface files of the imported module
    /// to import instead.
    fn interface_help(&self, interfaces: &Interfaces<'_>, d: &Diagnostic) -> Option<String> {
        let target = d.target.as_deref()?;
        let m = self.modules.iter().position(|m| m.name() == target)?;
        let lang = Lang::from_path(&d.file);
        let files = self.interface_files(interfaces, m, lang);
        let (shown, more) = files.split_at(files.len().min(3));
        if shown.is_empty() {
            return None;
        }
        let list: Vec<String> = shown
            .iter()
            .map(|&f| format!("`{}`", self.sources[f].path))
            .collect();
        let more = if more.is_empty() {
            String::new()
        } else {
            format!(" (or one of {} more)", more.len())
        };
        Some(format!(
            "import `{target}` through its interface instead: {}{more}",
            list.join(", ")
        ))
    }

    /// The files of module `m` (of `lang`, when given) in its interface, shallowest first.
    fn interface_files(
        &self,
        interfaces: &Interfaces<'_>,
        m: usize,
        lang: Option<Lang>,
    ) -> Vec<usize> {
        let mut files: Vec<usize> = (0..self.sources.len())
            .filter(|&i| {
                let s = &self.sources[i];
                s.module == Some(m)
                    && lang.is_none_or(|l| s.lang == l)
                    && interfaces.contains(m, &s.path)
            })
            .collect();
        files.sort_by_key(|&i| (depth(&self.sources[i].path), i));
        files
    }

    /// The file a module-name import of module `m` from a `lang` file stands for: its first
    /// interface file, else its first default entry point (`lib.rs`, `index.ts`,
    /// `__init__.py`, …) when its `interfaces` match nothing, else its shallowest file.
    fn module_entry(
        &self,
        interfaces: &Interfaces<'_>,
        m: usize,
        lang: Lang,
    ) -> Result<usize, String> {
        let name = self.modules[m].name();
        let own: Vec<usize> = (0..self.sources.len())
            .filter(|&i| self.sources[i].module == Some(m) && self.sources[i].lang == lang)
            .collect();
        if own.is_empty() {
            let langs: BTreeSet<&str> = self
                .sources
                .iter()
                .filter(|s| s.module == Some(m))
                .map(|s| s.lang.as_str())
                .collect();
            return Err(if langs.is_empty() {
                format!("module `{name}` has no source file to import")
            } else {
                format!(
                    "a {} file cannot import module `{name}`: its files are {}",
                    lang.as_str(),
                    langs.into_iter().collect::<Vec<_>>().join(", ")
                )
            });
        }
        if let Some(&f) = self.interface_files(interfaces, m, Some(lang)).first() {
            return Ok(f);
        }
        let mut plain = self.modules[m].declared.clone();
        if let Some(schema) = plain.schema.as_mut() {
            schema.interfaces.clear();
        }
        let defaults = Interfaces::new(std::slice::from_ref(&plain));
        let shallowest = |entry_points: bool| {
            own.iter()
                .copied()
                .filter(|&i| !entry_points || defaults.contains(0, &self.sources[i].path))
                .min_by_key(|&i| (depth(&self.sources[i].path), i))
        };
        shallowest(true)
            .or_else(|| shallowest(false))
            .ok_or_else(|| format!("module `{name}` has no source file to import"))
    }

    /// The findings `plan` would cause, judged on `index` without reading or writing a file.
    pub fn check_plan(&self, index: &Index, plan: &Plan) -> Result<PlanDoc, PlanError> {
        let mut sc = Scenario::new(self);
        for (i, dep) in plan.dependencies.iter().enumerate() {
            let from = self.module_for_plan(i, "from", &dep.from)?;
            let to = self.module_for_plan(i, "to", &dep.to)?;
            if from == to {
                return Err(PlanError::SelfDependency {
                    index: i,
                    module: dep.from.clone(),
                });
            }
            sc.add_dependency(from, to);
        }
        // Every planned file first, so imports may name files the plan creates.
        let mut planned: Vec<(String, Option<Lang>, Option<u32>)> = Vec::new();
        for (i, change) in plan.changes.iter().enumerate() {
            let path = normalize(i, &change.file)?;
            let lang = Lang::from_path(&path);
            let node = lang.map(|l| sc.node(self, &path, l, change.new_file));
            planned.push((path, lang, node));
        }
        let mut imports = Vec::new();
        let mut unresolved = Vec::new();
        let mut edges: Vec<(u32, u32)> = Vec::new();
        {
            let interfaces = Interfaces::new(&sc.declared);
            let resolve = Resolve {
                project: self,
                index,
                interfaces: &interfaces,
                new_files: &sc.new_files,
            };
            for (change, (path, lang, node)) in plan.changes.iter().zip(&planned) {
                for text in &change.imports {
                    let mut outcomes = Vec::new();
                    match (*lang, *node) {
                        (Some(lang), Some(node)) => {
                            let importer = Importer {
                                path,
                                lang,
                                indexed: (node as usize) < self.sources.len(),
                            };
                            resolve.import(&importer, text, &mut outcomes);
                        }
                        _ => outcomes.push(Outcome::Unresolved(format!(
                            "`{path}` is not a source file of a language strata reads"
                        ))),
                    }
                    for outcome in outcomes {
                        let mut entry = PlannedImport {
                            file: path.clone(),
                            import: text.clone(),
                            target_file: None,
                            target_module: None,
                            external: None,
                        };
                        match outcome {
                            Outcome::File(to) => {
                                let target = resolve.file(to);
                                entry.target_file = Some(target.path.clone());
                                entry.target_module =
                                    target.module.map(|m| self.modules[m].name().to_owned());
                                if let Some(from) = node {
                                    edges.push((*from, to));
                                }
                            }
                            Outcome::External(name) => entry.external = Some(name),
                            Outcome::Unresolved(reason) => {
                                unresolved.push(Unresolved {
                                    file: path.clone(),
                                    import: text.clone(),
                                    reason,
                                });
                                continue;
                            }
                        }
                        if !imports.contains(&entry) {
                            imports.push(entry);
                        }
                    }
                }
            }
        }
        for (from, to) in edges {
            sc.add_edge(self, index, from, to);
        }
        let findings = self.judge(index, &sc, PLAN_RULES);
        Ok(PlanDoc {
            allowed: !findings.iter().any(|d| d.severity == Severity::Error),
            findings,
            imports,
            unresolved,
        })
    }

    /// The module a planned dependency names.
    fn module_for_plan(
        &self,
        index: usize,
        side: &'static str,
        name: &str,
    ) -> Result<usize, PlanError> {
        self.modules
            .iter()
            .position(|m| m.name() == name)
            .ok_or_else(|| PlanError::UnknownModule {
                index,
                side,
                name: name.to_owned(),
                suggestion: closest(name, self.modules.iter().map(crate::Module::name))
                    .map(str::to_owned),
            })
    }
}

/// A planned file's path, repository-relative with `/` and without `.` or `..` segments.
fn normalize(index: usize, raw: &str) -> Result<String, PlanError> {
    let path = raw.trim().replace('\\', "/");
    if path.is_empty() {
        return Err(PlanError::EmptyFile { index });
    }
    let absolute = path.starts_with('/') || path.as_bytes().get(1) == Some(&b':');
    match join("", &path).filter(|_| !absolute) {
        Some(p) if !p.is_empty() => Ok(p),
        Some(_) => Err(PlanError::EmptyFile { index }),
        None => Err(PlanError::OutsideRepository {
            index,
            file: raw.to_owned(),
        }),
    }
}

/// A name with `-` and `_` taken as one.
fn fold(name: &str) -> String {
    name.replace('-', "_")
}

/// Folder depth of a repository path.
fn depth(path: &str) -> usize {
    path.matches('/').count()
}

/// What one planned import names.
enum Outcome {
    File(u32),
    External(String),
    Unresolved(String),
}

/// The planned file an import is resolved from.
struct Importer<'a> {
    path: &'a str,
    lang: Lang,
    /// Whether the index has the file (the resolvers know it).
    indexed: bool,
}

/// Resolves planned imports against the index (and the files the plan creates).
struct Resolve<'a> {
    project: &'a Project,
    index: &'a Index,
    interfaces: &'a Interfaces<'a>,
    new_files: &'a [SourceFile],
}

impl Resolve<'_> {
    fn file(&self, node: u32) -> &SourceFile {
        let n = self.project.sources.len();
        match (node as usize).checked_sub(n) {
            Some(k) => &self.new_files[k],
            None => &self.project.sources[node as usize],
        }
    }

    /// The node of a repository source path or a file the plan creates.
    fn path_node(&self, path: &str) -> Option<u32> {
        let n = self.project.sources.len();
        let i = self.project.source_index(path).or_else(|| {
            self.new_files
                .iter()
                .position(|f| f.path == path)
                .map(|k| n + k)
        })?;
        u32::try_from(i).ok()
    }

    /// The module named `name`: exactly, else with `-` and `_` taken as one (a Rust crate's
    /// identifier).
    fn module_named(&self, name: &str) -> Option<usize> {
        let modules = &self.project.modules;
        modules
            .iter()
            .position(|m| m.name() == name)
            .or_else(|| modules.iter().position(|m| fold(m.name()) == fold(name)))
    }

    /// The module a package name the resolver could not place stands for: a module of that
    /// name, or whose manifest declares that package.
    fn module_of_package(&self, package: &str) -> Option<usize> {
        self.module_named(package).or_else(|| {
            self.project.modules.iter().position(|m| {
                m.declared
                    .manifest
                    .as_ref()
                    .and_then(|x| x.name.as_deref())
                    .is_some_and(|n| n == package || fold(n) == fold(package))
            })
        })
    }

    fn node_of_source(i: usize) -> u32 {
        u32::try_from(i).unwrap_or(u32::MAX)
    }

    /// Resolve one planned import of `from`.
    fn import(&self, from: &Importer<'_>, text: &str, out: &mut Vec<Outcome>) {
        let text = text.trim();
        if text.is_empty() {
            out.push(Outcome::Unresolved("the import is empty".into()));
            return;
        }
        if is_statement(text, from.lang) {
            // A Rust path with braces (`crate::a::{b, c}`) is read as the `use` it stands for.
            let keyword = ["use ", "pub ", "mod ", "extern ", "#["];
            let statement =
                if from.lang == Lang::Rust && !keyword.iter().any(|k| text.starts_with(k)) {
                    format!("use {};", text.trim_end_matches(';'))
                } else {
                    text.to_owned()
                };
            let facts = frontend(from.lang).extract(from.path, statement.as_bytes());
            if facts.imports.is_empty() {
                out.push(Outcome::Unresolved(format!(
                    "no import in `{text}` as a {} file reads it",
                    from.lang
                )));
            }
            for import in &facts.imports {
                self.spec(from, import, out);
            }
            return;
        }
        if let Some(node) = self.path_node(text) {
            out.push(self.checked(from, node));
            return;
        }
        if self.index.tree.contains(text) {
            out.push(Outcome::Unresolved(format!(
                "`{text}` is not a source file of a language strata reads"
            )));
            return;
        }
        if let Some(m) = self.module_named(text) {
            out.push(self.module(from, m));
            return;
        }
        let kind = if from.lang == Lang::Java && text.ends_with(".*") {
            ImportKind::Wildcard
        } else {
            ImportKind::Static
        };
        let import = Import {
            spec: text.to_owned(),
            names: Vec::new(),
            kind,
            line: 1,
            column: 1,
        };
        self.spec(from, &import, out);
    }

    /// A module-name import: the module's entry file for `from`'s language.
    fn module(&self, from: &Importer<'_>, m: usize) -> Outcome {
        match self.project.module_entry(self.interfaces, m, from.lang) {
            Ok(f) => Outcome::File(Self::node_of_source(f)),
            Err(reason) => Outcome::Unresolved(reason),
        }
    }

    /// `node` as a target of `from`, unless their languages differ.
    fn checked(&self, from: &Importer<'_>, node: u32) -> Outcome {
        let target = self.file(node);
        if target.lang == from.lang {
            Outcome::File(node)
        } else {
            Outcome::Unresolved(language_mismatch(from.lang, target))
        }
    }

    /// Resolve a specifier (as written, or read from a statement) with the language's resolver.
    fn spec(&self, from: &Importer<'_>, import: &Import, out: &mut Vec<Outcome>) {
        let text = import.spec.as_str();
        let tree = &self.index.tree;
        let mut targets = Vec::new();
        match tree.id(from.path).filter(|_| from.indexed) {
            Some(id) => {
                let resolver = self.index.resolver(from.lang);
                resolver.resolve(tree, id, import, &mut targets);
                if targets.is_empty() {
                    // Perhaps the file itself, which a resolver never names: ask a sibling.
                    let sibling = stand_ins(tree, parent(from.path), from.lang)
                        .into_iter()
                        .find(|&s| s != id && parent(tree.path(s)) == parent(from.path));
                    if let Some(sibling) = sibling {
                        resolver.resolve(tree, sibling, import, &mut targets);
                        targets.retain(|t| *t == Target::File(id));
                    }
                }
            }
            None => {
                if let Err(reason) = self.for_new_file(from, import, &mut targets) {
                    out.push(Outcome::Unresolved(reason));
                    return;
                }
            }
        }
        let mut files = BTreeSet::new();
        let mut not_sources = BTreeSet::new();
        let mut externals = BTreeSet::new();
        for t in targets {
            match t {
                Target::File(id) => {
                    let path = tree.path(id);
                    match self.project.source_index(path) {
                        Some(i) => {
                            files.insert(Self::node_of_source(i));
                        }
                        None => {
                            not_sources.insert(path.to_owned());
                        }
                    }
                }
                Target::External(name) => {
                    externals.insert(name);
                }
            }
        }
        if files.is_empty() {
            if let Some(node) = self.planned_target(from, import) {
                files.insert(node);
            }
        }
        if !files.is_empty() {
            out.extend(files.into_iter().map(|f| self.checked(from, f)));
            return;
        }
        if let Some(path) = not_sources.first() {
            out.push(Outcome::Unresolved(format!(
                "`{text}` names `{path}`, which is not a source file"
            )));
            return;
        }
        let bare = !text.contains(['/', '.', ':', ' ', '"', '\'']);
        let before = out.len();
        for name in externals {
            // A package the resolver cannot place may be a module of the repository the
            // importing package does not require yet (a Rust crate not in `Cargo.toml`).
            if let Some(m) = self.module_of_package(&name) {
                out.push(
                    self.crate_path(from, m, &import.spec)
                        .unwrap_or_else(|| self.module(from, m)),
                );
                continue;
            }
            match closest(&name, self.project.modules.iter().map(crate::Module::name)) {
                Some(near) if bare => out.push(Outcome::Unresolved(format!(
                    "no module `{name}`; did you mean `{near}`? (as written it is the third-party package `{name}`)"
                ))),
                _ => out.push(Outcome::External(name)),
            }
        }
        if out.len() == before {
            out.push(Outcome::Unresolved(self.nothing(from, text, bare)));
        }
    }

    /// Why `text` names nothing, with the closest module or file when one is near.
    fn nothing(&self, from: &Importer<'_>, text: &str, bare: bool) -> String {
        let sources = &self.project.sources;
        // Resolvers name no file or package for the standard library either.
        let not_std = "(standard-library imports need no check)";
        if bare {
            return match closest(text, self.project.modules.iter().map(crate::Module::name)) {
                Some(near) => format!("no module `{text}`; did you mean `{near}`?"),
                None => {
                    format!("`{text}` is no module, file or package of the repository {not_std}")
                }
            };
        }
        let looks_like_path =
            !text.starts_with('.') && text.contains('/') && Lang::from_path(text).is_some();
        if looks_like_path {
            // Only files of the same name or folder are compared: a typo is in one part.
            let (dir, name) = (parent(text), file_name(text));
            let near = closest(
                text,
                sources
                    .iter()
                    .filter(|s| file_name(&s.path) == name || parent(&s.path) == dir)
                    .map(|s| s.path.as_str()),
            );
            return format!(
                "no source file `{text}` in the repository{}",
                did_you_mean(near)
            );
        }
        if text.starts_with('.') {
            return format!("`{text}` resolves to nothing from `{}`", from.path);
        }
        format!(
            "`{text}` names nothing in the repository or its packages from `{}` {not_std}",
            from.path
        )
    }

    /// A Rust path through a crate the importing package does not require yet
    /// (`billing::api::Invoice`): resolved as `crate::api::Invoice` from that crate.
    fn crate_path(&self, from: &Importer<'_>, m: usize, spec: &str) -> Option<Outcome> {
        if from.lang != Lang::Rust {
            return None;
        }
        let rest = spec.trim_start_matches("::").split_once("::")?.1;
        let entry = self
            .project
            .module_entry(self.interfaces, m, Lang::Rust)
            .ok()?;
        let tree = &self.index.tree;
        let id = tree.id(&self.project.sources[entry].path)?;
        let import = Import {
            spec: format!("crate::{rest}"),
            names: Vec::new(),
            kind: ImportKind::Static,
            line: 1,
            column: 1,
        };
        let mut targets = Vec::new();
        self.index
            .resolver(Lang::Rust)
            .resolve(tree, id, &import, &mut targets);
        targets.iter().find_map(|t| match t {
            Target::File(f) => self
                .project
                .source_index(tree.path(*f))
                .map(|i| self.checked(from, Self::node_of_source(i))),
            Target::External(_) => None,
        })
    }

    /// Resolve for a file the index does not have. Resolvers answer for files they know, so
    /// the import is resolved from a stand-in: a file of the same language in the same folder,
    /// else in the nearest folder above that has one, with relative specifiers rewritten to
    /// mean from there what they mean from the new file. Rust paths relative to the file's
    /// own module (`self::`, `super::`, `mod x;`) are made absolute first.
    fn for_new_file(
        &self,
        from: &Importer<'_>,
        import: &Import,
        out: &mut Vec<Target>,
    ) -> Result<(), String> {
        let tree = &self.index.tree;
        let mut import = import.clone();
        if from.lang == Lang::Rust {
            if import.kind == ImportKind::Mod {
                let name = file_name(from.path);
                let dir = parent(from.path);
                let own = if matches!(name, "mod.rs" | "lib.rs" | "main.rs") {
                    dir.to_owned()
                } else {
                    join(dir, name.trim_end_matches(".rs")).unwrap_or_default()
                };
                let spec = import.spec.replace("::", "/");
                if let Some(id) = [format!("{own}/{spec}.rs"), format!("{own}/{spec}/mod.rs")]
                    .iter()
                    .find_map(|p| tree.id(p.trim_start_matches('/')))
                {
                    out.push(Target::File(id));
                }
                return Ok(());
            }
            if let Some(spec) = rust_absolute(tree, from.path, &import.spec)? {
                import.spec = spec;
            }
        }
        let dir = parent(from.path);
        let stand_ins = stand_ins(tree, dir, from.lang);
        let Some(&first) = stand_ins.first() else {
            return Err(format!(
                "no {} file in `{dir}` or any folder above it to resolve `{}` from",
                from.lang, import.spec
            ));
        };
        let there = parent(tree.path(first));
        if there != dir {
            import.spec = match from.lang {
                Lang::Ts if import.spec.starts_with('.') => {
                    let target = join(dir, &import.spec).ok_or_else(|| {
                        format!("`{}` goes above the repository root", import.spec)
                    })?;
                    relative_to(there, &target)
                }
                Lang::Py if import.spec.starts_with('.') => {
                    python_relative(dir, there, &import.spec).ok_or_else(|| {
                        format!(
                            "`{}` goes above the top-level package of `{}`",
                            import.spec, from.path
                        )
                    })?
                }
                _ => import.spec,
            };
        }
        // A resolver never names the importing file itself: when the import names the
        // stand-in, a second one finds it.
        for &stand_in in stand_ins.iter().take(2) {
            self.index
                .resolver(from.lang)
                .resolve(tree, stand_in, &import, out);
            if !out.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// A file the plan creates that `import` names (resolvers know only indexed files).
    fn planned_target(&self, from: &Importer<'_>, import: &Import) -> Option<u32> {
        let n = self.project.sources.len();
        let spec = import.spec.as_str();
        let dir = parent(from.path);
        let matches = |want: &dyn Fn(&str) -> bool| {
            self.new_files
                .iter()
                .position(|f| f.lang == from.lang && want(&f.path))
                .and_then(|k| u32::try_from(n + k).ok())
        };
        match from.lang {
            Lang::Ts if spec.starts_with('.') => {
                let base = join(dir, spec)?;
                let stem = strip_ts_extension(&base);
                matches(&|p| {
                    let p = strip_ts_extension(p);
                    p == stem || p.strip_suffix("/index") == Some(stem)
                })
            }
            Lang::Py => {
                let level = spec.bytes().take_while(|&b| b == b'.').count();
                let rest = spec[level..].replace('.', "/");
                let module = if level > 0 {
                    let mut base = dir;
                    for _ in 1..level {
                        base = parent(base);
                    }
                    join(base, &rest)?
                } else {
                    rest
                };
                let mut names: Vec<String> = vec![module.clone()];
                names.extend(import.names.iter().map(|x| format!("{module}/{x}")));
                matches(&|p| {
                    let stem = p
                        .strip_suffix("/__init__.py")
                        .or_else(|| p.strip_suffix(".py"))
                        .unwrap_or(p);
                    names
                        .iter()
                        .any(|m| stem == m || (level == 0 && stem.ends_with(&format!("/{m}"))))
                })
            }
            Lang::Java => {
                let file = format!("/{}.java", spec.replace('.', "/"));
                matches(&|p| p.ends_with(&file))
            }
            Lang::Rust => {
                let (root, _) = rust_module(&self.index.tree, from.path)?;
                let absolute = rust_absolute(&self.index.tree, from.path, spec)
                    .ok()
                    .flatten();
                let path = absolute
                    .as_deref()
                    .unwrap_or(spec)
                    .strip_prefix("crate::")?;
                let segs: Vec<&str> = path.split("::").collect();
                (1..=segs.len()).rev().find_map(|k| {
                    let rel = segs[..k].join("/");
                    let a = join(&root, &format!("{rel}.rs"))?;
                    let b = join(&root, &format!("{rel}/mod.rs"))?;
                    matches(&|p| p == a || p == b)
                })
            }
            _ => None,
        }
    }
}

/// Whether a planned import is a statement to parse (`import { x } from "./y"`,
/// `from a import b`, `use crate::a::{b, c};`) rather than a specifier, path or name.
fn is_statement(text: &str, lang: Lang) -> bool {
    text.contains(char::is_whitespace)
        || text.ends_with(';')
        || text.starts_with("require(")
        || text.starts_with("import(")
        || (lang == Lang::Rust && text.contains('{'))
}

/// The files of `lang` the resolvers know in `dir`, else in the nearest folder above that has
/// one, best stand-in first (Rust: crate roots and `mod.rs` last, as their own module differs
/// from their siblings').
fn stand_ins(tree: &strata_lang::SourceTree, dir: &str, lang: Lang) -> Vec<FileId> {
    let mut dir = dir;
    loop {
        let mut found: Vec<FileId> = tree
            .files_in_dir(dir)
            .iter()
            .copied()
            .filter(|&id| Lang::from_path(tree.path(id)) == Some(lang))
            .collect();
        if !found.is_empty() || dir.is_empty() {
            found.sort_by_key(|&id| {
                matches!(file_name(tree.path(id)), "mod.rs" | "lib.rs" | "main.rs")
            });
            return found;
        }
        dir = parent(dir);
    }
}

/// The folder of a Rust file's crate root (`lib.rs` or `main.rs`, the nearest above) and the
/// file's module path in that crate.
fn rust_module(tree: &strata_lang::SourceTree, path: &str) -> Option<(String, Vec<String>)> {
    let mut dir = parent(path);
    loop {
        let has = |name: &str| tree.contains(&join(dir, name).unwrap_or_default());
        if has("lib.rs") || has("main.rs") {
            break;
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent(dir);
    }
    let rel = if dir.is_empty() {
        path
    } else {
        path.strip_prefix(dir)?.trim_start_matches('/')
    };
    let rel = rel.strip_suffix(".rs")?;
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    let module = if matches!(rel, "lib" | "main" | "mod") {
        Vec::new()
    } else {
        rel.split('/').map(str::to_owned).collect()
    };
    Some((dir.to_owned(), module))
}

/// A Rust path relative to the file's own module (`self::x`, `super::x`) as a `crate::` path;
/// `None` for any other path.
fn rust_absolute(
    tree: &strata_lang::SourceTree,
    path: &str,
    spec: &str,
) -> Result<Option<String>, String> {
    let segs: Vec<&str> = spec.split("::").collect();
    let ups = segs.iter().take_while(|s| **s == "super").count();
    let own = segs.first() == Some(&"self");
    if ups == 0 && !own {
        return Ok(None);
    }
    let (_, module) = rust_module(tree, path).ok_or_else(|| {
        format!("`{spec}` needs the crate of `{path}`: no `lib.rs` or `main.rs` above it")
    })?;
    let keep = module
        .len()
        .checked_sub(ups)
        .ok_or_else(|| format!("`{spec}` goes above the crate root from `{path}`"))?;
    let rest = &segs[if own { 1 } else { ups }..];
    let mut out = vec!["crate"];
    out.extend(module[..keep].iter().map(String::as_str));
    out.extend(rest.iter().copied());
    Ok(Some(out.join("::")))
}

/// `target` (a repository path) as a relative specifier from folder `dir`.
fn relative_to(dir: &str, target: &str) -> String {
    let split = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (from, to) = (split(dir), split(target));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = from.len() - common;
    let mut parts: Vec<String> = if ups == 0 {
        vec![".".to_owned()]
    } else {
        vec!["..".to_owned(); ups]
    };
    parts.extend(to[common..].iter().cloned());
    parts.join("/")
}

/// A Python relative module (`..pkg.x`) written in folder `dir` as written in folder `there`
/// (an ancestor of `dir`).
fn python_relative(dir: &str, there: &str, spec: &str) -> Option<String> {
    let level = spec.bytes().take_while(|&b| b == b'.').count();
    let rest = &spec[level..];
    let mut base = dir;
    for _ in 1..level {
        if base.is_empty() {
            return None;
        }
        base = parent(base);
    }
    let within = |inner: &str, outer: &str| {
        outer.is_empty() || inner == outer || inner.starts_with(&format!("{outer}/"))
    };
    if within(there, base) {
        // `there` is `base` or below it: climb from `there` to `base`.
        let levels = depth_of(there) - depth_of(base) + 1;
        return Some(format!("{}{rest}", ".".repeat(levels)));
    }
    // `base` is below `there`: name the packages between them.
    let below = base
        .strip_prefix(there)?
        .trim_start_matches('/')
        .replace('/', ".");
    let sep = if rest.is_empty() { "" } else { "." };
    Some(format!(".{below}{sep}{rest}"))
}

fn depth_of(dir: &str) -> usize {
    if dir.is_empty() {
        0
    } else {
        dir.split('/').count()
    }
}

/// A TypeScript or JavaScript path without its extension (`./x.js` names `x.ts`).
fn strip_ts_extension(path: &str) -> &str {
    for ext in [
        ".d.ts", ".tsx", ".ts", ".jsx", ".js", ".mts", ".mjs", ".cts", ".cjs",
    ] {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;
    use crate::LoadOptions;

    /// A small repository in five languages, one module per folder:
    /// - TypeScript: `web` (products, app; depends on `shop`), `shop` (core, core; interface
    ///   `src/index.ts`), `admin` (products, core; depends on nothing);
    /// - Python: `billing` (depends on `pricing`) and `pricing`;
    /// - Rust: `ledger` (depends on `audit`, a Cargo dependency too), `audit`, `report`;
    /// - Go: `api` (depends on `store`), `store` (with an `internal/` package);
    /// - Java: `jobs` (depends on `clock`), `clock` (interface `api/`).
    ///
    /// `file-cycle` is on; `[[forbidden]]` keeps `go/api/debug/**` away from `store`.
    struct Repo {
        _dir: tempfile::TempDir,
        project: Project,
    }

    fn module(name: &str, lane: &str, layer: &str, deps: &[&str], extra: &str) -> String {
        format!(
            "name: {name}\nowner: team:t\nlifecycle: production\nlane: {lane}\nlayer: {layer}\ndepends_on: [{}]\n{extra}",
            deps.join(", ")
        )
    }

    static REPO: LazyLock<Repo> = LazyLock::new(|| {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<(&str, String)> = vec![
            (
                "strata.toml",
                "layers = [\"core\", \"app\"]\n\n[lanes]\ncore = []\nproducts = [\"core\"]\n\n\
                 [teams.t]\ncontact = \"t@example.com\"\n\n[rules]\nfile-cycle = \"warn\"\n\n\
                 [[forbidden]]\nname = \"no-store-in-debug\"\ncomment = \"debug pages read the API only\"\n\
                 from = { path = \"go/api/debug/**\" }\nto = { module = \"store\" }\n"
                    .into(),
            ),
            // TypeScript
            ("ts/web/module.yaml", module("web", "products", "app", &["shop"], "")),
            ("ts/web/package.json", r#"{ "name": "web", "version": "1.0.0" }"#.into()),
            ("ts/web/src/index.ts", "export * from \"./view\";\n".into()),
            ("ts/web/src/view.ts", "import { fmt } from \"./util/fmt\";\nexport const view = fmt;\n".into()),
            ("ts/web/src/util/fmt.ts", "export const fmt = 1;\n".into()),
            (
                "ts/web/src/cart_view.ts",
                "import { total } from \"../../shop/src/index\";\nexport const t = total;\n".into(),
            ),
            ("ts/shop/module.yaml", module("shop", "core", "core", &[], "")),
            ("ts/shop/package.json", r#"{ "name": "shop", "version": "1.0.0" }"#.into()),
            ("ts/shop/src/index.ts", "export { total } from \"./cart\";\n".into()),
            ("ts/shop/src/cart.ts", "export const total = 2;\n".into()),
            ("ts/admin/module.yaml", module("admin", "products", "core", &[], "")),
            ("ts/admin/package.json", r#"{ "name": "admin", "version": "1.0.0" }"#.into()),
            ("ts/admin/src/index.ts", "export const admin = 3;\n".into()),
            // Python
            ("py/billing/module.yaml", module("billing", "core", "core", &["pricing"], "")),
            ("py/billing/pyproject.toml", "[project]\nname = \"billing\"\nversion = \"1.0.0\"\n".into()),
            ("py/billing/billing/__init__.py", String::new()),
            ("py/billing/billing/invoice.py", "from pricing import quote\n".into()),
            ("py/pricing/module.yaml", module("pricing", "core", "core", &[], "")),
            ("py/pricing/pyproject.toml", "[project]\nname = \"pricing\"\nversion = \"1.0.0\"\n".into()),
            ("py/pricing/pricing/__init__.py", "def quote():\n    return 1\n".into()),
            ("py/pricing/pricing/rates.py", "RATE = 2\n".into()),
            // Rust
            ("rust/Cargo.toml", "[workspace]\nmembers = [\"ledger\", \"audit\", \"report\"]\n".into()),
            ("rust/ledger/module.yaml", module("ledger", "core", "core", &["audit"], "")),
            (
                "rust/ledger/Cargo.toml",
                "[package]\nname = \"ledger\"\nversion = \"1.0.0\"\n\n[dependencies]\naudit = { path = \"../audit\" }\n".into(),
            ),
            ("rust/ledger/src/lib.rs", "pub mod book;\n".into()),
            ("rust/ledger/src/book.rs", "pub struct Book;\n".into()),
            ("rust/audit/module.yaml", module("audit", "core", "core", &[], "")),
            ("rust/audit/Cargo.toml", "[package]\nname = \"audit\"\nversion = \"1.0.0\"\n".into()),
            ("rust/audit/src/lib.rs", "pub mod log;\n".into()),
            ("rust/audit/src/log.rs", "pub fn log() {}\n".into()),
            ("rust/report/module.yaml", module("report", "core", "core", &[], "")),
            ("rust/report/Cargo.toml", "[package]\nname = \"report\"\nversion = \"1.0.0\"\n".into()),
            ("rust/report/src/lib.rs", "pub fn report() {}\n".into()),
            // Go
            ("go/go.mod", "module example.com/mono\n\ngo 1.22\n".into()),
            ("go/api/module.yaml", module("api", "core", "core", &["store"], "")),
            (
                "go/api/server.go",
                "package api\n\nimport \"example.com/mono/store\"\n\nvar S = store.Open\n".into(),
            ),
            ("go/store/module.yaml", module("store", "core", "core", &[], "")),
            ("go/store/store.go", "package store\n\nfunc Open() {}\n".into()),
            ("go/store/internal/cache/lru.go", "package cache\n\nfunc Get() {}\n".into()),
            // Java
            ("java/jobs/module.yaml", module("jobs", "core", "core", &["clock"], "")),
            ("java/jobs/pom.xml", "<project><artifactId>jobs</artifactId><version>1.0.0</version></project>\n".into()),
            (
                "java/jobs/src/main/java/com/acme/jobs/Runner.java",
                "package com.acme.jobs;\n\npublic class Runner {}\n".into(),
            ),
            (
                "java/clock/module.yaml",
                module("clock", "core", "core", &[], "interfaces: [\"src/main/java/com/acme/clock/api/**\"]\n"),
            ),
            ("java/clock/pom.xml", "<project><artifactId>clock</artifactId><version>1.0.0</version></project>\n".into()),
            (
                "java/clock/src/main/java/com/acme/clock/api/Clock.java",
                "package com.acme.clock.api;\n\npublic interface Clock {}\n".into(),
            ),
            (
                "java/clock/src/main/java/com/acme/clock/impl/SystemClock.java",
                "package com.acme.clock.impl;\n\npublic class SystemClock {}\n".into(),
            ),
        ];
        for (path, text) in &files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let project = Project::load(&LoadOptions {
            root: Some(dir.path().to_path_buf()),
            no_cache: true,
            jobs: 1,
            ..LoadOptions::default()
        })
        .unwrap();
        Repo { _dir: dir, project }
    });

    fn plan(changes: &[(&str, &[&str])], dependencies: &[(&str, &str)]) -> Plan {
        Plan {
            changes: changes
                .iter()
                .map(|(file, imports)| PlannedChange {
                    file: (*file).to_owned(),
                    imports: imports.iter().map(|&i| i.to_owned()).collect(),
                    new_file: None,
                })
                .collect(),
            dependencies: dependencies
                .iter()
                .map(|(from, to)| PlannedDependency {
                    from: (*from).to_owned(),
                    to: (*to).to_owned(),
                })
                .collect(),
        }
    }

    fn check(changes: &[(&str, &[&str])], dependencies: &[(&str, &str)]) -> PlanDoc {
        let p = &REPO.project;
        p.check_plan(p.index(), &plan(changes, dependencies))
            .unwrap()
    }

    /// The rule of every finding, sorted.
    fn rules(doc: &PlanDoc) -> Vec<&'static str> {
        let mut r: Vec<_> = doc.findings.iter().map(|d| d.rule).collect();
        r.sort_unstable();
        r
    }

    /// The target files of the resolved imports.
    fn targets(doc: &PlanDoc) -> Vec<&str> {
        doc.imports
            .iter()
            .filter_map(|i| i.target_file.as_deref())
            .collect()
    }

    /// A finding as (rule, file, target).
    type Found<'a> = (&'static str, &'a str, &'a str);

    /// The findings as (rule, file, target): the imported file for findings about one
    /// import, the imported module for findings about a module edge.
    fn found(doc: &PlanDoc) -> Vec<Found<'_>> {
        doc.findings
            .iter()
            .map(|d| {
                let target = match d.rule {
                    "internal-import" | "forbidden" | "file-cycle" => d.target_file.as_deref(),
                    _ => d.target.as_deref(),
                };
                (d.rule, d.file.as_str(), target.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn an_allowed_import_is_allowed_and_finds_nothing() {
        let doc = check(&[("ts/web/src/new.ts", &["../../shop/src/index"])], &[]);
        assert!(doc.allowed);
        assert!(doc.findings.is_empty(), "{:?}", doc.findings);
        assert!(doc.unresolved.is_empty());
        assert_eq!(
            doc.imports,
            [PlannedImport {
                file: "ts/web/src/new.ts".into(),
                import: "../../shop/src/index".into(),
                target_file: Some("ts/shop/src/index.ts".into()),
                target_module: Some("shop".into()),
                external: None,
            }]
        );
    }

    #[test]
    fn specifiers_resolve_in_every_language() {
        let cases: [(&str, &str, &str); 7] = [
            (
                "ts/web/src/view.ts",
                "../../shop/src/cart",
                "ts/shop/src/cart.ts",
            ),
            (
                "py/billing/billing/invoice.py",
                "pricing.rates",
                "py/pricing/pricing/rates.py",
            ),
            (
                "py/billing/billing/invoice.py",
                ".",
                "py/billing/billing/__init__.py",
            ),
            (
                "rust/ledger/src/book.rs",
                "audit::log",
                "rust/audit/src/log.rs",
            ),
            (
                "rust/ledger/src/lib.rs",
                "crate::book::Book",
                "rust/ledger/src/book.rs",
            ),
            (
                "go/api/server.go",
                "example.com/mono/store/internal/cache",
                "go/store/internal/cache/lru.go",
            ),
            (
                "java/jobs/src/main/java/com/acme/jobs/Runner.java",
                "com.acme.clock.api.Clock",
                "java/clock/src/main/java/com/acme/clock/api/Clock.java",
            ),
        ];
        for (file, import, target) in cases {
            let doc = check(&[(file, &[import])], &[]);
            assert_eq!(targets(&doc), [target], "{import} from {file}: {doc:?}");
        }
    }

    #[test]
    fn statements_paths_and_module_names_resolve() {
        let doc = check(
            &[
                (
                    "ts/web/src/view.ts",
                    &[
                        "import { total } from \"../../shop/src/cart\";",
                        "ts/shop/src/cart.ts",
                        "shop",
                    ],
                ),
                (
                    "py/billing/billing/invoice.py",
                    &["from pricing import rates"],
                ),
                ("rust/ledger/src/lib.rs", &["use crate::book::{Book};"]),
                (
                    "java/jobs/src/main/java/com/acme/jobs/Runner.java",
                    &["import com.acme.clock.impl.*;"],
                ),
            ],
            &[],
        );
        assert_eq!(
            targets(&doc),
            [
                "ts/shop/src/cart.ts",
                "ts/shop/src/cart.ts",
                "ts/shop/src/index.ts",
                "py/pricing/pricing/rates.py",
                "rust/ledger/src/book.rs",
                "java/clock/src/main/java/com/acme/clock/impl/SystemClock.java",
            ]
        );
        // A module name stands for the module's interface: only module-level rules apply.
        let doc = check(&[("ts/admin/src/index.ts", &["shop"])], &[]);
        assert_eq!(targets(&doc), ["ts/shop/src/index.ts"]);
        assert_eq!(
            found(&doc),
            [("undeclared-dependency", "ts/admin/src/index.ts", "shop")]
        );
    }

    #[test]
    fn a_new_file_resolves_from_beside_it_or_a_folder_above() {
        let doc = check(
            &[
                // A new folder: relative imports mean what they mean from there.
                ("ts/web/src/feature/panel.ts", &["../view", "./widget"]),
                // Another file of the plan, imported before it exists.
                ("ts/web/src/feature/widget.ts", &[]),
                ("py/billing/billing/sub/helpers.py", &["..invoice"]),
                ("rust/ledger/src/new.rs", &["super::book", "crate::book"]),
                ("go/api/debug/dump.go", &["example.com/mono/api"]),
            ],
            &[],
        );
        assert_eq!(
            targets(&doc),
            [
                "ts/web/src/view.ts",
                "ts/web/src/feature/widget.ts",
                "py/billing/billing/invoice.py",
                "rust/ledger/src/book.rs",
                "rust/ledger/src/book.rs",
                "go/api/server.go",
            ],
            "{doc:?}"
        );
        assert!(doc.allowed && doc.unresolved.is_empty(), "{doc:?}");
        // A finding at a new file points at it, line 1.
        let doc = check(&[("ts/admin/src/new/page.ts", &["web"])], &[]);
        let d = &doc.findings[0];
        assert_eq!(
            (d.file.as_str(), d.line, d.module.as_str()),
            ("ts/admin/src/new/page.ts", 1, "admin")
        );
    }

    #[test]
    fn each_rule_flags_the_import_that_breaks_it() {
        let cases: [(&str, &str, &[Found<'_>]); 6] = [
            (
                "ts/admin/src/index.ts",
                "shop",
                &[("undeclared-dependency", "ts/admin/src/index.ts", "shop")],
            ),
            (
                "ts/web/src/view.ts",
                "../../shop/src/cart",
                &[(
                    "internal-import",
                    "ts/web/src/view.ts",
                    "ts/shop/src/cart.ts",
                )],
            ),
            (
                // core may depend only on core.
                "ts/shop/src/cart.ts",
                "admin",
                &[
                    ("lane-violation", "ts/shop/src/cart.ts", "admin"),
                    ("undeclared-dependency", "ts/shop/src/cart.ts", "admin"),
                ],
            ),
            (
                // admin (core layer) importing web (app layer), both in lane products.
                "ts/admin/src/index.ts",
                "web",
                &[
                    ("layer-violation", "ts/admin/src/index.ts", "web"),
                    ("undeclared-dependency", "ts/admin/src/index.ts", "web"),
                ],
            ),
            (
                "go/api/debug/dump.go",
                "example.com/mono/store",
                &[("forbidden", "go/api/debug/dump.go", "go/store/store.go")],
            ),
            (
                // fmt.ts is imported by view.ts.
                "ts/web/src/util/fmt.ts",
                "../view",
                &[("file-cycle", "ts/web/src/util/fmt.ts", "ts/web/src/view.ts")],
            ),
        ];
        for (file, import, want) in cases {
            let doc = check(&[(file, &[import])], &[]);
            assert_eq!(found(&doc), want, "{import} from {file}");
            let errors = want.iter().any(|(rule, ..)| *rule != "file-cycle");
            assert_eq!(doc.allowed, !errors, "{import} from {file}");
        }
    }

    #[test]
    fn internal_imports_name_the_interface_to_use_instead() {
        let doc = check(
            &[(
                "java/jobs/src/main/java/com/acme/jobs/Runner.java",
                &["com.acme.clock.impl.SystemClock"],
            )],
            &[],
        );
        assert_eq!(doc.findings.len(), 1);
        assert_eq!(
            doc.findings[0].help,
            "import `clock` through its interface instead: \
             `java/clock/src/main/java/com/acme/clock/api/Clock.java`"
        );
    }

    #[test]
    fn a_cycle_is_flagged_through_a_planned_dependency_and_import() {
        // billing already imports pricing; pricing will declare billing and import it.
        let doc = check(
            &[("py/pricing/pricing/rates.py", &["billing"])],
            &[("pricing", "billing")],
        );
        assert_eq!(rules(&doc), ["no-cycles"]);
        let d = &doc.findings[0];
        assert_eq!(
            d.members.as_deref(),
            Some(&["billing".to_owned(), "pricing".to_owned()][..])
        );
        assert!(!doc.allowed);
        // Two planned imports close a file cycle between two new files.
        let doc = check(
            &[("ts/web/src/a.ts", &["./b"]), ("ts/web/src/b.ts", &["./a"])],
            &[],
        );
        assert_eq!(rules(&doc), ["file-cycle"]);
        assert_eq!(doc.findings[0].cycle.as_ref().map(Vec::len), Some(3));
    }

    #[test]
    fn a_planned_dependency_declares_the_import() {
        let doc = check(
            &[("ts/admin/src/index.ts", &["shop"])],
            &[("admin", "shop")],
        );
        assert!(doc.allowed && doc.findings.is_empty(), "{doc:?}");
    }

    #[test]
    fn an_existing_file_marked_new_loses_its_imports() {
        // view.ts rewritten without its import of fmt.ts: fmt.ts may import it.
        let p = &REPO.project;
        let mut rewrite = plan(&[("ts/web/src/util/fmt.ts", &["../view"])], &[]);
        rewrite.changes.push(PlannedChange {
            file: "ts/web/src/view.ts".into(),
            imports: Vec::new(),
            new_file: Some(true),
        });
        let doc = p.check_plan(p.index(), &rewrite).unwrap();
        assert!(doc.findings.is_empty(), "{doc:?}");
    }

    #[test]
    fn unresolved_imports_say_why() {
        let doc = check(
            &[
                (
                    "ts/web/src/view.ts",
                    &["shp", "./missing", "react", "ts/web/package.json"],
                ),
                ("go/api/server.go", &["fmt"]),
                (
                    "py/billing/billing/invoice.py",
                    &["ts/shop/src/index.ts", "ledger"],
                ),
                ("docs/notes.md", &["shop"]),
            ],
            &[],
        );
        let reasons: Vec<&str> = doc.unresolved.iter().map(|u| u.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "no module `shp`; did you mean `shop`? (as written it is the third-party package `shp`)",
                "`./missing` resolves to nothing from `ts/web/src/view.ts`",
                "`ts/web/package.json` is not a source file of a language strata reads",
                "`fmt` is no module, file or package of the repository (standard-library imports need no check)",
                "a py file cannot import `ts/shop/src/index.ts`, a ts file",
                "a py file cannot import module `ledger`: its files are rust",
                "`docs/notes.md` is not a source file of a language strata reads",
            ]
        );
        let external: Vec<_> = doc
            .imports
            .iter()
            .filter_map(|i| i.external.as_deref())
            .collect();
        assert_eq!(external, ["react"]);
        assert!(doc.allowed && doc.findings.is_empty());
    }

    #[test]
    fn invalid_plans_are_errors() {
        let p = &REPO.project;
        let err = |changes: &[(&str, &[&str])], deps: &[(&str, &str)]| {
            p.check_plan(p.index(), &plan(changes, deps))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err(&[], &[("biling", "pricing")]),
            "no module is named `biling` (`dependencies[0].from`); did you mean `billing`?"
        );
        assert_eq!(
            err(&[], &[("billing", "nothing-like-it")]),
            "no module is named `nothing-like-it` (`dependencies[0].to`)"
        );
        assert_eq!(
            err(&[], &[("shop", "shop")]),
            "`shop` cannot depend on itself (`dependencies[0]`)"
        );
        assert_eq!(err(&[(" ", &[])], &[]), "`changes[0].file` is empty");
        for outside in ["../x.ts", "a/../../x.ts", "/etc/x.ts"] {
            assert_eq!(
                err(&[("ts/web/src/view.ts", &[]), (outside, &[])], &[]),
                format!(
                    "`{outside}` is not a repository-relative path inside the repository (`changes[1].file`)"
                )
            );
        }
        // `./` and `..` inside the repository are fine.
        let doc = check(&[("./ts/web/src/../src/new.ts", &["./view"])], &[]);
        assert_eq!(doc.imports[0].file, "ts/web/src/new.ts");
        assert_eq!(targets(&doc), ["ts/web/src/view.ts"]);
    }

    #[test]
    fn find_from_agrees_with_the_plan() {
        let p = &REPO.project;
        let index = p.index();
        let cart = p.source_index("ts/shop/src/cart.ts").unwrap();
        let view = p.source_index("ts/web/src/view.ts").unwrap();
        let lru = p.source_index("go/store/internal/cache/lru.go").unwrap();
        let verdicts = p.importable(
            index,
            "ts/admin/src/new.ts",
            &BTreeSet::from([cart, view, lru]),
        );
        let rules = |t: usize| {
            verdicts[&t]
                .iter()
                .map(|w| w.rule.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(rules(cart), ["internal-import", "undeclared-dependency"]);
        assert_eq!(
            rules(view),
            [
                "internal-import",
                "layer-violation",
                "undeclared-dependency"
            ]
        );
        assert_eq!(rules(lru), ["language"]);
        // The same findings as the plan of that import.
        let doc = check(&[("ts/admin/src/new.ts", &["ts/web/src/view.ts"])], &[]);
        let mut plan_rules: Vec<&str> = doc.findings.iter().map(|d| d.rule).collect();
        plan_rules.sort_unstable();
        assert_eq!(rules(view), plan_rules);
    }

    #[test]
    fn the_plan_reads_the_documented_shape_and_the_answer_matches_its_schema() {
        let plan: Plan = serde_json::from_str(
            r#"{"changes": [{"file": "ts/web/src/x.ts", "imports": ["shop"], "new_file": true}],
                "dependencies": [{"from": "web", "to": "shop"}]}"#,
        )
        .unwrap();
        assert_eq!(plan.changes[0].new_file, Some(true));
        let minimal: Plan = serde_json::from_str(r#"{"changes": [{"file": "a.ts"}]}"#).unwrap();
        assert!(minimal.dependencies.is_empty() && minimal.changes[0].imports.is_empty());

        // Every key a finding serializes is in the schema of `findings`.
        let doc = check(
            &[
                ("py/pricing/pricing/rates.py", &["billing"]),
                ("ts/web/src/view.ts", &["ts/shop/src/cart.ts"]),
            ],
            &[("pricing", "billing")],
        );
        let schema = serde_json::to_value(schemars::schema_for!(PlanDoc)).unwrap();
        let shape = &schema["$defs"]["FindingShape"]["properties"];
        let json = serde_json::to_value(&doc).unwrap();
        let mut keys = BTreeSet::new();
        for finding in json["findings"].as_array().unwrap() {
            keys.extend(finding.as_object().unwrap().keys().cloned());
        }
        assert!(
            keys.contains("cycle") && keys.contains("target_file"),
            "{keys:?}"
        );
        for key in &keys {
            assert!(
                shape.get(key).is_some(),
                "`{key}` is not in the schema: {shape}"
            );
        }
        assert_eq!(
            schema["properties"]["findings"]["items"]["$ref"],
            "#/$defs/FindingShape"
        );
    }
}
