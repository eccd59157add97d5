//! An event name that is not of the form `domain.entity.action`.
//!
//! ## What it does
//! Checks every event in `events.publishes` and `events.consumes` against
//! `^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$`: three lower-case segments, each
//! starting with a letter, separated by dots.
//!
//! ## Why
//! Event names are a contract between teams that never meet in code review. One convention
//! makes them predictable to find, route by prefix (`billing.*`), and grep for; names like
//! `user.registered` or `PlanCreated` each make a special case somewhere downstream.
//!
//! ## Example
//! ```yaml
//! events:
//!   publishes: [user.registered]          # two segments: which entity?
//! ```
//!
//! ## How to fix
//! Rename the event to `domain.entity.action`, e.g. `user.account.registered`, in the
//! publisher and every consumer at once.

use strata_diagnostics::{Diagnostic, Level};

use super::at_value;
use crate::{Context, Phase, Rule};

pub struct EventName;

const ID: &str = "event-name";

/// `domain.entity.action`: three segments of `[a-z][a-z0-9_]*`.
pub fn is_valid_event_name(name: &str) -> bool {
    let segs: Vec<&str> = name.split('.').collect();
    segs.len() == 3
        && segs.iter().all(|s| {
            let mut chars = s.chars();
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

impl Rule for EventName {
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
        include_str!("event_name.rs")
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for m in cx.modules {
            let Some(events) = m.schema.as_ref().and_then(|s| s.events.as_ref()) else {
                continue;
            };
            for (kind, list) in [
                ("publishes", &events.publishes),
                ("consumes", &events.consumes),
            ] {
                for e in list {
                    if !is_valid_event_name(&e.value) {
                        out.push(
                            at_value(
                                ID,
                                m,
                                e,
                                format!(
                                    "event `{}` ({kind}) is not of the form `domain.entity.action`",
                                    e.value
                                ),
                            )
                            .target(&e.value)
                            .help("use three lower-case segments, e.g. `user.account.registered`"),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_event_name as ok;

    #[test]
    fn three_lower_case_segments() {
        assert!(ok("notification.email.sent"));
        assert!(ok("a1.b_2.c"));
        assert!(!ok("user.registered"));
        assert!(!ok("scheduler..price"));
        assert!(!ok("Billing.invoice.created"));
        assert!(!ok("a.b.c.d"));
        assert!(!ok("a.1b.c"));
        assert!(!ok(""));
    }
}
