//! `strata modules`: the registry as a table or as JSON.

use std::fmt::Write as _;

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs};
use crate::printer::Printer;

pub fn run(global: &GlobalArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let project = super::load(global, printer)?;
    let records = project.records();
    let (health, _) = super::health::score(project, printer, &[], None, None)?;
    let scores: std::collections::HashMap<&str, (f64, &str)> = health
        .modules
        .iter()
        .map(|h| (h.module.as_str(), (h.score, h.band.as_str())))
        .collect();
    let score_of = |name: &str| scores.get(name).copied();
    match global.format {
        Format::Json => {
            let doc = strata_project::modules_doc(&records, &health);
            printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        }
        _ => {
            let header = [
                "NAME", "KIND", "LANG", "LANE", "LAYER", "TIER", "OWNER", "VERSION", "SCORE",
                "BAND", "FILES",
            ];
            let rows: Vec<[String; 11]> = records
                .iter()
                .map(|r| {
                    let opt = |v: Option<&str>| v.unwrap_or("-").to_owned();
                    [
                        r.name.clone(),
                        opt(r.kind),
                        opt(r.lang),
                        opt(r.lane.as_deref()),
                        opt(r.layer.as_deref()),
                        r.tier.map_or_else(|| "-".into(), |t| t.to_string()),
                        opt(r.owner.as_deref()),
                        opt(r.version.as_deref()),
                        score_of(&r.name).map_or_else(|| "-".into(), |s| format!("{:.1}", s.0)),
                        opt(score_of(&r.name).map(|s| s.1)),
                        r.files.to_string(),
                    ]
                })
                .collect();
            let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let mut out = String::new();
            let mut line = |cells: &[&str]| {
                let mut s = String::new();
                for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                    if i + 1 == cells.len() {
                        let _ = write!(s, "{cell:>w$}");
                    } else {
                        let _ = write!(s, "{cell:<w$}  ");
                    }
                }
                out.push_str(s.trim_end());
                out.push('\n');
            };
            line(&header);
            for row in &rows {
                line(&row.iter().map(String::as_str).collect::<Vec<_>>());
            }
            printer.out(&out)?;
            let files: usize = records.iter().map(|r| r.files).sum();
            let n = records.len();
            printer.note(&format!(
                "{n} {}, {files} {}",
                if n == 1 { "module" } else { "modules" },
                if files == 1 { "file" } else { "files" }
            ));
        }
    }
    Ok(ExitStatus::Success)
}
