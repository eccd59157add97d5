//! The Python front-end: imports and definitions of `.py`/`.pyi` files, and their resolution
//! with grimp's semantics against the source roots of `pyproject.toml`/`setup.py`/`setup.cfg`.

mod resolve;
mod scan;
mod stdlib;

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree, tokens};

pub struct PyFrontend;

impl Frontend for PyFrontend {
    fn lang(&self) -> Lang {
        Lang::Py
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        let mut facts = scan::scan(src);
        tokens::finish(Lang::Py, src, &mut facts);
        facts
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(resolve::PyResolver::new(tree))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Target;

    /// Extract and resolve every `.py` file of a small repository given as (path, source);
    /// the file edges as sorted `from -> to` lines, external packages as `from -> ext:name`.
    fn graph(files: &[(&str, &[u8])]) -> Vec<String> {
        let tree = SourceTree::new(
            "/nowhere",
            files.iter().map(|(p, _)| (*p).to_owned()).collect(),
        );
        let resolver = PyFrontend.resolver(&tree);
        let mut edges = Vec::new();
        let mut out = Vec::new();
        for (path, src) in files {
            if Lang::from_path(path) != Some(Lang::Py) {
                continue;
            }
            let from = tree.id(path).expect("file is in the tree");
            for import in PyFrontend.extract(path, src).imports {
                out.clear();
                resolver.resolve(&tree, from, &import, &mut out);
                for target in &out {
                    edges.push(match target {
                        Target::File(to) if *to == from => continue,
                        Target::File(to) => format!("{path} -> {}", tree.path(*to)),
                        Target::External(name) => format!("{path} -> ext:{name}"),
                    });
                }
            }
        }
        edges.sort();
        edges.dedup();
        edges
    }

    #[test]
    fn facade_reexports_are_edges_to_the_facade_only() {
        let edges = graph(&[
            ("proj/pyproject.toml", b""),
            (
                "proj/src/pkg/__init__.py",
                b"from .core import Engine\nfrom .util import *\n",
            ),
            ("proj/src/pkg/core.py", b"class Engine: pass\n"),
            ("proj/src/pkg/util.py", b"def helper(): pass\n"),
            (
                "app/main.py",
                b"from pkg import Engine, helper\nimport pkg\n",
            ),
        ]);
        assert_eq!(
            edges,
            [
                "app/main.py -> proj/src/pkg/__init__.py",
                "proj/src/pkg/__init__.py -> proj/src/pkg/core.py",
                "proj/src/pkg/__init__.py -> proj/src/pkg/util.py",
            ]
        );
    }

    #[test]
    fn package_wins_over_module_of_the_same_name() {
        let edges = graph(&[
            ("svc/x.py", b""),
            ("svc/x/__init__.py", b""),
            ("svc/x/y.py", b""),
            (
                "svc/main.py",
                b"import svc.x\nfrom svc.x import y\nfrom . import x\n",
            ),
        ]);
        assert_eq!(
            edges,
            [
                "svc/main.py -> svc/x/__init__.py",
                "svc/main.py -> svc/x/y.py"
            ]
        );
    }

    #[test]
    fn from_dot_import_submodule_or_name() {
        let edges = graph(&[
            ("pkg/__init__.py", b"VERSION = 1\n"),
            ("pkg/sub.py", b""),
            ("pkg/a.py", b"from . import sub\n"),
            ("pkg/b.py", b"from . import VERSION\n"),
            ("pkg/c.py", b"from . import sub, VERSION\n"),
        ]);
        assert_eq!(
            edges,
            [
                "pkg/a.py -> pkg/sub.py",
                "pkg/b.py -> pkg/__init__.py",
                "pkg/c.py -> pkg/__init__.py",
                "pkg/c.py -> pkg/sub.py",
            ]
        );
    }

    #[test]
    fn imports_in_functions_type_checking_and_try_blocks() {
        let src = b"\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from pkg.types import T
try:
    import ujson as json
except ImportError:
    import json
def late():
    from pkg import fast  # noqa: PLC0415
    return fast
";
        let edges = graph(&[
            ("pkg/__init__.py", b""),
            ("pkg/types.py", b""),
            ("pkg/fast.py", b""),
            ("main.py", src),
        ]);
        assert_eq!(
            edges,
            [
                "main.py -> ext:ujson",
                "main.py -> pkg/fast.py",
                "main.py -> pkg/types.py"
            ]
        );
    }

    #[test]
    fn docstrings_and_comments_holding_import_text() {
        let src = b"\
\"\"\"Helpers.

Example::

    import pkg.secret
    from pkg import hidden
\"\"\"
# import pkg.commented
# from pkg import commented
HINT = \"from pkg import hidden\"
def f():
    '''import pkg.secret'''
";
        let edges = graph(&[
            ("pkg/__init__.py", b""),
            ("pkg/secret.py", b""),
            ("pkg/hidden.py", b""),
            ("pkg/commented.py", b""),
            ("main.py", src),
        ]);
        assert!(edges.is_empty(), "{edges:?}");
    }

    #[test]
    fn bom_and_crlf() {
        let src = b"\xEF\xBB\xBF\"\"\"Doc.\"\"\"\r\nfrom pkg import (\r\n    a,\r\n    b,\r\n)\r\n";
        let edges = graph(&[
            ("pkg/__init__.py", b""),
            ("pkg/a.py", b""),
            ("pkg/b.py", b""),
            ("m.py", src),
        ]);
        assert_eq!(edges, ["m.py -> pkg/a.py", "m.py -> pkg/b.py"]);
        let facts = PyFrontend.extract("m.py", src);
        assert_eq!((facts.imports[0].line, facts.imports[0].column), (2, 6));
    }

    #[test]
    fn invalid_utf8() {
        let src =
            b"# \xff\xfe caf\xe9\nx = '\xc3\x28'\nimport pkg.a\nname\xff = 1\nfrom pkg import b\n";
        let edges = graph(&[
            ("pkg/__init__.py", b""),
            ("pkg/a.py", b""),
            ("pkg/b.py", b""),
            ("m.py", src),
        ]);
        assert_eq!(edges, ["m.py -> pkg/a.py", "m.py -> pkg/b.py"]);
    }

    #[test]
    fn fstring_holding_import_text() {
        let src = br#"msg = f"{"import os"} {'from pkg import a'!r:>{width}}"
import pkg.b
"#;
        let edges = graph(&[
            ("pkg/__init__.py", b""),
            ("pkg/a.py", b""),
            ("pkg/b.py", b""),
            ("m.py", src),
        ]);
        assert_eq!(edges, ["m.py -> pkg/b.py"]);
    }

    #[test]
    fn stub_files_are_scanned_and_resolved() {
        let edges = graph(&[
            ("typed/pyproject.toml", b""),
            (
                "typed/typed/__init__.pyi",
                b"from .core import Thing as Thing\n",
            ),
            ("typed/typed/core.pyi", b"class Thing: ...\n"),
        ]);
        assert_eq!(edges, ["typed/typed/__init__.pyi -> typed/typed/core.pyi"]);
    }
}
