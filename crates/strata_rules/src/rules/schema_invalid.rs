//! A `module.yaml` or `strata.toml` that does not parse or does not validate.
//!
//! ## What it does
//! Reports every `module.yaml` that is not valid YAML, has a value of the wrong type, an
//! unknown key, or a value strata cannot use (a version that is not semver, a dependency
//! requirement that does not parse, a tier of 0, an api `base_path` not starting with `/`,
//! an unknown `schema` version). The finding gives the file, line and column.
//!
//! ## Why
//! A module whose declaration cannot be read is a module no other rule can check: its
//! dependencies, owner and interfaces are unknown. Every other module is still checked.
//!
//! ## Example
//! ```yaml
//! name: billing
//! ownr: team:payments     # unknown field `ownr` — did you mean `owner`?
//! api: { port: http }     # expected a port number
//! ```
//!
//! ## How to fix
//! Correct the value the finding points at; `strata schema module` prints the JSON Schema
//! (editors complete and validate with it through the YAML language server).

use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::ConfigError;
use strata_workspace::module_file::SCHEMA_VERSION;

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct SchemaInvalid;

const ID: &str = "schema-invalid";

impl Rule for SchemaInvalid {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::Schema
    }
    fn source(&self) -> &'static str {
        include_str!("schema_invalid.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (path, err) in cx.invalid_schemas {
            let (line, column, message, hint) = match err {
                ConfigError::Invalid {
                    line,
                    column,
                    message,
                    hint,
                    ..
                } => (*line, *column, message.clone(), hint.clone()),
                ConfigError::Io { source, .. } => (0, 0, format!("cannot read: {source}"), None),
            };
            let module = cx
                .modules
                .iter()
                .find(|m| m.schema_path.as_deref() == Some(path.as_str()))
                .map(|m| m.name.clone())
                .unwrap_or_default();
            out.push(
                Diagnostic::new(ID, message)
                    .module(module)
                    .at(path, line, column)
                    .help(hint.unwrap_or_else(|| {
                        "see `strata schema module` for the expected shape".into()
                    })),
            );
        }
        for m in cx.modules {
            let Some(s) = &m.schema else { continue };
            if let Some(v) = &s.schema {
                if v.value != SCHEMA_VERSION {
                    out.push(
                        at_value(ID, m, v, format!("unknown schema version `{}`", v.value))
                            .help(format!("this strata reads `schema: {SCHEMA_VERSION}`")),
                    );
                }
            }
            if let Some(v) = &s.version {
                if let Err(e) = semver::Version::parse(&v.value) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            v,
                            format!("version `{}` is not semver: {e}", v.value),
                        )
                        .help("write MAJOR.MINOR.PATCH, e.g. `1.4.0`"),
                    );
                }
            }
            if let Some(t) = &s.tier {
                if t.value == 0 {
                    out.push(
                        at_value(ID, m, t, "tier must be 1 or more".into())
                            .help("tier 1 is the most critical"),
                    );
                }
            }
            if let Some(base) = s.api.as_ref().and_then(|a| a.base_path.as_ref()) {
                if !base.value.starts_with('/') {
                    out.push(
                        at_value(
                            ID,
                            m,
                            base,
                            format!("api base_path `{}` must start with `/`", base.value),
                        )
                        .help(format!("write `/{}`", base.value)),
                    );
                }
            }
            for dep in &s.depends_on {
                if let Some(req) = dep.value.version() {
                    if let Err(e) = super::semver_mismatch::parse_requirement(req) {
                        out.push(
                            at_value(
                                ID,
                                m,
                                dep,
                                format!("version requirement `{req}` of `{}` does not parse: {e}", dep.value.name()),
                            )
                            .help("use a Cargo or npm requirement: `^1.2`, `~1.2.3`, `>=1.0.0, <2`, `=1.2.3`"),
                        );
                    }
                }
            }
        }
    }
}
