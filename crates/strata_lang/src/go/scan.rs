//! Go extraction: one pass over a file's bytes yields its imports and top-level definitions.
//!
//! A small lexer produces only what the declaration level needs (identifiers, literals,
//! punctuation, and newlines for Go's automatic semicolons); every bracketed region — function
//! bodies, parameter lists, struct bodies — is skipped by a byte loop that looks only at
//! brackets, quotes and comment starts. Comments and string, raw-string and rune literals are
//! lexed exactly, so import-like text inside them never becomes an import.
//!
//! Every read goes through `get`, every loop advances, and unterminated literals or comments end
//! at the end of the input: any bytes are accepted.

use memchr::{memchr, memchr_iter, memchr3, memmem, memrchr};

use crate::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};

/// Extract the imports of the import section and the top-level definitions of one Go file.
///
/// Imports are read only between the `package` clause and the first other declaration, as Go
/// allows; `_` imports are [`ImportKind::SideEffect`], all others [`ImportKind::Static`].
/// Definitions are the top-level `func`s (a method is named without its receiver type), `type`s
/// and `const`s (one per name, grouped or not; `var`s are not constants), spanning from the line
/// of `func` (or of the type's or constant's name) to the line of the declaration's last token,
/// the closing brace for bodies. The names of a `const` spec (`A, B = 1, 2`) share its span. Columns count bytes from the start of
/// the line, a leading BOM excluded.
pub fn extract(src: &[u8]) -> FileFacts {
    // A BOM is not part of line 1 for columns: drop it before anything else.
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let mut parser = Parser {
        lx: Lexer { src, pos: 0 },
        lines: Lines {
            src,
            pos: 0,
            line: 1,
        },
        facts: FileFacts::default(),
    };
    parser.file();
    parser.facts
}

/// The bytes [`Lexer::skip_nested`] must stop at; everything else is skipped in bulk.
static NESTED: [bool; 256] = byte_set(b"()[]{}\"'`/");

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A string literal; the token's span is its content, without the quotes.
    Str {
        escaped: bool,
    },
    /// A number or a rune.
    Lit,
    Op(u8),
    /// A line end, or a block comment spanning lines (which Go treats as one).
    Newline,
    Eof,
}

impl Kind {
    /// Whether a newline after this token ends the statement (Go's semicolon insertion; the
    /// keywords among identifiers cannot end a top-level line in valid code, so all count).
    fn ends_line(self) -> bool {
        matches!(
            self,
            Kind::Ident | Kind::Str { .. } | Kind::Lit | Kind::Op(b')' | b']' | b'}')
        )
    }
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

/// What [`Lexer::skip_interpreted`] saw.
struct Literal {
    escaped: bool,
    closed: bool,
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn rest(&self, from: usize) -> &'a [u8] {
        self.src.get(from..).unwrap_or_default()
    }

    fn tok(&self, kind: Kind, start: usize) -> Tok {
        Tok {
            kind,
            start,
            end: self.pos,
        }
    }

    fn next(&mut self) -> Tok {
        loop {
            let start = self.pos;
            let Some(b) = self.at(start) else {
                self.pos = self.src.len();
                return self.tok(Kind::Eof, self.pos);
            };
            self.pos += 1;
            match b {
                b' ' | b'\t' | b'\r' | 0x0C => {}
                b'\n' => return self.tok(Kind::Newline, start),
                b'/' if self.at(start + 1) == Some(b'/') => {
                    // The newline that ends the comment is the next token.
                    self.pos =
                        memchr(b'\n', self.rest(start)).map_or(self.src.len(), |k| start + k);
                }
                b'/' if self.at(start + 1) == Some(b'*') => {
                    let body = self.rest(start + 2);
                    let len = memmem::find(body, b"*/").unwrap_or(body.len());
                    self.pos = (start + 2 + len + 2).min(self.src.len());
                    if memchr(b'\n', body.get(..len).unwrap_or_default()).is_some() {
                        return self.tok(Kind::Newline, start);
                    }
                }
                b'"' => {
                    let lit = self.skip_interpreted(b'"');
                    let end = if lit.closed { self.pos - 1 } else { self.pos };
                    let kind = Kind::Str {
                        escaped: lit.escaped,
                    };
                    return Tok {
                        kind,
                        start: start + 1,
                        end,
                    };
                }
                b'`' => {
                    let body = self.rest(start + 1);
                    let len = memchr(b'`', body).unwrap_or(body.len());
                    self.pos = (start + 1 + len + 1).min(self.src.len());
                    return Tok {
                        kind: Kind::Str { escaped: false },
                        start: start + 1,
                        end: start + 1 + len,
                    };
                }
                b'\'' => {
                    self.skip_interpreted(b'\'');
                    return self.tok(Kind::Lit, start);
                }
                b'0'..=b'9' => {
                    while self
                        .at(self.pos)
                        .is_some_and(|c| is_ident_byte(c) || c == b'.')
                    {
                        self.pos += 1;
                    }
                    return self.tok(Kind::Lit, start);
                }
                _ if is_ident_start(b) => {
                    while self.at(self.pos).is_some_and(is_ident_byte) {
                        self.pos += 1;
                    }
                    return self.tok(Kind::Ident, start);
                }
                _ => return self.tok(Kind::Op(b), start),
            }
        }
    }

    /// Past the opening quote of a `"…"` string or a `'…'` rune: move past its closing quote.
    /// An unterminated literal ends before the line end.
    fn skip_interpreted(&mut self, quote: u8) -> Literal {
        let mut escaped = false;
        loop {
            let Some(k) = memchr3(quote, b'\\', b'\n', self.rest(self.pos)) else {
                self.pos = self.src.len();
                return Literal {
                    escaped,
                    closed: false,
                };
            };
            let at = self.pos + k;
            match self.at(at) {
                Some(b'\\') if self.at(at + 1) != Some(b'\n') => {
                    escaped = true;
                    self.pos = (at + 2).min(self.src.len());
                }
                Some(b) if b == quote => {
                    self.pos = at + 1;
                    return Literal {
                        escaped,
                        closed: true,
                    };
                }
                _ => {
                    self.pos = at;
                    return Literal {
                        escaped,
                        closed: false,
                    };
                }
            }
        }
    }

    /// Just past an opening bracket: move past the bracket that closes it, skipping literals and
    /// comments. Returns the offset of the closing bracket (the input's length if none).
    fn skip_nested(&mut self) -> usize {
        let mut depth = 1usize;
        loop {
            let rest = self.rest(self.pos);
            let Some(k) = rest.iter().position(|&b| NESTED[usize::from(b)]) else {
                self.pos = self.src.len();
                return self.pos;
            };
            let at = self.pos + k;
            self.pos = at + 1;
            match self.at(at) {
                Some(b'(' | b'[' | b'{') => depth += 1,
                Some(b')' | b']' | b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return at;
                    }
                }
                Some(b'"') => {
                    self.skip_interpreted(b'"');
                }
                Some(b'\'') => {
                    self.skip_interpreted(b'\'');
                }
                Some(b'`') => {
                    let len = memchr(b'`', self.rest(self.pos)).map_or(usize::MAX, |k| k + 1);
                    self.pos = self.pos.saturating_add(len).min(self.src.len());
                }
                Some(b'/') => match self.at(self.pos) {
                    Some(b'/') => {
                        let len = memchr(b'\n', self.rest(self.pos)).unwrap_or(usize::MAX);
                        self.pos = self.pos.saturating_add(len).min(self.src.len());
                    }
                    Some(b'*') => {
                        let len = memmem::find(self.rest(self.pos + 1), b"*/")
                            .map_or(usize::MAX, |k| k + 3);
                        self.pos = self.pos.saturating_add(len).min(self.src.len());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
}

/// 1-based line numbers, counted lazily from the last query (queries mostly move forward).
struct Lines<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
}

impl Lines<'_> {
    fn line(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.src.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let n = memchr_iter(b'\n', self.src.get(self.pos..offset).unwrap_or_default()).count();
        self.line = self
            .line
            .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        self.pos = offset;
        self.line
    }

    fn column(&self, offset: usize) -> u32 {
        let offset = offset.min(self.src.len());
        let start = memrchr(b'\n', self.src.get(..offset).unwrap_or_default()).map_or(0, |i| i + 1);
        u32::try_from(offset - start + 1).unwrap_or(u32::MAX)
    }
}

/// How a declaration ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// A `;` or a statement-ending newline.
    End,
    /// A `)` with no opening bracket in the declaration: the end of a group.
    CloseGroup,
    Eof,
}

struct Parser<'a> {
    lx: Lexer<'a>,
    lines: Lines<'a>,
    facts: FileFacts,
}

impl<'a> Parser<'a> {
    fn text(&self, t: Tok) -> &'a [u8] {
        self.lx.src.get(t.start..t.end).unwrap_or_default()
    }

    fn is_word(&self, t: Tok, word: &[u8]) -> bool {
        t.kind == Kind::Ident && self.text(t) == word
    }

    /// The next token, skipping line ends (after tokens that do not end a statement).
    fn next_skip_lines(&mut self) -> Tok {
        loop {
            let t = self.lx.next();
            if t.kind != Kind::Newline {
                return t;
            }
        }
    }

    fn file(&mut self) {
        let mut seen_package = false;
        let mut import_section = false;
        loop {
            let t = self.lx.next();
            match t.kind {
                Kind::Eof => return,
                Kind::Newline | Kind::Op(b';') => {}
                Kind::Ident if !seen_package && self.text(t) == b"package" => {
                    seen_package = true;
                    import_section = true;
                    self.rest_of_decl(Kind::Ident);
                }
                Kind::Ident if import_section && self.text(t) == b"import" => self.import_decl(),
                Kind::Ident if self.text(t) == b"func" => {
                    import_section = false;
                    self.func_decl(t);
                }
                Kind::Ident if self.text(t) == b"type" => {
                    import_section = false;
                    self.grouped_decl(Self::type_spec);
                }
                Kind::Ident if self.text(t) == b"const" => {
                    import_section = false;
                    self.grouped_decl(Self::const_spec);
                }
                _ => {
                    import_section = false;
                    self.decl_from(t);
                }
            }
        }
    }

    /// Skip the rest of a declaration whose last token so far was `prev`; returns the offset of
    /// its last byte and how it ended.
    fn rest_of_decl(&mut self, mut prev: Kind) -> (usize, Stop) {
        let mut last = self.lx.pos.saturating_sub(1);
        loop {
            let t = self.lx.next();
            match t.kind {
                Kind::Eof => return (last, Stop::Eof),
                Kind::Op(b';') => return (last, Stop::End),
                Kind::Newline if prev.ends_line() => return (last, Stop::End),
                Kind::Newline => continue,
                Kind::Op(b')') => return (last, Stop::CloseGroup),
                Kind::Op(b'(' | b'[' | b'{') => {
                    last = self.lx.skip_nested();
                    prev = Kind::Op(b')');
                    continue;
                }
                _ => {}
            }
            // The token's last byte (a string's closing quote included).
            last = self.lx.pos.saturating_sub(1);
            prev = t.kind;
        }
    }

    /// Skip a declaration starting with token `t` (already read).
    fn decl_from(&mut self, t: Tok) -> (usize, Stop) {
        match t.kind {
            Kind::Eof => (t.start, Stop::Eof),
            Kind::Newline | Kind::Op(b';') => (t.start, Stop::End),
            Kind::Op(b')') => (t.start, Stop::CloseGroup),
            Kind::Op(b'(' | b'[' | b'{') => {
                self.lx.skip_nested();
                self.rest_of_decl(Kind::Op(b')'))
            }
            kind => self.rest_of_decl(kind),
        }
    }

    fn import_decl(&mut self) {
        let t = self.next_skip_lines();
        if t.kind != Kind::Op(b'(') {
            self.import_spec(t);
            return;
        }
        loop {
            let t = self.lx.next();
            match t.kind {
                Kind::Eof | Kind::Op(b')') => return,
                Kind::Newline | Kind::Op(b';') => {}
                _ => {
                    if self.import_spec(t) != Stop::End {
                        return;
                    }
                }
            }
        }
    }

    /// `[name] "path"`, from its first token.
    fn import_spec(&mut self, first: Tok) -> Stop {
        let mut t = first;
        let mut kind = ImportKind::Static;
        if t.kind == Kind::Ident || t.kind == Kind::Op(b'.') {
            if self.text(t) == b"_" {
                kind = ImportKind::SideEffect;
            }
            t = self.lx.next();
        }
        if let Kind::Str { escaped, .. } = t.kind {
            let raw = self.text(t);
            let spec = if escaped {
                unescape(raw)
            } else {
                String::from_utf8_lossy(raw).into_owned()
            };
            let line = self.lines.line(t.start);
            let column = self.lines.column(t.start);
            self.facts.imports.push(Import {
                spec,
                names: Vec::new(),
                kind,
                line,
                column,
            });
        }
        self.decl_from(t).1
    }

    fn func_decl(&mut self, func: Tok) {
        let mut t = self.next_skip_lines();
        let mut kind = DefKind::Function;
        if t.kind == Kind::Op(b'(') {
            self.lx.skip_nested();
            kind = DefKind::Method;
            t = self.next_skip_lines();
        }
        if t.kind != Kind::Ident {
            self.decl_from(t);
            return;
        }
        let (last, _) = self.rest_of_decl(Kind::Ident);
        self.push_def(t, kind, func.start, last);
    }

    /// A `type` or `const` declaration after its keyword: one spec, or a group `( … )` of
    /// specs, each read by `spec` from its first name.
    fn grouped_decl(&mut self, spec: fn(&mut Self, Tok) -> Stop) {
        let t = self.next_skip_lines();
        if t.kind != Kind::Op(b'(') {
            if t.kind == Kind::Ident {
                spec(self, t);
            } else {
                self.decl_from(t);
            }
            return;
        }
        loop {
            let t = self.lx.next();
            let stop = match t.kind {
                Kind::Eof | Kind::Op(b')') => return,
                Kind::Newline | Kind::Op(b';') => continue,
                Kind::Ident => spec(self, t),
                _ => self.decl_from(t).1,
            };
            if stop != Stop::End {
                return;
            }
        }
    }

    /// `Name [TypeParams] [=] Type`, from its name.
    fn type_spec(&mut self, name: Tok) -> Stop {
        let mut t = self.lx.next();
        if t.kind == Kind::Op(b'[') {
            // Type parameters (`[T any]`) or an array length (`[4]`, `[]`).
            let save = self.lx.pos;
            let (a, b) = (self.next_skip_lines(), self.next_skip_lines());
            self.lx.pos = save;
            let generic = a.kind == Kind::Ident
                && (b.kind == Kind::Ident || matches!(b.kind, Kind::Op(b'~' | b',' | b'*')));
            self.lx.skip_nested();
            if generic {
                t = self.lx.next();
            } else {
                let (last, stop) = self.rest_of_decl(Kind::Op(b']'));
                self.push_def(name, DefKind::TypeAlias, name.start, last);
                return stop;
            }
        }
        let kind = if self.is_word(t, b"struct") {
            DefKind::Struct
        } else if self.is_word(t, b"interface") {
            DefKind::Interface
        } else {
            DefKind::TypeAlias
        };
        let (last, stop) = self.decl_from(t);
        self.push_def(name, kind, name.start, last);
        stop
    }

    /// `Name {, Name} [Type] [= Values]`, from its first name: one constant per name but `_`.
    fn const_spec(&mut self, first: Tok) -> Stop {
        /// More names than this in one spec (never seen in real code) are dropped.
        const MAX_NAMES: usize = 64;
        let mut names = [first; MAX_NAMES];
        let mut count = 1usize;
        let mut prev = first;
        let mut t = self.lx.next();
        while t.kind == Kind::Op(b',') {
            let name = self.next_skip_lines();
            if name.kind != Kind::Ident {
                t = name;
                break;
            }
            if let Some(slot) = names.get_mut(count) {
                *slot = name;
                count += 1;
            }
            prev = name;
            t = self.lx.next();
        }
        // A spec that is only its names (`B` after `A = iota`) ends with them.
        let name_end = prev.end.saturating_sub(1);
        let (last, stop) = match t.kind {
            Kind::Eof => (name_end, Stop::Eof),
            Kind::Newline | Kind::Op(b';') => (name_end, Stop::End),
            Kind::Op(b')') => (name_end, Stop::CloseGroup),
            _ => self.decl_from(t),
        };
        let start_line = self.lines.line(first.start);
        let end_line = self.lines.line(last.max(first.start));
        for name in names.get(..count).unwrap_or_default() {
            if self.text(*name) != b"_" {
                self.push_lines(*name, DefKind::Const, start_line, end_line);
            }
        }
        stop
    }

    fn push_def(&mut self, name: Tok, kind: DefKind, start: usize, last: usize) {
        let start_line = self.lines.line(start);
        let end_line = self.lines.line(last.max(start));
        self.push_lines(name, kind, start_line, end_line);
    }

    fn push_lines(&mut self, name: Tok, kind: DefKind, start_line: u32, end_line: u32) {
        let name = String::from_utf8_lossy(self.text(name)).into_owned();
        let visibility = if name.chars().next().is_some_and(char::is_uppercase) {
            Visibility::Public
        } else {
            Visibility::Private
        };
        self.facts.definitions.push(Definition {
            name,
            kind,
            visibility,
            start_line,
            end_line,
            ..Definition::default()
        });
    }
}

/// The value of an interpreted string literal's content (escapes are legal, if rare, in import
/// paths). Malformed escapes are kept as written.
fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        let Some(&e) = raw.get(i) else {
            out.push(b);
            break;
        };
        i += 1;
        let simple = match e {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0C),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0B),
            b'\\' | b'"' | b'\'' => Some(e),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            continue;
        }
        let (digits, radix) = match e {
            b'x' => (2, 16),
            b'u' => (4, 16),
            b'U' => (8, 16),
            b'0'..=b'7' => {
                i -= 1;
                (3, 8)
            }
            _ => (0, 0),
        };
        let value = Some(radix)
            .filter(|&r| r != 0)
            .and_then(|_| raw.get(i..i + digits))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, radix).ok());
        match (value, e) {
            (Some(v), b'x' | b'0'..=b'7') => {
                out.push(u8::try_from(v).unwrap_or(b'?'));
                i += digits;
            }
            (Some(v), _) => {
                let c = char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += digits;
            }
            (None, _) => {
                // Octal digits were not consumed: they are read again as plain bytes.
                out.push(b'\\');
                if !matches!(e, b'0'..=b'7') {
                    out.push(e);
                }
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(src: &str) -> Vec<(String, ImportKind, u32, u32)> {
        extract(src.as_bytes())
            .imports
            .into_iter()
            .map(|i| (i.spec, i.kind, i.line, i.column))
            .collect()
    }

    fn specs(src: &[u8]) -> Vec<String> {
        extract(src).imports.into_iter().map(|i| i.spec).collect()
    }

    fn defs(src: &str) -> Vec<(String, DefKind, Visibility, u32, u32)> {
        extract(src.as_bytes())
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind, d.visibility, d.start_line, d.end_line))
            .collect()
    }

    fn imp(spec: &str, kind: ImportKind, line: u32, column: u32) -> (String, ImportKind, u32, u32) {
        (spec.to_owned(), kind, line, column)
    }

    #[test]
    fn single_and_grouped_imports_with_positions() {
        let src = "package p\n\nimport \"fmt\"\nimport (\n\t\"os\"\n\tstr \"strings\"\n\t. \"math\"\n\t_ \"embed\"\n)\n";
        assert_eq!(
            imports(src),
            vec![
                imp("fmt", ImportKind::Static, 3, 9),
                imp("os", ImportKind::Static, 5, 3),
                imp("strings", ImportKind::Static, 6, 7),
                imp("math", ImportKind::Static, 7, 5),
                imp("embed", ImportKind::SideEffect, 8, 5),
            ]
        );
    }

    #[test]
    fn import_forms_on_one_line_and_raw_paths() {
        let src = "package p; import ( \"a/b\"; c \"c/d\" ); import `raw/path`\nimport _ \"x\"; import . \"y\"";
        assert_eq!(specs(src.as_bytes()), ["a/b", "c/d", "raw/path", "x", "y"]);
        assert_eq!(
            extract(src.as_bytes()).imports[3].kind,
            ImportKind::SideEffect
        );
    }

    #[test]
    fn newline_after_import_keyword_and_comments_inside_group() {
        let src = "package p\nimport\n\"a\"\nimport ( // why\n\t\"b\" /* note */\n\t// \"not/this\"\n\t/* \"nor/this\" */\n\t\"c\"\n)\n";
        assert_eq!(specs(src.as_bytes()), ["a", "b", "c"]);
    }

    #[test]
    fn only_the_import_section_after_package_counts() {
        assert!(specs(b"import \"a\"\n").is_empty(), "no package clause");
        let src = "package p\nimport \"a\"\nvar x = 1\nimport \"b\"\nfunc f() {}\n";
        assert_eq!(specs(src.as_bytes()), ["a"]);
    }

    #[test]
    fn build_constraints_do_not_matter() {
        let src = "//go:build linux && !cgo\n// +build linux,!cgo\n\npackage p\n\nimport \"example.com/m/x\"\n";
        assert_eq!(specs(src.as_bytes()), ["example.com/m/x"]);
    }

    #[test]
    fn import_text_in_strings_and_comments_is_not_an_import() {
        let src = r#"// import "c/line"
/* import "c/block"
import (
	"c/block2"
)
*/
package p

import "real"

// import "after/line"
const Raw = `import "raw/string"
import (
	"raw/group"
)`
var s = "import \"interp\""
var r = '"'
var b = '`'
func f() string { return `import "in/body"` }
"#;
        assert_eq!(specs(src.as_bytes()), ["real"]);
        let d = defs(src);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].0.as_str(), d[0].1), ("Raw", DefKind::Const));
        assert_eq!((d[0].3, d[0].4), (12, 15));
        assert_eq!(d[1].0, "f");
        assert_eq!((d[1].3, d[1].4), (19, 19));
    }

    #[test]
    fn raw_string_holding_an_import_inside_the_import_section_position() {
        // A raw string can only appear after the import section, which it closes.
        let src = "package p\nvar x = `\nimport \"x\"\n`\nimport \"y\"\n";
        assert!(specs(src.as_bytes()).is_empty());
    }

    #[test]
    fn escaped_import_paths_are_decoded() {
        let src = "package p\nimport \"\\x66m\\u0074\"\nimport \"a\\\\b\\101\"\n";
        assert_eq!(specs(src.as_bytes()), ["fmt", "a\\bA"]);
        assert_eq!(unescape(b"\\q\\8\\x4"), "\\q\\8\\x4");
    }

    #[test]
    fn functions_methods_and_types() {
        use DefKind::{Function, Interface, Method, Struct, TypeAlias};
        use Visibility::{Private, Public};

        let src = "package p

// Doc comment.
func Exported(a int,
	b int) (int, error) {
	if a > b { return a, nil }
	return b, nil
}

func (r *Recv) method() {}

func (l *List[T]) Push(v T) {
	_ = struct{ x int }{1}
}

func Map[T, U any](xs []T, f func(T) U) []U {
	return nil
}

func asm(x int) int

type Point struct {
	X, Y int
}

type Reader interface {
	Read(p []byte) (int, error)
}

type Alias = Point
type celsius float64
type Arr [4]int
type Pair[K comparable, V any] struct { k K; v V }
type Fn func(
	a int,
) error

type (
	inner struct {
		a int
	}
	Iface interface{ M() }
	Num int
)

var (
	x = func() int { return 1 }()
)

func Ñandú() {}
func ñandú() {}
";
        let want = vec![
            ("Exported", Function, Public, 4, 8),
            ("method", Method, Private, 10, 10),
            ("Push", Method, Public, 12, 14),
            ("Map", Function, Public, 16, 18),
            ("asm", Function, Private, 20, 20),
            ("Point", Struct, Public, 22, 24),
            ("Reader", Interface, Public, 26, 28),
            ("Alias", TypeAlias, Public, 30, 30),
            ("celsius", TypeAlias, Private, 31, 31),
            ("Arr", TypeAlias, Public, 32, 32),
            ("Pair", Struct, Public, 33, 33),
            ("Fn", TypeAlias, Public, 34, 36),
            ("inner", Struct, Private, 39, 41),
            ("Iface", Interface, Public, 42, 42),
            ("Num", TypeAlias, Public, 43, 43),
            ("Ñandú", Function, Public, 50, 50),
            ("ñandú", Function, Private, 51, 51),
        ];
        let want: Vec<_> = want
            .into_iter()
            .map(|(n, k, v, s, e)| (n.to_owned(), k, v, s, e))
            .collect();
        assert_eq!(defs(src), want);
    }

    #[test]
    fn constants_single_grouped_and_iota() {
        use DefKind::{Const, Function};
        use Visibility::{Private, Public};

        let src = "package p

const Pi = 3.14
const answer int = 42
const (
	A = iota
	b
	C // const D = 1
)
const (
	X, y = 1, 2
	_, Z = f(
		3,
	), \"const W = 0\"
)
const E, F int = 1,
	2
var V = 1
var (
	NotConst = 2
)
func g() {
	const Local = 1
}
const ( One = 1; Two = 2 )
const
Late = `
const Fake = 1
`
const ( Ñ = 1 )
";
        let want = vec![
            ("Pi", Const, Public, 3, 3),
            ("answer", Const, Private, 4, 4),
            ("A", Const, Public, 6, 6),
            ("b", Const, Private, 7, 7),
            ("C", Const, Public, 8, 8),
            ("X", Const, Public, 11, 11),
            ("y", Const, Private, 11, 11),
            ("Z", Const, Public, 12, 14),
            ("E", Const, Public, 16, 17),
            ("F", Const, Public, 16, 17),
            ("g", Function, Private, 22, 24),
            ("One", Const, Public, 25, 25),
            ("Two", Const, Public, 25, 25),
            ("Late", Const, Public, 27, 29),
            ("Ñ", Const, Public, 30, 30),
        ];
        let want: Vec<_> = want
            .into_iter()
            .map(|(n, k, v, s, e)| (n.to_owned(), k, v, s, e))
            .collect();
        assert_eq!(defs(src), want);
        // Truncated and malformed groups end without panicking.
        for src in [
            "package p
const (",
            "package p
const (
	A,",
            "package p
const A, ",
        ] {
            let d = defs(src);
            assert!(d.iter().all(|d| d.3 >= 1 && d.4 >= d.3), "{src:?}");
        }
        assert_eq!(
            defs(
                "package p
const (
	A,
	B = 1, 2"
            ),
            [
                ("A".to_owned(), Const, Public, 3, 4),
                ("B".to_owned(), Const, Public, 3, 4)
            ]
        );
    }

    #[test]
    fn bodies_with_tricky_literals_keep_brace_matching() {
        let src = "package p\nfunc a() {\n\tc := '}'\n\td := '\\''\n\ts := \"}\\\"}\"\n\tr := `}\n}`\n\t// }\n\t/* } */\n\t_ = 10 / 2\n}\nfunc b() {}\n";
        let d = defs(src);
        assert_eq!(
            d.iter()
                .map(|d| (d.0.as_str(), d.3, d.4))
                .collect::<Vec<_>>(),
            [("a", 2, 11), ("b", 12, 12)]
        );
    }

    #[test]
    fn bom_and_crlf() {
        let src = "\u{feff}package p\r\n\r\nimport (\r\n\t\"fmt\"\r\n\tx \"a/b\"\r\n)\r\n\r\nfunc F() {\r\n}\r\n";
        assert_eq!(
            imports(src),
            vec![
                imp("fmt", ImportKind::Static, 4, 3),
                imp("a/b", ImportKind::Static, 5, 5)
            ]
        );
        assert_eq!(
            defs(src),
            vec![("F".to_owned(), DefKind::Function, Visibility::Public, 8, 9)]
        );
    }

    #[test]
    fn invalid_utf8_is_tolerated() {
        let mut src = b"package p\n// \xff\xfe comment\nimport \"a\xffb\"\nimport \"ok\"\nfunc \xc3(x int) {}\nfunc G\xff() { s := \"\xff\" }\n".to_vec();
        src.extend_from_slice(b"func H() {}\n");
        let facts = extract(&src);
        assert_eq!(
            facts
                .imports
                .iter()
                .map(|i| i.spec.as_str())
                .collect::<Vec<_>>(),
            ["a\u{fffd}b", "ok"]
        );
        assert_eq!(facts.definitions.len(), 3);
        assert_eq!(facts.definitions[2].name, "H");
    }

    #[test]
    fn unterminated_constructs_end_at_the_input_end() {
        for src in [
            "package p\nimport \"fmt",
            "package p\nimport (\n\t\"a\"\n",
            "package p\n/* never closed import \"x\"",
            "package p\nvar s = `never closed import \"x\"",
            "package p\nfunc f() { s := \"open\n import \"x\"",
            "package p\nfunc f() {\n",
            "package p\nfunc (",
            "package p\ntype (",
            "package p\ntype X[",
            "package p\nimport \"a\\",
        ] {
            let facts = extract(src.as_bytes());
            assert!(facts.imports.iter().all(|i| i.spec != "x"), "{src:?}");
        }
        let facts = extract(b"package p\nfunc f() {\n\tx := 1\n");
        assert_eq!(
            (
                facts.definitions[0].start_line,
                facts.definitions[0].end_line
            ),
            (2, 4)
        );
    }

    #[test]
    fn any_bytes_and_every_prefix_are_accepted() {
        let sample = include_bytes!("scan.rs");
        let go = "package p\nimport (\n\t\"a\"\n\tb \"c\"\n)\nfunc (r *T) M[X any](s string) { _ = `x` + \"y\\\"\" + string('\\'') /* c */ }\ntype T struct{ a [2]int }\nconst ( A, B = iota, 1; C )\nconst D = 2\n";
        for end in 0..=go.len() {
            extract(go.as_bytes().get(..end).unwrap_or_default());
        }
        extract(sample);
        // A deterministic pseudo-random byte soup biased towards the scanner's special bytes.
        let alphabet = b"()[]{}\"'`/*\\\n\r; .,_aZ9\xff\xc3import package func type struct";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut soup = Vec::with_capacity(1 << 16);
        for _ in 0..(1 << 16) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            soup.push(alphabet[usize::try_from(state % alphabet.len() as u64).unwrap()]);
        }
        for chunk in soup.chunks(4096) {
            let mut src = b"package p\nimport (".to_vec();
            src.extend_from_slice(chunk);
            extract(&src);
        }
        extract(&vec![b'('; 100_000]);
        extract(&vec![b'{'; 100_000]);
    }
}
