//! `strata explain RULE`: a rule's documentation, from its doc comment.

use std::fmt::Write as _;

use strata_rules::{RULES, RuleDoc};
use strata_workspace::error::closest;

use crate::ExitStatus;
use crate::args::{ExplainArgs, Format, GlobalArgs};
use crate::printer::{Hinted, Printer};

pub fn run(
    global: &GlobalArgs,
    args: &ExplainArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let mut rules: Vec<_> = RULES.to_vec();
    rules.sort_by_key(|r| r.id());
    if args.list {
        match global.format {
            Format::Json => {
                let list: Vec<_> = rules
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.id(),
                            "default": r.default_level().as_str(),
                            "summary": RuleDoc::summary(*r),
                        })
                    })
                    .collect();
                printer.out(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
            }
            _ => {
                let width = rules.iter().map(|r| r.id().len()).max().unwrap_or(0);
                let mut out = String::new();
                for r in &rules {
                    let _ = writeln!(
                        out,
                        "{:<width$}  {:<5}  {}",
                        r.id(),
                        r.default_level().as_str(),
                        RuleDoc::summary(*r)
                    );
                }
                printer.out(&out)?;
            }
        }
        return Ok(ExitStatus::Success);
    }
    let id = args.rule.as_deref().unwrap_or_default();
    let Some(rule) = strata_rules::rule(id) else {
        let hint = match closest(id, rules.iter().map(|r| r.id())) {
            Some(c) => format!("did you mean `{c}`? `strata explain --list` lists every rule"),
            None => "`strata explain --list` lists every rule".into(),
        };
        return Err(Hinted {
            message: format!("unknown rule `{id}`"),
            hint,
        }
        .into());
    };
    let doc = RuleDoc::text(rule);
    match global.format {
        Format::Json => {
            let v = serde_json::json!({
                "id": rule.id(),
                "default": rule.default_level().as_str(),
                "doc": doc,
            });
            printer.out(&format!("{}\n", serde_json::to_string_pretty(&v)?))?;
        }
        _ => {
            printer.out(&format!(
                "{} (default: {})\n\n{doc}",
                rule.id(),
                rule.default_level().as_str()
            ))?;
        }
    }
    Ok(ExitStatus::Success)
}
