//! `strata context`: the files and line ranges most worth reading for a task, within a token
//! budget, with the reason for each and the rules that apply.
//!
//! Seeds are the files named in the request, or, for a task in words, the files whose
//! definitions and paths share the task's words. The import graph spreads their weight to the
//! files they import and the files importing them (half per step, two steps). Seeds give their
//! matching definitions (or the whole file when named); the rest give their signatures, like a
//! map of the code around. Items are taken best first while they fit the budget; what does not
//! fit is listed with its size.
//!
//! Tokens are estimated by [`estimate_tokens`], calibrated to stay above a real tokenizer's
//! count on real code (checked in `realcode/`), so a budget is never exceeded in real tokens.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;
use strata_lang::Visibility;

use crate::find::{contains_ignore_case, words};
use crate::{Index, Project};

/// One piece of context.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContextItem {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// `file` (all of it), `definition` (one function, type or constant), or `signatures`
    /// (the declarations of its exported definitions, one a line).
    pub kind: &'static str,
    pub reason: String,
    pub tokens: usize,
    pub text: String,
}

/// What was left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Omitted {
    pub path: String,
    pub reason: String,
    pub tokens: usize,
}

/// `strata context --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContextDoc {
    pub items: Vec<ContextItem>,
    pub used_tokens: usize,
    pub budget_tokens: usize,
    pub omitted: Vec<Omitted>,
    /// What the modules involved may import, one sentence each.
    pub rules: Vec<String>,
}

/// What `strata context` is asked about.
#[derive(Clone, Debug)]
pub enum ContextQuery {
    /// A task in words.
    Task(String),
    /// Repository files to work on.
    Paths(Vec<String>),
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("`{0}` is not a source file of the repository")]
    NotSource(String),
    #[error("the task has no word strata can look for")]
    NoWords,
}

/// Tokens a text costs a language model, estimated from above: a run of letters costs one
/// token per 6 (at least one), a run of digits one per 3, a run of other visible characters
/// one per 2, each line break one, other white space nothing; then a tenth more and two more
/// (short texts tokenize worst). On the real-code suite's five code bases this is about 1.3
/// times the count of the o200k tokenizer in all, and never below it for any item
/// (`realcode/tokens.py` checks it in every CI run).
pub fn estimate_tokens(text: &str) -> usize {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Digit,
        Other,
        Space,
    }
    let class = |c: char| {
        if c.is_ascii_alphabetic() || c == '_' {
            Class::Word
        } else if c.is_ascii_digit() {
            Class::Digit
        } else if c.is_whitespace() {
            Class::Space
        } else {
            Class::Other
        }
    };
    let cost = |class: Class, n: usize| match class {
        Class::Word => n.div_ceil(6),
        Class::Digit => n.div_ceil(3),
        Class::Other => n.div_ceil(2),
        Class::Space => 0,
    };
    let mut total = 0;
    let mut run: Option<(Class, usize)> = None;
    for c in text.chars() {
        if c == '\n' {
            total += 1;
        }
        let k = class(c);
        run = match run {
            Some((r, n)) if r == k => Some((r, n + 1)),
            Some((r, n)) => {
                total += cost(r, n);
                Some((k, 1))
            }
            None => Some((k, 1)),
        };
    }
    if let Some((r, n)) = run {
        total += cost(r, n);
    }
    if total == 0 {
        return 0;
    }
    total + total.div_ceil(10) + 2
}

/// Words too common in task descriptions to say anything about the code.
const STOP: &[&str] = &[
    "a", "an", "and", "add", "all", "as", "at", "be", "by", "can", "change", "do", "does", "fix",
    "for", "from", "how", "if", "in", "into", "is", "it", "its", "make", "new", "not", "of", "on",
    "or", "so", "that", "the", "then", "this", "to", "up", "use", "when", "where", "which", "with",
];

struct Candidate {
    score: f64,
    reason: String,
    /// Definitions to show (indices into the file's definitions, and why each); empty:
    /// signatures or the whole file.
    defs: Vec<(usize, String)>,
    named: bool,
}

impl Project {
    /// Context for a task or for files, within `budget` estimated tokens.
    pub fn context(
        &self,
        index: &Index,
        query: &ContextQuery,
        budget: usize,
    ) -> Result<ContextDoc, ContextError> {
        let facts = index.facts();
        let mut cands: BTreeMap<usize, Candidate> = BTreeMap::new();
        match query {
            ContextQuery::Paths(paths) => {
                for p in paths {
                    let p = p.trim_start_matches("./");
                    let file = self
                        .sources
                        .iter()
                        .position(|s| s.path == p)
                        .ok_or_else(|| ContextError::NotSource(p.to_owned()))?;
                    cands.insert(
                        file,
                        Candidate {
                            score: 1.0,
                            reason: "named in the request".into(),
                            defs: Vec::new(),
                            named: true,
                        },
                    );
                }
            }
            ContextQuery::Task(task) => {
                let wanted: BTreeSet<String> = words(task)
                    .into_iter()
                    .filter(|w| w.len() >= 3 && !STOP.contains(&w.as_str()))
                    .collect();
                if wanted.is_empty() {
                    return Err(ContextError::NoWords);
                }
                // A task word matches a name word when one starts the other (`invoice` and
                // `invoices`), both being at least four letters, or when they are equal.
                let alike = |w: &str, n: &str| {
                    w == n
                        || (w.len() >= 4 && n.len() >= 4 && (w.starts_with(n) || n.starts_with(w)))
                };
                let hits = |names: &[String]| -> Vec<String> {
                    wanted
                        .iter()
                        .filter(|w| names.iter().any(|n| alike(w, n)))
                        .cloned()
                        .collect()
                };
                // A name can match only if it holds a task word's first four letters.
                let stems: Vec<&str> = wanted.iter().map(|w| &w[..w.len().min(4)]).collect();
                let may = |name: &str| stems.iter().any(|s| contains_ignore_case(name, s));
                for (file, f) in facts.iter().enumerate() {
                    let path = &self.sources[file].path;
                    let in_path = if may(path) {
                        hits(&words(path))
                    } else {
                        Vec::new()
                    };
                    let mut best: Vec<(f64, usize, Vec<String>)> = Vec::new();
                    for (k, d) in f.definitions.iter().enumerate() {
                        if !may(&d.name) {
                            continue;
                        }
                        let h = hits(&words(&d.name));
                        if !h.is_empty() {
                            #[allow(clippy::cast_precision_loss)]
                            let s = h.len() as f64 / wanted.len() as f64;
                            best.push((s, k, h));
                        }
                    }
                    if best.is_empty() && in_path.is_empty() {
                        continue;
                    }
                    best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                    best.truncate(3);
                    #[allow(clippy::cast_precision_loss)]
                    let path_score = in_path.len() as f64 / wanted.len() as f64;
                    let def_score = best.first().map_or(0.0, |b| b.0);
                    let score = def_score + 0.5 * path_score;
                    let reason = match best.first() {
                        Some((_, k, h)) => format!(
                            "defines `{}`, which matches {}",
                            f.definitions[*k].name,
                            quoted(h)
                        ),
                        None => format!("its path matches {}", quoted(&in_path)),
                    };
                    cands.insert(
                        file,
                        Candidate {
                            score,
                            reason,
                            defs: best
                                .iter()
                                .map(|(_, k, h)| {
                                    let name = &f.definitions[*k].name;
                                    (*k, format!("defines `{name}`, which matches {}", quoted(h)))
                                })
                                .collect(),
                            named: false,
                        },
                    );
                }
                // Only the strongest seeds spread: the weakest matches are noise.
                let mut seeds: Vec<(usize, f64)> =
                    cands.iter().map(|(f, c)| (*f, c.score)).collect();
                seeds.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let keep: BTreeSet<usize> = seeds.iter().take(50).map(|s| s.0).collect();
                cands.retain(|f, _| keep.contains(f));
            }
        }
        self.spread(index, &mut cands);

        // Rank and fill the budget.
        let mut ranked: Vec<(usize, &Candidate)> = cands.iter().map(|(f, c)| (*f, c)).collect();
        ranked.sort_by(|a, b| {
            b.1.score
                .total_cmp(&a.1.score)
                .then_with(|| self.sources[a.0].path.cmp(&self.sources[b.0].path))
        });
        let mut items = Vec::new();
        let mut omitted = Vec::new();
        let mut used = 0;
        // Takes `item` when it fits the budget left; gives it back when it does not.
        let mut take = |item: ContextItem, items: &mut Vec<ContextItem>| {
            if used + item.tokens <= budget {
                used += item.tokens;
                items.push(item);
                Ok(())
            } else {
                Err(item)
            }
        };
        for (file, cand) in ranked {
            let path = &self.sources[file].path;
            let f = &facts[file];
            // Named files and definitions first; signatures when nothing bigger fits, or for
            // files that are context rather than the subject. Only the first two need the text.
            let lines = if cand.named || !cand.defs.is_empty() {
                read_lines(&self.root.join(path))
            } else {
                Vec::new()
            };
            let mut placed = false;
            if cand.named && !lines.is_empty() {
                let whole = item(path, 1, lines.len(), "file", &cand.reason, &lines);
                match take(whole, &mut items) {
                    Ok(()) => placed = true,
                    Err(whole) => omitted.push(Omitted {
                        path: path.clone(),
                        reason: "the whole file is over the budget left".into(),
                        tokens: whole.tokens,
                    }),
                }
            }
            if !placed && !lines.is_empty() {
                for (k, why) in &cand.defs {
                    let d = &f.definitions[*k];
                    let start = d.start_line as usize;
                    let o = item(path, start, d.end_line as usize, "definition", why, &lines);
                    match take(o, &mut items) {
                        Ok(()) => placed = true,
                        Err(o) => omitted.push(Omitted {
                            path: format!("{}:{}-{}", o.path, o.start_line, o.end_line),
                            reason: "over the budget left".into(),
                            tokens: o.tokens,
                        }),
                    }
                }
            }
            if placed {
                continue;
            }
            let signatures: Vec<String> = f
                .definitions
                .iter()
                .filter(|d| d.visibility == Visibility::Public && !d.signature.is_empty())
                .map(|d| format!("{}: {}", d.start_line, d.signature))
                .collect();
            if signatures.is_empty() {
                continue;
            }
            let text = signatures.join("\n") + "\n";
            let sig = ContextItem {
                path: path.clone(),
                start_line: f.definitions.first().map_or(1, |d| d.start_line),
                end_line: f.definitions.last().map_or(1, |d| d.end_line),
                kind: "signatures",
                reason: cand.reason.clone(),
                tokens: estimate_tokens(&text),
                text,
            };
            if let Err(sig) = take(sig, &mut items) {
                omitted.push(Omitted {
                    path: path.clone(),
                    reason: "its signatures are over the budget left".into(),
                    tokens: sig.tokens,
                });
            }
        }
        let rules = self.context_rules(items.iter().map(|i| i.path.as_str()));
        Ok(ContextDoc {
            items,
            used_tokens: used,
            budget_tokens: budget,
            omitted,
            rules,
        })
    }

    /// Half of each seed's weight to the files it imports and the files importing it, and a
    /// quarter one step further.
    fn spread(&self, index: &Index, cands: &mut BTreeMap<usize, Candidate>) {
        let mut out_edges: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut in_edges: HashMap<usize, Vec<usize>> = HashMap::new();
        for e in &index.file_edges {
            out_edges
                .entry(e.from as usize)
                .or_default()
                .push(e.to as usize);
            in_edges
                .entry(e.to as usize)
                .or_default()
                .push(e.from as usize);
        }
        let mut frontier: Vec<(usize, f64)> = cands.iter().map(|(f, c)| (*f, c.score)).collect();
        for step in 0..2 {
            let mut next = Vec::new();
            for &(file, score) in &frontier {
                let from = &self.sources[file].path;
                for (dir, list) in [("imported by", &out_edges), ("imports", &in_edges)] {
                    for &n in list.get(&file).map(Vec::as_slice).unwrap_or_default() {
                        let s = score * 0.5;
                        let reason = if step == 0 {
                            format!("{dir} `{from}`")
                        } else {
                            format!("{dir} `{from}`, one step further")
                        };
                        match cands.get_mut(&n) {
                            Some(c) if c.score >= s => {}
                            Some(c) if !c.named && c.defs.is_empty() => {
                                c.score = s;
                                c.reason = reason;
                            }
                            Some(_) => {}
                            None => {
                                cands.insert(
                                    n,
                                    Candidate {
                                        score: s,
                                        reason,
                                        defs: Vec::new(),
                                        named: false,
                                    },
                                );
                                next.push((n, s));
                            }
                        }
                    }
                }
            }
            frontier = next;
        }
    }

    /// One sentence per module involved: what it may import and through which files.
    fn context_rules<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Vec<String> {
        let modules: BTreeSet<usize> = paths
            .filter_map(|p| self.sources.iter().find(|s| s.path == p)?.module)
            .collect();
        let mut out = Vec::new();
        for m in modules {
            let module = &self.modules[m];
            let Some(schema) = module.declared.schema.as_ref() else {
                continue;
            };
            let deps: Vec<String> = schema
                .depends_on
                .iter()
                .map(|d| {
                    let name = d.value.name();
                    let through = self
                        .module(name)
                        .and_then(|t| t.declared.schema.as_ref())
                        .map(|s| s.interfaces.clone())
                        .unwrap_or_default();
                    if through.is_empty() {
                        format!("`{name}`")
                    } else {
                        format!("`{name}` (through {})", through.join(", "))
                    }
                })
                .collect();
            let mut sentence = format!("`{}`", module.name());
            if let Some(lane) = &schema.lane {
                let _ = write!(sentence, " (lane {}", lane.value);
                if let Some(layer) = &schema.layer {
                    let _ = write!(sentence, ", layer {}", layer.value);
                }
                sentence.push(')');
            }
            if deps.is_empty() {
                sentence.push_str(" may import no other module");
            } else {
                let _ = write!(sentence, " may import {}", deps.join(", "));
            }
            if !schema.interfaces.is_empty() {
                let _ = write!(
                    sentence,
                    "; other modules reach it through {}",
                    schema.interfaces.join(", ")
                );
            }
            out.push(sentence);
        }
        out
    }
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read(path)
        .map(|b| {
            String::from_utf8_lossy(&b)
                .lines()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn item(
    path: &str,
    start: usize,
    end: usize,
    kind: &'static str,
    reason: &str,
    lines: &[String],
) -> ContextItem {
    let start = start.max(1).min(lines.len());
    let end = end.clamp(start, lines.len());
    let text = lines[start - 1..end].join("\n") + "\n";
    ContextItem {
        path: path.to_owned(),
        start_line: u32::try_from(start).unwrap_or(u32::MAX),
        end_line: u32::try_from(end).unwrap_or(u32::MAX),
        kind,
        reason: reason.to_owned(),
        tokens: estimate_tokens(&text),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::estimate_tokens;

    #[test]
    fn estimates_by_character_class() {
        // Raw count r, then r + ceil(r / 10) + 2.
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("    \t  "), 0);
        assert_eq!(estimate_tokens("abcdef"), 1 + 1 + 2);
        assert_eq!(estimate_tokens("abcdefg"), 2 + 1 + 2);
        assert_eq!(estimate_tokens("x = 1234;\n"), 6 + 1 + 2);
        assert_eq!(estimate_tokens("é"), 1 + 1 + 2);
        let long = "word ".repeat(100);
        assert_eq!(estimate_tokens(&long), 100 + 10 + 2);
    }
}
