//! The Rust front-end: `use` trees, `mod` declarations and `extern crate` of `.rs` files,
//! items as definitions, and resolution against the crates of every `Cargo.toml`.

mod resolve;
mod scan;

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree};

pub struct RustFrontend;

impl Frontend for RustFrontend {
    fn lang(&self) -> Lang {
        Lang::Rust
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        scan::scan(src)
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(resolve::RustResolver::new(tree))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DefKind, ImportKind, Target, Visibility};

    fn imports(src: &str) -> Vec<(String, ImportKind)> {
        RustFrontend
            .extract("x.rs", src.as_bytes())
            .imports
            .into_iter()
            .map(|i| (i.spec, i.kind))
            .collect()
    }

    #[test]
    fn use_trees_mods_and_extern_crates() {
        let src = "use a::b::c;\npub use self::d::{e, f::{g as h, self}, *};\npub(crate) use ::ext::x;\nmod m;\n#[path = \"other/file.rs\"]\nmod p;\nextern crate serde as s;\nuse super::{super::up, self};\n";
        assert_eq!(
            imports(src),
            [
                ("a::b::c".into(), ImportKind::Static),
                ("self::d::e".into(), ImportKind::ReExport),
                ("self::d::f::g".into(), ImportKind::ReExport),
                ("self::d::f".into(), ImportKind::ReExport),
                ("self::d".into(), ImportKind::ReExport),
                ("::ext::x".into(), ImportKind::ReExport),
                ("m".into(), ImportKind::Mod),
                ("p".into(), ImportKind::Mod),
                ("serde".into(), ImportKind::ExternCrate),
                ("super::super::up".into(), ImportKind::Static),
                ("super".into(), ImportKind::Static),
            ]
        );
        let facts = RustFrontend.extract("x.rs", b"#[path = \"other/file.rs\"]\nmod p;");
        assert_eq!(facts.imports[0].names, ["other/file.rs"]);
    }

    #[test]
    fn comments_strings_chars_and_lifetimes_are_not_imports() {
        let src = "// use crate::no1;\n/* use crate::no2; /* nested */ use crate::no3; */\n/// use crate::no4;\nconst S: &str = \"use crate::no5;\";\nconst R: &str = r##\"use crate::no6; \"# \"##;\nconst B: &[u8] = br\"use crate::no7;\";\nfn f<'a>(x: &'a str) -> char { let q = '\"'; let e = '\\''; '{' }\nuse crate::yes;\n";
        assert_eq!(imports(src), [("crate::yes".into(), ImportKind::Static)]);
    }

    #[test]
    fn inline_modules_rewrite_self_and_super() {
        let src = "mod tests {\n    use super::*;\n    use super::helper;\n    mod deeper { use super::super::top; use self::x; }\n}\n";
        assert_eq!(
            imports(src),
            [
                ("self".into(), ImportKind::Static),
                ("self::helper".into(), ImportKind::Static),
                ("self::top".into(), ImportKind::Static),
                ("self::tests::deeper::x".into(), ImportKind::Static),
            ]
        );
    }

    #[test]
    fn bom_crlf_invalid_utf8_and_hostile_input() {
        let facts =
            RustFrontend.extract("x.rs", b"\xEF\xBB\xBFuse a::b;\r\n// \xff\r\nuse c::d;\r\n");
        assert_eq!(facts.imports.len(), 2);
        assert_eq!(facts.imports[1].line, 3);
        for src in [
            &b"use"[..],
            b"use a::{",
            b"mod",
            b"r#\"",
            b"'",
            b"/* /* */",
            b"fn",
            b"impl<",
            b"pub(",
            b"#[path = ",
        ] {
            let _ = RustFrontend.extract("x.rs", src);
        }
        let deep = "use a::{".repeat(10_000);
        let _ = RustFrontend.extract("x.rs", deep.as_bytes());
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let _ = RustFrontend.extract("x.rs", &bytes);
    }

    #[test]
    fn definitions() {
        let src = "/// doc\n#[derive(Debug)]\npub struct S {\n    a: u32,\n}\nstruct T(u32);\npub(crate) enum E { A, B }\npub trait Tr {\n    fn req(&self);\n}\nimpl Tr for S {\n    fn req(&self) {\n        let _ = 1;\n    }\n}\npub async fn free<'a>(x: &'a str) -> impl Fn() -> u32 {\n    || 1\n}\ntype Alias = Vec<u8>;\n";
        let defs: Vec<_> = RustFrontend
            .extract("x.rs", src.as_bytes())
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind, d.visibility, d.start_line, d.end_line))
            .collect();
        assert_eq!(
            defs,
            [
                ("S".into(), DefKind::Struct, Visibility::Public, 3, 5),
                ("T".into(), DefKind::Struct, Visibility::Private, 6, 6),
                ("E".into(), DefKind::Enum, Visibility::Private, 7, 7),
                ("Tr".into(), DefKind::Trait, Visibility::Public, 8, 10),
                ("req".into(), DefKind::Method, Visibility::Private, 9, 9),
                ("req".into(), DefKind::Method, Visibility::Private, 12, 14),
                ("free".into(), DefKind::Function, Visibility::Public, 16, 18),
                (
                    "Alias".into(),
                    DefKind::TypeAlias,
                    Visibility::Private,
                    19,
                    19
                ),
            ]
        );
    }

    /// Extract and resolve a small workspace given as (path, source).
    fn graph(files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        for (p, text) in files {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        let tree = SourceTree::new(
            dir.path(),
            files.iter().map(|(p, _)| (*p).to_owned()).collect(),
        );
        let resolver = RustFrontend.resolver(&tree);
        let mut edges = Vec::new();
        let mut out = Vec::new();
        for (path, src) in files {
            if !path.ends_with(".rs") {
                continue;
            }
            let from = tree.id(path).unwrap();
            for import in RustFrontend.extract(path, src.as_bytes()).imports {
                out.clear();
                resolver.resolve(&tree, from, &import, &mut out);
                for t in &out {
                    edges.push(match t {
                        Target::File(to) => format!("{path} -> {}", tree.path(*to)),
                        Target::External(n) => format!("{path} -> ext:{n}"),
                    });
                }
            }
        }
        edges.sort();
        edges
    }

    #[test]
    fn resolution_of_the_hard_cases() {
        let g = graph(&[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"app\", \"core\"]\n[workspace.dependencies]\ncore-lib = { path = \"core\" }\n",
            ),
            (
                "app/Cargo.toml",
                "[package]\nname = \"app\"\n[dependencies]\nbase = { package = \"core-lib\", workspace = true }\nserde = \"1\"\n",
            ),
            (
                "app/src/lib.rs",
                "pub mod model;\n#[path = \"special/place.rs\"]\nmod placed;\nuse crate::model::Kind::Variant;\nuse base::Thing;\nuse serde::Serialize;\nuse std::fmt;\nmod tests { use super::*; }\n",
            ),
            ("app/src/model.rs", "pub enum Kind { Variant }\n"),
            ("app/src/special/place.rs", ""),
            ("app/src/main.rs", "use app::model;\n"),
            ("core/Cargo.toml", "[package]\nname = \"core-lib\"\n"),
            ("core/src/lib.rs", ""),
        ]);
        assert_eq!(
            g,
            [
                "app/src/lib.rs -> app/src/model.rs",
                "app/src/lib.rs -> app/src/model.rs",
                "app/src/lib.rs -> app/src/special/place.rs",
                "app/src/lib.rs -> core/src/lib.rs",
                "app/src/lib.rs -> ext:serde",
                "app/src/main.rs -> app/src/model.rs",
            ]
        );
    }
}
