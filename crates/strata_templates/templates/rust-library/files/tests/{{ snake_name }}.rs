//! Integration tests of `{{ name }}`: they use only its public interface.

use {{ snake_name }}::{Error, Greeting};

#[test]
fn greets_by_name() {
    let greeting = Greeting::new("world").expect("a valid name");
    assert_eq!(greeting.to_string(), "Hello, world!");
}

#[test]
fn an_empty_name_is_an_error() {
    let err = Greeting::new("").unwrap_err();
    assert_eq!(err, Error::EmptyName);
    assert_eq!(err.to_string(), "the name is empty");
}
