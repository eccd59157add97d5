//! A byte-level Rust tokenizer that knows exactly what is code: comments (nested block
//! comments, doc comments), string, byte, C and raw string literals, char literals and lifetimes
//! are recognised and never produce identifier tokens.
//!
//! Invariants: every call to [`Lexer::next`] either advances `pos` or returns [`Tok::Eof`], and
//! no byte is read except through `get`, so any input (truncated, binary, invalid UTF-8) is
//! tokenized without panicking and in linear time. Line numbers are not tracked here: callers
//! ask [`Lines`] for the few positions they report.

use memchr::{memchr, memchr_iter, memchr2, memrchr};

/// What a token is; its text is `src[start..end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    /// An identifier or keyword (including non-ASCII and any invalid UTF-8 bytes).
    Ident,
    /// `r#name`: never a keyword.
    RawIdent,
    /// `'a`, `'static`, a loop label.
    Lifetime,
    /// A string literal of any flavour; `content` holds the bytes between the quotes.
    Str {
        raw: bool,
    },
    /// A char or byte literal: `'x'`, `b'\n'`.
    Char,
    /// A numeric literal (with any suffix).
    Number,
    /// `::`
    PathSep,
    /// `->`
    Arrow,
    /// `=>`
    FatArrow,
    /// Any other single byte of punctuation.
    Punct(u8),
    Eof,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
    /// For string literals, the span of the bytes between the delimiters; else `start..start`.
    pub content: (usize, usize),
}

impl Token {
    /// Whether this is the plain (non-raw) identifier or keyword `word`.
    pub fn is_word(&self, src: &[u8], word: &[u8]) -> bool {
        self.kind == Tok::Ident && src.get(self.start..self.end) == Some(word)
    }

    pub fn is_punct(&self, b: u8) -> bool {
        self.kind == Tok::Punct(b)
    }

    /// Whether this token can name something (an identifier, raw or not).
    pub fn is_name(&self) -> bool {
        matches!(self.kind, Tok::Ident | Tok::RawIdent)
    }

    /// The name an identifier token denotes (`r#type` denotes `type`).
    pub fn name<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        let start = if self.kind == Tok::RawIdent {
            self.start + 2
        } else {
            self.start
        };
        src.get(start..self.end).unwrap_or_default()
    }
}

pub(super) struct Lexer<'a> {
    src: &'a [u8],
    pub pos: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Length of the UTF-8 sequence a lead byte announces (1 for anything invalid).
fn utf8_len(b: u8) -> usize {
    match b {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

impl<'a> Lexer<'a> {
    /// A lexer positioned after a UTF-8 byte-order mark and a shebang line, if any.
    pub fn new(src: &'a [u8]) -> Lexer<'a> {
        let mut lx = Lexer { src, pos: 0 };
        if src.starts_with(b"\xEF\xBB\xBF") {
            lx.pos = 3;
        }
        // `#!` starts a shebang line unless it begins an inner attribute `#![`.
        if src.get(lx.pos..lx.pos + 2) == Some(b"#!") {
            let save = lx.pos;
            lx.pos += 2;
            let next = lx.next();
            lx.pos = save;
            if !next.is_punct(b'[') {
                let rest = src.get(save..).unwrap_or_default();
                lx.pos = memchr(b'\n', rest).map_or(src.len(), |i| save + i);
            }
        }
        lx
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.src.get(i).copied()
    }

    fn token(&self, kind: Tok, start: usize) -> Token {
        Token {
            kind,
            start,
            end: self.pos,
            content: (start, start),
        }
    }

    /// The next token (comments and whitespace skipped).
    pub fn next(&mut self) -> Token {
        loop {
            let start = self.pos;
            let Some(b) = self.at(start) else {
                return self.token(Tok::Eof, self.src.len());
            };
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => self.pos += 1,
                b'/' => match self.at(start + 1) {
                    Some(b'/') => {
                        let rest = self.src.get(start..).unwrap_or_default();
                        self.pos = memchr(b'\n', rest).map_or(self.src.len(), |i| start + i);
                    }
                    Some(b'*') => self.skip_block_comment(),
                    _ => {
                        self.pos += 1;
                        return self.token(Tok::Punct(b'/'), start);
                    }
                },
                b'"' => return self.string(start, start),
                b'\'' => return self.quote(start),
                b'0'..=b'9' => {
                    self.pos += 1;
                    self.eat_ident_continue();
                    return self.token(Tok::Number, start);
                }
                b':' if self.at(start + 1) == Some(b':') => {
                    self.pos += 2;
                    return self.token(Tok::PathSep, start);
                }
                b'-' if self.at(start + 1) == Some(b'>') => {
                    self.pos += 2;
                    return self.token(Tok::Arrow, start);
                }
                b'=' if self.at(start + 1) == Some(b'>') => {
                    self.pos += 2;
                    return self.token(Tok::FatArrow, start);
                }
                _ if is_ident_start(b) => return self.ident_or_prefixed(start),
                _ => {
                    self.pos += 1;
                    return self.token(Tok::Punct(b), start);
                }
            }
        }
    }

    /// The token after the next one, without consuming anything.
    pub fn peek(&mut self) -> Token {
        let save = self.pos;
        let t = self.next();
        self.pos = save;
        t
    }

    fn eat_ident_continue(&mut self) {
        while self.at(self.pos).is_some_and(is_ident_continue) {
            self.pos += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        // Block comments nest: `/* /* */ still comment */`.
        let mut depth = 1u32;
        self.pos += 2;
        loop {
            let rest = self.src.get(self.pos..).unwrap_or_default();
            let Some(i) = memchr2(b'*', b'/', rest) else {
                self.pos = self.src.len();
                return;
            };
            let p = self.pos + i;
            let next = self.at(p + 1);
            match (self.at(p), next) {
                (Some(b'*'), Some(b'/')) => {
                    self.pos = p + 2;
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.pos = p + 2;
                    depth += 1;
                }
                _ => self.pos = p + 1,
            }
        }
    }

    /// An identifier, or a literal introduced by an identifier-like prefix: `b'x'`, `b"…"`,
    /// `c"…"`, `r"…"`, `r#"…"#`, `br#"…"#`, `cr"…"`, or a raw identifier `r#name`.
    fn ident_or_prefixed(&mut self, start: usize) -> Token {
        self.pos += 1;
        self.eat_ident_continue();
        let word = self.src.get(start..self.pos).unwrap_or_default();
        match (word, self.at(self.pos)) {
            (b"b" | b"c", Some(b'"')) => self.string(start, self.pos),
            (b"b", Some(b'\'')) => {
                let q = self.pos;
                let t = self.quote(q);
                Token { start, ..t }
            }
            (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => {
                let hashes_start = self.pos;
                let mut p = hashes_start;
                while self.at(p) == Some(b'#') {
                    p += 1;
                }
                let hashes = p - hashes_start;
                match self.at(p) {
                    Some(b'"') => self.raw_string(start, p + 1, hashes),
                    Some(c) if word == b"r" && hashes == 1 && is_ident_start(c) => {
                        self.pos = p + 1;
                        self.eat_ident_continue();
                        self.token(Tok::RawIdent, start)
                    }
                    _ => self.token(Tok::Ident, start),
                }
            }
            _ => self.token(Tok::Ident, start),
        }
    }

    /// A `"…"` literal whose opening quote is at `quote` (the token starts at `start`).
    fn string(&mut self, start: usize, quote: usize) -> Token {
        let mut p = quote + 1;
        loop {
            let rest = self.src.get(p..).unwrap_or_default();
            match memchr2(b'"', b'\\', rest) {
                None => {
                    self.pos = self.src.len();
                    let end = self.pos;
                    return Token {
                        kind: Tok::Str { raw: false },
                        start,
                        end,
                        content: (quote + 1, end),
                    };
                }
                Some(i) if rest.get(i) == Some(&b'\\') => p += i + 2,
                Some(i) => {
                    self.pos = p + i + 1;
                    return Token {
                        kind: Tok::Str { raw: false },
                        start,
                        end: self.pos,
                        content: (quote + 1, p + i),
                    };
                }
            }
        }
    }

    /// A raw string whose contents start at `body`, closed by `"` and `hashes` `#`.
    fn raw_string(&mut self, start: usize, body: usize, hashes: usize) -> Token {
        let mut p = body;
        loop {
            let rest = self.src.get(p..).unwrap_or_default();
            let Some(i) = memchr(b'"', rest) else {
                self.pos = self.src.len();
                let end = self.pos;
                return Token {
                    kind: Tok::Str { raw: true },
                    start,
                    end,
                    content: (body, end),
                };
            };
            let q = p + i;
            let closes = (1..=hashes).all(|k| self.at(q + k) == Some(b'#'));
            if closes {
                self.pos = q + 1 + hashes;
                return Token {
                    kind: Tok::Str { raw: true },
                    start,
                    end: self.pos,
                    content: (body, q),
                };
            }
            p = q + 1;
        }
    }

    /// At a `'`: a char literal (`'a'`, `'"'`, `'\''`, `'\u{1F600}'`, `'é'`) or a lifetime or
    /// label (`'a`, `'static`).
    fn quote(&mut self, start: usize) -> Token {
        let p = start + 1;
        match self.at(p) {
            None => {
                self.pos = p;
                self.token(Tok::Punct(b'\''), start)
            }
            Some(b'\\') => {
                // An escape: `\n`, `\'`, `\x41`, `\u{10FFFF}`. The closing quote is a few
                // bytes on; give up at a line end or after the longest escape.
                let mut q = p + 2;
                let limit = p + 12;
                while q < limit {
                    match self.at(q) {
                        Some(b'\'') => {
                            self.pos = q + 1;
                            return self.token(Tok::Char, start);
                        }
                        Some(b'\n') | None => break,
                        Some(_) => q += 1,
                    }
                }
                self.pos = (p + 2).min(self.src.len());
                self.token(Tok::Char, start)
            }
            Some(c) => {
                let len = utf8_len(c);
                if self.at(p + len) == Some(b'\'') {
                    self.pos = p + len + 1;
                    self.token(Tok::Char, start)
                } else if is_ident_start(c) {
                    self.pos = p + 1;
                    self.eat_ident_continue();
                    self.token(Tok::Lifetime, start)
                } else {
                    self.pos = p;
                    self.token(Tok::Punct(b'\''), start)
                }
            }
        }
    }
}

/// Line and column of byte offsets, counted lazily: queries are cheap when they move forward
/// through the file (the usual case) and correct in any order.
pub(super) struct Lines<'a> {
    src: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
}

impl<'a> Lines<'a> {
    pub fn new(src: &'a [u8]) -> Lines<'a> {
        // A byte-order mark is not part of the first line's columns.
        let bom = if src.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        Lines {
            src,
            pos: bom,
            line: 1,
            line_start: bom,
        }
    }

    /// 1-based line and 1-based byte column of `offset` (clamped to the input).
    pub fn at(&mut self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        if offset >= self.pos {
            let span = self.src.get(self.pos..offset).unwrap_or_default();
            let n = memchr_iter(b'\n', span).count();
            if n > 0 {
                self.line = self
                    .line
                    .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
                self.line_start =
                    memrchr(b'\n', span).map_or(self.line_start, |i| self.pos + i + 1);
            }
        } else {
            let span = self.src.get(offset..self.pos).unwrap_or_default();
            let n = memchr_iter(b'\n', span).count();
            if n > 0 {
                self.line = self
                    .line
                    .saturating_sub(u32::try_from(n).unwrap_or(u32::MAX))
                    .max(1);
                let before = self.src.get(..offset).unwrap_or_default();
                self.line_start = memrchr(b'\n', before).map_or(0, |i| i + 1);
            }
        }
        self.pos = offset;
        let col = offset.saturating_sub(self.line_start) + 1;
        (self.line, u32::try_from(col).unwrap_or(u32::MAX))
    }

    pub fn line(&mut self, offset: usize) -> u32 {
        self.at(offset).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, String)> {
        let mut lx = Lexer::new(src.as_bytes());
        let mut out = Vec::new();
        loop {
            let t = lx.next();
            if t.kind == Tok::Eof {
                return out;
            }
            out.push((t.kind, src[t.start..t.end].to_owned()));
        }
    }

    fn idents(src: &str) -> Vec<String> {
        kinds(src)
            .into_iter()
            .filter(|(k, _)| *k == Tok::Ident)
            .map(|(_, s)| s)
            .collect()
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(idents("a // use b;\nc"), ["a", "c"]);
        assert_eq!(idents("a /* x /* y */ z */ b"), ["a", "b"]);
        assert_eq!(
            idents("/// doc use x;\n//! inner\n/** block */ /*! inner */ k"),
            ["k"]
        );
        assert_eq!(idents("a /*/ b */ c"), ["a", "c"]);
        assert_eq!(idents("a /**/ b"), ["a", "b"]);
        assert_eq!(idents("a / b"), ["a", "b"]);
    }

    #[test]
    fn strings_of_every_flavour() {
        assert_eq!(idents(r#"a "use b; \" c" d"#), ["a", "d"]);
        assert_eq!(idents(r##"a r#"x " y"# d"##), ["a", "d"]);
        assert_eq!(idents(r###"a r##"x "# y"## d"###), ["a", "d"]);
        assert_eq!(
            idents(r##"a b"x" br"y" br#"z"# c"q" cr#"w"# e"##),
            ["a", "e"]
        );
        assert_eq!(idents(r#"a "\\" b"#), ["a", "b"]);
        let t = kinds(r#""a\"b""#);
        assert_eq!(t.len(), 1);
        let mut lx = Lexer::new(br##"r#"in"#"##);
        let s = lx.next();
        assert_eq!(s.kind, Tok::Str { raw: true });
        assert_eq!(s.content, (3, 5));
    }

    #[test]
    fn raw_identifiers() {
        assert_eq!(kinds("r#type"), [(Tok::RawIdent, "r#type".to_owned())]);
        assert_eq!(
            kinds("r #x"),
            [
                (Tok::Ident, "r".to_owned()),
                (Tok::Punct(b'#'), "#".to_owned()),
                (Tok::Ident, "x".to_owned())
            ]
        );
    }

    #[test]
    fn chars_and_lifetimes() {
        let t = kinds(r#"fn f<'a>(x: &'a str) -> char { '"' }"#);
        assert!(t.contains(&(Tok::Lifetime, "'a".to_owned())));
        assert!(t.contains(&(Tok::Char, "'\"'".to_owned())));
        assert_eq!(
            idents(r"'\'' a '\\' b '\u{1F600}' c '\x41' d"),
            ["a", "b", "c", "d"]
        );
        assert_eq!(idents("'é' a 'static b"), ["a", "b"]);
        assert_eq!(kinds("b'x'"), [(Tok::Char, "b'x'".to_owned())]);
        assert_eq!(kinds("'a'"), [(Tok::Char, "'a'".to_owned())]);
        assert_eq!(kinds("'a"), [(Tok::Lifetime, "'a".to_owned())]);
        assert_eq!(
            kinds("'outer: loop"),
            [
                (Tok::Lifetime, "'outer".to_owned()),
                (Tok::Punct(b':'), ":".to_owned()),
                (Tok::Ident, "loop".to_owned())
            ]
        );
    }

    #[test]
    fn punctuation_pairs() {
        let t: Vec<Tok> = kinds("a::b -> => : > >")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            t,
            [
                Tok::Ident,
                Tok::PathSep,
                Tok::Ident,
                Tok::Arrow,
                Tok::FatArrow,
                Tok::Punct(b':'),
                Tok::Punct(b'>'),
                Tok::Punct(b'>')
            ]
        );
    }

    #[test]
    fn bom_and_shebang() {
        assert_eq!(idents("\u{feff}a"), ["a"]);
        assert_eq!(idents("#!/usr/bin/env x use y\nz"), ["z"]);
        assert_eq!(idents("#![allow(x)]\nz"), ["allow", "x", "z"]);
    }

    #[test]
    fn unterminated_input_ends() {
        for src in [
            "\"abc",
            "r#\"abc\"",
            "/* /* */",
            "'",
            "'\\",
            "b'",
            "r#",
            "br##",
            "'\\u{12",
        ] {
            let mut lx = Lexer::new(src.as_bytes());
            let mut n = 0;
            while lx.next().kind != Tok::Eof {
                n += 1;
                assert!(n < 100, "{src:?} does not terminate");
            }
        }
    }

    #[test]
    fn every_byte_sequence_terminates() {
        // Every 2- and 3-byte string over a byte alphabet of tricky characters.
        let alphabet = b"'\"\\/*#rbc \n:->=\xff\xc3{}";
        let mut buf = Vec::new();
        for &a in alphabet {
            for &b in alphabet {
                for &c in alphabet {
                    buf.clear();
                    buf.extend_from_slice(&[a, b, c]);
                    let mut lx = Lexer::new(&buf);
                    let mut last = 0;
                    loop {
                        let t = lx.next();
                        if t.kind == Tok::Eof {
                            break;
                        }
                        assert!(lx.pos > last || t.end > last, "no progress on {buf:?}");
                        assert!(t.end <= buf.len());
                        last = lx.pos;
                    }
                }
            }
        }
    }

    #[test]
    fn lines_in_any_order() {
        let src = b"ab\ncd\r\n\nef";
        let mut l = Lines::new(src);
        assert_eq!(l.at(0), (1, 1));
        assert_eq!(l.at(4), (2, 2));
        assert_eq!(l.at(9), (4, 2));
        assert_eq!(l.at(1), (1, 2));
        assert_eq!(l.at(7), (3, 1));
        assert_eq!(l.at(100), (4, 3));
        let mut b = Lines::new(b"\xEF\xBB\xBFab\nc");
        assert_eq!(b.at(3), (1, 1));
        assert_eq!(b.at(6), (2, 1));
    }
}
