//! The Python front-end: imports and definitions of `.py`/`.pyi` files, and their resolution
//! with grimp's semantics against the source roots of `pyproject.toml`/`setup.py`/`setup.cfg`.

mod resolve;
mod scan;
mod stdlib;

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree};

pub struct PyFrontend;

impl Frontend for PyFrontend {
    fn lang(&self) -> Lang {
        Lang::Py
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        scan::scan(src)
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(resolve::PyResolver::new(tree))
    }
}
