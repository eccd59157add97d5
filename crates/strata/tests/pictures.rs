//! Pictures of the graph. The SVG strata draws for a repository of over 100 modules is
//! checked for what makes it legible (every module labelled, no two boxes overlapping, text at
//! a readable size) and rendered to PNG with librsvg's `rsvg-convert`, kept as a test artefact
//! in `target/test-artefacts/` to be looked at. Mermaid output is parsed by the mermaid
//! library itself (npm `mermaid` in a jsdom DOM; `.ci/run` installs both into
//! `target/mermaid-check/`).
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use strata_test::{generate, run_in};

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target")
}

fn stdout(root: &Path, args: &[&str]) -> String {
    let out = run_in(BIN.as_ref(), root, args);
    assert!(
        out.status.success(),
        "strata {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Command-line arguments from words separated by spaces.
fn args(words: &str) -> Vec<String> {
    words.split(' ').map(str::to_owned).collect()
}

/// The value of `name="…"` in an SVG tag.
fn attr(tag: &str, name: &str) -> f64 {
    let key = format!(" {name}=\"");
    let start = tag.find(&key).map(|i| i + key.len()).expect(name);
    let end = tag[start..].find('"').expect("closing quote") + start;
    tag[start..end].parse().expect("a number")
}

#[test]
fn svg_of_a_hundred_modules_is_a_legible_picture() {
    let Some(corpus) = generate(4500, 3, &["--violations-rate", "0.03"]) else {
        return;
    };
    let root = corpus.root();
    let svg = stdout(root, &["graph", "--format", "svg"]);
    let graph: Value = serde_json::from_str(&stdout(root, &["graph", "--format", "json"])).unwrap();
    let modules: Vec<&str> = graph["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(modules.len() >= 100, "{} modules", modules.len());

    // Every module is a labelled box; no two boxes overlap.
    let boxes: Vec<(f64, f64, f64, f64)> = svg
        .split("<rect class=\"node\"")
        .skip(1)
        .map(|tag| {
            let tag = &tag[..tag.find("/>").unwrap()];
            (
                attr(tag, "x"),
                attr(tag, "y"),
                attr(tag, "width"),
                attr(tag, "height"),
            )
        })
        .collect();
    assert_eq!(boxes.len(), modules.len());
    for m in &modules {
        assert!(svg.contains(&format!(">{m}</text>")), "no label for {m}");
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[..i] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "boxes overlap: {a:?} {b:?}");
        }
        // Wide enough for its label at the drawing's font size.
        assert!(a.2 >= 16.0 && a.3 >= 20.0);
    }
    let font = attr(&svg[..svg.find('>').unwrap()], "font-size");
    assert!(font >= 12.0, "font-size {font}");
    // One drawn edge per module dependency; problems drawn red.
    let edges = graph["module_edges"].as_array().unwrap().len();
    assert_eq!(svg.matches("<path class=\"edge").count(), edges);
    assert!(
        svg.contains("class=\"edge bad\""),
        "violations are highlighted"
    );
    // At 100% the picture stays within a screen-and-a-half of width.
    let width = attr(&svg[..svg.find('>').unwrap()], "width");
    assert!((800.0..=2600.0).contains(&width), "width {width}");

    // Rendered to PNG by librsvg, which also rejects malformed XML.
    let artefacts = target_dir().join("test-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let svg_path = artefacts.join("graph-100-modules.svg");
    let png_path = artefacts.join("graph-100-modules.png");
    std::fs::write(&svg_path, &svg).unwrap();
    let rendered = Command::new("rsvg-convert")
        .arg(&svg_path)
        .arg("-o")
        .arg(&png_path)
        .status();
    match rendered {
        Ok(status) => assert!(
            status.success(),
            "rsvg-convert failed on {}",
            svg_path.display()
        ),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "rsvg-convert is missing in CI ({e}): `.ci/run` installs librsvg2-bin"
            );
            println!("skipped the PNG: no rsvg-convert ({e}); apt-get install librsvg2-bin");
            return;
        }
    }
    let png = std::fs::read(&png_path).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    // Drawn at 100%: the PNG has the SVG's own size.
    assert!(
        (f64::from(dim(16)) - width).abs() < 1.0,
        "PNG width {}",
        dim(16)
    );
    println!("picture: {} ({}x{})", png_path.display(), dim(16), dim(20));
}

/// Parses each file with mermaid's own parser; exit status 1 names the failures.
const PARSE: &str = r"
const [dir, ...files] = process.argv.slice(1);
const { createRequire } = require('node:module');
const req = createRequire(dir + '/');
const { JSDOM } = req('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
(async () => {
  const { default: mermaid } = await import(req.resolve('mermaid'));
  mermaid.initialize({ startOnLoad: false });
  let failed = 0;
  for (const file of files) {
    try {
      await mermaid.parse(require('fs').readFileSync(file, 'utf8'));
    } catch (e) {
      failed++;
      console.error(file + ': ' + String(e.message || e));
    }
  }
  process.exit(failed ? 1 : 0);
})();
";

#[test]
fn mermaid_output_parses_with_mermaid() {
    let dir = std::env::var_os("STRATA_MERMAID_CHECK")
        .map_or_else(|| target_dir().join("mermaid-check"), PathBuf::from);
    if !dir.join("node_modules/mermaid").is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the mermaid parser is missing in CI: `.ci/run` installs it into {}",
            dir.display()
        );
        println!("skipped: no mermaid in {}", dir.display());
        return;
    }
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = here.join("../../examples/coder-ide");
    let polyglot = here.join("tests/fixtures/polyglot");
    let mut outputs: Vec<(PathBuf, Vec<String>)> = vec![
        (
            polyglot,
            args("--no-cache graph --level file --format mermaid"),
        ),
        (example.clone(), args("--no-cache graph --format mermaid")),
        (example, args("--no-cache waves --format mermaid")),
    ];
    // A generated fleet adds a large graph, a focused one and its waves.
    let corpus = generate(1200, 4, &["--violations-rate", "0.05"]);
    if let Some(corpus) = &corpus {
        let root = corpus.root().to_path_buf();
        let focus = graph_focus(&root);
        let mut focused = args("graph --format mermaid --depth 1 --focus");
        focused.push(focus);
        outputs.push((root.clone(), args("graph --format mermaid")));
        outputs.push((root.clone(), focused));
        outputs.push((root, args("waves --format mermaid")));
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, (root, args)) in outputs.iter().enumerate() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let text = stdout(root, &args);
        assert!(text.starts_with("flowchart"), "{args:?}: {text}");
        let file = tmp.path().join(format!("{i}.mmd"));
        std::fs::write(&file, text).unwrap();
        files.push(file);
    }
    // A broken diagram must fail, or the check proves nothing.
    let broken = tmp.path().join("broken.mmd");
    std::fs::write(&broken, "flowchart LR\n  a --> [[[\n").unwrap();
    let parse = |files: &[PathBuf]| {
        Command::new("node")
            .arg("-e")
            .arg(PARSE)
            .arg(&dir)
            .args(files)
            .output()
            .expect("node runs")
    };
    let out = parse(&files);
    assert!(
        out.status.success(),
        "mermaid rejects strata's output: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !parse(&[broken]).status.success(),
        "the parser accepts a broken diagram"
    );
}

/// A module with both dependencies and dependents.
fn graph_focus(root: &Path) -> String {
    let graph: Value = serde_json::from_str(&stdout(root, &["graph", "--format", "json"])).unwrap();
    let edges = graph["module_edges"].as_array().unwrap();
    edges
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .find(|m| edges.iter().any(|e| e["from"].as_str() == Some(m)))
        .expect("a module in the middle")
        .to_owned()
}
