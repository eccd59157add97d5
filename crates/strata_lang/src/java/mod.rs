//! The Java front-end: imports and declarations by a byte-level scanner (`scan`), resolution
//! of qualified names against Maven/Gradle source roots and declared packages (`resolve`).

mod resolve;
mod scan;

pub use resolve::JavaResolver;

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree, tokens};

pub struct JavaFrontend;

impl Frontend for JavaFrontend {
    fn lang(&self) -> Lang {
        Lang::Java
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        let mut facts = scan::extract(src);
        tokens::finish(Lang::Java, src, &mut facts);
        facts
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(JavaResolver::new(tree))
    }
}
