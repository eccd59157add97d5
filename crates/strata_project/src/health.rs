//! Module health (`strata health`): a score from 0 to 10 per module, from eight weighted
//! dimensions that each explain their points (raw inputs and evidence), a band with gates, and
//! the next steps that would raise the score most. Contract: DESIGN.md §11.
//!
//! Each dimension scores 0–10 through piecewise-linear breakpoints on what it measures
//! (`[health.breakpoints]` overrides them); the module's score is the weighted mean over the
//! dimensions that had data, and `data_coverage` is the share of the weight that had.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use strata_analysis::FileCoverage;
use strata_diagnostics::{Diagnostic, Severity};
use strata_lang::DefKind;
use strata_workspace::{HEALTH_DIMENSIONS, HealthConfig, Lifecycle, ModuleKind};

use crate::history::History;
use crate::{Index, Module, Project};

/// A piecewise-linear map from a measured value to a score: `(value, score)` points with values
/// ascending; below the first and above the last point the end scores hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Breakpoints(pub Vec<(f64, f64)>);

impl Breakpoints {
    pub fn score(&self, x: f64) -> f64 {
        let p = &self.0;
        let (Some(first), Some(last)) = (p.first(), p.last()) else {
            return 10.0;
        };
        if x <= first.0 {
            return first.1;
        }
        if x >= last.0 {
            return last.1;
        }
        for w in p.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            if x <= x1 {
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
            }
        }
        last.1
    }
}

/// The default breakpoints of each input (see `[health.breakpoints]`).
pub fn default_breakpoints(input: &str) -> Breakpoints {
    let points: &[(f64, f64)] = match input {
        // Open findings: an error counts 1, a warning 1/4.
        "rules" => &[(0.0, 10.0), (1.0, 7.0), (3.0, 4.0), (10.0, 0.0)],
        // Per function.
        "complexity" => &[(10.0, 10.0), (20.0, 6.0), (30.0, 3.0), (50.0, 0.0)],
        "nesting" => &[(2.0, 10.0), (3.0, 7.0), (4.0, 4.0), (6.0, 0.0)],
        "function_lines" => &[(50.0, 10.0), (100.0, 6.0), (200.0, 2.0), (400.0, 0.0)],
        "file_lines" => &[(400.0, 10.0), (1000.0, 5.0), (2000.0, 0.0)],
        // Per cent of the module's lines in clones.
        "duplication" => &[(0.0, 10.0), (5.0, 7.0), (20.0, 3.0), (40.0, 0.0)],
        // Per cent of the module's lines in hotspot files.
        "hotspots" => &[(0.0, 10.0), (10.0, 6.0), (30.0, 2.0), (50.0, 0.0)],
        // Martin's distance from the main sequence.
        "distance" => &[(0.3, 10.0), (0.6, 6.0), (1.0, 3.0)],
        // Coupled file pairs across modules with no import between them.
        "coupling" => &[(0.0, 10.0), (1.0, 7.0), (3.0, 4.0), (6.0, 0.0)],
        // Internal requirements not satisfied.
        "versions" => &[(0.0, 10.0), (1.0, 6.0), (3.0, 2.0), (5.0, 0.0)],
        // Per cent of instrumented lines covered.
        "coverage" => &[(0.0, 0.0), (80.0, 10.0)],
        _ => &[],
    };
    Breakpoints(points.to_vec())
}

/// The default weight of each dimension (DESIGN.md §11).
pub fn default_weight(dimension: &str) -> f64 {
    match dimension {
        "rules" => 10.0,
        "maintainability" | "hotspots" => 7.5,
        "structure" | "coupling" | "ownership" => 5.0,
        "versions" | "tests" => 2.5,
        _ => 0.0,
    }
}

/// A file is a hotspot when it changed in at least this many commits of the window and holds
/// a function at least this complex.
pub const HOTSPOT_COMMITS: u32 = 5;
pub const HOTSPOT_COMPLEXITY: u32 = 15;

/// Green from this score up, yellow from [`YELLOW`] up, red below.
pub const GREEN: f64 = 8.0;
pub const YELLOW: f64 = 5.0;
/// A dimension under this caps the band at yellow.
pub const DIMENSION_FLOOR: f64 = 4.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Red,
    Yellow,
    Green,
}

impl Band {
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Yellow => "yellow",
            Band::Green => "green",
        }
    }
}

/// One dimension of one module.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dimension {
    pub id: &'static str,
    pub weight: f64,
    /// 0–10, or `None` when there was no data (no git history, no coverage report).
    pub score: Option<f64>,
    /// What was measured.
    pub raw: BTreeMap<&'static str, serde_json::Value>,
    /// Where the points were lost: `path:line what`.
    pub evidence: Vec<String>,
}

/// The health of one module.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModuleHealth {
    pub module: String,
    pub score: f64,
    pub band: Band,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<u32>,
    /// Share of the total weight whose dimensions had data.
    pub data_coverage: f64,
    pub gates_failed: Vec<String>,
    pub dimensions: Vec<Dimension>,
    /// What would raise the score most, with the gain: `fix … (+1.1)`.
    pub next_steps: Vec<String>,
}

/// `strata health --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthDoc {
    pub modules: Vec<ModuleHealth>,
    pub summary: HealthSummary,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthSummary {
    pub modules: usize,
    pub green: usize,
    pub yellow: usize,
    pub red: usize,
    /// The git history read: `None` outside a git repository.
    pub history: Option<HistorySummary>,
    /// Coverage reports given.
    pub coverage_reports: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistorySummary {
    pub head: String,
    pub days: u32,
    pub commits: usize,
}

/// What health is computed from besides the repository itself.
#[derive(Default)]
pub struct HealthInputs<'a> {
    /// Open findings (after any baseline).
    pub findings: &'a [Diagnostic],
    pub history: Option<&'a History>,
    /// Parsed coverage reports (several allowed).
    pub coverage: Vec<FileCoverage>,
    pub coverage_reports: usize,
}

/// An improvement and what it is worth to the dimension it touches.
struct Step {
    dimension: usize,
    /// The dimension's score once done.
    score: f64,
    text: String,
}

/// Per version, the modules requiring it (with their manifest's path).
type Uses<'a> = BTreeMap<&'a str, Vec<(usize, &'a str)>>;

/// Settings resolved from `[health]`.
struct Settings<'a> {
    config: &'a HealthConfig,
}

impl Settings<'_> {
    fn bp(&self, input: &str) -> Breakpoints {
        self.config.breakpoints.get(input).map_or_else(
            || default_breakpoints(input),
            |p| Breakpoints(p.iter().map(|&[x, y]| (x, y)).collect()),
        )
    }

    fn weight(&self, dimension: &str) -> f64 {
        self.config
            .weights
            .get(dimension)
            .copied()
            .unwrap_or_else(|| default_weight(dimension))
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn json(x: impl Into<serde_json::Value>) -> serde_json::Value {
    x.into()
}

/// A function's own score: the worst of its complexity, nesting and length.
fn function_score(s: &Settings<'_>, complexity: u32, nesting: u32, lines: u32) -> f64 {
    s.bp("complexity")
        .score(f64::from(complexity))
        .min(s.bp("nesting").score(f64::from(nesting)))
        .min(s.bp("function_lines").score(f64::from(lines)))
}

impl Project {
    /// The health of every module (or of `only`), sorted by module name.
    #[allow(clippy::too_many_lines)]
    pub fn health(
        &self,
        index: &Index,
        inputs: &HealthInputs<'_>,
        only: Option<usize>,
    ) -> HealthDoc {
        let settings = Settings {
            config: &self.config.config.health,
        };
        let s = &settings;
        let facts = index.facts();
        let n = self.modules.len();

        // Files per module, and each source's index by path.
        let mut files: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut by_path: HashMap<&str, usize> = HashMap::new();
        for (i, src) in self.sources.iter().enumerate() {
            if let Some(m) = src.module {
                files[m].push(i);
            }
            by_path.insert(src.path.as_str(), i);
        }

        // Duplicated lines per file: the union of clone sides.
        let mut dup_ranges: HashMap<&str, Vec<(u32, u32)>> = HashMap::new();
        let clones = self.code_clones(index, strata_rules::CLONE_MIN_TOKENS);
        for c in &clones {
            for side in [&c.a, &c.b] {
                dup_ranges
                    .entry(side.path.as_str())
                    .or_default()
                    .push((side.start_line, side.end_line));
            }
        }

        // Findings per module.
        let mut findings: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
        // `health-gate` findings follow from the score: they do not lower it.
        for d in inputs.findings.iter().filter(|d| d.rule != "health-gate") {
            findings.entry(d.module.as_str()).or_default().push(d);
        }

        // Module cycles and Martin's afferent / efferent couplings.
        let graph = index.module_graph(n);
        let in_cycle: BTreeSet<usize> = graph
            .cycles()
            .into_iter()
            .flatten()
            .map(|m| m as usize)
            .collect();

        // Coverage per source file, matched by the longest path suffix.
        let mut covered: HashMap<usize, (u64, u64)> = HashMap::new();
        for c in &inputs.coverage {
            if let Some(i) = match_source(&self.root, &by_path, &c.path) {
                let e = covered.entry(i).or_default();
                e.0 += u64::from(c.lines_found);
                e.1 += u64::from(c.lines_hit);
            }
        }

        // Change coupling across modules with no import between the two files.
        let edges: BTreeSet<(u32, u32)> = index
            .file_edges
            .iter()
            .map(|e| (e.from.min(e.to), e.from.max(e.to)))
            .collect();
        let mut coupled: Vec<Vec<String>> = vec![Vec::new(); n];
        if let Some(h) = inputs.history {
            for c in &h.couplings {
                let (Some(&a), Some(&b)) = (by_path.get(c.a.as_str()), by_path.get(c.b.as_str()))
                else {
                    continue;
                };
                let (ma, mb) = (self.sources[a].module, self.sources[b].module);
                let key = (
                    u32::try_from(a.min(b)).unwrap_or(u32::MAX),
                    u32::try_from(a.max(b)).unwrap_or(u32::MAX),
                );
                if ma == mb || edges.contains(&key) {
                    continue;
                }
                let text = format!(
                    "{} ~ {} (changed together in {} commits, degree {:.0}%, no import between them)",
                    c.a, c.b, c.shared, c.degree
                );
                for m in [ma, mb].into_iter().flatten() {
                    coupled[m].push(text.clone());
                }
            }
        }

        let drift = self.version_drift();
        let mut out = Vec::new();
        for m in 0..n {
            if only.is_some_and(|o| o != m) {
                continue;
            }
            let module = &self.modules[m];
            let name = module.name();
            let declared = &module.declared;
            let schema = declared.schema.as_ref();
            let mut dims: Vec<Dimension> = Vec::new();
            let mut steps: Vec<Step> = Vec::new();
            let weight = |id: &'static str| s.weight(id);
            // The module's open findings, and how many are errors.
            let mine = findings.get(name).map(Vec::as_slice).unwrap_or_default();
            let errors = mine
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();

            // rules
            {
                let warnings = mine.len() - errors;
                #[allow(clippy::cast_precision_loss)]
                let penalty = |e: usize, w: usize| e as f64 + w as f64 / 4.0;
                let bp = s.bp("rules");
                let score = bp.score(penalty(errors, warnings));
                let mut sorted: Vec<&&Diagnostic> = mine.iter().collect();
                sorted.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.file.as_str(), d.line));
                for d in sorted.iter().take(3) {
                    let (e, w) = if d.severity == Severity::Error {
                        (errors - 1, warnings)
                    } else {
                        (errors, warnings - 1)
                    };
                    steps.push(Step {
                        dimension: dims.len(),
                        score: bp.score(penalty(e, w)),
                        text: format!("fix {} at {}:{}", d.rule, d.file, d.line),
                    });
                }
                let mut raw = BTreeMap::new();
                raw.insert("errors", json(errors));
                raw.insert("warnings", json(warnings));
                raw.insert("in_cycle", json(in_cycle.contains(&m)));
                dims.push(Dimension {
                    id: "rules",
                    weight: weight("rules"),
                    score: Some(score),
                    raw,
                    evidence: sorted
                        .iter()
                        .take(10)
                        .map(|d| format!("{}:{} {}", d.file, d.line, d.rule))
                        .collect(),
                });
            }

            // maintainability
            {
                let mut fn_weighted = 0.0;
                let mut fn_lines = 0u64;
                let mut file_weighted = 0.0;
                let mut total_lines = 0u64;
                let mut dup_lines = 0u64;
                let mut worst: Vec<(f64, String, f64)> = Vec::new();
                let mut functions = 0usize;
                let mut max_complexity = 0u32;
                for &f in &files[m] {
                    let path = self.sources[f].path.as_str();
                    let lines = facts[f].lines;
                    total_lines += u64::from(lines);
                    file_weighted += s.bp("file_lines").score(f64::from(lines)) * f64::from(lines);
                    if let Some(r) = dup_ranges.get(path) {
                        dup_lines += crate::intel::union_len(r.clone());
                    }
                    for d in facts[f].definitions.iter().filter(|d| d.kind.is_code()) {
                        let len = d.end_line.saturating_sub(d.start_line) + 1;
                        let fs = function_score(s, d.complexity, d.nesting, len);
                        functions += 1;
                        max_complexity = max_complexity.max(d.complexity);
                        fn_weighted += fs * f64::from(len);
                        fn_lines += u64::from(len);
                        if fs < 10.0 {
                            worst.push((
                                fs,
                                format!(
                                    "{path}:{} {} (complexity {}, nesting {}, {len} lines)",
                                    d.start_line, d.name, d.complexity, d.nesting
                                ),
                                f64::from(len),
                            ));
                        }
                    }
                }
                let dims_len = dims.len();
                if total_lines == 0 {
                    dims.push(no_data("maintainability", weight("maintainability")));
                } else {
                    #[allow(clippy::cast_precision_loss)]
                    let (tl, fl) = (total_lines as f64, fn_lines as f64);
                    #[allow(clippy::cast_precision_loss)]
                    let dup_pct = 100.0 * dup_lines as f64 / tl;
                    let file_score = file_weighted / tl;
                    let dup_score = s.bp("duplication").score(dup_pct);
                    let combine = |fn_part: f64| {
                        if fn_lines == 0 {
                            0.5 * file_score + 0.5 * dup_score
                        } else {
                            0.6 * fn_part + 0.2 * file_score + 0.2 * dup_score
                        }
                    };
                    let fn_score = if fn_lines == 0 {
                        10.0
                    } else {
                        fn_weighted / fl
                    };
                    let score = combine(fn_score);
                    worst.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
                    for (fs, text, len) in worst.iter().take(2) {
                        let improved = (fn_weighted + (10.0 - fs) * len) / fl;
                        steps.push(Step {
                            dimension: dims_len,
                            score: combine(improved),
                            text: format!("simplify {text}"),
                        });
                    }
                    if dup_lines > 0 {
                        steps.push(Step {
                            dimension: dims_len,
                            score: 0.6 * fn_score + 0.2 * file_score + 0.2 * 10.0,
                            text: format!(
                                "remove the {dup_lines} duplicated lines (`strata dupes`)"
                            ),
                        });
                    }
                    let mut raw = BTreeMap::new();
                    raw.insert("lines", json(total_lines));
                    raw.insert("functions", json(functions));
                    raw.insert("max_complexity", json(max_complexity));
                    raw.insert("duplicated_lines", json(dup_lines));
                    raw.insert("duplicated_pct", json(round1(dup_pct)));
                    raw.insert("function_score", json(round1(fn_score)));
                    raw.insert("file_length_score", json(round1(file_score)));
                    dims.push(Dimension {
                        id: "maintainability",
                        weight: weight("maintainability"),
                        score: Some(score),
                        raw,
                        evidence: worst.iter().take(5).map(|w| w.1.clone()).collect(),
                    });
                }
            }

            // hotspots
            match inputs.history {
                None => dims.push(no_data("hotspots", weight("hotspots"))),
                Some(h) => {
                    let mut total = 0u64;
                    let mut hot = 0u64;
                    let mut evidence = Vec::new();
                    for &f in &files[m] {
                        let lines = u64::from(facts[f].lines);
                        total += lines;
                        let path = self.sources[f].path.as_str();
                        let commits = h.files.get(path).map_or(0, |x| x.commits);
                        let complexity = facts[f]
                            .definitions
                            .iter()
                            .map(|d| d.complexity)
                            .max()
                            .unwrap_or(0);
                        if commits >= HOTSPOT_COMMITS && complexity >= HOTSPOT_COMPLEXITY {
                            hot += lines;
                            evidence.push((
                                commits * complexity,
                                format!("{path}: {commits} commits, complexity up to {complexity}"),
                            ));
                        }
                    }
                    evidence.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                    #[allow(clippy::cast_precision_loss)]
                    let pct = if total == 0 {
                        0.0
                    } else {
                        100.0 * hot as f64 / total as f64
                    };
                    let bp = s.bp("hotspots");
                    if let Some((_, text)) = evidence.first() {
                        steps.push(Step {
                            dimension: dims.len(),
                            score: bp.score(0.0),
                            text: format!("simplify the hotspot {text}"),
                        });
                    }
                    let mut raw = BTreeMap::new();
                    raw.insert("hotspot_files", json(evidence.len()));
                    raw.insert("hotspot_pct", json(round1(pct)));
                    raw.insert("days", json(h.days));
                    dims.push(Dimension {
                        id: "hotspots",
                        weight: weight("hotspots"),
                        score: Some(bp.score(pct)),
                        raw,
                        evidence: evidence.into_iter().take(5).map(|e| e.1).collect(),
                    });
                }
            }

            // structure
            {
                let m32 = u32::try_from(m).unwrap_or(u32::MAX);
                let ca = graph.predecessors(m32).len();
                let ce = graph.successors(m32).len();
                let (mut types, mut abstract_types) = (0usize, 0usize);
                for &f in &files[m] {
                    for d in &facts[f].definitions {
                        if d.kind.group() == "type" {
                            types += 1;
                            abstract_types +=
                                usize::from(matches!(d.kind, DefKind::Trait | DefKind::Interface));
                        }
                    }
                }
                #[allow(clippy::cast_precision_loss)]
                let instability = if ca + ce == 0 {
                    0.0
                } else {
                    ce as f64 / (ca + ce) as f64
                };
                #[allow(clippy::cast_precision_loss)]
                let abstractness = if types == 0 {
                    0.0
                } else {
                    abstract_types as f64 / types as f64
                };
                let distance = (abstractness + instability - 1.0).abs();
                let undeclared = mine
                    .iter()
                    .filter(|d| d.rule == "undeclared-dependency")
                    .count();
                let unused = mine
                    .iter()
                    .filter(|d| d.rule == "unused-dependency")
                    .count();
                // The main sequence is about what others build on: a module nobody depends on
                // (an application, a service at the top, an isolated one) has no stability to
                // balance, so only its declarations count.
                let base = if ca == 0 {
                    10.0
                } else {
                    s.bp("distance").score(distance)
                };
                #[allow(clippy::cast_precision_loss)]
                let penalty = 1.5 * undeclared as f64 + 0.5 * unused as f64;
                let score = (base - penalty).max(0.0);
                let mut evidence = Vec::new();
                if base < 10.0 {
                    evidence.push(format!(
                        "distance from the main sequence {distance:.2} (abstractness {abstractness:.2}, instability {instability:.2})"
                    ));
                }
                for d in mine
                    .iter()
                    .filter(|d| matches!(d.rule, "undeclared-dependency" | "unused-dependency"))
                {
                    evidence.push(format!("{}:{} {}", d.file, d.line, d.rule));
                }
                if base < 10.0 {
                    // Below the main sequence, concrete and depended on (the zone of pain);
                    // above it, abstract and little used (the zone of uselessness).
                    let text = if abstractness + instability < 1.0 {
                        format!(
                            "give the {ca} dependants of {name} interfaces or traits to build on, so changes behind them stay local (abstractness {abstractness:.2}, instability {instability:.2})"
                        )
                    } else {
                        format!(
                            "drop abstractions of {name} that nothing implements, or let more modules use it (abstractness {abstractness:.2}, instability {instability:.2})"
                        )
                    };
                    steps.push(Step {
                        dimension: dims.len(),
                        score: (10.0 - penalty).max(0.0),
                        text,
                    });
                }
                if penalty > 0.0 {
                    steps.push(Step {
                        dimension: dims.len(),
                        score: base,
                        text: "declare the dependencies the code uses and drop the unused ones"
                            .into(),
                    });
                }
                let mut raw = BTreeMap::new();
                raw.insert("ca", json(ca));
                raw.insert("ce", json(ce));
                raw.insert("instability", json((instability * 100.0).round() / 100.0));
                raw.insert("abstractness", json((abstractness * 100.0).round() / 100.0));
                raw.insert("distance", json((distance * 100.0).round() / 100.0));
                raw.insert("undeclared", json(undeclared));
                raw.insert("unused", json(unused));
                dims.push(Dimension {
                    id: "structure",
                    weight: weight("structure"),
                    score: Some(score),
                    raw,
                    evidence,
                });
            }

            // coupling
            match inputs.history {
                None => dims.push(no_data("coupling", weight("coupling"))),
                Some(_) => {
                    let pairs = &coupled[m];
                    let bp = s.bp("coupling");
                    #[allow(clippy::cast_precision_loss)]
                    let count = pairs.len() as f64;
                    if let Some(first) = pairs.first() {
                        steps.push(Step {
                            dimension: dims.len(),
                            score: bp.score(count - 1.0),
                            text: format!("decouple {first}"),
                        });
                    }
                    let mut raw = BTreeMap::new();
                    raw.insert("coupled_pairs", json(pairs.len()));
                    dims.push(Dimension {
                        id: "coupling",
                        weight: weight("coupling"),
                        score: Some(bp.score(count)),
                        raw,
                        evidence: pairs.iter().take(5).cloned().collect(),
                    });
                }
            }

            // ownership
            let owner_resolves = self.owner_resolves(m);
            {
                let mut checks: Vec<(&'static str, bool, &'static str)> = vec![
                    (
                        "owner",
                        owner_resolves,
                        "declare an `owner:` that names a team of `strata.toml`",
                    ),
                    (
                        "lifecycle",
                        schema.is_some_and(|x| x.lifecycle.is_some()),
                        "declare a `lifecycle:` in module.yaml",
                    ),
                    (
                        "description",
                        schema.is_some_and(|x| {
                            x.description
                                .as_deref()
                                .is_some_and(|d| !d.trim().is_empty())
                        }) || declared
                            .manifest
                            .as_ref()
                            .is_some_and(|x| x.description.is_some()),
                        "add a `description:` to module.yaml",
                    ),
                    (
                        "docs",
                        self.has_docs(m),
                        "add a README.md to the module (or `links:` to its docs)",
                    ),
                ];
                if let Some(api) = schema.and_then(|x| x.api.as_ref()) {
                    let dir = declared
                        .schema_path
                        .as_deref()
                        .and_then(|p| std::path::Path::new(p).parent());
                    let exists = api.openapi.as_deref().is_some_and(|o| {
                        self.root
                            .join(dir.unwrap_or(std::path::Path::new("")))
                            .join(o)
                            .is_file()
                    });
                    checks.push((
                        "openapi",
                        exists,
                        "point `api.openapi` at the module's OpenAPI document",
                    ));
                }
                if schema.and_then(|x| x.kind) == Some(ModuleKind::Service) {
                    let health = schema
                        .and_then(|x| x.health.as_ref())
                        .is_some_and(|h| h.liveness.is_some() || h.readiness.is_some());
                    checks.push((
                        "health_endpoints",
                        health,
                        "declare `health.liveness` or `health.readiness`",
                    ));
                }
                let passed = checks.iter().filter(|c| c.1).count();
                #[allow(clippy::cast_precision_loss)]
                let per = 10.0 / checks.len() as f64;
                #[allow(clippy::cast_precision_loss)]
                let score = per * passed as f64;
                for c in checks.iter().filter(|c| !c.1) {
                    steps.push(Step {
                        dimension: dims.len(),
                        score: score + per,
                        text: c.2.into(),
                    });
                }
                let mut raw: BTreeMap<&'static str, serde_json::Value> =
                    checks.iter().map(|c| (c.0, json(c.1))).collect();
                // Who changed the module in the window: a bus factor to read, not scored.
                if let Some(h) = inputs.history {
                    let authors: BTreeSet<&str> = files[m]
                        .iter()
                        .filter_map(|&f| h.files.get(self.sources[f].path.as_str()))
                        .flat_map(|x| x.authors.iter().map(String::as_str))
                        .collect();
                    raw.insert("authors", json(authors.len()));
                }
                dims.push(Dimension {
                    id: "ownership",
                    weight: weight("ownership"),
                    score: Some(score),
                    raw,
                    evidence: checks
                        .iter()
                        .filter(|c| !c.1)
                        .map(|c| format!("missing: {}", c.0))
                        .collect(),
                });
            }

            // versions
            {
                let problems: Vec<&&Diagnostic> = mine
                    .iter()
                    .filter(|d| d.rule == "semver-mismatch")
                    .collect();
                let drifting = &drift[m];
                let bp = s.bp("versions");
                #[allow(clippy::cast_precision_loss)]
                let count = (problems.len() + drifting.len()) as f64;
                if let Some(d) = problems.first() {
                    steps.push(Step {
                        dimension: dims.len(),
                        score: bp.score(count - 1.0),
                        text: format!("fix semver-mismatch at {}:{}", d.file, d.line),
                    });
                }
                if let Some(d) = drifting.first() {
                    steps.push(Step {
                        dimension: dims.len(),
                        score: bp.score(count - 1.0),
                        text: format!("align {d}"),
                    });
                }
                let mut raw = BTreeMap::new();
                raw.insert("unsatisfied_requirements", json(problems.len()));
                raw.insert("drifting_dependencies", json(drifting.len()));
                dims.push(Dimension {
                    id: "versions",
                    weight: weight("versions"),
                    score: Some(bp.score(count)),
                    raw,
                    evidence: problems
                        .iter()
                        .map(|d| format!("{}:{} {}", d.file, d.line, d.message))
                        .chain(drifting.iter().cloned())
                        .collect(),
                });
            }

            // tests
            {
                let (found, hit) = files[m]
                    .iter()
                    .filter_map(|f| covered.get(f))
                    .fold((0u64, 0u64), |a, c| (a.0 + c.0, a.1 + c.1));
                if found == 0 {
                    dims.push(no_data("tests", weight("tests")));
                } else {
                    #[allow(clippy::cast_precision_loss)]
                    let pct = 100.0 * hit as f64 / found as f64;
                    let bp = s.bp("coverage");
                    if pct < 80.0 {
                        steps.push(Step {
                            dimension: dims.len(),
                            score: bp.score(80.0),
                            text: format!("raise line coverage from {pct:.0}% to 80%"),
                        });
                    }
                    let mut raw = BTreeMap::new();
                    raw.insert("lines_found", json(found));
                    raw.insert("lines_hit", json(hit));
                    raw.insert("coverage_pct", json(round1(pct)));
                    dims.push(Dimension {
                        id: "tests",
                        weight: weight("tests"),
                        score: Some(bp.score(pct)),
                        raw,
                        evidence: Vec::new(),
                    });
                }
            }

            // Aggregate.
            let total_weight: f64 = dims.iter().map(|d| d.weight).sum();
            let with_data: f64 = dims
                .iter()
                .filter(|d| d.score.is_some())
                .map(|d| d.weight)
                .sum();
            let weighted: f64 = dims
                .iter()
                .filter_map(|d| d.score.map(|x| x * d.weight))
                .sum();
            let score = if with_data > 0.0 {
                weighted / with_data
            } else {
                0.0
            };
            let mut band = if score >= GREEN {
                Band::Green
            } else if score >= YELLOW {
                Band::Yellow
            } else {
                Band::Red
            };
            let mut gates = Vec::new();
            if in_cycle.contains(&m) {
                gates.push("in a dependency cycle".to_owned());
                band = Band::Red;
            }
            if errors > 0 {
                gates.push(format!(
                    "{errors} error-level finding{}",
                    if errors == 1 { "" } else { "s" }
                ));
                band = Band::Red;
            }
            if schema.and_then(|x| x.lifecycle) == Some(Lifecycle::Production) && !owner_resolves {
                gates.push("in production with no resolvable owner".to_owned());
                band = Band::Red;
            }
            for d in &dims {
                if d.weight > 0.0 && d.score.is_some_and(|x| x < DIMENSION_FLOOR) {
                    gates.push(format!("{} under {DIMENSION_FLOOR}", d.id));
                    band = band.min(Band::Yellow);
                }
            }
            let tier = schema.and_then(|x| x.tier.as_ref()).map(|t| t.value);
            if let Some(line) = tier.and_then(|t| settings.config.tiers.get(&t.to_string())) {
                if score < *line {
                    gates.push(format!("tier-{} line {line}", tier.unwrap_or_default()));
                }
            }
            // Next steps, by what each adds to the module's score.
            let mut ranked: Vec<(f64, String)> = steps
                .into_iter()
                .filter_map(|st| {
                    let d = &dims[st.dimension];
                    let gain = (st.score - d.score?) * d.weight / with_data.max(f64::MIN_POSITIVE);
                    (gain >= 0.05).then_some((gain, st.text))
                })
                .collect();
            ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let next_steps = ranked
                .into_iter()
                .take(5)
                .map(|(gain, text)| format!("{text} (+{gain:.1})"))
                .collect();
            for d in &mut dims {
                d.score = d.score.map(round1);
            }
            out.push(ModuleHealth {
                module: name.to_owned(),
                score: round1(score),
                band,
                tier,
                data_coverage: if total_weight > 0.0 {
                    (with_data / total_weight * 100.0).round() / 100.0
                } else {
                    0.0
                },
                gates_failed: gates,
                dimensions: dims,
                next_steps,
            });
        }
        out.sort_by(|a, b| a.module.cmp(&b.module));
        let count = |b: Band| out.iter().filter(|x| x.band == b).count();
        HealthDoc {
            summary: HealthSummary {
                modules: out.len(),
                green: count(Band::Green),
                yellow: count(Band::Yellow),
                red: count(Band::Red),
                history: inputs.history.map(|h| HistorySummary {
                    head: h.head.clone(),
                    days: h.days,
                    commits: h.commits,
                }),
                coverage_reports: inputs.coverage_reports,
            },
            modules: out,
        }
    }

    /// Per module, the third-party packages it requires at another version than most modules
    /// of its ecosystem do (described: `serde 1.0 in Cargo.toml, 1.0.190 in 4 other modules`).
    /// Path, git and workspace requirements, and properties (`${…}`), are no versions.
    fn version_drift(&self) -> Vec<Vec<String>> {
        let n = self.modules.len();
        let internal: BTreeSet<&str> = self.modules.iter().map(Module::name).collect();
        // (ecosystem, package) -> version -> the modules requiring it (with the manifest).
        let mut by_package: BTreeMap<(&'static str, &str), Uses<'_>> = BTreeMap::new();
        for (m, module) in self.modules.iter().enumerate() {
            let Some(manifest) = &module.declared.manifest else {
                continue;
            };
            let ecosystem = manifest.kind.map_or("", |k| k.lang());
            for d in &manifest.dependencies {
                let Some(version) = d.version.as_deref() else {
                    continue;
                };
                let pinned_elsewhere = [
                    "workspace:",
                    "file:",
                    "link:",
                    "git",
                    "http",
                    "github:",
                    "${",
                    "*",
                ]
                .iter()
                .any(|p| version.starts_with(p));
                if pinned_elsewhere || internal.contains(d.name.as_str()) {
                    continue;
                }
                let users = by_package
                    .entry((ecosystem, d.name.as_str()))
                    .or_default()
                    .entry(version)
                    .or_default();
                if !users.iter().any(|u| u.0 == m) {
                    users.push((m, manifest.path.as_str()));
                }
            }
        }
        let mut out = vec![Vec::new(); n];
        for ((_, package), versions) in &by_package {
            if versions.len() < 2 {
                continue;
            }
            // The most used version is the one to align on (ties: the first written).
            let (common, common_users) = versions
                .iter()
                .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)))
                .map(|(v, u)| (*v, u.len()))
                .unwrap_or_default();
            for (version, users) in versions.iter().filter(|(v, _)| **v != common) {
                for &(m, path) in users {
                    out[m].push(format!(
                        "{package} {version} in {path}, {common} in {common_users} other module{}",
                        if common_users == 1 { "" } else { "s" }
                    ));
                }
            }
        }
        out
    }

    /// Whether module `m` declares an owner that resolves: a `team:<name>` of `strata.toml`,
    /// or any other non-empty owner.
    fn owner_resolves(&self, m: usize) -> bool {
        let Some(owner) = self.modules[m]
            .declared
            .schema
            .as_ref()
            .and_then(|x| x.owner.as_ref())
            .map(|o| o.value.trim().to_owned())
        else {
            return false;
        };
        match owner.strip_prefix("team:") {
            Some(team) => self.config.config.teams.contains_key(team),
            None => !owner.is_empty(),
        }
    }

    /// A README in the module's root folder, or links to its docs.
    fn has_docs(&self, m: usize) -> bool {
        let declared = &self.modules[m].declared;
        if declared
            .schema
            .as_ref()
            .is_some_and(|x| !x.links.is_empty())
        {
            return true;
        }
        let dir = self.root.join(&declared.root);
        [
            "README.md",
            "readme.md",
            "README",
            "README.rst",
            "README.txt",
        ]
        .iter()
        .any(|f| dir.join(f).is_file())
    }
}

fn no_data(id: &'static str, weight: f64) -> Dimension {
    Dimension {
        id,
        weight,
        score: None,
        raw: BTreeMap::new(),
        evidence: Vec::new(),
    }
}

/// The source a coverage report's path names: the path made relative to the repository root
/// when it is under it, else the longest suffix (on `/` boundaries) that is a source path.
fn match_source(
    root: &std::path::Path,
    by_path: &HashMap<&str, usize>,
    path: &str,
) -> Option<usize> {
    let path = path.replace('\\', "/");
    let root = root.to_string_lossy().replace('\\', "/");
    let relative = path
        .strip_prefix(root.trim_end_matches('/'))
        .map_or(path.as_str(), |r| r.trim_start_matches('/'));
    let relative = relative.trim_start_matches("./");
    let mut rest = relative;
    loop {
        if let Some(&i) = by_path.get(rest) {
            return Some(i);
        }
        rest = rest.split_once('/')?.1;
    }
}

impl ModuleHealth {
    /// The dimension `id`.
    pub fn dimension(&self, id: &str) -> Option<&Dimension> {
        self.dimensions.iter().find(|d| d.id == id)
    }
}

impl HealthDoc {
    /// The human-readable report: one block per module.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for m in &self.modules {
            let _ = writeln!(
                out,
                "{}  {:.1}  {}{}  (data for {:.0}% of the weight)",
                m.module,
                m.score,
                m.band.as_str(),
                m.tier.map(|t| format!("  tier {t}")).unwrap_or_default(),
                m.data_coverage * 100.0
            );
            for g in &m.gates_failed {
                let _ = writeln!(out, "  gate: {g}");
            }
            for d in &m.dimensions {
                let score = d
                    .score
                    .map_or_else(|| "  no data".to_owned(), |x| format!("{x:>9.1}"));
                let _ = writeln!(out, "  {:<16}{score}  (weight {})", d.id, d.weight);
                for e in d.evidence.iter().take(3) {
                    let _ = writeln!(out, "      {e}");
                }
            }
            for s in &m.next_steps {
                let _ = writeln!(out, "  next: {s}");
            }
            out.push('\n');
        }
        let s = &self.summary;
        let _ = writeln!(
            out,
            "{} modules: {} green, {} yellow, {} red{}",
            s.modules,
            s.green,
            s.yellow,
            s.red,
            s.history.as_ref().map_or_else(
                || "; no git history".to_owned(),
                |h| format!("; {} commits of the last {} days", h.commits, h.days)
            )
        );
        out
    }

    /// A Markdown table of the modules, then each module's next steps.
    pub fn markdown(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::from("| module | score | band |");
        for id in HEALTH_DIMENSIONS {
            let _ = write!(out, " {id} |");
        }
        out.push_str("\n|---|---:|---|");
        for _ in HEALTH_DIMENSIONS {
            out.push_str("---:|");
        }
        out.push('\n');
        for m in &self.modules {
            let _ = write!(
                out,
                "| {} | {:.1} | {} |",
                m.module,
                m.score,
                m.band.as_str()
            );
            for id in HEALTH_DIMENSIONS {
                let cell = m
                    .dimension(id)
                    .and_then(|d| d.score)
                    .map_or_else(|| "–".to_owned(), |x| format!("{x:.1}"));
                let _ = write!(out, " {cell} |");
            }
            out.push('\n');
        }
        for m in self.modules.iter().filter(|m| !m.next_steps.is_empty()) {
            let _ = writeln!(out, "\n**{}**", m.module);
            for s in &m.next_steps {
                let _ = writeln!(out, "- {s}");
            }
        }
        out
    }
}

/// Where `strata health --record` keeps the scores of each recorded commit, until the
/// registry store takes them over (its import reads this file: one JSON document, a list of
/// records, oldest first).
pub const HISTORY_FILE: &str = ".strata/health-history.json";

/// The scores of one commit.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, Serialize)]
pub struct HealthRecord {
    /// The commit scored (empty outside git).
    pub commit: String,
    /// Its committer time (seconds since the epoch; 0 outside git).
    pub time: i64,
    /// Module -> (score, band).
    pub modules: BTreeMap<String, RecordedScore>,
}

#[derive(Clone, Debug, PartialEq, serde::Deserialize, Serialize)]
pub struct RecordedScore {
    pub score: f64,
    pub band: String,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize, Serialize)]
pub struct HealthHistory {
    pub format: u32,
    pub records: Vec<HealthRecord>,
}

#[derive(Debug, thiserror::Error)]
pub enum HealthHistoryError {
    #[error("failed to read `{path}`")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}` is not a health history (line {line}: {message})")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    #[error("failed to write `{path}`")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl HealthHistory {
    /// The history under `root`; empty when none was recorded.
    pub fn load(root: &std::path::Path) -> Result<HealthHistory, HealthHistoryError> {
        let path = root.join(HISTORY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(HealthHistory {
                    format: 1,
                    records: Vec::new(),
                });
            }
            Err(source) => {
                return Err(HealthHistoryError::Read {
                    path: HISTORY_FILE.into(),
                    source,
                });
            }
        };
        serde_json::from_str(&text).map_err(|e| HealthHistoryError::Parse {
            path: HISTORY_FILE.into(),
            line: e.line(),
            message: e.to_string(),
        })
    }

    /// Add the scores of `doc` for `commit` (replacing a record of the same commit) and write
    /// the file atomically.
    pub fn record(
        root: &std::path::Path,
        doc: &HealthDoc,
        commit: &str,
        time: i64,
    ) -> Result<HealthHistory, HealthHistoryError> {
        let mut history = HealthHistory::load(root)?;
        history.format = 1;
        history
            .records
            .retain(|r| r.commit.is_empty() || r.commit != commit);
        history.records.push(HealthRecord {
            commit: commit.to_owned(),
            time,
            modules: doc
                .modules
                .iter()
                .map(|m| {
                    (
                        m.module.clone(),
                        RecordedScore {
                            score: m.score,
                            band: m.band.as_str().to_owned(),
                        },
                    )
                })
                .collect(),
        });
        history.records.sort_by_key(|r| r.time);
        let path = root.join(HISTORY_FILE);
        let write = |source| HealthHistoryError::Write {
            path: HISTORY_FILE.into(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let mut text = serde_json::to_string_pretty(&history).unwrap_or_default();
        text.push('\n');
        strata_workspace::atomic::write_atomic(&path, text.as_bytes()).map_err(write)?;
        Ok(history)
    }

    /// Per module, its scores from the oldest record to the newest, as text.
    pub fn text(&self, only: Option<&str>) -> String {
        use std::fmt::Write as _;
        let mut modules: BTreeSet<&str> = BTreeSet::new();
        for r in &self.records {
            modules.extend(r.modules.keys().map(String::as_str));
        }
        let mut out = String::new();
        for m in modules.into_iter().filter(|m| only.is_none_or(|o| o == *m)) {
            let scores: Vec<String> = self
                .records
                .iter()
                .filter_map(|r| r.modules.get(m).map(|s| format!("{:.1}", s.score)))
                .collect();
            let trend = match (
                self.records.iter().find_map(|r| r.modules.get(m)),
                self.records.iter().rev().find_map(|r| r.modules.get(m)),
            ) {
                (Some(a), Some(b)) if b.score > a.score => "up",
                (Some(a), Some(b)) if b.score < a.score => "down",
                _ => "flat",
            };
            let _ = writeln!(out, "{m}  {}  ({trend})", scores.join(" -> "));
        }
        if self.records.is_empty() {
            out.push_str(
                "no health recorded yet: `strata health --record` records the current commit\n",
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakpoints_interpolate_and_clamp() {
        let b = default_breakpoints("complexity");
        assert!((b.score(5.0) - 10.0).abs() < 1e-9);
        assert!((b.score(15.0) - 8.0).abs() < 1e-9);
        assert!((b.score(25.0) - 4.5).abs() < 1e-9);
        assert!((b.score(100.0)).abs() < 1e-9);
        let rising = default_breakpoints("coverage");
        assert!((rising.score(40.0) - 5.0).abs() < 1e-9);
        assert!((rising.score(95.0) - 10.0).abs() < 1e-9);
        for id in strata_workspace::HEALTH_INPUTS {
            assert!(!default_breakpoints(id).0.is_empty(), "{id} has defaults");
        }
        for id in HEALTH_DIMENSIONS {
            assert!(default_weight(id) > 0.0, "{id} has a weight");
        }
    }

    #[test]
    fn coverage_paths_match_by_root_or_suffix() {
        let by_path: HashMap<&str, usize> = [("svc/a/src/x.py", 0), ("lib/y.ts", 1)]
            .into_iter()
            .collect();
        let root = std::path::Path::new("/repo");
        assert_eq!(
            match_source(root, &by_path, "/repo/svc/a/src/x.py"),
            Some(0)
        );
        assert_eq!(match_source(root, &by_path, "./lib/y.ts"), Some(1));
        assert_eq!(
            match_source(root, &by_path, "/ci/build/checkout/lib/y.ts"),
            Some(1)
        );
        assert_eq!(match_source(root, &by_path, "C:\\w\\lib\\y.ts"), Some(1));
        assert_eq!(match_source(root, &by_path, "/elsewhere/z.ts"), None);
    }
}
