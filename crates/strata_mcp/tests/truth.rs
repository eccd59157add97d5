//! The code-intelligence targets, met through the tools as an agent calls them, on generated
//! monorepos with a ground truth (several seeds, violation rate 0.1 so that clones are many):
//! - `strata_similar` on each planted clone's `a` span has its `b` span in the top five for
//!   at least 95 % of clones;
//! - `strata_find` by a definition's exact name puts that definition first (or tied first)
//!   for at least 99 % of names sampled from the corpus; a name defined in so many places that
//!   the answer is truncated is asked again with `module`, as the answer's hint says; names
//!   with more definitions in one module than the largest answer holds are counted apart.
#![allow(clippy::print_stdout, clippy::cast_precision_loss)]

use std::sync::Arc;

use serde_json::{Value, json};
use strata_mcp::{Live, StrataMcp};
use strata_project::{LoadOptions, Project};
use strata_test::generate;

const SEEDS: [u64; 3] = [31, 32, 33];
const FILES: usize = 3000;

fn call(server: &StrataMcp, tool: &str, args: Value) -> Value {
    let Value::Object(args) = args else {
        unreachable!()
    };
    let result = server.call(tool, args).expect("a known tool");
    assert_ne!(result.is_error, Some(true), "{tool}: {:?}", result.content);
    result.structured_content.expect("structured content")
}

fn overlaps(x: &Value, y: &Value) -> bool {
    x["path"] == y["path"]
        && x["start_line"].as_u64() <= y["end_line"].as_u64()
        && y["start_line"].as_u64() <= x["end_line"].as_u64()
}

#[test]
fn similar_and_find_meet_their_targets_through_the_tools() {
    let mut rows = Vec::new();
    for seed in SEEDS {
        let Some(corpus) = generate(FILES, seed, &["--violations-rate", "0.1"]) else {
            return;
        };
        let options = LoadOptions {
            root: Some(corpus.root().to_path_buf()),
            ..LoadOptions::default()
        };
        let server = StrataMcp::new(Arc::new(Live::open(options.clone()).unwrap()));

        let planted = corpus.truth["clones"].as_array().expect("clones");
        let mut top5 = 0;
        for p in planted {
            let a = &p["a"];
            let answer = call(
                &server,
                "strata_similar",
                json!({"path": a["path"], "start_line": a["start_line"], "end_line": a["end_line"]}),
            );
            let matches = answer["matches"].as_array().expect("matches");
            if matches.iter().take(5).any(|m| overlaps(&p["b"], m)) {
                top5 += 1;
            }
        }
        let similar = f64::from(top5) / planted.len() as f64;

        // Every 15th definition of the corpus, by its exact name.
        let project = Project::load(&options).unwrap();
        let index = project.index();
        let mut sampled = Vec::new();
        for (file, facts) in project.sources.iter().zip(index.facts()) {
            let module = file
                .module
                .map_or("", |m| project.modules[m].name())
                .to_owned();
            for d in &facts.definitions {
                let id = format!("{}#{}@{}", file.path, d.name, d.start_line);
                sampled.push((id, module.clone()));
            }
        }
        let sampled: Vec<(String, String)> = sampled.into_iter().step_by(15).collect();
        let mut first = 0;
        let mut narrowed = 0;
        let mut too_common = 0usize;
        let tied_first = |answer: &Value, id: &str| {
            let hits = answer["hits"].as_array().expect("hits");
            let best = hits.first().map(|h| h["score"].clone());
            hits.iter()
                .take_while(|h| Some(&h["score"]) == best.as_ref())
                .any(|h| h["id"] == id)
        };
        for (id, module) in &sampled {
            let name = id.split('#').nth(1).unwrap().split('@').next().unwrap();
            let answer = call(
                &server,
                "strata_find",
                json!({"query": name, "limit": 100, "max_tokens": 8000}),
            );
            if tied_first(&answer, id) {
                first += 1;
                continue;
            }
            // A name defined in hundreds of places (`String`, `LOG`) does not fit one answer;
            // the answer says to narrow with `module`, as an agent then does.
            if answer["truncated"] == true {
                let answer = call(
                    &server,
                    "strata_find",
                    json!({"query": name, "module": module, "limit": 100, "max_tokens": 8000}),
                );
                if tied_first(&answer, id) {
                    first += 1;
                    narrowed += 1;
                    continue;
                }
                if answer["truncated"] == true {
                    // Still more definitions of that name in that module than fit the
                    // largest answer (`LOG` in every Java class): the ranking cannot be seen.
                    too_common += 1;
                    continue;
                }
            }
            if std::env::var_os("SHOW").is_some() {
                println!("missed {id}");
            }
        }
        let find = f64::from(first) / (sampled.len() - too_common) as f64;
        rows.push(format!(
            "seed {seed}: similar top-5 {top5}/{} ({:.1}%), find first {first}/{} ({:.1}%; {narrowed} after narrowing to the module; {too_common} more names too common for one answer)",
            planted.len(),
            similar * 100.0,
            sampled.len() - too_common,
            find * 100.0
        ));
        assert!(similar >= 0.95, "seed {seed}: similar top-5 {similar}");
        assert!(find >= 0.99, "seed {seed}: find first {find}");
    }
    println!("{}", rows.join("\n"));
}
