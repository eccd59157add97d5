//! JSON Schemas of `module.yaml` and `strata.toml`, generated from the types that parse them.

use crate::config::Config;
use crate::module_file::ModuleFile;

/// The JSON Schema of `module.yaml`, pretty-printed with a trailing newline.
pub fn module_schema() -> String {
    let mut schema = schemars::schema_for!(ModuleFile);
    schema.insert("title".into(), "strata module.yaml".into());
    pretty(&schema)
}

/// The JSON Schema of `strata.toml`, pretty-printed with a trailing newline.
pub fn config_schema() -> String {
    let mut schema = schemars::schema_for!(Config);
    schema.insert("title".into(), "strata.toml".into());
    pretty(&schema)
}

fn pretty(schema: &schemars::Schema) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}
