//! Rule levels and options from `strata.toml` `[rules]`, checked against the rule registry.

use std::collections::HashMap;
use std::path::PathBuf;

use strata_diagnostics::Level;
use strata_workspace::error::{closest, line_col};
use strata_workspace::{ConfigError, LoadedConfig};

use crate::{RULES, Rule};

/// The resolved level and options of every rule.
#[derive(Debug, Default, Clone)]
pub struct RuleSettings {
    levels: HashMap<&'static str, Level>,
    options: HashMap<&'static str, serde_json::Map<String, serde_json::Value>>,
}

impl RuleSettings {
    pub fn level(&self, rule: &dyn Rule) -> Level {
        self.levels
            .get(rule.id())
            .copied()
            .unwrap_or_else(|| rule.default_level())
    }

    /// Force a level (e.g. from the command line).
    pub fn set_level(&mut self, id: &'static str, level: Level) {
        self.levels.insert(id, level);
    }

    /// An option of a rule's `[rules]` table (e.g. `max` of `max-fan-out`).
    pub fn option(&self, id: &str, key: &str) -> Option<&serde_json::Value> {
        self.options.get(id)?.get(key)
    }
}

/// Check `[rules]` against the registry: every id must exist, every level be
/// `error`/`warn`/`off`.
pub fn resolve_settings(config: &LoadedConfig) -> Result<RuleSettings, ConfigError> {
    let mut settings = RuleSettings::default();
    let path = config
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("strata.toml"));
    for (id, spanned) in &config.config.rules {
        let (line, column) = line_col(&config.text, spanned.span().start);
        let invalid = |message: String, hint: Option<String>| ConfigError::Invalid {
            path: path.clone(),
            line,
            column,
            message,
            hint,
        };
        let Some(rule) = RULES.iter().find(|r| r.id() == id.as_str()) else {
            let (kline, kcol) = config.position_of(id);
            return Err(ConfigError::Invalid {
                path: path.clone(),
                line: kline.max(1),
                column: kcol.max(1),
                message: format!("unknown rule `{id}` in `[rules]`"),
                hint: Some(match closest(id, RULES.iter().map(|r| r.id())) {
                    Some(c) => {
                        format!("did you mean `{c}`? (`strata explain --list` lists every rule)")
                    }
                    None => "`strata explain --list` lists every rule".into(),
                }),
            });
        };
        let level_of = |v: &serde_json::Value| -> Result<Level, ConfigError> {
            let s = v.as_str().unwrap_or_default();
            Level::parse(s).ok_or_else(|| {
                invalid(
                    format!(
                        "invalid level {v} for rule `{id}`: expected \"error\", \"warn\" or \"off\""
                    ),
                    None,
                )
            })
        };
        match spanned.get_ref() {
            v @ serde_json::Value::String(_) => {
                settings.levels.insert(rule.id(), level_of(v)?);
            }
            serde_json::Value::Object(table) => {
                if let Some(v) = table.get("level") {
                    settings.levels.insert(rule.id(), level_of(v)?);
                }
                let mut options = table.clone();
                options.remove("level");
                settings.options.insert(rule.id(), options);
            }
            other => {
                return Err(invalid(
                    format!(
                        "invalid setting {other} for rule `{id}`: expected a level (\"error\", \"warn\", \"off\") or a table"
                    ),
                    None,
                ));
            }
        }
    }
    Ok(settings)
}
