//! Change planning: deployment waves over the module graph (DESIGN.md §5 `waves` shape).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use strata_analysis::waves;
use strata_graph::Graph;

use crate::{Index, Project};

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Gate {
    pub module: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness: Option<String>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Wave {
    pub wave: usize,
    pub modules: Vec<String>,
    /// Health endpoints to watch before promoting to the next wave.
    pub gates: Vec<Gate>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct WavesDoc {
    pub waves: Vec<Wave>,
    /// Modules that depend on each other and go out together.
    pub cycles: Vec<Vec<String>>,
    /// The order to roll back in: the waves reversed.
    pub rollback: Vec<Vec<String>>,
}

impl Project {
    /// Deployment waves of the modules in `only` (all modules when `None`).
    pub fn waves(&self, index: &Index, only: Option<&BTreeSet<usize>>) -> WavesDoc {
        let g = index.module_graph(self.modules.len());
        let plan = waves(&g, &|v| only.is_none_or(|o| o.contains(&(v as usize))));
        let name = |v: u32| self.modules[v as usize].name().to_owned();
        let names = |vs: &[u32]| {
            let mut n: Vec<String> = vs.iter().map(|&v| name(v)).collect();
            n.sort();
            n
        };
        let waves: Vec<Wave> = plan
            .waves
            .iter()
            .enumerate()
            .map(|(i, vs)| {
                let mut gates: Vec<Gate> = vs
                    .iter()
                    .filter_map(|&v| {
                        let health = self.modules[v as usize]
                            .declared
                            .schema
                            .as_ref()?
                            .health
                            .as_ref()?;
                        (health.readiness.is_some() || health.liveness.is_some()).then(|| Gate {
                            module: name(v),
                            readiness: health.readiness.clone(),
                            liveness: health.liveness.clone(),
                        })
                    })
                    .collect();
                gates.sort_by(|a, b| a.module.cmp(&b.module));
                Wave {
                    wave: i + 1,
                    modules: names(vs),
                    gates,
                }
            })
            .collect();
        let mut cycles: Vec<Vec<String>> = plan.cycles.iter().map(|c| names(c)).collect();
        cycles.sort();
        let rollback = waves.iter().rev().map(|w| w.modules.clone()).collect();
        WavesDoc {
            waves,
            cycles,
            rollback,
        }
    }
}

impl WavesDoc {
    /// A Mermaid flowchart: one subgraph per wave, in order.
    pub fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        let id = |m: &str| m.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        for w in &self.waves {
            let _ = writeln!(out, "  subgraph wave{}[\"wave {}\"]", w.wave, w.wave);
            for m in &w.modules {
                let _ = writeln!(out, "    {}[\"{m}\"]", id(m));
            }
            out.push_str("  end\n");
        }
        for pair in self.waves.windows(2) {
            let _ = writeln!(out, "  wave{} --> wave{}", pair[0].wave, pair[1].wave);
        }
        out
    }

    /// The plan for people.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for w in &self.waves {
            let _ = writeln!(out, "wave {}: {}", w.wave, w.modules.join(", "));
            for g in &w.gates {
                let parts: Vec<String> = [("readiness", &g.readiness), ("liveness", &g.liveness)]
                    .iter()
                    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
                    .collect();
                let _ = writeln!(out, "  gate {}: {}", g.module, parts.join(", "));
            }
        }
        for c in &self.cycles {
            let _ = writeln!(out, "cycle (deployed together): {}", c.join(", "));
        }
        if !self.rollback.is_empty() {
            let order: Vec<String> = self.rollback.iter().map(|w| w.join(", ")).collect();
            let _ = writeln!(out, "rollback: {}", order.join(" -> "));
        }
        out
    }
}

/// Why a module is affected: the shortest dependency path to a changed module.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct Affected {
    pub module: String,
    /// `[module, …, changed module]`, each depending on the next.
    pub via: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// Who to tell: a team (or user) and the changed or affected modules it owns.
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct OwnerToNotify {
    pub team: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub modules: Vec<String>,
}

/// The `strata impact` document (DESIGN.md §5).
#[derive(Serialize, Debug, PartialEq, Eq)]
pub struct ImpactDoc {
    pub changed_files: Vec<String>,
    pub changed_modules: Vec<String>,
    pub affected: Vec<Affected>,
    pub tests: Vec<String>,
    pub owners: Vec<OwnerToNotify>,
    /// With a base revision: the public-API changes of the changed modules and the bump they
    /// need ([`Project::api_diff`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_changes: Option<Vec<crate::ModuleApiDiff>>,
}

impl Project {
    /// Files changed between `base` and `head` (the working tree when `head` is `None`, with
    /// untracked files), relative to the repository root; renames give both paths.
    pub fn changed_files(
        &self,
        base: Option<&str>,
        head: Option<&str>,
    ) -> Result<Vec<String>, crate::BaselineError> {
        let git = |args: &[&str]| self.git(base.unwrap_or("HEAD"), args);
        let prefix = git(&["rev-parse", "--show-prefix"])?.trim().to_owned();
        let mut args = vec!["diff", "--name-status", "-M", "--no-color"];
        let range;
        match (base, head) {
            (Some(b), Some(h)) => {
                range = format!("{b}..{h}");
                args.push(&range);
            }
            (Some(b), None) => args.push(b),
            (None, _) => args.push("HEAD"),
        }
        args.push("--");
        args.push(".");
        let mut files = BTreeSet::new();
        for line in git(&args)?.lines() {
            for path in line.split('\t').skip(1) {
                files.insert(path.to_owned());
            }
        }
        if head.is_none() {
            for path in git(&[
                "ls-files",
                "--others",
                "--exclude-standard",
                "--full-name",
                "--",
                ".",
            ])?
            .lines()
            {
                files.insert(path.to_owned());
            }
        }
        Ok(files
            .into_iter()
            .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_owned))
            .collect())
    }

    /// What a change to `changed` (repository-relative paths) touches.
    pub fn impact(&self, index: &Index, changed: &[String]) -> ImpactDoc {
        let graph = ImpactGraph {
            modules: self
                .modules
                .iter()
                .map(|m| ImpactModule {
                    name: m.name().to_owned(),
                    root: m.declared.root.clone(),
                    owner: m.record().owner,
                })
                .collect(),
            module_graph: index.module_graph(self.modules.len()),
            files: self.sources.iter().map(|s| s.path.clone()).collect(),
            file_graph: index.file_graph(),
            contacts: self
                .config
                .config
                .teams
                .iter()
                .filter_map(|(team, t)| Some((team.clone(), t.contact.clone()?)))
                .collect(),
        };
        graph.impact(changed)
    }
}

/// A module as an impact sees it.
#[derive(Debug, Deserialize)]
pub struct ImpactModule {
    pub name: String,
    /// Repository-relative, `""` for the repository's root.
    pub root: String,
    #[serde(default)]
    pub owner: Option<String>,
}

/// What an impact is computed on: a [`Project`]'s scan, or the graph a registry snapshot
/// keeps ([`ImpactGraph::from_file_graph`]).
pub struct ImpactGraph {
    pub modules: Vec<ImpactModule>,
    /// Nodes are indices into `modules`; an edge goes from the importing module.
    pub module_graph: Graph,
    /// Every file, sorted.
    pub files: Vec<String>,
    /// Nodes are indices into `files`; an edge goes from the importing file.
    pub file_graph: Graph,
    /// Team name to contact, from `[teams]`.
    pub contacts: BTreeMap<String, String>,
}

/// Why a stored graph cannot be read back.
#[derive(Debug, thiserror::Error)]
#[error("the file graph document is not the shape `strata graph --level file` writes: {0}")]
pub struct GraphDocError(#[from] serde_json::Error);

impl ImpactGraph {
    /// The graph of a `strata graph --level file --format json` document, with the contacts of
    /// `teams` (team name to contact).
    pub fn from_file_graph(
        json: &str,
        contacts: BTreeMap<String, String>,
    ) -> Result<ImpactGraph, GraphDocError> {
        #[derive(Deserialize)]
        struct Doc {
            modules: Vec<ImpactModule>,
            #[serde(default)]
            files: Vec<File>,
            #[serde(default)]
            edges: Vec<Edge>,
            module_edges: Vec<Edge>,
        }
        #[derive(Deserialize)]
        struct File {
            path: String,
        }
        #[derive(Deserialize)]
        struct Edge {
            from: String,
            to: String,
        }
        let mut doc: Doc = serde_json::from_str(json)?;
        for m in &mut doc.modules {
            if m.root == "." {
                m.root.clear();
            }
        }
        let mut files: Vec<String> = doc.files.into_iter().map(|f| f.path).collect();
        files.sort();
        files.dedup();
        let position = |names: &HashMap<&str, u32>, name: &str| names.get(name).copied();
        let file_at: HashMap<&str, u32> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let file_edges: Vec<(u32, u32)> = doc
            .edges
            .iter()
            .filter_map(|e| Some((position(&file_at, &e.from)?, position(&file_at, &e.to)?)))
            .collect();
        let module_at: HashMap<&str, u32> = doc
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.as_str(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let module_edges: Vec<(u32, u32)> = doc
            .module_edges
            .iter()
            .filter_map(|e| Some((position(&module_at, &e.from)?, position(&module_at, &e.to)?)))
            .collect();
        let file_graph = Graph::new(files.len(), file_edges);
        let module_graph = Graph::new(doc.modules.len(), module_edges);
        Ok(ImpactGraph {
            modules: doc.modules,
            module_graph,
            files,
            file_graph,
            contacts,
        })
    }

    /// The module owning a repository path (the file need not exist any more).
    fn module_of_path(&self, path: &str) -> Option<usize> {
        let mut dir = path;
        loop {
            dir = dir.rfind('/').map_or("", |i| &dir[..i]);
            if let Some(i) = self.modules.iter().position(|m| m.root == dir) {
                return Some(i);
            }
            if dir.is_empty() {
                return None;
            }
        }
    }

    /// What a change to `changed` (repository-relative paths) touches.
    pub fn impact(&self, changed: &[String]) -> ImpactDoc {
        let mut changed_files: Vec<String> = changed.to_vec();
        changed_files.sort();
        changed_files.dedup();
        let changed_modules: BTreeSet<usize> = changed_files
            .iter()
            .filter_map(|p| self.module_of_path(p))
            .collect();
        // Reverse breadth-first search from the changed modules: each affected module's next
        // step towards a change.
        let g = &self.module_graph;
        let mut next: HashMap<usize, usize> = HashMap::new();
        let mut queue: VecDeque<usize> = changed_modules.iter().copied().collect();
        while let Some(m) = queue.pop_front() {
            for &p in g.predecessors(u32::try_from(m).unwrap_or(u32::MAX)) {
                let p = p as usize;
                if !changed_modules.contains(&p) && !next.contains_key(&p) {
                    next.insert(p, m);
                    queue.push_back(p);
                }
            }
        }
        let name = |m: usize| self.modules[m].name.clone();
        let owner = |m: usize| self.modules[m].owner.clone();
        let mut affected: Vec<Affected> = next
            .keys()
            .map(|&m| {
                let mut via = vec![name(m)];
                let mut cur = m;
                while let Some(&n) = next.get(&cur) {
                    via.push(name(n));
                    cur = n;
                }
                Affected {
                    module: name(m),
                    via,
                    owner: owner(m),
                }
            })
            .collect();
        affected.sort_by(|a, b| a.module.cmp(&b.module));

        // Test files that reach a changed file through imports (or are changed themselves).
        let fg = &self.file_graph;
        let mut seen = vec![false; self.files.len()];
        let mut queue: VecDeque<u32> = VecDeque::new();
        for p in &changed_files {
            if let Ok(i) = self.files.binary_search(p) {
                seen[i] = true;
                queue.push_back(u32::try_from(i).unwrap_or(u32::MAX));
            }
        }
        while let Some(f) = queue.pop_front() {
            for &p in fg.predecessors(f) {
                if !seen[p as usize] {
                    seen[p as usize] = true;
                    queue.push_back(p);
                }
            }
        }
        let tests: Vec<String> = self
            .files
            .iter()
            .zip(&seen)
            .filter(|(path, hit)| **hit && strata_rules::is_test_file(path))
            .map(|(path, _)| path.clone())
            .collect();

        let mut by_owner: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for m in changed_modules.iter().copied().chain(next.keys().copied()) {
            if let Some(o) = owner(m) {
                by_owner.entry(o).or_default().push(name(m));
            }
        }
        let owners = by_owner
            .into_iter()
            .map(|(o, mut modules)| {
                modules.sort();
                let team = o.strip_prefix("team:").unwrap_or(&o).to_owned();
                let contact = o
                    .strip_prefix("team:")
                    .and_then(|t| self.contacts.get(t))
                    .cloned();
                OwnerToNotify {
                    team,
                    contact,
                    modules,
                }
            })
            .collect();
        let mut changed_modules: Vec<String> = changed_modules.into_iter().map(name).collect();
        changed_modules.sort();
        ImpactDoc {
            changed_files,
            changed_modules,
            affected,
            tests,
            owners,
            api_changes: None,
        }
    }
}

impl ImpactDoc {
    /// The report for people (`markdown` for a pull-request comment).
    pub fn text(&self, markdown: bool) -> String {
        let (h, item) = if markdown { ("### ", "- ") } else { ("", "  ") };
        let mut out = String::new();
        if markdown {
            out.push_str("## strata impact\n\n");
        }
        let _ = writeln!(
            out,
            "{h}{} changed files in {} modules",
            self.changed_files.len(),
            self.changed_modules.len()
        );
        for m in &self.changed_modules {
            let _ = writeln!(out, "{item}{m}");
        }
        let _ = writeln!(out, "{h}{} affected modules", self.affected.len());
        for a in &self.affected {
            let _ = writeln!(out, "{item}{} (via {})", a.module, a.via.join(" -> "));
        }
        let _ = writeln!(out, "{h}{} tests to run", self.tests.len());
        for t in &self.tests {
            let _ = writeln!(out, "{item}{t}");
        }
        let _ = writeln!(out, "{h}owners to notify");
        for o in &self.owners {
            let contact = o
                .contact
                .as_ref()
                .map(|c| format!(" <{c}>"))
                .unwrap_or_default();
            let _ = writeln!(out, "{item}{}{contact}: {}", o.team, o.modules.join(", "));
        }
        if let Some(modules) = &self.api_changes {
            let _ = writeln!(out, "{h}public API of {} changed modules", modules.len());
            out.push_str(&crate::api_diff::modules_text(modules, markdown));
        }
        out
    }
}
