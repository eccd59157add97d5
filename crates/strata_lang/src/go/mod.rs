//! The Go front-end: imports and top-level definitions by a byte-level scanner (`scan`),
//! resolution through `go.mod`/`go.work` module paths (`resolve`).

mod resolve;
mod scan;

pub use resolve::{GoMod, GoResolver, parse_mod};

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree, tokens};

pub struct GoFrontend;

impl Frontend for GoFrontend {
    fn lang(&self) -> Lang {
        Lang::Go
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        let mut facts = scan::extract(src);
        tokens::finish(Lang::Go, src, &mut facts);
        facts
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(GoResolver::new(tree))
    }
}
