//! How long `find` and `similar` take on an index already in memory (what a long-running
//! server answers from): `cargo run --release -p strata_project --example intel_latency -- ROOT
//! [QUERIES]`. Names to find and spans to match are sampled evenly from the repository's own
//! definitions; each query is timed alone. Prints one Markdown table row per kind of query.

// Printing is what this program is for.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use strata_project::{FindOptions, LoadOptions, Project, SimilarQuery};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: intel_latency ROOT [QUERIES]");
        std::process::exit(2);
    };
    let queries: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let start = Instant::now();
    let project = match Project::load(&LoadOptions {
        root: Some(root.into()),
        ..LoadOptions::default()
    }) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let index = project.index();
    let facts = index.facts();
    eprintln!(
        "{} files indexed in {:.2} s",
        project.sources.len(),
        start.elapsed().as_secs_f64()
    );

    // Every definition, then an even sample of them.
    let all: Vec<(usize, &strata_lang::Definition)> = facts
        .iter()
        .enumerate()
        .flat_map(|(file, f)| f.definitions.iter().map(move |d| (file, d)))
        .collect();
    let step = (all.len() / queries.max(1)).max(1);
    let sample: Vec<_> = all.iter().step_by(step).take(queries).collect();
    let code: Vec<_> = all
        .iter()
        .filter(|(_, d)| d.kind.is_code() && d.tokens.len() >= 30)
        .step_by(step)
        .take(queries)
        .collect();

    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let mut rows = Vec::new();
    // What is built on the first query (the name table, fan-in) is not timed.
    let _ = project.find(index, "warm", &FindOptions::default());
    let find = |from: Option<String>| {
        let mut times = Vec::new();
        for (file, d) in &sample {
            let options = FindOptions {
                kind: None,
                module: None,
                from: from.clone().map(|_| project.sources[*file].path.clone()),
                limit: 10,
            };
            times.push(time(&mut || {
                std::hint::black_box(project.find(index, &d.name, &options));
            }));
        }
        times
    };
    rows.push(("find NAME", find(None)));
    rows.push(("find NAME --from FILE", find(Some(String::new()))));
    let mut times = Vec::new();
    for (file, d) in &code {
        let query = SimilarQuery::Span {
            path: project.sources[*file].path.clone(),
            start: d.start_line,
            end: d.end_line,
        };
        times.push(time(&mut || {
            std::hint::black_box(project.similar(index, &query, 0.8, 5).ok());
        }));
    }
    rows.push(("similar FILE:START-END", times));

    println!("| query | runs | median (ms) | p95 (ms) | max (ms) |");
    println!("|---|---:|---:|---:|---:|");
    for (name, mut times) in rows {
        times.sort();
        // The run at `percent` per cent of the sorted runs (nearest rank).
        let at = |percent: usize| {
            let i = (times.len().saturating_sub(1) * percent + 50) / 100;
            times
                .get(i)
                .copied()
                .unwrap_or(Duration::ZERO)
                .as_secs_f64()
                * 1000.0
        };
        println!(
            "| `{name}` | {} | {:.1} | {:.1} | {:.1} |",
            times.len(),
            at(50),
            at(95),
            at(100)
        );
    }
}
