//! An event consumed but never published, or published but never consumed.
//!
//! ## What it does
//! Collects every event named in `events.publishes` and `events.consumes` across the
//! repository. A consumed event no module publishes is reported at each consumer; a published
//! event no module consumes is reported at each publisher.
//!
//! ## Why
//! A consumer waiting for an event nobody sends is dead code or a broken integration (often a
//! renamed event); an event nobody listens to is either an undocumented consumer outside the
//! repository or work done for nothing. Both deserve a look.
//!
//! ## Example
//! ```yaml
//! # notification/module.yaml
//! events: { consumes: [user.account.created] }   # users publishes user.account.registered
//! ```
//!
//! ## How to fix
//! Align the names, declare the missing publisher or consumer, or remove the stale entry.

use std::collections::BTreeSet;

use strata_diagnostics::{Diagnostic, Level};

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct OrphanEvent;

const ID: &str = "orphan-event";

impl Rule for OrphanEvent {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn phase(&self) -> Phase {
        Phase::Schema
    }
    fn source(&self) -> &'static str {
        include_str!("orphan_event.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let events = || {
            cx.modules
                .iter()
                .filter_map(|m| Some((m, m.schema.as_ref()?.events.as_ref()?)))
        };
        let published: BTreeSet<&str> = events()
            .flat_map(|(_, e)| e.publishes.iter().map(|s| s.value.as_str()))
            .collect();
        let consumed: BTreeSet<&str> = events()
            .flat_map(|(_, e)| e.consumes.iter().map(|s| s.value.as_str()))
            .collect();
        for (m, e) in events() {
            for c in &e.consumes {
                if !published.contains(c.value.as_str()) {
                    out.push(
                        at_value(ID, m, c, format!("`{}` consumes `{}`, which no module publishes", m.name, c.value))
                            .target(&c.value)
                            .help("check the event's name against its publisher, or declare the publisher"),
                    );
                }
            }
            for p in &e.publishes {
                if !consumed.contains(p.value.as_str()) {
                    out.push(
                        at_value(
                            ID,
                            m,
                            p,
                            format!(
                                "`{}` publishes `{}`, which no module consumes",
                                m.name, p.value
                            ),
                        )
                        .target(&p.value)
                        .help("declare its consumers, or stop publishing it"),
                    );
                }
            }
        }
    }
}
