//! `strata similar`: functions and methods like a span of code or a snippet.

use std::io::Read as _;

use strata_project::{Lang, SimilarQuery};

use crate::ExitStatus;
use crate::args::{Format, GlobalArgs, SimilarArgs};
use crate::printer::{Hinted, Printer};

pub fn run(
    global: &GlobalArgs,
    args: &SimilarArgs,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    if !(0.0..=1.0).contains(&args.min) {
        return Err(Hinted {
            message: format!("`--min {}` is not a similarity", args.min),
            hint: "give a number from 0 to 1, e.g. `--min 0.8`".into(),
        }
        .into());
    }
    let query = query(args)?;
    let project = super::load(global, printer)?;
    let index = project.index();
    for w in &index.warnings {
        printer.warn(w);
    }
    let doc = project.similar(index, &query, args.min, args.limit)?;
    match global.format {
        Format::Json => printer.out(&format!("{}\n", serde_json::to_string_pretty(&doc)?))?,
        _ => printer.out(&doc.text())?,
    }
    Ok(ExitStatus::Success)
}

fn query(args: &SimilarArgs) -> anyhow::Result<SimilarQuery> {
    if let Some(code) = &args.code {
        let code = if code == "-" {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            text
        } else {
            code.clone()
        };
        let lang = match (&args.lang, &args.at) {
            (Some(l), _) => Lang::parse(l).ok_or_else(|| Hinted {
                message: format!("`--lang {l}` is not a language strata reads"),
                hint: "use one of: rust, ts, py, go, java".into(),
            })?,
            (None, Some(at)) => Lang::from_path(at).ok_or_else(|| Hinted {
                message: format!("`--at {at}` is not a source file strata reads"),
                hint: "name a .rs, .ts, .js, .py, .go or .java path, or give --lang".into(),
            })?,
            (None, None) => {
                return Err(Hinted {
                    message: "the language of --code is unknown".into(),
                    hint: "give --lang (rust, ts, py, go, java) or --at PATH".into(),
                }
                .into());
            }
        };
        return Ok(SimilarQuery::Snippet {
            lang,
            code,
            at: args.at.clone(),
        });
    }
    let span = args.span.as_deref().unwrap_or_default();
    let bad = || Hinted {
        message: format!("`{span}` is not FILE:START-END"),
        hint: "e.g. `strata similar src/billing/invoice.rs:12-40`".into(),
    };
    let (path, range) = match span.rsplit_once(':') {
        Some((p, r)) if r.contains('-') || r.chars().all(|c| c.is_ascii_digit()) => (p, Some(r)),
        _ => (span, None),
    };
    let (start, end) = match range {
        None => (1, u32::MAX),
        Some(r) => {
            let (s, e) = r.split_once('-').unwrap_or((r, r));
            (s.parse().map_err(|_| bad())?, e.parse().map_err(|_| bad())?)
        }
    };
    Ok(SimilarQuery::Span {
        path: path.trim_start_matches("./").to_owned(),
        start,
        end,
    })
}
