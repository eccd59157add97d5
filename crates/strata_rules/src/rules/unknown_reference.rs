//! A declaration that names something that does not exist.
//!
//! ## What it does
//! Checks every name a declaration refers to: `depends_on` entries must name modules of the
//! repository; `owner: team:<name>` must name a team of `strata.toml` `[teams]` (checked when
//! `[teams]` declares any); `lane` must be one of `[lanes]`, `layer` one of `layers`; and the
//! lane allow-lists of `strata.toml` must name declared lanes.
//!
//! ## Why
//! A dangling reference is silently ignored by every rule that would use it: a dependency on
//! a module that was renamed checks nothing, a misspelt lane escapes the lane rules, an unknown
//! owner means nobody is told when the module breaks.
//!
//! ## Example
//! ```yaml
//! name: billing
//! owner: team:payment      # strata.toml declares `payments`
//! depends_on: [ledgr]      # no module is named `ledgr`
//! ```
//!
//! ## How to fix
//! Correct the name (the finding suggests the closest existing one), or declare the team,
//! lane or layer in `strata.toml`.

use strata_diagnostics::{Diagnostic, Level};
use strata_workspace::error::closest;

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct UnknownReference;

const ID: &str = "unknown-reference";

fn suggestion<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: String,
) -> String {
    match closest(word, candidates) {
        Some(c) => format!("did you mean `{c}`?"),
        None => fallback,
    }
}

impl Rule for UnknownReference {
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
        include_str!("unknown_reference.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = &cx.config.config;
        let module_names = || cx.modules.iter().map(|m| m.name.as_str());
        for m in cx.modules {
            let Some(s) = &m.schema else { continue };
            for dep in &s.depends_on {
                let name = dep.value.name();
                if cx.module(name).is_none() {
                    out.push(
                        at_value(ID, m, dep, format!("`{}` depends on `{name}`, which is not a module of this repository", m.name))
                            .target(name)
                            .help(suggestion(name, module_names(), "remove the entry or add the module".into())),
                    );
                }
            }
            if let Some(owner) = &s.owner {
                let o = owner.value.as_str();
                if let Some(team) = o.strip_prefix("team:") {
                    if !config.teams.is_empty() && !config.teams.contains_key(team) {
                        out.push(
                            at_value(
                                ID,
                                m,
                                owner,
                                format!("owner team `{team}` is not declared in `strata.toml`"),
                            )
                            .target(o)
                            .help(suggestion(
                                team,
                                config.teams.keys().map(String::as_str),
                                format!("declare it: `[teams.{team}]` with a `contact`"),
                            )),
                        );
                    }
                } else if !o.starts_with("user:") {
                    out.push(
                        at_value(
                            ID,
                            m,
                            owner,
                            format!("owner `{o}` is neither `team:<name>` nor `user:<name>`"),
                        )
                        .target(o)
                        .help("write `owner: team:<name>` with a team of `strata.toml` `[teams]`"),
                    );
                }
            }
            if let Some(lane) = &s.lane {
                if !config.lanes.contains_key(&lane.value) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            lane,
                            format!(
                                "lane `{}` is not declared in `strata.toml` `[lanes]`",
                                lane.value
                            ),
                        )
                        .target(&lane.value)
                        .help(suggestion(
                            &lane.value,
                            config.lanes.keys().map(String::as_str),
                            format!("declare it: `{} = [...]` under `[lanes]`", lane.value),
                        )),
                    );
                }
            }
            if let Some(layer) = &s.layer {
                if !config.layers.contains(&layer.value) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            layer,
                            format!(
                                "layer `{}` is not one of `strata.toml` `layers`",
                                layer.value
                            ),
                        )
                        .target(&layer.value)
                        .help(suggestion(
                            &layer.value,
                            config.layers.iter().map(String::as_str),
                            "add it to `layers` (bottom to top)".into(),
                        )),
                    );
                }
            }
        }
        for (lane, allowed) in &config.lanes {
            for target in allowed {
                if !config.lanes.contains_key(target) {
                    let (line, column) = cx.config.position_of(&format!("\"{target}\""));
                    out.push(
                        Diagnostic::new(ID, format!("lane `{lane}` may depend on `{target}`, which is not a declared lane"))
                            .at(cx.config_path, line, column)
                            .target(target)
                            .help(suggestion(target, config.lanes.keys().map(String::as_str), format!("declare `{target}` under `[lanes]`"))),
                    );
                }
            }
        }
    }
}
