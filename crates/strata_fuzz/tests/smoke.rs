//! A short run of every fuzz target on every build: the committed seeds, every input a fuzzer
//! once crashed on (`fuzz/regressions/<target>/`), and a fixed number of deterministic
//! mutations of the seeds. The long runs use cargo-fuzz (see `fuzz/README.md`).

use std::path::{Path, PathBuf};

use strata_fuzz::TARGETS;

/// Mutations per target; enough to walk off the seeds' happy paths in a few seconds.
const MUTATIONS: usize = 400;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((p.clone(), std::fs::read(&p).ok()?)))
        .collect()
}

/// xorshift64*: the same mutations on every run, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }
}

/// Interesting bytes: structure characters of the formats strata reads.
const DICT: &[&[u8]] = &[
    b"\n",
    b"\r\n",
    b"\r",
    b"\"",
    b"'",
    b"`",
    b"${",
    b"}",
    b"{",
    b"[",
    b"]",
    b"(",
    b")",
    b"/*",
    b"*/",
    b"//",
    b"#",
    b"\\",
    b"::",
    b"..",
    b"../",
    b"import ",
    b"from ",
    b"use ",
    b"mod ",
    b"package ",
    b"require(",
    b"export ",
    b"---\n",
    b"&a ",
    b"*a",
    b": ",
    b"- ",
    b"= ",
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xf0\x9f\x98",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(d.len() + 1);
        match rng.below(6) {
            0 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 => {
                let token = DICT[rng.below(DICT.len())];
                d.splice(at..at, token.iter().copied());
            }
            2 if at < d.len() => {
                let end = (at + 1 + rng.below(32)).min(d.len());
                d.drain(at..end);
            }
            3 => d.truncate(at),
            4 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(64)).min(other.len());
                d.splice(at..at, other[from..end].iter().copied());
            }
            _ if at < d.len() => {
                let end = (at + 1 + rng.below(16)).min(d.len());
                let copy = d[at..end].to_vec();
                d.splice(at..at, copy);
            }
            _ => d.push(b'\n'),
        }
    }
    d
}

#[test]
fn every_target_has_seeds() {
    for (name, _) in TARGETS {
        let seeds = inputs(&fuzz_dir().join("seeds").join(name));
        assert!(!seeds.is_empty(), "no seeds in fuzz/seeds/{name}");
        assert!(
            fuzz_dir().join(format!("fuzz_targets/{name}.rs")).is_file(),
            "no cargo-fuzz target fuzz/fuzz_targets/{name}.rs"
        );
    }
}

#[test]
fn regressions_and_seeds_pass() {
    for (name, body) in TARGETS {
        for kind in ["regressions", "seeds"] {
            for (path, data) in inputs(&fuzz_dir().join(kind).join(name)) {
                let ok = std::panic::catch_unwind(|| body(&data)).is_ok();
                assert!(ok, "{name} fails on {}", path.display());
            }
        }
    }
}

#[test]
fn mutated_seeds_pass() {
    for (t, (name, body)) in TARGETS.iter().enumerate() {
        let seeds = inputs(&fuzz_dir().join("seeds").join(name));
        if seeds.is_empty() {
            continue;
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
        for _ in 0..MUTATIONS {
            let seed = &seeds[rng.below(seeds.len())].1;
            let other = &seeds[rng.below(seeds.len())].1;
            let data = mutate(&mut rng, seed, other);
            let ok = std::panic::catch_unwind(|| body(&data)).is_ok();
            assert!(
                ok,
                "{name} fails on a mutated seed: {:?}",
                String::from_utf8_lossy(&data)
            );
        }
    }
}
