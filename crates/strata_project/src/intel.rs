//! Code intelligence over the scan's definitions: duplicated code (`strata dupes`) and code
//! like a given span or snippet (`strata similar`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use strata_analysis::{Trigrams, Unit, clone_pairs};
use strata_lang::Lang;
use strata_rules::{CloneSpan, CodeClone};

use crate::find::WhyNot;
use crate::{Index, Project};

/// One side of a clone.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CloneSide {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// The owning module; `None` for a file no module owns.
    pub module: Option<String>,
    /// The function or method.
    pub name: String,
}

/// Two functions or methods with the same normalised tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub a: CloneSide,
    pub b: CloneSide,
    /// 1: the same tokens; 2: the same tokens once names and literals are abstracted.
    #[serde(rename = "type")]
    pub kind: u8,
    pub tokens: usize,
    /// The two sides are in different modules.
    pub cross_module: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DupesSummary {
    pub clones: usize,
    pub cross_module: usize,
    /// Lines inside at least one clone side, over all source files.
    pub duplicated_lines: u64,
    /// Lines of every source file.
    pub total_lines: u64,
    /// `duplicated_lines` as a percentage of `total_lines` (two decimals).
    pub duplicated_pct: f64,
}

/// `strata dupes --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DupesDoc {
    pub clones: Vec<Duplicate>,
    pub summary: DupesSummary,
}

/// Options of [`Project::dupes`].
#[derive(Clone, Copy, Debug)]
pub struct DupesOptions {
    /// Smallest clone reported, in tokens.
    pub min_tokens: usize,
    /// Only clones whose sides are in different modules.
    pub cross_module_only: bool,
}

impl Default for DupesOptions {
    fn default() -> Self {
        DupesOptions {
            min_tokens: strata_rules::CLONE_MIN_TOKENS,
            cross_module_only: false,
        }
    }
}

impl Project {
    /// Every clone pair of at least `min_tokens` tokens, as rules see them.
    pub fn code_clones(&self, index: &Index, min_tokens: usize) -> Vec<CodeClone> {
        let facts = index.facts();
        let mut units = Vec::new();
        let mut names = Vec::new();
        for (file, f) in facts.iter().enumerate() {
            for d in f.definitions.iter().filter(|d| d.kind.is_code()) {
                units.push(Unit {
                    file: u32::try_from(file).unwrap_or(u32::MAX),
                    start_line: d.start_line,
                    end_line: d.end_line,
                    tokens: &d.tokens,
                    fingerprint: d.fingerprint,
                });
                names.push(d.name.as_str());
            }
        }
        let span = |i: usize| {
            let u = &units[i];
            let source = &self.sources[u.file as usize];
            CloneSpan {
                path: source.path.clone(),
                start_line: u.start_line,
                end_line: u.end_line,
                module: source.module,
                name: names[i].to_owned(),
            }
        };
        clone_pairs(&units, min_tokens)
            .into_iter()
            .map(|p| CodeClone {
                a: span(p.a),
                b: span(p.b),
                kind: if p.exact { 1 } else { 2 },
                tokens: units[p.a].tokens.len(),
            })
            .collect()
    }

    /// Duplicated functions and methods: cross-module clones first, then by size.
    pub fn dupes(&self, index: &Index, options: DupesOptions) -> DupesDoc {
        let facts = index.facts();
        let side = |s: CloneSpan| CloneSide {
            path: s.path,
            start_line: s.start_line,
            end_line: s.end_line,
            module: s.module.map(|m| self.modules[m].name().to_owned()),
            name: s.name,
        };
        let mut out: Vec<Duplicate> = self
            .code_clones(index, options.min_tokens)
            .into_iter()
            .map(|c| {
                let (a, b) = (side(c.a), side(c.b));
                let cross_module = a.module != b.module;
                Duplicate {
                    tokens: c.tokens,
                    kind: c.kind,
                    cross_module,
                    a,
                    b,
                }
            })
            .filter(|c| c.cross_module || !options.cross_module_only)
            .collect();
        out.sort_by(|x, y| {
            (!x.cross_module, std::cmp::Reverse(x.tokens), &x.a, &x.b).cmp(&(
                !y.cross_module,
                std::cmp::Reverse(y.tokens),
                &y.a,
                &y.b,
            ))
        });
        // Duplicated lines: the union of the clone sides' line ranges, per file.
        let mut ranges: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
        for c in &out {
            for s in [&c.a, &c.b] {
                ranges
                    .entry(s.path.as_str())
                    .or_default()
                    .push((s.start_line, s.end_line));
            }
        }
        let duplicated_lines: u64 = ranges.into_values().map(union_len).sum();
        let total_lines: u64 = facts.iter().map(|f| u64::from(f.lines)).sum();
        #[allow(clippy::cast_precision_loss)]
        let pct = if total_lines == 0 {
            0.0
        } else {
            (duplicated_lines as f64 * 10_000.0 / total_lines as f64).round() / 100.0
        };
        DupesDoc {
            summary: DupesSummary {
                clones: out.len(),
                cross_module: out.iter().filter(|c| c.cross_module).count(),
                duplicated_lines,
                total_lines,
                duplicated_pct: pct,
            },
            clones: out,
        }
    }
}

/// One function or method like the code asked about.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// Stable id: `path#name@line`.
    pub id: String,
    pub path: String,
    pub name: String,
    pub start_line: u32,
    pub end_line: u32,
    pub module: Option<String>,
    /// From 0 to 1: the Dice coefficient of the two token streams' trigrams (1: the same
    /// tokens once names and literals are abstracted).
    pub similarity: f64,
    /// Whether the file the code is in (or will be in) may import it under the rules.
    pub importable: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<WhyNot>,
}

/// `strata similar --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimilarDoc {
    pub matches: Vec<Match>,
    /// Tokens of the code asked about.
    pub tokens: usize,
}

/// What `strata similar` compares: a span of a repository file, or a snippet.
#[derive(Clone, Debug)]
pub enum SimilarQuery {
    /// A span of a repository file (its own definitions there are not matches).
    Span { path: String, start: u32, end: u32 },
    /// Code that exists nowhere yet; `at` is where it would go (for `importable`).
    Snippet {
        lang: Lang,
        code: String,
        at: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum SimilarError {
    #[error("failed to read `{path}`")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` is not a source file strata reads (rs, ts/js, py, go, java)")]
    NotSource(String),
    #[error("lines {start}-{end} are outside `{path}` ({lines} lines)")]
    Lines {
        path: String,
        start: u32,
        end: u32,
        lines: usize,
    },
}

impl Project {
    /// The functions and methods most like `query`, at least `min` similar, best first.
    pub fn similar(
        &self,
        index: &Index,
        query: &SimilarQuery,
        min: f64,
        limit: usize,
    ) -> Result<SimilarDoc, SimilarError> {
        let (lang, code, own, at) = match query {
            SimilarQuery::Span { path, start, end } => {
                let lang =
                    Lang::from_path(path).ok_or_else(|| SimilarError::NotSource(path.clone()))?;
                let bytes =
                    std::fs::read(self.root.join(path)).map_err(|source| SimilarError::Read {
                        path: path.clone(),
                        source,
                    })?;
                let text = String::from_utf8_lossy(&bytes);
                let lines: Vec<&str> = text.lines().collect();
                // `u32::MAX`: to the end of the file.
                let e = if *end == u32::MAX {
                    lines.len()
                } else {
                    *end as usize
                };
                let s = *start as usize;
                if s == 0 || s > e || e > lines.len() {
                    return Err(SimilarError::Lines {
                        path: path.clone(),
                        start: *start,
                        end: u32::try_from(e).unwrap_or(u32::MAX),
                        lines: lines.len(),
                    });
                }
                let code = lines[s - 1..e].join("\n");
                let end = u32::try_from(e).unwrap_or(u32::MAX);
                (
                    lang,
                    code,
                    Some((path.as_str(), *start, end)),
                    Some(path.clone()),
                )
            }
            SimilarQuery::Snippet { lang, code, at } => (*lang, code.clone(), None, at.clone()),
        };
        let tokens = strata_lang::token_codes(lang, code.as_bytes());
        let mut query_grams = Trigrams::new(&tokens);
        let facts = index.facts();
        let mut scored: Vec<(f64, usize, usize)> = Vec::new();
        for (file, f) in facts.iter().enumerate() {
            let source = &self.sources[file];
            if source.lang != lang {
                continue;
            }
            for (k, d) in f.definitions.iter().enumerate() {
                if !d.kind.is_code() || d.tokens.is_empty() {
                    continue;
                }
                if let Some((path, s, e)) = own {
                    if source.path == path && d.start_line <= e && s <= d.end_line {
                        continue;
                    }
                }
                // Dice >= min needs the shorter stream to be at least min/(2-min) of the
                // longer: skip the rest without counting trigrams.
                let (a, b) = (
                    tokens.len().min(d.tokens.len()),
                    tokens.len().max(d.tokens.len()),
                );
                #[allow(clippy::cast_precision_loss)]
                if (a as f64) < (b as f64) * min / (2.0 - min) {
                    continue;
                }
                let sim = query_grams.similarity(&d.tokens);
                if sim >= min {
                    scored.push((sim, file, k));
                }
            }
        }
        scored.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then_with(|| self.sources[x.1].path.cmp(&self.sources[y.1].path))
                .then_with(|| x.2.cmp(&y.2))
        });
        scored.truncate(limit);
        let targets: BTreeSet<usize> = scored.iter().map(|&(_, f, _)| f).collect();
        let verdicts = at
            .as_deref()
            .map(|at| self.importable(index, at, &targets))
            .unwrap_or_default();
        let matches = scored
            .into_iter()
            .map(|(sim, file, k)| {
                let d = &facts[file].definitions[k];
                let source = &self.sources[file];
                let why_not = verdicts.get(&file).cloned().unwrap_or_default();
                Match {
                    id: format!("{}#{}@{}", source.path, d.name, d.start_line),
                    path: source.path.clone(),
                    name: d.name.clone(),
                    start_line: d.start_line,
                    end_line: d.end_line,
                    module: source.module.map(|m| self.modules[m].name().to_owned()),
                    similarity: (sim * 1000.0).round() / 1000.0,
                    importable: why_not.is_empty(),
                    why_not,
                }
            })
            .collect();
        Ok(SimilarDoc {
            matches,
            tokens: tokens.len(),
        })
    }
}

/// Lines covered by a set of inclusive ranges.
pub(crate) fn union_len(mut ranges: Vec<(u32, u32)>) -> u64 {
    ranges.sort_unstable();
    let mut total = 0u64;
    let mut current: Option<(u32, u32)> = None;
    for (s, e) in ranges {
        match current {
            Some((cs, ce)) if s <= ce.saturating_add(1) => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += u64::from(ce - cs + 1);
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += u64::from(ce - cs + 1);
    }
    total
}

impl SimilarDoc {
    /// The human-readable report.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for m in &self.matches {
            let module = m.module.as_deref().unwrap_or("(no module)");
            let importable = if m.importable {
                "importable"
            } else {
                "not importable"
            };
            let _ = writeln!(
                out,
                "{:.0}%  {}:{}-{}  {}  ({module}, {importable})",
                m.similarity * 100.0,
                m.path,
                m.start_line,
                m.end_line,
                m.name
            );
            for w in &m.why_not {
                let _ = writeln!(out, "      {}: {}", w.rule, w.message);
            }
        }
        if self.matches.is_empty() {
            let _ = writeln!(out, "nothing similar ({} tokens compared)", self.tokens);
        }
        out
    }
}

impl DupesDoc {
    /// The human-readable report.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let module = |s: &CloneSide| s.module.clone().unwrap_or_else(|| "(no module)".into());
        for c in &self.clones {
            let where_ = if c.cross_module {
                format!("{} and {}", module(&c.a), module(&c.b))
            } else {
                format!("within {}", module(&c.a))
            };
            let _ = writeln!(
                out,
                "clone, type {} ({} tokens), {where_}\n  {}:{}-{}  {}\n  {}:{}-{}  {}",
                c.kind,
                c.tokens,
                c.a.path,
                c.a.start_line,
                c.a.end_line,
                c.a.name,
                c.b.path,
                c.b.start_line,
                c.b.end_line,
                c.b.name,
            );
        }
        let s = &self.summary;
        let _ = writeln!(
            out,
            "{} {} ({} across modules); {} duplicated lines, {:.2}% of {}",
            s.clones,
            if s.clones == 1 { "clone" } else { "clones" },
            s.cross_module,
            s.duplicated_lines,
            s.duplicated_pct,
            s.total_lines,
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::union_len;

    #[test]
    fn union_of_line_ranges() {
        assert_eq!(union_len(vec![]), 0);
        assert_eq!(union_len(vec![(1, 10), (5, 12), (14, 14)]), 13);
        assert_eq!(union_len(vec![(3, 3), (4, 6)]), 4);
    }
}
