//! The Rust front-end: `use`/`mod`/`extern crate` imports and item definitions from an exact
//! hand-written lexer ([`scan`]), resolved against the Cargo packages of the tree
//! ([`resolve`]).

mod lex;
mod resolve;
mod scan;
mod tests_code;

pub use tests_code::test_code;

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree, tokens};

pub struct RustFrontend;

impl Frontend for RustFrontend {
    fn lang(&self) -> Lang {
        Lang::Rust
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        let mut facts = scan::extract(src);
        tokens::finish(Lang::Rust, src, &mut facts);
        facts
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(resolve::RustResolver::new(tree))
    }
}
