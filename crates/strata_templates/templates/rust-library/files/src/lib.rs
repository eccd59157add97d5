//! {{ description }}
//!
//! This file is the public interface of `{{ name }}` (see `interfaces` in `module.yaml`).

use std::fmt;

/// A greeting for someone, the starting point of this library's API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Greeting {
    name: String,
}

impl Greeting {
    /// A greeting for `name`; surrounding whitespace is trimmed.
    ///
    /// # Errors
    /// [`Error::EmptyName`] when `name` is blank.
    pub fn new(name: &str) -> Result<Self, Error> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::EmptyName);
        }
        Ok(Self { name: name.to_owned() })
    }

    /// The name being greeted.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for Greeting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hello, {}!", self.name)
    }
}

/// The errors of this library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The name was empty or only whitespace.
    EmptyName,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyName => f.write_str("the name is empty"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_the_name() {
        let g = Greeting::new("  Ada ").unwrap();
        assert_eq!(g.name(), "Ada");
    }

    #[test]
    fn rejects_a_blank_name() {
        assert_eq!(Greeting::new(" \t"), Err(Error::EmptyName));
    }
}
