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
        raw: bool,
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
                        raw: false,
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
                        kind: Kind::Str {
                            raw: true,
                            escaped: false,
                        },
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
                    self.type_decl();
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
            last = t.end.saturating_sub(1).max(t.start);
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

    fn type_decl(&mut self) {
        let t = self.next_skip_lines();
        if t.kind != Kind::Op(b'(') {
            if t.kind == Kind::Ident {
                self.type_spec(t);
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
                Kind::Ident => self.type_spec(t),
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

    fn push_def(&mut self, name: Tok, kind: DefKind, start: usize, last: usize) {
        let name = String::from_utf8_lossy(self.text(name)).into_owned();
        let visibility = if name.chars().next().is_some_and(char::is_uppercase) {
            Visibility::Public
        } else {
            Visibility::Private
        };
        let start_line = self.lines.line(start);
        let end_line = self.lines.line(last.max(start));
        self.facts.definitions.push(Definition {
            name,
            kind,
            visibility,
            start_line,
            end_line,
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
        let value = raw
            .get(i..i + digits)
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
