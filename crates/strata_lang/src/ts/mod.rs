//! The TypeScript/JavaScript front-end: imports and definitions of `.ts .tsx .mts .cts .js
//! .jsx .mjs .cjs` (and `.d.ts`) files, and their resolution as `tsc` does with
//! `moduleResolution: bundler`.

mod resolve;
pub(crate) mod scan;

use crate::{FileFacts, Frontend, Lang, Resolver, SourceTree, tokens};

pub struct TsFrontend;

impl Frontend for TsFrontend {
    fn lang(&self) -> Lang {
        Lang::Ts
    }

    fn extract(&self, _path: &str, src: &[u8]) -> FileFacts {
        // Offsets count from past the byte order mark.
        let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
        let (mut facts, lexed) = scan::scan(src);
        tokens::finish_lexed(Lang::Ts, src, &lexed, &mut facts);
        facts
    }

    fn resolver(&self, tree: &SourceTree) -> Box<dyn Resolver> {
        Box::new(resolve::TsResolver::new(tree))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DefKind, ImportKind, Target, Visibility};

    fn imports(src: &str) -> Vec<(String, ImportKind, u32, u32)> {
        TsFrontend
            .extract("x.ts", src.as_bytes())
            .imports
            .into_iter()
            .map(|i| (i.spec, i.kind, i.line, i.column))
            .collect()
    }

    fn specs(src: &str) -> Vec<String> {
        imports(src).into_iter().map(|i| i.0).collect()
    }

    #[test]
    fn every_import_form() {
        let src = "import a from 'a';\nimport { b as c, d } from \"b\";\nimport * as ns from './ns';\nimport type { T } from './types';\nimport 'side';\nexport * from './all';\nexport { x } from './x';\nexport type { Y } from './y';\nconst r = require('req');\nconst m = await import('./lazy');\nimport e = require('eq');\nimport def, { named } from './both';\nexport * as grouped from './grouped';\n";
        assert_eq!(
            imports(src),
            [
                ("a".into(), ImportKind::Static, 1, 16),
                ("b".into(), ImportKind::Static, 2, 28),
                ("./ns".into(), ImportKind::Static, 3, 22),
                ("./types".into(), ImportKind::TypeOnly, 4, 25),
                ("side".into(), ImportKind::SideEffect, 5, 9),
                ("./all".into(), ImportKind::ReExport, 6, 16),
                ("./x".into(), ImportKind::ReExport, 7, 20),
                ("./y".into(), ImportKind::ReExport, 8, 25),
                ("req".into(), ImportKind::Require, 9, 20),
                ("./lazy".into(), ImportKind::Dynamic, 10, 25),
                ("eq".into(), ImportKind::Require, 11, 21),
                ("./both".into(), ImportKind::Static, 12, 29),
                ("./grouped".into(), ImportKind::ReExport, 13, 27),
            ]
        );
    }

    #[test]
    fn triple_slash_references_before_the_first_statement() {
        let src = "\u{feff}// header\n/* licence */\n/// <reference path=\"./operators/index.ts\" />\n///<reference path='testing/index.ts'/>\n/// <reference types=\"node\" />\nexport * from './a';\n/// <reference path=\"late.ts\" />\n";
        assert_eq!(
            imports(src),
            [
                ("./operators/index.ts".into(), ImportKind::Static, 3, 22),
                ("./testing/index.ts".into(), ImportKind::Static, 4, 21),
                ("./a".into(), ImportKind::ReExport, 6, 16),
            ]
        );
    }

    #[test]
    fn comments_strings_templates_and_regexes_are_not_imports() {
        let src = r#"// import a from 'no1';
/* import b from 'no2'; */
/** export * from 'no3' */
const s = "import c from 'no4'";
const t = `require('no5') ${ `import('no6')` } ${ { a: "}" }.a } import d from 'no7'`;
const re = /import e from 'no8'/g;
const div = 4 / 2 / 1; import real from 'yes1';
x.require('no9'); obj.import('no10');
const q = 'it\'s'; import r2 from "yes2";
const u = `${require('yes3')}`;
"#;
        assert_eq!(specs(src), ["yes1", "yes2", "yes3"]);
    }

    #[test]
    fn regex_after_keywords_and_division_after_values() {
        let src = "function f(a) { return /'/.test(a) }\nconst x = a / b; const y = (c) / 2;\nimport ok from 'ok';\nif (/[/'\"]/.test(s)) {}\nimport ok2 from 'ok2';\n";
        assert_eq!(specs(src), ["ok", "ok2"]);
    }

    #[test]
    fn minified_single_line() {
        let src = "var a=require(\"a\"),b=require('b');function c(d){return d.replace(/['\"]/g,\"\")}var e=/\\/import('x')\\//;module.exports={f:require(\"f\")};";
        assert_eq!(specs(src), ["a", "b", "f"]);
    }

    #[test]
    fn bom_crlf_and_invalid_utf8() {
        let src = b"\xEF\xBB\xBFimport a from 'a';\r\n// \xff\xfe\r\nimport b from 'b\xff';\r\nexport const \xc3 = 1;\r\n";
        let facts = TsFrontend.extract("x.ts", src);
        assert_eq!(facts.imports.len(), 2);
        assert_eq!(facts.imports[1].line, 3);
        assert_eq!(facts.imports[0].spec, "a");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for src in [
            &b"`${"[..],
            b"`${`${`${",
            b"'unterminated",
            b"/* open",
            b"import",
            b"import(",
            b"export {",
            b"/[",
            b"}}}}}",
            b"require(",
            b"class {",
            b"function",
        ] {
            let _ = TsFrontend.extract("x.ts", src);
        }
        let deep = "{".repeat(100_000) + &"`${".repeat(10_000);
        let _ = TsFrontend.extract("x.ts", deep.as_bytes());
        let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let _ = TsFrontend.extract("x.ts", &bytes);
    }

    fn defs(src: &str) -> Vec<(String, DefKind, Visibility, u32, u32)> {
        TsFrontend
            .extract("x.ts", src.as_bytes())
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind, d.visibility, d.start_line, d.end_line))
            .collect()
    }

    #[test]
    fn definitions_with_spans() {
        let src = "export default function main(a: number): { x: number } {\n  return { x: a };\n}\nasync function helper() {\n}\nexport const arrow = async (x: number): Promise<number> => {\n  return x;\n};\nconst short = (x) => x + 1;\nexport class Box<T> extends Base {\n  private value: T;\n  constructor(v: T) {\n    this.value = v;\n  }\n  static of<U>(v: U): Box<U> { return new Box(v); }\n  #secret() {}\n}\nexport interface Shape {\n  area(): number;\n}\nexport type Id = string | number;\nenum Color { Red, Green }\n";
        assert_eq!(
            defs(src),
            [
                ("main".into(), DefKind::Function, Visibility::Public, 1, 3),
                (
                    "helper".into(),
                    DefKind::Function,
                    Visibility::Private,
                    4,
                    5
                ),
                ("arrow".into(), DefKind::Function, Visibility::Public, 6, 8),
                ("short".into(), DefKind::Function, Visibility::Private, 9, 9),
                ("Box".into(), DefKind::Class, Visibility::Public, 10, 17),
                (
                    "constructor".into(),
                    DefKind::Method,
                    Visibility::Public,
                    12,
                    14
                ),
                ("of".into(), DefKind::Method, Visibility::Public, 15, 15),
                (
                    "secret".into(),
                    DefKind::Method,
                    Visibility::Private,
                    16,
                    16
                ),
                (
                    "Shape".into(),
                    DefKind::Interface,
                    Visibility::Public,
                    18,
                    20
                ),
                ("Id".into(), DefKind::TypeAlias, Visibility::Public, 21, 21),
                ("Color".into(), DefKind::Enum, Visibility::Private, 22, 22),
            ]
        );
    }

    /// Extract and resolve a small repository given as (path, source).
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
        let resolver = TsFrontend.resolver(&tree);
        let mut edges = Vec::new();
        let mut out = Vec::new();
        for (path, src) in files {
            if Lang::from_path(path) != Some(Lang::Ts) {
                continue;
            }
            let from = tree.id(path).unwrap();
            for import in TsFrontend.extract(path, src.as_bytes()).imports {
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
    fn relative_js_extension_index_and_facade() {
        let g = graph(&[
            (
                "src/a.ts",
                "import x from '../lib/x.js';\nimport d from './dir';\nexport * from './facade';\nimport 'node:fs'; import p from 'path';\nimport l from 'lodash/fp';\nimport s from '@scope/pkg/deep';",
            ),
            ("lib/x.ts", ""),
            ("src/dir/index.ts", ""),
            ("src/facade.ts", "export * from './inner';"),
            ("src/inner.ts", ""),
        ]);
        assert_eq!(
            g,
            [
                "src/a.ts -> ext:@scope/pkg",
                "src/a.ts -> ext:lodash",
                "src/a.ts -> lib/x.ts",
                "src/a.ts -> src/dir/index.ts",
                "src/a.ts -> src/facade.ts",
                "src/facade.ts -> src/inner.ts",
            ]
        );
    }

    #[test]
    fn tsconfig_paths_extends_and_workspace_packages() {
        let g = graph(&[
            (
                "tsconfig.base.json",
                "{ // base\n \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@lib/*\": [\"missing/*\", \"libs/*/src\"], \"shadow\": [\"local/shadow.ts\"], } } }",
            ),
            (
                "app/tsconfig.json",
                "{ \"extends\": \"../tsconfig.base.json\" }",
            ),
            (
                "app/main.ts",
                "import a from '@lib/alpha';\nimport s from 'shadow';\nimport w from '@acme/web';\nimport ws from '@acme/web/widgets';\nimport b from 'libs/beta/src';",
            ),
            ("libs/alpha/src/index.ts", ""),
            ("libs/beta/src/index.ts", ""),
            ("local/shadow.ts", ""),
            (
                "node_modules_like/shadow/package.json",
                "{\"name\": \"shadow\", \"main\": \"index.js\"}",
            ),
            (
                "packages/web/package.json",
                "{\"name\": \"@acme/web\", \"exports\": {\".\": {\"types\": \"./src/index.ts\"}, \"./widgets\": \"./src/widgets/index.ts\"}}",
            ),
            ("packages/web/src/index.ts", ""),
            ("packages/web/src/widgets/index.ts", ""),
        ]);
        assert_eq!(
            g,
            [
                "app/main.ts -> libs/alpha/src/index.ts",
                "app/main.ts -> libs/beta/src/index.ts",
                "app/main.ts -> local/shadow.ts",
                "app/main.ts -> packages/web/src/index.ts",
                "app/main.ts -> packages/web/src/widgets/index.ts",
            ]
        );
    }
}
