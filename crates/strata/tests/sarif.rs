//! `strata check --format sarif` validates against the official SARIF 2.1.0 JSON Schema (the
//! copy shipped in the npm package `@microsoft/jest-sarif`, checked with its `ajv`; `.ci/run`
//! installs them into `target/sarif-check/`).
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;

use strata_test::run_in;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

fn checker_dir() -> PathBuf {
    std::env::var_os("STRATA_SARIF_CHECK").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/sarif-check"),
        PathBuf::from,
    )
}

const VALIDATE: &str = r"
const [dir, file] = process.argv.slice(1);
const req = (m) => require(require.resolve(m, { paths: [dir] }));
const Ajv = req('ajv');
const schema = req('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const ajv = new Ajv({ schemaId: 'id', allErrors: true });
ajv.addMetaSchema(req('ajv/lib/refs/json-schema-draft-04.json'));
const ok = ajv.validate(schema, JSON.parse(require('fs').readFileSync(file, 'utf8')));
if (!ok) { console.error(JSON.stringify(ajv.errors, null, 1)); process.exit(1); }
";

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let dir = checker_dir();
    if !dir.join("node_modules/@microsoft/jest-sarif").is_dir() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the SARIF validator is missing in CI: `.ci/run` installs it into {}",
            dir.display()
        );
        println!(
            "skipped: no SARIF validator in {} (npm install --prefix {} @microsoft/jest-sarif)",
            dir.display(),
            dir.display()
        );
        return;
    }
    // The example (schema findings) and the rule fixtures with graph findings (imports,
    // cycles, chains) between them cover every field the SARIF output can carry.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let roots = [
        here.join("../../examples/coder-ide"),
        here.join("../strata_project/tests/fixtures/no-cycles"),
        here.join("../strata_project/tests/fixtures/internal-import"),
        here.join("../strata_project/tests/fixtures/forbidden"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (i, root) in roots.iter().enumerate() {
        let out = run_in(
            BIN.as_ref(),
            root,
            &["--no-cache", "check", "--format", "sarif"],
        );
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
        assert!(
            !v["runs"][0]["results"].as_array().unwrap().is_empty(),
            "{} has findings",
            root.display()
        );
        let file = tmp.path().join(format!("{i}.sarif"));
        std::fs::write(&file, &out.stdout).unwrap();
        let check = Command::new("node")
            .arg("-e")
            .arg(VALIDATE)
            .arg(&dir)
            .arg(&file)
            .output()
            .expect("node runs");
        assert!(
            check.status.success(),
            "{} is not valid SARIF 2.1.0: {}",
            root.display(),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}
