//! The `{{ name }}` binary.

use std::process::ExitCode;

fn main() -> ExitCode {
    match {{ snake_name }}::parse(std::env::args().skip(1)) {
        Ok(command) => {
            println!("{}", {{ snake_name }}::run(&command));
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{}: {message}\n{}", env!("CARGO_PKG_NAME"), {{ snake_name }}::USAGE);
            ExitCode::from(2)
        }
    }
}
