//! The one place that writes to stdout and stderr. Data goes to stdout; errors, warnings and
//! summaries to stderr. A closed stdout (`strata modules | head`) ends the command quietly.
#![allow(clippy::print_stderr, clippy::unused_self)]

use std::io::{self, Write};

#[derive(Clone)]
pub struct Printer {
    quiet: bool,
}

impl Printer {
    pub fn new(quiet: bool) -> Printer {
        Printer { quiet }
    }

    /// Write data to stdout.
    pub fn out(&self, text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// A note to stderr (suppressed by `--quiet`).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A warning about the run (suppressed by `--quiet`).
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            eprintln!("warning: {text}");
        }
    }

    /// An error that stopped the command: `error: …`, each cause, then any hint.
    pub fn error(&self, err: &anyhow::Error) {
        eprintln!("error: {err}");
        let mut hint = None;
        for cause in err.chain() {
            if let Some(c) = cause.downcast_ref::<strata_workspace::ConfigError>() {
                hint = c.hint().map(str::to_owned);
            }
            if let Some(p) = cause.downcast_ref::<strata_project::ProjectError>() {
                hint = p.hint().map(str::to_owned);
            }
            if let Some(h) = cause.downcast_ref::<Hinted>() {
                hint = Some(h.hint.clone());
            }
        }
        for cause in err.chain().skip(1) {
            eprintln!("  Caused by: {cause}");
        }
        if let Some(h) = hint {
            eprintln!("hint: {h}");
        }
    }
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|e| e.kind() == io::ErrorKind::BrokenPipe)
}

/// An error with a hint for the user (`hint: …` under the error).
#[derive(Debug)]
pub struct Hinted {
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for Hinted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Hinted {}
