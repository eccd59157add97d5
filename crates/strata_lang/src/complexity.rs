//! How hard a function is to follow, from its tokens: a cyclomatic-style decision count and
//! the nesting depth of its control blocks. Same rules for the five languages, so scores
//! compare across a polyglot repository.
//!
//! - **Complexity** is 1 plus one for each branch or loop keyword (`if`, `elif`, `for`,
//!   `while`, `case`, `catch`/`except`), each short-circuit operator (`&&`, `||`, `and`, `or`,
//!   `??`), each conditional `?` (TypeScript, Java) and each Rust `match` arm (`=>`): the
//!   `McCabe` count as most linters approximate it.
//! - **Nesting** is how many control blocks (`if`, `else`, `for`, `while`, `do`, `loop`,
//!   `switch`, `match`, `select`, `try`, `catch`, `except`, `finally`, `with`) enclose the
//!   deepest statement: braces opened after a control keyword in the brace languages,
//!   indentation under a control line in Python. Closures and object literals do not count.

use crate::Lang;
use crate::tokens::{Token, is_punct, punct_code, words};

/// Decision and control keywords of each language, by token code.
struct Keywords {
    decision: [bool; 256],
    control: [bool; 256],
}

const DECISIONS: &[&str] = &[
    "if", "elif", "for", "while", "case", "catch", "except", "and", "or",
];
const CONTROLS: &[&str] = &[
    "if", "elif", "else", "for", "while", "do", "loop", "switch", "match", "select", "try",
    "catch", "except", "finally", "with",
];

fn keywords(lang: Lang) -> &'static Keywords {
    static TABLES: std::sync::OnceLock<[Keywords; 5]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        Lang::ALL.map(|l| {
            let w = words(l);
            let mut k = Keywords {
                decision: [false; 256],
                control: [false; 256],
            };
            // A word that is no keyword of the language has the identifier code: skipped.
            for d in DECISIONS {
                let code = w.code(d.as_bytes());
                if code != crate::tokens::IDENT {
                    k.decision[usize::from(code)] = true;
                }
            }
            for c in CONTROLS {
                let code = w.code(c.as_bytes());
                if code != crate::tokens::IDENT {
                    k.control[usize::from(code)] = true;
                }
            }
            k
        })
    });
    let i = Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0);
    &tables[i]
}

/// `(complexity, nesting)` of a function whose tokens are `span` (from its first line to its
/// last), in `src`.
pub(crate) fn measure(lang: Lang, src: &[u8], span: &[Token]) -> (u32, u32) {
    let kw = keywords(lang);
    let p = |c: u8| punct_code(c);
    let adjacent = |i: usize| span.get(i + 1).filter(|n| n.start == span[i].end);
    // `&&` and `||` are operators only after an operand: not in `&&T` (a type), not in
    // Rust's `|| body` or `move || body` (closures).
    let w = words(lang);
    let closure_openers = [w.code(b"move"), w.code(b"return")];
    let operand_before = |i: usize| {
        i.checked_sub(1).and_then(|j| span.get(j)).is_some_and(|b| {
            let closer = [p(b')'), p(b']'), p(b'}')].contains(&b.code);
            let opener = lang == Lang::Rust && closure_openers.contains(&b.code);
            (closer || !is_punct(b.code)) && !opener
        })
    };
    let mut decisions = 0u32;
    let mut i = 0;
    while i < span.len() {
        let t = span[i];
        let next = adjacent(i).map(|n| n.code);
        if kw.decision[usize::from(t.code)] {
            decisions += 1;
        } else if ((t.code == p(b'&') && next == Some(p(b'&')))
            || (t.code == p(b'|') && next == Some(p(b'|'))))
            && operand_before(i)
        {
            decisions += 1;
            i += 1;
        } else if t.code == p(b'?') && matches!(lang, Lang::Ts | Lang::Java) {
            // `??` counts once; `?.`, `?:` (optional members) and `?>`, `?,` (Java
            // wildcards) are no decision.
            if next == Some(p(b'?')) {
                decisions += 1;
                i += 1;
            } else if ![b'.', b':', b'>', b',', b')', b'=']
                .iter()
                .any(|&c| next == Some(p(c)))
            {
                decisions += 1;
            }
        } else if lang == Lang::Rust && t.code == p(b'=') && next == Some(p(b'>')) {
            decisions += 1;
            i += 1;
        }
        i += 1;
    }
    let nesting = if lang == Lang::Py {
        indent_nesting(kw, src, span)
    } else {
        brace_nesting(kw, span)
    };
    (decisions + 1, nesting)
}

/// Brace languages: a `{` is a control block when a control keyword came since the last
/// statement boundary (`;`, `{`, `}`).
fn brace_nesting(k: &Keywords, span: &[Token]) -> u32 {
    let (open, close, semi) = (punct_code(b'{'), punct_code(b'}'), punct_code(b';'));
    let (lparen, rparen) = (punct_code(b'('), punct_code(b')'));
    let mut stack: Vec<bool> = Vec::new();
    let mut controls = 0u32;
    let mut deepest = 0u32;
    let mut pending = false;
    // `;` inside parentheses (`for (;;)`) ends no statement.
    let mut parens = 0i32;
    for t in span {
        if t.code == open {
            stack.push(pending);
            controls += u32::from(pending);
            deepest = deepest.max(controls);
            pending = false;
        } else if t.code == close {
            if stack.pop() == Some(true) {
                controls -= 1;
            }
            pending = false;
        } else if t.code == semi && parens <= 0 {
            pending = false;
        } else if t.code == lparen {
            parens += 1;
        } else if t.code == rparen {
            parens -= 1;
        } else if k.control[usize::from(t.code)] {
            pending = true;
        }
    }
    deepest
}

/// Python: the control lines (first token a control keyword) enclosing each line, by
/// indentation. Lines inside brackets (continuations) are skipped.
fn indent_nesting(k: &Keywords, src: &[u8], span: &[Token]) -> u32 {
    let (opens, closes) = (
        [punct_code(b'('), punct_code(b'['), punct_code(b'{')],
        [punct_code(b')'), punct_code(b']'), punct_code(b'}')],
    );
    let column = |t: &Token| {
        let start = t.start as usize;
        let line_start =
            memchr::memrchr(b'\n', src.get(..start).unwrap_or_default()).map_or(0, |n| n + 1);
        start - line_start
    };
    let mut stack: Vec<usize> = Vec::new();
    let mut deepest = 0u32;
    let mut depth = 0i32;
    let mut line = 0;
    for (i, t) in span.iter().enumerate() {
        let first_on_line = i == 0 || t.line != line;
        line = t.line;
        if first_on_line && depth <= 0 && i > 0 {
            let indent = column(t);
            while stack.last().is_some_and(|&top| indent <= top) {
                stack.pop();
            }
            deepest = deepest.max(u32::try_from(stack.len()).unwrap_or(u32::MAX));
            if k.control[usize::from(t.code)] {
                stack.push(indent);
            }
        }
        if opens.contains(&t.code) {
            depth += 1;
        } else if closes.contains(&t.code) {
            depth -= 1;
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::lex;

    fn of(lang: Lang, src: &str) -> (u32, u32) {
        measure(lang, src.as_bytes(), &lex(lang, src.as_bytes()).tokens)
    }

    #[test]
    fn a_straight_function_is_one_and_flat() {
        assert_eq!(
            of(Lang::Rust, "fn f(a: &&u8) -> u8 { let x = a | b; x }"),
            (1, 0)
        );
        assert_eq!(of(Lang::Py, "def f(a):\n    x = a\n    return x\n"), (1, 0));
        assert_eq!(
            of(Lang::Ts, "function f(a?: number) { return a?.b ?? c; }"),
            (2, 0)
        );
    }

    #[test]
    fn decisions_are_counted_in_every_language() {
        let rust = "fn f(x: u8) -> u8 {\n    if x > 1 && x < 9 || x == 0 {\n        for i in 0..x {\n            while i > 0 {}\n        }\n    }\n    match x { 1 => 2, _ => 3 }\n}\n";
        assert_eq!(of(Lang::Rust, rust), (1 + 3 + 1 + 1 + 2, 3));
        let ts = "function f(x) {\n  if (x && y) { return x ? 1 : 2; }\n  switch (x) { case 1: break; case 2: break; }\n  try { g(); } catch (e) { for (;;) { if (e) {} } }\n  const o = { a: { b: 1 } };\n}\n";
        // if, &&, ?, case, case, catch, for, if.
        assert_eq!(of(Lang::Ts, ts), (9, 3));
        let py = "def f(x):\n    if x and y or z:\n        for i in x:\n            while (i and\n                   j):\n                pass\n    elif x:\n        pass\n    try:\n        g()\n    except E:\n        pass\n";
        // if, and, or, for, while, and, elif, except.
        assert_eq!(of(Lang::Py, py), (9, 3));
        let go = "func f(x int) int {\n\tif x > 1 && x < 2 {\n\t\tfor {\n\t\t\tselect {\n\t\t\tcase <-c:\n\t\t\t}\n\t\t}\n\t}\n\treturn x\n}\n";
        assert_eq!(of(Lang::Go, go), (5, 3));
        let java = "int f(List<?> l, int x) {\n  if (x > 0 || l == null) { return x > 1 ? 1 : 0; }\n  while (x > 0) { x--; }\n  return 0;\n}\n";
        // if, ||, ?, while; the wildcard `?` is none.
        assert_eq!(of(Lang::Java, java), (5, 1));
    }

    #[test]
    fn closures_and_literals_do_not_nest() {
        let ts = "function f() {\n  items.forEach((x) => { const y = { a: { b: x } }; });\n}\n";
        assert_eq!(of(Lang::Ts, ts), (1, 0));
        let rust = "fn f() {\n    let c = |x| { S { a: x } };\n    if a { c(1); }\n}\n";
        assert_eq!(of(Lang::Rust, rust), (2, 1));
    }
}
