//! Clones: functions and methods whose normalised tokens are the same. Type 1 when their exact
//! tokens are too (a copy), type 2 when only names and literals differ (a copy, renamed).
//!
//! Definitions are grouped by their token codes (hashed, then compared in full, so a hash
//! collision never makes a clone); every pair of a group is reported once, ordered. Two spans of
//! one file where one holds the other (a closure inside its function) are not a clone.

use std::collections::HashMap;

/// A function or method to compare: where it is and its tokens.
#[derive(Clone, Copy, Debug)]
pub struct Unit<'a> {
    /// Index of the file (the caller's numbering).
    pub file: u32,
    pub start_line: u32,
    pub end_line: u32,
    /// Normalised token codes (see `strata_lang::tokens`).
    pub tokens: &'a [u8],
    /// Hash of the exact tokens.
    pub fingerprint: u64,
}

/// Two units with the same normalised tokens; `a < b` (indices into the units).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClonePair {
    pub a: usize,
    pub b: usize,
    /// Type 1: the exact tokens agree too.
    pub exact: bool,
}

/// Groups larger than this report each member paired with the group's first only (a star),
/// not every pair: 40 identical getters are 39 findings, not 780.
pub const MAX_GROUP_PAIRS: usize = 10;

/// Every clone pair among `units` of at least `min_tokens` tokens.
pub fn clone_pairs(units: &[Unit<'_>], min_tokens: usize) -> Vec<ClonePair> {
    let mut groups: HashMap<(usize, u64), Vec<usize>> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        if u.tokens.len() >= min_tokens.max(1) {
            groups
                .entry((u.tokens.len(), hash_codes(u.tokens)))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for members in groups.into_values().filter(|m| m.len() > 1) {
        // Equal hashes: split by the tokens themselves.
        let mut classes: Vec<Vec<usize>> = Vec::new();
        for i in members {
            match classes
                .iter_mut()
                .find(|c| units[c[0]].tokens == units[i].tokens)
            {
                Some(c) => c.push(i),
                None => classes.push(vec![i]),
            }
        }
        for mut class in classes.into_iter().filter(|c| c.len() > 1) {
            class.sort_unstable_by_key(|&i| (units[i].file, units[i].start_line, i));
            let star = class.len() > MAX_GROUP_PAIRS;
            for (x, &i) in class.iter().enumerate() {
                let partners = if star {
                    &class[..x.min(1)]
                } else {
                    &class[..x]
                };
                for &j in partners {
                    let (p, q) = (&units[j], &units[i]);
                    if p.file == q.file && overlaps(p, q) {
                        continue;
                    }
                    out.push(ClonePair {
                        a: j.min(i),
                        b: j.max(i),
                        exact: p.fingerprint == q.fingerprint,
                    });
                }
            }
        }
    }
    out.sort_unstable();
    out
}

/// A hash of token codes, eight at a time: fast, and good enough to group by, since groups
/// are split by the codes themselves.
fn hash_codes(codes: &[u8]) -> u64 {
    let step = |h: u64, w: [u8; 8]| {
        (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
    };
    let mut chunks = codes.chunks_exact(8);
    let h = chunks
        .by_ref()
        .fold(0, |h, c| step(h, c.try_into().unwrap_or_default()));
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    step(h, last)
}

fn overlaps(p: &Unit<'_>, q: &Unit<'_>) -> bool {
    p.start_line <= q.end_line && q.start_line <= p.end_line
}

/// How similar two token streams are, from 0 to 1: the Dice coefficient of their token
/// trigrams (as multisets), so reordered or partly changed code still scores by what it shares.
pub fn similarity(a: &[u8], b: &[u8]) -> f64 {
    Trigrams::build(a, false).similarity(b)
}

/// One token stream's trigrams, counted once to score many others against it with
/// [`Trigrams::similarity`] (what `similar` does for its query).
pub struct Trigrams {
    tokens: Vec<u8>,
    /// Count of each trigram: a table indexed by the packed codes when every code is below
    /// 128 (as strata's are), else a map.
    counts: Counts,
    /// Trigrams taken from `counts` while scoring one stream, to give back after.
    taken: Vec<u32>,
}

enum Counts {
    Table(Vec<u16>),
    Map(HashMap<u32, u32>),
}

fn pack(w: &[u8]) -> u32 {
    u32::from(w[0]) << 16 | u32::from(w[1]) << 8 | u32::from(w[2])
}

/// Index of a trigram of codes below 128 in the table.
fn slot(w: &[u8]) -> usize {
    usize::from(w[0]) << 14 | usize::from(w[1]) << 7 | usize::from(w[2])
}

impl Trigrams {
    /// For scoring many streams: a table of 4 MiB makes each score a pass over the other
    /// stream.
    pub fn new(tokens: &[u8]) -> Trigrams {
        Trigrams::build(tokens, true)
    }

    fn build(tokens: &[u8], table: bool) -> Trigrams {
        let counts = if table && tokens.iter().all(|&c| c < 128) {
            let mut table = vec![0u16; 1 << 21];
            for w in tokens.windows(3) {
                let n = &mut table[slot(w)];
                *n = n.saturating_add(1);
            }
            Counts::Table(table)
        } else {
            let mut map = HashMap::new();
            for w in tokens.windows(3) {
                *map.entry(pack(w)).or_default() += 1;
            }
            Counts::Map(map)
        };
        Trigrams {
            tokens: tokens.to_vec(),
            counts,
            taken: Vec::new(),
        }
    }

    /// The Dice coefficient of these trigrams and `other`'s (see [`similarity`]).
    pub fn similarity(&mut self, other: &[u8]) -> f64 {
        let a = &self.tokens;
        if a.as_slice() == other {
            return 1.0;
        }
        if a.len() < 3 || other.len() < 3 {
            return 0.0;
        }
        let mut shared = 0u32;
        match &mut self.counts {
            Counts::Table(table) if other.iter().all(|&c| c < 128) => {
                for w in other.windows(3) {
                    let i = slot(w);
                    if table[i] > 0 {
                        table[i] -= 1;
                        shared += 1;
                        self.taken.push(u32::try_from(i).unwrap_or(0));
                    }
                }
                for &i in &self.taken {
                    table[i as usize] += 1;
                }
            }
            Counts::Table(_) => {
                // A code the table cannot index: it matches no trigram of this stream.
                return Trigrams::build(other, false).similarity(a);
            }
            Counts::Map(map) => {
                for w in other.windows(3) {
                    let k = pack(w);
                    if let Some(n) = map.get_mut(&k).filter(|n| **n > 0) {
                        *n -= 1;
                        shared += 1;
                        self.taken.push(k);
                    }
                }
                for k in &self.taken {
                    if let Some(n) = map.get_mut(k) {
                        *n += 1;
                    }
                }
            }
        }
        self.taken.clear();
        #[allow(clippy::cast_precision_loss)]
        let total = (a.len() - 2 + other.len() - 2) as f64;
        f64::from(2 * shared) / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(file: u32, start: u32, end: u32, tokens: &[u8], fp: u64) -> Unit<'_> {
        Unit {
            file,
            start_line: start,
            end_line: end,
            tokens,
            fingerprint: fp,
        }
    }

    #[test]
    fn pairs_by_tokens_typed_by_fingerprint() {
        let t1: Vec<u8> = (0u8..60).map(|i| i % 7).collect();
        let t2: Vec<u8> = (0u8..60).map(|i| i % 5).collect();
        let units = [
            unit(0, 1, 10, &t1, 1),
            unit(1, 1, 10, &t1, 1),
            unit(2, 5, 20, &t1, 2),
            unit(3, 1, 10, &t2, 3),
            unit(4, 1, 10, &t1[..40], 1),
        ];
        let pairs = clone_pairs(&units, 50);
        assert_eq!(
            pairs,
            vec![
                ClonePair {
                    a: 0,
                    b: 1,
                    exact: true
                },
                ClonePair {
                    a: 0,
                    b: 2,
                    exact: false
                },
                ClonePair {
                    a: 1,
                    b: 2,
                    exact: false
                },
            ]
        );
        // Below the minimum, nothing.
        assert!(clone_pairs(&units, 61).is_empty());
    }

    #[test]
    fn nested_spans_of_one_file_are_not_clones_and_big_groups_are_stars() {
        let t: Vec<u8> = vec![9; 50];
        let nested = [unit(0, 1, 20, &t, 1), unit(0, 5, 10, &t, 1)];
        assert!(clone_pairs(&nested, 50).is_empty());
        let many: Vec<Unit<'_>> = (0..20).map(|f| unit(f, 1, 5, &t, 1)).collect();
        let pairs = clone_pairs(&many, 50);
        assert_eq!(pairs.len(), 19);
        assert!(pairs.iter().all(|p| p.a == 0));
    }

    #[test]
    fn similarity_of_streams() {
        let a: Vec<u8> = (0u32..100)
            .map(|i| u8::try_from(i * 7 % 31).unwrap())
            .collect();
        let mut b = a.clone();
        assert!((similarity(&a, &b) - 1.0).abs() < 1e-9);
        b[50] = 200;
        let s = similarity(&a, &b);
        assert!(s > 0.9 && s < 1.0, "{s}");
        let c: Vec<u8> = (0u32..100)
            .map(|i| u8::try_from(i * 3 % 11 + 100).unwrap())
            .collect();
        assert!(similarity(&a, &c) < 0.05);
        assert!(similarity(&a[..2], &a[..2]) > 0.99);
    }

    #[test]
    fn one_query_scored_against_many_agrees_with_each_pair_alone() {
        // Streams with repeated trigrams, of several lengths, one with a code past 127.
        let streams: Vec<Vec<u8>> = vec![
            (0u8..80).map(|i| i % 7).collect(),
            (0u8..90).map(|i| i % 5).collect(),
            (0u8..70).map(|i| (i * 3) % 11).collect(),
            [1, 2, 3, 1, 2, 3, 1, 2, 3, 4].to_vec(),
            (0u8..60)
                .map(|i| if i == 30 { 200 } else { i % 7 })
                .collect(),
            vec![1, 2],
        ];
        for a in &streams {
            let mut many = Trigrams::new(a);
            for b in &streams {
                let alone = similarity(a, b);
                assert!((many.similarity(b) - alone).abs() < 1e-12, "{a:?} {b:?}");
                // The same again: scoring gives back what it took.
                assert!((many.similarity(b) - alone).abs() < 1e-12);
                assert!((similarity(b, a) - alone).abs() < 1e-12, "symmetric");
            }
        }
        let (x, y): (Vec<u8>, Vec<u8>) = ((0..9).collect(), (0..9).rev().collect());
        assert!((similarity(&x, &x) - 1.0).abs() < f64::EPSILON);
        assert!(similarity(&x, &y).abs() < f64::EPSILON);
        // Half the trigrams shared: 2 * 3 / (6 + 6).
        let z: Vec<u8> = [0, 1, 2, 3, 4, 9, 9, 9].to_vec();
        assert!((similarity(&x[..8], &z) - 0.5).abs() < 1e-12);
    }
}
