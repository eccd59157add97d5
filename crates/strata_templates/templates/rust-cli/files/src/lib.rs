//! {{ description }}
//!
//! The command line of `{{ name }}`, parsed and run without touching the process, so that
//! it can be tested. `main.rs` only wires it to `std::env::args` and the exit code.

use std::fmt::Write as _;

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `{{ name }} greet [--shout] NAME…`
    Greet { names: Vec<String>, shout: bool },
    /// `{{ name }} --help`
    Help,
    /// `{{ name }} --version`
    Version,
}

/// The usage text.
pub const USAGE: &str = "\
usage: {{ name }} greet [--shout] NAME...
       {{ name }} --help | --version";

/// Parse the arguments (without the program name).
///
/// # Errors
/// A message for the user when the arguments are not valid.
pub fn parse<I, S>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let args: Vec<String> = args.into_iter().map(Into::into).collect();
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => Ok(Command::Help),
        Some("-V" | "--version") => Ok(Command::Version),
        Some("greet") => {
            let mut names = Vec::new();
            let mut shout = false;
            for arg in &args[1..] {
                match arg.as_str() {
                    "--shout" => shout = true,
                    flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
                    name => names.push(name.to_owned()),
                }
            }
            if names.is_empty() {
                return Err("greet needs at least one NAME".to_owned());
            }
            Ok(Command::Greet { names, shout })
        }
        Some(other) => Err(format!("unknown command `{other}`")),
    }
}

/// Run a command and return what to print.
pub fn run(command: &Command) -> String {
    match command {
        Command::Help => USAGE.to_owned(),
        Command::Version => format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
        Command::Greet { names, shout } => {
            let mut out = String::new();
            for name in names {
                let line = format!("Hello, {name}!");
                let line = if *shout { line.to_uppercase() } else { line };
                let _ = writeln!(out, "{line}");
            }
            out.trim_end().to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_arguments_is_help() {
        assert_eq!(parse(Vec::<String>::new()), Ok(Command::Help));
    }

    #[test]
    fn greet_collects_names_and_flags() {
        let command = parse(["greet", "--shout", "ada", "grace"]).unwrap();
        assert_eq!(run(&command), "HELLO, ADA!\nHELLO, GRACE!");
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(["greet"]).is_err());
        assert!(parse(["greet", "--loud", "x"]).is_err());
        assert!(parse(["frobnicate"]).is_err());
    }
}
