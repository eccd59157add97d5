//! The ts front-end (not yet implemented: extracts nothing, resolves nothing).

use crate::{FileFacts, FileId, Frontend, Import, Lang, Resolver, SourceTree, Target};

pub struct TsFrontend;

impl Frontend for TsFrontend {
    fn lang(&self) -> Lang {
        Lang::Ts
    }

    fn extract(&self, _path: &str, _src: &[u8]) -> FileFacts {
        FileFacts::default()
    }

    fn resolver(&self, _tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(NoResolver)
    }
}

struct NoResolver;

impl Resolver for NoResolver {
    fn resolve(&self, _tree: &SourceTree, _from: FileId, _import: &Import, _out: &mut Vec<Target>) {
    }
}
