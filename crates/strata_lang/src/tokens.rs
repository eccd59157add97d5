//! One lexer for the five languages, for what code intelligence compares and shows: a
//! definition's tokens with identifiers and literals abstracted (type-2 normalisation), a
//! fingerprint of its exact tokens (type 1), its signature and the first line of its doc.
//!
//! Codes fit a byte: [`IDENT`], [`STRING`], [`NUMBER`], then one code per punctuation
//! character, then one per keyword of the language. Keywords stay themselves because they are
//! the shape of the code (`if`, `return`, `fn`); names and values are what a copy renames.

// Offsets and line numbers are kept as u32: a source file of 4 GiB is not code.
#![allow(clippy::cast_possible_truncation)]

use crate::{Definition, FileFacts, Lang};

/// An identifier (any name that is not a keyword).
pub const IDENT: u8 = 0;
/// A string, character, template or byte-string literal.
pub const STRING: u8 = 1;
/// A numeric literal.
pub const NUMBER: u8 = 2;
const PUNCT: &[u8] = b"!%&*+,-./:;<=>?@^|~()[]{}#$\\";
const KEYWORD_BASE: u8 = 3 + PUNCT.len() as u8;

/// The code of each byte as a one-character token: its punctuation code, or [`IDENT`] for a
/// byte that is no punctuation (a stray character).
const PUNCT_CODE: [u8; 256] = {
    let mut t = [IDENT; 256];
    let mut i = 0;
    while i < PUNCT.len() {
        t[PUNCT[i] as usize] = 3 + i as u8;
        i += 1;
    }
    t
};

const RUST_KW: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];
const TS_KW: &[&str] = &[
    "abstract",
    "as",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "from",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "of",
    "private",
    "protected",
    "public",
    "readonly",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "yield",
];
const PY_KW: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "self", "try",
    "while", "with", "yield",
];
const GO_KW: &[&str] = &[
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "nil",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];
const JAVA_KW: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "false",
    "final",
    "finally",
    "float",
    "for",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "true",
    "try",
    "void",
    "volatile",
    "while",
];

fn keywords(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Rust => RUST_KW,
        Lang::Ts => TS_KW,
        Lang::Py => PY_KW,
        Lang::Go => GO_KW,
        Lang::Java => JAVA_KW,
    }
}

/// A language's keywords with their codes, by first letter (`a`..`z`, then `A`..`Z`), and
/// for each first letter the set of its keywords' lengths (bit `n` for length `n`), so most
/// names are told apart from every keyword without a comparison.
struct KeywordTable {
    slots: [Vec<(&'static [u8], u8)>; 52],
    lengths: [u32; 52],
}

fn letter(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some(usize::from(b - b'a')),
        b'A'..=b'Z' => Some(26 + usize::from(b - b'A')),
        _ => None,
    }
}

fn keyword_table(lang: Lang) -> &'static KeywordTable {
    static TABLES: std::sync::OnceLock<[KeywordTable; 5]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        Lang::ALL.map(|l| {
            let mut t = KeywordTable {
                slots: std::array::from_fn(|_| Vec::new()),
                lengths: [0; 52],
            };
            for (i, k) in keywords(l).iter().enumerate() {
                if let Some(slot) = letter(k.as_bytes()[0]) {
                    t.slots[slot].push((k.as_bytes(), KEYWORD_BASE + i as u8));
                    t.lengths[slot] |= 1 << k.len();
                }
            }
            t
        })
    });
    let i = Lang::ALL.iter().position(|&l| l == lang).unwrap_or(0);
    &tables[i]
}

/// A language's keywords, to give words their codes.
pub(crate) struct Words(&'static KeywordTable);

impl Words {
    /// The code of a word: its keyword's, or [`IDENT`].
    pub(crate) fn code(&self, word: &[u8]) -> u8 {
        keyword(self.0, word)
    }
}

pub(crate) fn words(lang: Lang) -> Words {
    Words(keyword_table(lang))
}

/// Whether a code is a punctuation character's.
pub(crate) fn is_punct(code: u8) -> bool {
    (3..KEYWORD_BASE).contains(&code)
}

/// The code of a one-character punctuation token.
pub(crate) fn punct_code(b: u8) -> u8 {
    PUNCT_CODE[usize::from(b)]
}

/// The code of a word: its keyword's, or [`IDENT`]. Only keywords with the word's first letter
/// and length are compared, byte by byte (they are short).
fn keyword(table: &KeywordTable, word: &[u8]) -> u8 {
    let Some(slot) = word.first().copied().and_then(letter) else {
        return IDENT;
    };
    if word.len() >= 32 || table.lengths[slot] & (1 << word.len()) == 0 {
        return IDENT;
    }
    for &(k, code) in &table.slots[slot] {
        if k == word {
            return code;
        }
    }
    IDENT
}

/// One token: its code and where its text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub code: u8,
    /// Byte range of the token's text.
    pub start: u32,
    pub end: u32,
    /// 1-based line of its first byte.
    pub line: u32,
}

/// A comment: byte range and the lines it starts and ends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    pub start: u32,
    pub end: u32,
    pub first_line: u32,
    pub last_line: u32,
}

/// The tokens and comments of a text.
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
}

/// Bytes that may start (bit 1) or continue (bit 2) a name: letters, `_`, `$`, and every byte
/// of a non-ASCII character; digits continue only.
const NAME: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80 {
            t[b] = 3;
        } else if c.is_ascii_digit() {
            t[b] = 2;
        }
        b += 1;
    }
    t
};

fn is_ident_start(b: u8) -> bool {
    NAME[usize::from(b)] & 1 != 0
}

fn is_ident_byte(b: u8) -> bool {
    NAME[usize::from(b)] & 2 != 0
}

struct Lexer<'a> {
    lang: Lang,
    src: &'a [u8],
    pos: usize,
    line: u32,
    out: Lexed,
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    /// Move to `to`, counting the newlines passed.
    fn advance(&mut self, to: usize) {
        let to = to.min(self.src.len());
        self.line += memchr::memchr_iter(b'\n', &self.src[self.pos..to]).count() as u32;
        self.pos = to;
    }

    fn push(&mut self, code: u8, start: usize, line: u32) {
        self.out.tokens.push(Token {
            code,
            start: start as u32,
            end: self.pos as u32,
            line,
        });
    }

    fn comment(&mut self, start: usize, line: u32) {
        self.out.comments.push(Comment {
            start: start as u32,
            end: self.pos as u32,
            first_line: line,
            last_line: self.line,
        });
    }

    /// End of a quoted literal that starts at `from` (just past the opening quote), honouring
    /// backslash escapes unless `raw`; newlines end it when `single_line`.
    fn quoted(&self, from: usize, quote: u8, raw: bool, single_line: bool) -> usize {
        let mut i = from;
        while i < self.src.len() {
            let b = self.src[i];
            if b == quote {
                return i + 1;
            }
            if b == b'\\' && !raw {
                i += 2;
                continue;
            }
            if b == b'\n' && single_line {
                return i;
            }
            i += 1;
        }
        self.src.len()
    }

    /// End of a literal closed by `close` (a triple quote, `"#`…), from `from`.
    fn until(&self, from: usize, close: &[u8], escapes: bool) -> usize {
        let mut i = from;
        while i < self.src.len() {
            if escapes && self.src[i] == b'\\' {
                i += 2;
                continue;
            }
            if self.src[i..].starts_with(close) {
                return i + close.len();
            }
            i += 1;
        }
        self.src.len()
    }

    /// A Rust raw string `r#"…"#` / `br"…"` starting at `i` (at the `r`), if it is one.
    fn rust_raw(&self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        while self.at(j) == b'#' {
            j += 1;
        }
        if self.at(j) != b'"' {
            return None;
        }
        let mut close = vec![b'"'];
        close.extend(std::iter::repeat_n(b'#', j - i - 1));
        Some(self.until(j + 1, &close, false))
    }

    /// A string literal with a prefix (`r"…"`, `b"…"`, `f'…'`, `rb'…'`) starting at an
    /// identifier-looking `start..word_end`, if the word is such a prefix.
    fn prefixed(&self, start: usize, word_end: usize) -> Option<usize> {
        let word = &self.src[start..word_end];
        let next = self.at(word_end);
        match self.lang {
            Lang::Rust => {
                if (word == b"r" || word == b"br") && (next == b'"' || next == b'#') {
                    return self.rust_raw(word_end - 1);
                }
                if (word == b"b" || word == b"c") && (next == b'"' || next == b'\'') {
                    return Some(self.quoted(word_end + 1, next, false, next == b'\''));
                }
                None
            }
            Lang::Py => {
                let prefix = word.len() <= 2
                    && word
                        .iter()
                        .all(|b| matches!(b.to_ascii_lowercase(), b'r' | b'b' | b'f' | b'u'));
                if prefix && (next == b'"' || next == b'\'') {
                    let raw = word.iter().any(|b| b.eq_ignore_ascii_case(&b'r'));
                    return Some(self.python_string(word_end, raw));
                }
                None
            }
            _ => None,
        }
    }

    fn python_string(&self, at: usize, raw: bool) -> usize {
        let q = self.at(at);
        if self.at(at + 1) == q && self.at(at + 2) == q {
            self.until(at + 3, &[q, q, q], !raw)
        } else {
            self.quoted(at + 1, q, raw, true)
        }
    }

    fn run(mut self) -> Lexed {
        let kw = keyword_table(self.lang);
        while self.pos < self.src.len() {
            let b = self.src[self.pos];
            let start = self.pos;
            let line = self.line;
            if b.is_ascii_whitespace() {
                let mut i = start;
                while let Some(&c) = self.src.get(i) {
                    if !c.is_ascii_whitespace() {
                        break;
                    }
                    self.line += u32::from(c == b'\n');
                    i += 1;
                }
                self.pos = i;
                continue;
            }
            let line_comment = match self.lang {
                Lang::Py => b == b'#',
                _ => b == b'/' && self.at(start + 1) == b'/',
            };
            if line_comment {
                // Up to the newline, not past it: no line is passed.
                self.pos =
                    memchr::memchr(b'\n', &self.src[start..]).map_or(self.src.len(), |n| start + n);
                self.comment(start, line);
                continue;
            }
            if self.lang != Lang::Py && b == b'/' && self.at(start + 1) == b'*' {
                let end = if self.lang == Lang::Rust {
                    self.nested_block(start)
                } else {
                    self.until(start + 2, b"*/", false)
                };
                self.advance(end);
                self.comment(start, line);
                continue;
            }
            if is_ident_start(b) {
                let word_end = self.src[start..]
                    .iter()
                    .position(|&c| !is_ident_byte(c))
                    .map_or(self.src.len(), |n| start + n);
                if let Some(end) = self.prefixed(start, word_end) {
                    self.advance(end);
                    self.push(STRING, start, line);
                    continue;
                }
                // A word holds no newline.
                self.pos = word_end;
                let word = &self.src[start..word_end];
                let code = keyword(kw, word);
                self.push(code, start, line);
                continue;
            }
            if b.is_ascii_digit() || (b == b'.' && self.at(start + 1).is_ascii_digit()) {
                let mut i = start + 1;
                while i < self.src.len() {
                    let c = self.src[i];
                    let exponent_sign = (c == b'+' || c == b'-')
                        && matches!(self.src[i - 1], b'e' | b'E')
                        && !self.src[start..i].starts_with(b"0x");
                    let dot = c == b'.' && self.at(i + 1).is_ascii_digit();
                    if !(is_ident_byte(c) || dot || exponent_sign) {
                        break;
                    }
                    i += 1;
                }
                self.pos = i;
                self.push(NUMBER, start, line);
                continue;
            }
            let end = match (self.lang, b) {
                (Lang::Py, b'"' | b'\'') => Some(self.python_string(start, false)),
                (Lang::Java, b'"') if self.src[start..].starts_with(b"\"\"\"") => {
                    Some(self.until(start + 3, b"\"\"\"", true))
                }
                (Lang::Go, b'`') => Some(self.until(start + 1, b"`", false)),
                (Lang::Rust, b'\'') => match self.rust_quote(start) {
                    Some((end, false)) => Some(end),
                    Some((end, true)) => {
                        self.advance(end);
                        self.push(IDENT, start, line);
                        continue;
                    }
                    None => None,
                },
                (_, b'"' | b'\'') => Some(self.quoted(start + 1, b, false, true)),
                _ => None,
            };
            if let Some(end) = end {
                self.advance(end.max(start + 1));
                self.push(STRING, start, line);
                continue;
            }
            self.pos = start + 1;
            self.push(PUNCT_CODE[usize::from(b)], start, line);
        }
        self.out
    }

    /// Rust `/* … */` comments nest.
    fn nested_block(&self, start: usize) -> usize {
        let mut depth = 0usize;
        let mut i = start;
        while i < self.src.len() {
            if self.src[i..].starts_with(b"/*") {
                depth += 1;
                i += 2;
            } else if self.src[i..].starts_with(b"*/") {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            } else {
                i += 1;
            }
        }
        self.src.len()
    }

    /// A Rust `'`: a character literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime / label
    /// (`'a`, which lexes as an identifier).
    /// Returns the end and whether it is a lifetime.
    fn rust_quote(&self, start: usize) -> Option<(usize, bool)> {
        if self.at(start + 1) == b'\\' {
            return Some((self.quoted(start + 1, b'\'', false, true), false));
        }
        // One character (maybe multi-byte UTF-8) and a closing quote: a char literal.
        let width = match self.at(start + 1) {
            0..0x80 => 1,
            0xE0..0xF0 => 3,
            0xF0.. => 4,
            _ => 2,
        };
        if self.at(start + 1 + width) == b'\'' {
            return Some((start + 2 + width, false));
        }
        if is_ident_start(self.at(start + 1)) {
            let end = self.src[start + 1..]
                .iter()
                .position(|&c| !is_ident_byte(c))
                .map_or(self.src.len(), |n| start + 1 + n);
            return Some((end, true));
        }
        None
    }
}

/// Every token and comment of `src`, by the rules of `lang`. Never panics, whatever the
/// bytes; an unterminated literal or comment runs to the end. TypeScript and JavaScript are
/// lexed by their front-end's lexer (it tells regular expressions from division and splits
/// template literals at their `${}`s).
pub fn lex(lang: Lang, src: &[u8]) -> Lexed {
    if lang == Lang::Ts {
        return crate::ts::scan::lex(src);
    }
    Lexer {
        lang,
        src,
        pos: 0,
        line: 1,
        out: Lexed {
            // About one token per five bytes of code.
            tokens: Vec::with_capacity(src.len() / 5),
            comments: Vec::new(),
        },
    }
    .run()
}

/// A hash of the names and literals among `tokens`, in order. Two spans with the same codes
/// (punctuation and keywords are their codes) are the same tokens exactly when these agree, so
/// type-1 clones share it (up to hash collisions; it only tells type 1 from type 2).
pub fn fingerprint(src: &[u8], tokens: &[Token]) -> u64 {
    tokens
        .iter()
        .filter(|t| t.code <= NUMBER)
        .fold(0, |h: u64, t| {
            let text = src
                .get(t.start as usize..t.end as usize)
                .unwrap_or_default();
            (h.rotate_left(5) ^ crate::content_hash(text)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        })
}

/// The normalised codes of a text's tokens: what `strata similar --code` compares.
pub fn codes(lang: Lang, src: &[u8]) -> Vec<u8> {
    lex(lang, src).tokens.iter().map(|t| t.code).collect()
}

const SIGNATURE_MAX: usize = 200;

fn punct(code: u8) -> u8 {
    code.checked_sub(3)
        .and_then(|i| PUNCT.get(usize::from(i)))
        .copied()
        .unwrap_or(0)
}

/// What every front-end does last: count the file's lines and [`describe`] its definitions.
pub fn finish(lang: Lang, src: &[u8], facts: &mut FileFacts) {
    count_lines(src, facts);
    describe(lang, src, &mut facts.definitions);
}

/// [`finish`] for a front-end that lexed the file already.
pub(crate) fn finish_lexed(lang: Lang, src: &[u8], lexed: &Lexed, facts: &mut FileFacts) {
    count_lines(src, facts);
    describe_lexed(lang, src, lexed, &mut facts.definitions);
}

fn count_lines(src: &[u8], facts: &mut FileFacts) {
    let newlines = memchr::memchr_iter(b'\n', src).count();
    let last = usize::from(!src.is_empty() && !src.ends_with(b"\n"));
    facts.lines = u32::try_from(newlines + last).unwrap_or(u32::MAX);
}

/// Fill each definition's `tokens`, `fingerprint`, `complexity`, `nesting`, `signature` and
/// `doc` from the file it was
/// extracted from. The tokens are those whose first byte lies on the definition's lines.
pub fn describe(lang: Lang, src: &[u8], defs: &mut [Definition]) {
    if !defs.is_empty() {
        describe_lexed(lang, src, &lex(lang, src), defs);
    }
}

fn describe_lexed(lang: Lang, src: &[u8], lexed: &Lexed, defs: &mut [Definition]) {
    let toks = &lexed.tokens;
    for def in defs.iter_mut() {
        let first = toks.partition_point(|t| t.line < def.start_line);
        let last = toks.partition_point(|t| t.line <= def.end_line);
        let span = &toks[first..last.max(first)];
        // Token streams are kept for code: functions and methods (types hold them).
        if def.kind.is_code() {
            def.tokens = span.iter().map(|t| t.code).collect();
            def.fingerprint = fingerprint(src, span);
            (def.complexity, def.nesting) = crate::complexity::measure(lang, src, span);
        }
        def.signature = signature(lang, src, span, &def.name);
        def.doc = doc(lang, src, lexed, def.start_line, span);
    }
}

/// The declaration from its first token on the definition's line to the body: up to a `{` or
/// `;` at bracket depth 0 (Python: a `:` at depth 0, or the line's end), whitespace collapsed,
/// at most 200 characters. Leading attributes and decorators are skipped.
fn signature(lang: Lang, src: &[u8], span: &[crate::tokens::Token], name: &str) -> String {
    let Some(mut i) = span
        .iter()
        .position(|t| src.get(t.start as usize..t.end as usize) == Some(name.as_bytes()))
    else {
        return String::new();
    };
    // Back up to the start of the name's line (the keywords and modifiers before the name).
    let line = span[i].line;
    while i > 0 && span[i - 1].line == line {
        i -= 1;
    }
    let start = span[i].start as usize;
    let mut end = span[i].end as usize;
    let mut depth = 0i32;
    for t in &span[i..] {
        let p = punct(t.code);
        match p {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b'{' | b';' if depth <= 0 && lang != Lang::Py => break,
            b':' if depth <= 0 && lang == Lang::Py => break,
            _ => {}
        }
        if lang == Lang::Py && depth <= 0 && t.line > line && t.start as usize > end {
            break;
        }
        end = t.end as usize;
    }
    collapse(src.get(start..end).unwrap_or_default(), SIGNATURE_MAX)
}

/// Text with runs of ASCII whitespace made one space, cut at `max` characters with an
/// ellipsis.
fn collapse(text: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(text);
    let mut out = String::with_capacity(text.len().min(max + 3));
    let mut chars = 0;
    for (n, word) in text.split_ascii_whitespace().enumerate() {
        if n > 0 {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += if word.is_ascii() {
            word.len()
        } else {
            word.chars().count()
        };
        if chars > max {
            let cut: String = out.chars().take(max).collect();
            return format!("{}…", cut.trim_end());
        }
    }
    out
}

/// The first non-empty line of the definition's doc: Python's docstring (the body's first
/// statement, a string); for the others the comment right above the definition (past
/// attributes, annotations and decorators): `///` or `/** */` in Rust, `/** */` in Java and
/// TypeScript, any comment in Go.
fn doc(lang: Lang, src: &[u8], lexed: &Lexed, start_line: u32, span: &[Token]) -> Option<String> {
    if lang == Lang::Py {
        let colon = span
            .iter()
            .position(|t| punct(t.code) == b':' && t.line >= start_line)?;
        let next = span.get(colon + 1)?;
        if next.code != STRING || next.line == span[colon].line {
            return None;
        }
        let text = src.get(next.start as usize..next.end as usize)?;
        let body = String::from_utf8_lossy(text);
        let body = body.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        return first_line(body.trim_matches(|c| c == '"' || c == '\''));
    }
    // The comment that ends on the line above the definition, or above its attributes.
    let mut line = start_line.saturating_sub(1);
    let attribute_lines = |l: u32| {
        let first = lexed.tokens.partition_point(|t| t.line < l);
        lexed
            .tokens
            .get(first)
            .is_some_and(|t| t.line == l && matches!(punct(t.code), b'#' | b'@'))
    };
    while line > 0 && attribute_lines(line) {
        line -= 1;
    }
    let ci = lexed.comments.partition_point(|c| c.last_line < line);
    let mut c = *lexed.comments.get(ci).filter(|c| c.last_line == line)?;
    // No code may share the comment's last line (a trailing comment documents that code).
    let first_on_line = lexed.tokens.partition_point(|t| t.line < line);
    if lexed
        .tokens
        .get(first_on_line)
        .is_some_and(|t| t.line == line && t.start < c.start)
    {
        return None;
    }
    let text_of =
        |c: &Comment| String::from_utf8_lossy(&src[c.start as usize..c.end as usize]).into_owned();
    // A run of line comments is one doc: go back to its first line.
    let mut k = ci;
    while k > 0 {
        let prev = lexed.comments[k - 1];
        let is_line = |c: &Comment| src.get(c.start as usize + 1) != Some(&b'*');
        if prev.last_line + 1 == c.first_line && is_line(&prev) && is_line(&c) {
            c = prev;
            k -= 1;
        } else {
            break;
        }
    }
    let text = text_of(&c);
    let is_doc = match lang {
        Lang::Rust => text.starts_with("///") || text.starts_with("/**"),
        Lang::Java | Lang::Ts => text.starts_with("/**"),
        _ => true,
    };
    if !is_doc {
        return None;
    }
    // For a run of `//` lines, the first line of the run carries the first doc line.
    let body = text
        .trim_start_matches('/')
        .trim_start_matches('*')
        .trim_end_matches("*/");
    body.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches('*')
                .trim_start_matches('/')
                .trim()
        })
        .find(|l| !l.is_empty() && !l.starts_with('@'))
        .map(|l| collapse(l.as_bytes(), SIGNATURE_MAX))
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| collapse(l.as_bytes(), SIGNATURE_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DefKind, frontend};

    fn defs(lang: Lang, src: &str) -> Vec<Definition> {
        frontend(lang).extract("x", src.as_bytes()).definitions
    }

    fn def<'a>(defs: &'a [Definition], name: &str) -> &'a Definition {
        defs.iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {defs:?}"))
    }

    #[test]
    fn renamed_copies_share_codes_and_exact_copies_share_fingerprints() {
        let a = "fn total(items: &[u32]) -> u32 {\n    let mut sum = 0;\n    for i in items { sum += i * 2; }\n    sum\n}\n";
        let b = "fn amount(xs: &[u32]) -> u32 {\n    let mut acc = 7;\n    for x in xs { acc += x * 3; }\n    acc\n}\n";
        let c = "fn total(items: &[u32]) -> u32 {\n  // spacing and comments differ\n  let mut sum = 0; for i in items { sum += i * 2; } sum }\n";
        let (a, b, c) = (
            defs(Lang::Rust, a),
            defs(Lang::Rust, b),
            defs(Lang::Rust, c),
        );
        assert_eq!(a[0].tokens, b[0].tokens);
        assert!(a[0].tokens.len() > 20);
        assert_ne!(a[0].fingerprint, b[0].fingerprint);
        assert_eq!(a[0].tokens, c[0].tokens);
        assert_eq!(a[0].fingerprint, c[0].fingerprint);
    }

    #[test]
    fn literals_and_comments_never_leak_tokens() {
        let codes = |lang, src: &str| codes(lang, src.as_bytes());
        assert_eq!(codes(Lang::Rust, r##"r#"a "quoted" }"#"##), vec![STRING]);
        assert_eq!(
            codes(Lang::Rust, "'a' '\\n' 'life"),
            vec![STRING, STRING, IDENT]
        );
        assert_eq!(
            codes(Lang::Rust, "/* a /* nested */ still */ x"),
            vec![IDENT]
        );
        assert_eq!(
            codes(Lang::Py, "'''a\n'b'\n''' rb\"x\" f'{y}' # c"),
            vec![STRING; 3]
        );
        // A template's expressions are code; its text and a regular expression are literals.
        assert_eq!(
            codes(Lang::Ts, "`a ${b} }` // x"),
            vec![STRING, IDENT, STRING]
        );
        let slash = punct_code(b'/');
        assert_eq!(
            codes(Lang::Ts, "x = /a+}b/g; y = a / b"),
            vec![
                IDENT,
                punct_code(b'='),
                STRING,
                punct_code(b';'),
                IDENT,
                punct_code(b'='),
                IDENT,
                slash,
                IDENT
            ]
        );
        assert_eq!(codes(Lang::Go, "`raw \\` x"), vec![STRING, IDENT]);
        assert_eq!(
            codes(Lang::Java, "\"\"\"\n text \" block\n\"\"\" 1.5e-3"),
            vec![STRING, NUMBER]
        );
        assert_eq!(
            codes(Lang::Ts, "0x1F 1_000 .5 1.5e-3 0xE-1"),
            vec![
                NUMBER,
                NUMBER,
                NUMBER,
                NUMBER,
                NUMBER,
                punct_code(b'-'),
                NUMBER
            ]
        );
        let kw = codes(Lang::Go, "func f() { return }");
        assert_eq!(kw[1], IDENT);
        assert!(kw[0] >= KEYWORD_BASE && kw[5] >= KEYWORD_BASE);
    }

    #[test]
    fn signatures_stop_at_the_body() {
        let rs = defs(
            Lang::Rust,
            "/// Adds.\n#[inline]\npub fn add<T: Copy>(\n    a: T,\n    b: T,\n) -> T where T: Add {\n    a + b\n}\n",
        );
        assert_eq!(
            def(&rs, "add").signature,
            "pub fn add<T: Copy>( a: T, b: T, ) -> T where T: Add"
        );
        let py = defs(
            Lang::Py,
            "class Ledger(Base):\n    def total(self, rows: list[int]) -> int:\n        return 1\n",
        );
        assert_eq!(def(&py, "Ledger").signature, "class Ledger(Base)");
        assert_eq!(
            def(&py, "total").signature,
            "def total(self, rows: list[int]) -> int"
        );
        let go = defs(
            Lang::Go,
            "func (r *Repo) Find(id int) (*Row, error) {\n\treturn nil, nil\n}\n",
        );
        assert_eq!(
            def(&go, "Find").signature,
            "func (r *Repo) Find(id int) (*Row, error)"
        );
        let java = defs(
            Lang::Java,
            "class A {\n  @Override\n  public String toString() { return \"\"; }\n}\n",
        );
        assert_eq!(def(&java, "toString").signature, "public String toString()");
        let ts = defs(
            Lang::Ts,
            "export async function load(id: string): Promise<Row> {\n  return x;\n}\n",
        );
        assert_eq!(
            def(&ts, "load").signature,
            "export async function load(id: string): Promise<Row>"
        );
    }

    #[test]
    fn doc_lines() {
        let rs = defs(
            Lang::Rust,
            "/// Adds two numbers.\n///\n/// More.\n#[inline]\n#[must_use]\npub fn add() {}\n\n// not a doc\nfn plain() {}\n\n/** Block doc. */\nfn block() {}\n",
        );
        assert_eq!(def(&rs, "add").doc.as_deref(), Some("Adds two numbers."));
        assert_eq!(def(&rs, "plain").doc, None);
        assert_eq!(def(&rs, "block").doc.as_deref(), Some("Block doc."));
        let py = defs(
            Lang::Py,
            "def f():\n    \"\"\"\n    Sum the rows.\n\n    Details.\n    \"\"\"\n    return 1\n\ndef g():\n    x = 'not a doc'\n",
        );
        assert_eq!(def(&py, "f").doc.as_deref(), Some("Sum the rows."));
        assert_eq!(def(&py, "g").doc, None);
        let java = defs(
            Lang::Java,
            "class A {\n  /**\n   * Returns the total.\n   * @return it\n   */\n  @Deprecated\n  public int total() { return 1; }\n  // plain\n  int other() { return 2; }\n}\n",
        );
        assert_eq!(
            def(&java, "total").doc.as_deref(),
            Some("Returns the total.")
        );
        assert_eq!(def(&java, "other").doc, None);
        let go = defs(
            Lang::Go,
            "package p\n\n// Find looks a row up.\n// Second line.\nfunc Find() {}\n\nvar x = 1 // trailing\nfunc G() {}\n",
        );
        assert_eq!(
            def(&go, "Find").doc.as_deref(),
            Some("Find looks a row up.")
        );
        assert_eq!(def(&go, "G").doc, None);
        let ts = defs(
            Lang::Ts,
            "/** Loads a row. */\n@decorate()\nexport class Loader {}\n",
        );
        assert_eq!(def(&ts, "Loader").doc.as_deref(), Some("Loads a row."));
    }

    #[test]
    fn only_code_keeps_tokens() {
        let rs = defs(
            Lang::Rust,
            "pub struct S { a: u32 }\nimpl S { fn get(&self) -> u32 { self.a } }\n",
        );
        assert!(def(&rs, "S").tokens.is_empty());
        let get = def(&rs, "get");
        assert_eq!(get.kind, DefKind::Method);
        assert!(!get.tokens.is_empty());
    }

    #[test]
    fn any_bytes_and_every_prefix_are_accepted() {
        let src = "fn a() { let s = r#\"x\"#; 'b' } /* open\n\"\"\"py ''' `t ${ '\\";
        for lang in Lang::ALL {
            for end in 0..=src.len() {
                let _ = lex(lang, &src.as_bytes()[..end]);
            }
            let _ = lex(lang, &[0xff, b'\'', 0xe0, b'\'', b'"', b'\\']);
        }
    }
}
