//! `strata find`: definitions by name, identifier-aware, ranked by match quality, then by how
//! much the code is used (fan-in) and whether it is part of its module's interface; with
//! `--from`, whether a file there may import each hit under the rules.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use strata_lang::{DefKind, Definition, Lang, Visibility};
use strata_rules::Interfaces;

use crate::check_plan::{IMPORT_RULES, Scenario, language_mismatch};
use crate::{Index, Project};

/// One definition found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// Stable id: `path#name@line`.
    pub id: String,
    pub symbol: String,
    pub kind: DefKind,
    pub signature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub path: String,
    pub line: u32,
    pub end_line: u32,
    pub module: Option<String>,
    /// Exported from its file (`pub`, `export`, capitalised, `public`).
    pub exported: bool,
    /// Its file is part of its module's interface.
    pub interface: bool,
    /// Files importing its file.
    pub fan_in: usize,
    /// Match quality, from 0 to 1 (1: the exact name).
    pub score: f64,
    /// With `--from`: whether a file there may import it without breaking a rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importable: Option<bool>,
    /// With `--from`, when not importable: the findings the import would cause.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<WhyNot>,
}

/// A rule an import would break.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct WhyNot {
    pub rule: String,
    pub message: String,
}

/// `strata find --format json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindDoc {
    pub query: String,
    pub hits: Vec<Hit>,
    /// Matches beyond `--limit`.
    pub omitted: usize,
}

/// Options of [`Project::find`].
#[derive(Clone, Debug, Default)]
pub struct FindOptions {
    /// `fn`, `type` or `const`.
    pub kind: Option<String>,
    pub module: Option<String>,
    /// A repository path (existing or not) to judge importability from.
    pub from: Option<String>,
    pub limit: usize,
}

/// The words of an identifier or a query, lower-cased: `getHTTPResponse2` -> get, http,
/// response, 2; `parse_json-file` -> parse, json, file.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (p, c) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase() && c.is_uppercase() && next_lower)
                || (p.is_alphabetic() != c.is_alphabetic());
            if boundary {
                out.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        if start < chars.len() {
            out.push(chars[start..].iter().collect::<String>().to_lowercase());
        }
    }
    out
}

/// How well `name` matches the query, 0 (no match) to 1000 (the exact name).
pub fn match_score(name: &str, query: &str, qwords: &[String]) -> u32 {
    if name == query {
        return 1000;
    }
    let nwords = words(name);
    let joined = |w: &[String]| w.concat();
    let (nj, qj) = (joined(&nwords), joined(qwords));
    if qj.is_empty() {
        return 0;
    }
    let extra = |used: usize| u32::try_from(nwords.len().saturating_sub(used)).unwrap_or(99);
    if nj == qj {
        return 950;
    }
    // The query's words as a run of the name's words: `user id` in `load_user_id`.
    if nwords.windows(qwords.len()).any(|w| w == qwords) {
        return 800u32.saturating_sub(10 * extra(qwords.len()));
    }
    // Each query word the start of a name word, in order: `get usr` in `getUserName`.
    if prefixes_in_order(&nwords, qwords) {
        return 650u32.saturating_sub(10 * extra(qwords.len()));
    }
    // An abbreviation: the initials of the name's words, `gcu` for `getCurrentUser`.
    if qwords.len() == 1 && qj.len() >= 2 {
        let initials: String = nwords.iter().filter_map(|w| w.chars().next()).collect();
        if initials == qj {
            return 550;
        }
        if initials.starts_with(&qj) {
            return 500;
        }
    }
    if nj.contains(&qj) {
        return 400u32.saturating_sub(5 * extra(0).min(20));
    }
    0
}

/// Whether `hay` holds `needle` (lower-case ASCII) ignoring ASCII case.
pub(crate) fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    if h.len() < n.len() {
        return false;
    }
    let last_start = h.len() - n.len();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &h[..=last_start])
        .any(|i| h[i + 1..i + n.len()].eq_ignore_ascii_case(rest))
}

/// Whether the letters of `needle` (lower-case ASCII) appear in `hay` in order, ignoring case.
fn subsequence_ignore_case(hay: &str, needle: &str) -> bool {
    let mut want = needle.bytes().peekable();
    for b in hay.bytes() {
        if want.peek().is_some_and(|w| b.eq_ignore_ascii_case(w)) {
            want.next();
        }
    }
    want.peek().is_none()
}

/// A cheap necessary condition for [`match_score`] > 0, so most names are never split into
/// words: every tier but initials needs the first query word inside the name; initials need
/// the first letter, then the query's letters in order.
fn may_match(name: &str, query: &str, qwords: &[String]) -> bool {
    let Some(first) = qwords.first() else {
        return name == query;
    };
    name == query
        || contains_ignore_case(name, first)
        || (qwords.len() == 1
            && name
                .bytes()
                .next()
                .zip(first.bytes().next())
                .is_some_and(|(a, b)| a.eq_ignore_ascii_case(&b))
            && subsequence_ignore_case(name, first))
}

fn prefixes_in_order(nwords: &[String], qwords: &[String]) -> bool {
    let mut i = 0;
    for q in qwords {
        match nwords[i..].iter().position(|w| w.starts_with(q.as_str())) {
            Some(k) => i += k + 1,
            None => return false,
        }
    }
    true
}

/// Every definition's name, ASCII-lower-cased, in one text (`\n` between names), so a query
/// word is looked for in all of them with one substring search. Built once per index.
pub(crate) struct Symbols {
    lower: Vec<u8>,
    /// Where each name starts in `lower`.
    starts: Vec<u32>,
    /// Each name's (file, definition index).
    refs: Vec<(u32, u32)>,
}

impl Symbols {
    pub(crate) fn new(facts: &[strata_lang::FileFacts]) -> Symbols {
        let mut out = Symbols {
            lower: Vec::new(),
            starts: Vec::new(),
            refs: Vec::new(),
        };
        for (file, f) in facts.iter().enumerate() {
            for (k, d) in f.definitions.iter().enumerate() {
                out.starts
                    .push(u32::try_from(out.lower.len()).unwrap_or(u32::MAX));
                out.refs.push((
                    u32::try_from(file).unwrap_or(u32::MAX),
                    u32::try_from(k).unwrap_or(u32::MAX),
                ));
                // A name holds no newline; the lower-casing keeps byte offsets.
                out.lower
                    .extend(d.name.bytes().map(|b| b.to_ascii_lowercase()));
                out.lower.push(b'\n');
            }
        }
        out
    }

    fn name(&self, i: usize) -> &[u8] {
        let start = self.starts[i] as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.lower.len(), |&e| e as usize);
        &self.lower[start..end - 1]
    }

    /// The (file, definition) of every name [`may_match`] could accept, in file order: those
    /// holding the query's first word; for a one-word query also those starting with its
    /// first letter (initials); those equal to the query when it has no word.
    fn candidates(&self, query: &str, qwords: &[String]) -> Vec<(usize, usize)> {
        let mut hits: Vec<usize> = Vec::new();
        match qwords.first() {
            Some(first) => {
                for pos in memchr::memmem::find_iter(&self.lower, first.as_bytes()) {
                    let at = u32::try_from(pos).unwrap_or(u32::MAX);
                    hits.push(self.starts.partition_point(|&s| s <= at) - 1);
                }
                let letter = first.as_bytes()[0];
                if qwords.len() == 1 {
                    hits.extend(
                        (0..self.starts.len())
                            .filter(|&i| self.lower.get(self.starts[i] as usize) == Some(&letter)),
                    );
                }
            }
            None => {
                let q = query.to_ascii_lowercase();
                hits.extend((0..self.starts.len()).filter(|&i| self.name(i) == q.as_bytes()));
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .map(|i| (self.refs[i].0 as usize, self.refs[i].1 as usize))
            .collect()
    }
}

impl Project {
    /// Definitions matching `query`, best first.
    pub fn find(&self, index: &Index, query: &str, options: &FindOptions) -> FindDoc {
        let qwords = words(query);
        let facts = index.facts();
        let declared = self.declared_modules();
        let interfaces = Interfaces::new(&declared);
        let fan_in = index.fan_in();
        let module_filter = options
            .module
            .as_deref()
            .map(|m| self.modules.iter().position(|x| x.name() == m));
        let symbols = index.symbols();
        let mut found: Vec<(u32, usize, &Definition)> = Vec::new();
        for (file, k) in symbols.candidates(query, &qwords) {
            let source = &self.sources[file];
            if let Some(want) = module_filter {
                if source.module != want {
                    continue;
                }
            }
            let d = &facts[file].definitions[k];
            if options.kind.as_deref().is_some_and(|k| d.kind.group() != k) {
                continue;
            }
            if !may_match(&d.name, query, &qwords) {
                continue;
            }
            let score = match_score(&d.name, query, &qwords);
            if score > 0 {
                found.push((score, file, d));
            }
        }
        let interface = |file: usize| {
            let s = &self.sources[file];
            s.module.is_some_and(|m| interfaces.contains(m, &s.path))
        };
        found.sort_by_cached_key(|&(score, file, d)| {
            (
                std::cmp::Reverse(score),
                std::cmp::Reverse(fan_in[file]),
                !interface(file),
                d.visibility != Visibility::Public,
                self.sources[file].path.as_str(),
                d.start_line,
            )
        });
        let omitted = found.len().saturating_sub(options.limit);
        found.truncate(options.limit);
        let mut hits: Vec<Hit> = found
            .iter()
            .map(|&(score, file, d)| {
                let source = &self.sources[file];
                Hit {
                    id: format!("{}#{}@{}", source.path, d.name, d.start_line),
                    symbol: d.name.clone(),
                    kind: d.kind,
                    signature: d.signature.clone(),
                    doc: d.doc.clone(),
                    path: source.path.clone(),
                    line: d.start_line,
                    end_line: d.end_line,
                    module: source.module.map(|m| self.modules[m].name().to_owned()),
                    exported: d.visibility == Visibility::Public,
                    interface: interface(file),
                    fan_in: fan_in[file],
                    score: f64::from(score) / 1000.0,
                    importable: None,
                    why_not: Vec::new(),
                }
            })
            .collect();
        if let Some(from) = &options.from {
            let targets: BTreeSet<usize> = found.iter().map(|&(_, file, _)| file).collect();
            let verdicts = self.importable(index, from, &targets);
            for (hit, &(_, file, _)) in hits.iter_mut().zip(&found) {
                let why = verdicts.get(&file).cloned().unwrap_or_default();
                hit.importable = Some(why.is_empty());
                hit.why_not = why;
            }
        }
        FindDoc {
            query: query.to_owned(),
            hits,
            omitted,
        }
    }

    /// The module a file at `path` would belong to: the one whose root is the longest folder
    /// holding it.
    pub fn owner_of(&self, path: &str) -> Option<usize> {
        self.modules
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                let root = &m.declared.root;
                root.is_empty()
                    || path
                        .strip_prefix(root.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|(_, m)| m.declared.root.len())
            .map(|(i, _)| i)
    }

    /// For each target file, the rules an import of it from `from` would break (empty: the
    /// import is allowed). `from` need not exist: a file planned there belongs to the module
    /// whose root holds it. Judged as [`Project::check_plan`] judges a plan, on the import
    /// rules (cycles are `check_plan`'s to report): what `strata check` would say once the
    /// imports are written.
    pub fn importable(
        &self,
        index: &Index,
        from: &str,
        targets: &BTreeSet<usize>,
    ) -> BTreeMap<usize, Vec<WhyNot>> {
        let from = from.trim_start_matches("./");
        let from_lang = Lang::from_path(from);
        let mut sc = Scenario::new(self);
        // A file of no language strata reads is judged by its place only.
        let node = sc.node(self, from, from_lang.unwrap_or(Lang::Rust), None);
        let mut out: BTreeMap<usize, Vec<WhyNot>> = BTreeMap::new();
        let mut judged = Vec::new();
        for &t in targets {
            let target = &self.sources[t];
            match from_lang.filter(|&l| l != target.lang) {
                Some(l) => {
                    let message = language_mismatch(l, target);
                    out.insert(
                        t,
                        vec![WhyNot {
                            rule: "language".into(),
                            message,
                        }],
                    );
                }
                None => {
                    let to = u32::try_from(t).unwrap_or(u32::MAX);
                    sc.add_edge(self, index, node, to);
                    judged.push((t, to));
                }
            }
        }
        let findings = self.judge(index, &sc, IMPORT_RULES);
        for (t, to) in judged {
            let why: BTreeSet<WhyNot> = sc
                .touching(self, node, to, &findings)
                .map(|d| WhyNot {
                    rule: d.rule.to_owned(),
                    message: d.message.clone(),
                })
                .collect();
            out.insert(t, why.into_iter().collect());
        }
        out
    }
}
