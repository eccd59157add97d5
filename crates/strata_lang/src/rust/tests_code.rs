//! Where a Rust file's test code is: items under `#[cfg(test)]` (or a `cfg` that needs `test`)
//! and `#[test]`-like attributes (`#[test]`, `#[tokio::test]`, …), found with the exact lexer so
//! braces in strings and comments do not count.

use std::ops::Range;

use super::lex::{Lexer, Tok, Token};

/// Byte ranges of the test items in `src`, from their first attribute to the end of the item,
/// in order; the whole file when it starts with `#![cfg(test)]`. Any input is accepted.
pub fn test_code(src: &[u8]) -> Vec<Range<usize>> {
    let mut lx = Lexer::new(src);
    let mut out = Vec::new();
    loop {
        let t = lx.next();
        if t.kind == Tok::Eof {
            return out;
        }
        if !t.is_punct(b'#') {
            continue;
        }
        let inner = lx.peek().is_punct(b'!');
        if inner {
            lx.next();
        }
        if !lx.peek().is_punct(b'[') {
            continue;
        }
        let attribute = bracketed(&mut lx);
        if !is_test_attribute(src, &attribute) {
            continue;
        }
        if inner {
            // `#![cfg(test)]` makes the enclosing module, here the file, test code.
            #[allow(clippy::single_range_in_vec_init)] // one range: the whole file
            return vec![0..src.len()];
        }
        let end = item_end(&mut lx);
        out.push(t.start..end);
    }
}

/// The tokens of `[ … ]`, the brackets excluded; the lexer is left after the closing `]`.
fn bracketed(lx: &mut Lexer<'_>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut depth = 0u32;
    loop {
        let t = lx.next();
        match t.kind {
            Tok::Eof => return tokens,
            Tok::Punct(b'[') => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            Tok::Punct(b']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return tokens;
                }
            }
            _ => {}
        }
        tokens.push(t);
    }
}

/// `test`, a path ending in `test` (`tokio::test`), or a `cfg(…)` that mentions `test`
/// outside any `not(…)`.
fn is_test_attribute(src: &[u8], tokens: &[Token]) -> bool {
    let Some(first) = tokens.first() else {
        return false;
    };
    if first.is_word(src, b"cfg") {
        let mentions = |w: &[u8]| tokens.iter().any(|t| t.is_word(src, w));
        return mentions(b"test") && !mentions(b"not");
    }
    // A path such as `test` or `tokio::test`, with nothing after it.
    let mut words = tokens.iter().filter(|t| t.kind != Tok::PathSep);
    let last = words.next_back();
    tokens
        .iter()
        .all(|t| t.kind == Tok::PathSep || t.kind == Tok::Ident)
        && last.is_some_and(|t| t.is_word(src, b"test"))
}

/// The end of the item that follows its attributes: after the `}` that closes its body, or
/// after a `;` outside any bracket (`mod tests;`, `use …;`).
fn item_end(lx: &mut Lexer<'_>) -> usize {
    let mut depth = 0u32;
    loop {
        let t = lx.next();
        match t.kind {
            Tok::Eof => return t.start,
            Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
            Tok::Punct(b')' | b']') => depth = depth.saturating_sub(1),
            Tok::Punct(b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return t.end;
                }
            }
            Tok::Punct(b';') if depth == 0 => return t.end,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tested(src: &str) -> Vec<&str> {
        test_code(src.as_bytes())
            .into_iter()
            .map(|r| &src[r])
            .collect()
    }

    #[test]
    fn test_modules_and_functions() {
        let src = "fn a() { let u = \"http://x\"; }\n\
                   #[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { let s = \"}\"; /* } */ }\n}\n\
                   fn b() {}\n";
        let found = tested(src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("#[cfg(test)]\nmod tests {"));
        assert!(found[0].ends_with("/* } */ }\n}"));
    }

    #[test]
    fn test_attributes_of_every_shape() {
        assert_eq!(
            tested("#[tokio::test]\nasync fn t() { x() }\nfn keep() {}"),
            ["#[tokio::test]\nasync fn t() { x() }"]
        );
        assert_eq!(
            tested("#[cfg(all(test, unix))]\nfn f() -> [u8; 2] { [0; 2] }\nfn keep() {}"),
            ["#[cfg(all(test, unix))]\nfn f() -> [u8; 2] { [0; 2] }"]
        );
        assert_eq!(
            tested("#[cfg(test)]\nmod tests;\nfn keep() {}"),
            ["#[cfg(test)]\nmod tests;"]
        );
        assert!(tested("#[cfg(not(test))]\nfn f() {}").is_empty());
        assert!(tested("#[test_case(1)]\nfn f() {}\n#[derive(Debug)]\nstruct S;").is_empty());
        let whole = "#![cfg(test)]\nfn f() {}";
        assert_eq!(tested(whole), [whole]);
    }

    #[test]
    fn broken_input_does_not_panic() {
        for src in [
            "#",
            "#[",
            "#[cfg(test)]",
            "#[test] fn f() {",
            "#![",
            "]]]}}}",
        ] {
            let _ = test_code(src.as_bytes());
        }
    }
}
