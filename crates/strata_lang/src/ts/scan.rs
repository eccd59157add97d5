//! TypeScript/JavaScript extraction: a byte-level lexer (comments, strings, template literals
//! with nested `${}`, regular expressions told from division by the previous token), then one
//! pass over the tokens for imports and definitions.

use crate::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility, tokens};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A quoted string; `start..end` is its content, without the quotes.
    Str,
    /// A chunk of a template literal (its text between backticks and `${`/`}`).
    Template,
    Regex,
    Num,
    Punct(u8),
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: u32,
    end: u32,
    line: u32,
    /// 1-based byte column of `start`.
    column: u32,
}

/// Bytes that continue a name: letters, digits, `_`, `$` and every byte of a non-ASCII
/// character.
const NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c: u8 = 0;
    loop {
        t[c as usize] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
        if c == u8::MAX {
            break t;
        }
        c += 1;
    }
};

/// Nesting deeper than this (braces inside template expressions) is treated as flat: hostile
/// input cannot grow the stack without bound.
const MAX_NESTING: usize = 1024;

const REGEX_AFTER_KEYWORDS: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"instanceof",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"case",
    b"do",
    b"else",
    b"yield",
    b"await",
];

struct Lexer<'a> {
    src: &'a [u8],
    i: usize,
    line: u32,
    line_start: usize,
    tokens: Vec<Token>,
    /// Every comment, for the definitions' docs.
    comments: Vec<tokens::Comment>,
    /// One entry per open `{`: true when it is a template literal's `${`.
    braces: Vec<bool>,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Lexer<'a> {
        Lexer {
            src,
            i: 0,
            line: 1,
            line_start: 0,
            tokens: Vec::with_capacity(src.len() / 5),
            comments: Vec::new(),
            braces: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize, line: u32, line_start: usize) {
        let to32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.tokens.push(Token {
            kind,
            start: to32(start),
            end: to32(end),
            line,
            column: to32(start.saturating_sub(line_start) + 1),
        });
    }

    fn regex_allowed(&self) -> bool {
        match self.tokens.last() {
            None => true,
            Some(t) => match t.kind {
                Kind::Punct(c) => !matches!(c, b')' | b']' | b'}'),
                Kind::Ident => {
                    let word = self
                        .src
                        .get(t.start as usize..t.end as usize)
                        .unwrap_or_default();
                    REGEX_AFTER_KEYWORDS.contains(&word)
                }
                Kind::Str | Kind::Template | Kind::Regex | Kind::Num => false,
            },
        }
    }

    /// Scan a template chunk starting at `self.i` (just after a backtick or a closing `}` of
    /// `${`): up to the closing backtick, or up to a `${`, which opens an expression.
    fn template_chunk(&mut self) {
        let (start, line, line_start) = (self.i, self.line, self.line_start);
        while self.i < self.src.len() {
            match self.src[self.i] {
                b'\\' => self.i += 2,
                b'\n' => {
                    self.newline(self.i);
                    self.i += 1;
                }
                b'`' => {
                    self.push(Kind::Template, start, self.i, line, line_start);
                    self.i += 1;
                    return;
                }
                b'$' if self.at(self.i + 1) == b'{' => {
                    self.push(Kind::Template, start, self.i, line, line_start);
                    self.i += 2;
                    if self.braces.len() < MAX_NESTING {
                        self.braces.push(true);
                    }
                    return;
                }
                _ => self.i += 1,
            }
        }
        self.push(Kind::Template, start, self.src.len(), line, line_start);
    }

    fn comment(&mut self, start: usize, first_line: u32) {
        let to32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.comments.push(tokens::Comment {
            start: to32(start),
            end: to32(self.i),
            first_line,
            last_line: self.line,
        });
    }

    fn run(mut self) -> (Vec<Token>, Vec<tokens::Comment>) {
        let src = self.src;
        while self.i < src.len() {
            let b = src[self.i];
            match b {
                b'\n' => {
                    self.newline(self.i);
                    self.i += 1;
                }
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => {
                    // Indentation comes in runs: skip the run here, not a byte a turn.
                    self.i += 1;
                    while matches!(src.get(self.i), Some(b' ' | b'\t' | b'\r')) {
                        self.i += 1;
                    }
                }
                b'/' if self.at(self.i + 1) == b'/' => {
                    let start = self.i;
                    self.i =
                        memchr::memchr(b'\n', &src[self.i..]).map_or(src.len(), |n| self.i + n);
                    self.comment(start, self.line);
                }
                b'/' if self.at(self.i + 1) == b'*' => {
                    let (start, line) = (self.i, self.line);
                    let body = self.i + 2;
                    let end = memchr::memmem::find(&src[body.min(src.len())..], b"*/")
                        .map_or(src.len(), |n| body + n + 2);
                    for (k, &c) in src[self.i..end.min(src.len())].iter().enumerate() {
                        if c == b'\n' {
                            self.newline(self.i + k);
                        }
                    }
                    self.i = end;
                    self.comment(start, line);
                }
                b'/' if self.regex_allowed() => {
                    let (start, line, ls) = (self.i, self.line, self.line_start);
                    let mut j = self.i + 1;
                    let mut class = false;
                    while j < src.len() {
                        match src[j] {
                            b'\\' => j += 1,
                            b'[' => class = true,
                            b']' => class = false,
                            b'/' if !class => break,
                            b'\n' => break,
                            _ => {}
                        }
                        j += 1;
                    }
                    if src.get(j) == Some(&b'/') {
                        j += 1;
                        while j < src.len() && src[j].is_ascii_alphabetic() {
                            j += 1;
                        }
                        self.push(Kind::Regex, start, j, line, ls);
                        self.i = j;
                    } else {
                        // Not a regular expression after all: a lone slash.
                        self.push(Kind::Punct(b'/'), start, start + 1, line, ls);
                        self.i += 1;
                    }
                }
                b'\'' | b'"' => {
                    let (line, ls) = (self.line, self.line_start);
                    let start = self.i + 1;
                    let mut j = start;
                    while j < src.len() && src[j] != b {
                        match src[j] {
                            b'\\' => {
                                if src.get(j + 1) == Some(&b'\n') {
                                    self.newline(j + 1);
                                }
                                j += 2;
                            }
                            // An unterminated string ends at the line end: one bad line
                            // cannot swallow the rest of the file.
                            b'\n' => break,
                            _ => j += 1,
                        }
                    }
                    let end = j.min(src.len());
                    self.push(Kind::Str, start, end, line, ls);
                    self.i = if src.get(j) == Some(&b) { j + 1 } else { end };
                }
                b'`' => {
                    self.i += 1;
                    self.template_chunk();
                }
                b'{' => {
                    if self.braces.len() < MAX_NESTING {
                        self.braces.push(false);
                    }
                    self.push(
                        Kind::Punct(b'{'),
                        self.i,
                        self.i + 1,
                        self.line,
                        self.line_start,
                    );
                    self.i += 1;
                }
                b'}' => {
                    if self.braces.pop() == Some(true) {
                        self.i += 1;
                        self.template_chunk();
                    } else {
                        self.push(
                            Kind::Punct(b'}'),
                            self.i,
                            self.i + 1,
                            self.line,
                            self.line_start,
                        );
                        self.i += 1;
                    }
                }
                b'0'..=b'9' | b'.' if b != b'.' || self.at(self.i + 1).is_ascii_digit() => {
                    // `1_000`, `0x1F`, `.5`, `1.5e-3`, `10n`.
                    let start = self.i;
                    self.i += 1;
                    while let Some(&c) = src.get(self.i) {
                        let exponent_sign = matches!(c, b'+' | b'-')
                            && matches!(src[self.i - 1], b'e' | b'E')
                            && !src[start..].starts_with(b"0x")
                            && !src[start..].starts_with(b"0X");
                        if !(c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_') || exponent_sign)
                        {
                            break;
                        }
                        self.i += 1;
                    }
                    self.push(Kind::Num, start, self.i, self.line, self.line_start);
                }
                b if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 => {
                    let start = self.i;
                    self.i = src[start..]
                        .iter()
                        .position(|&c| !NAME_BYTE[usize::from(c)])
                        .map_or(src.len(), |n| start + n);
                    self.push(Kind::Ident, start, self.i, self.line, self.line_start);
                }
                _ => {
                    self.push(
                        Kind::Punct(b),
                        self.i,
                        self.i + 1,
                        self.line,
                        self.line_start,
                    );
                    self.i += 1;
                }
            }
        }
        (self.tokens, self.comments)
    }
}

/// The tokens and source of one file, with the queries the extraction needs.
struct Tokens<'a> {
    src: &'a [u8],
    t: Vec<Token>,
    comments: Vec<tokens::Comment>,
    /// For each `{` token, the index of its matching `}` (or the last token).
    close: Vec<u32>,
}

impl<'a> Tokens<'a> {
    fn new(src: &'a [u8]) -> Tokens<'a> {
        let (t, comments) = Lexer::new(src).run();
        let last = u32::try_from(t.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let mut close = vec![last; t.len()];
        let mut stack = Vec::new();
        for (i, tok) in t.iter().enumerate() {
            match tok.kind {
                Kind::Punct(b'{') => stack.push(i),
                Kind::Punct(b'}') => {
                    if let Some(open) = stack.pop() {
                        close[open] = u32::try_from(i).unwrap_or(u32::MAX);
                    }
                }
                _ => {}
            }
        }
        Tokens {
            src,
            t,
            comments,
            close,
        }
    }

    fn text(&self, i: usize) -> &'a [u8] {
        self.t
            .get(i)
            .and_then(|t| self.src.get(t.start as usize..t.end as usize))
            .unwrap_or_default()
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|t| t.kind)
    }

    fn is_ident(&self, i: usize, word: &[u8]) -> bool {
        self.kind(i) == Some(Kind::Ident) && self.text(i) == word
    }

    fn is_punct(&self, i: usize, c: u8) -> bool {
        self.kind(i) == Some(Kind::Punct(c))
    }

    fn line(&self, i: usize) -> u32 {
        self.t.get(i).or(self.t.last()).map_or(1, |t| t.line)
    }

    /// The line a token ends on: strings (with escaped line breaks) and template chunks may
    /// end below the line they start on.
    fn last_line(&self, i: usize) -> u32 {
        let Some(t) = self.t.get(i).or(self.t.last()) else {
            return 1;
        };
        let breaks = match t.kind {
            Kind::Str | Kind::Template => {
                let text = self
                    .src
                    .get(t.start as usize..t.end as usize)
                    .unwrap_or_default();
                memchr::memchr_iter(b'\n', text).count()
            }
            _ => 0,
        };
        t.line
            .saturating_add(u32::try_from(breaks).unwrap_or(u32::MAX))
    }

    fn string(&self, i: usize) -> Option<String> {
        (self.kind(i) == Some(Kind::Str))
            .then(|| String::from_utf8_lossy(self.text(i)).into_owned())
    }

    /// The index just past a balanced group opened at `open` (`(`, `[` or `<`), or `None` if
    /// it never closes.
    fn skip_group(&self, open: usize) -> Option<usize> {
        let (o, c) = match self.kind(open)? {
            Kind::Punct(b'(') => (b'(', b')'),
            Kind::Punct(b'[') => (b'[', b']'),
            Kind::Punct(b'<') => (b'<', b'>'),
            _ => return None,
        };
        let mut depth = 0usize;
        let mut i = open;
        while i < self.t.len() {
            match self.t[i].kind {
                Kind::Punct(x) if x == o => depth += 1,
                Kind::Punct(x) if x == c => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                Kind::Punct(b'{') => i = self.close[i] as usize,
                Kind::Punct(b';') if o == b'<' => return None,
                _ => {}
            }
            i += 1;
        }
        None
    }
}

struct Extractor<'a> {
    tk: Tokens<'a>,
    facts: FileFacts,
}

impl Extractor<'_> {
    fn import(&mut self, at: usize, kind: ImportKind) {
        let Some(spec) = self.tk.string(at) else {
            return;
        };
        let t = self.tk.t[at];
        self.facts.imports.push(Import {
            spec,
            names: Vec::new(),
            kind,
            line: t.line,
            column: t.column,
        });
    }

    /// After `import` at `i`: the statement's specifier, if it is an import declaration.
    fn import_statement(&mut self, i: usize) {
        let tk = &self.tk;
        // `import('x')`
        if tk.is_punct(i + 1, b'(') {
            if tk.kind(i + 2) == Some(Kind::Str)
                && (tk.is_punct(i + 3, b')') || tk.is_punct(i + 3, b','))
            {
                self.import(i + 2, ImportKind::Dynamic);
            }
            return;
        }
        if tk.is_punct(i + 1, b'.') {
            return; // import.meta
        }
        if tk.kind(i + 1) == Some(Kind::Str) {
            self.import(i + 1, ImportKind::SideEffect);
            return;
        }
        let type_only = tk.is_ident(i + 1, b"type")
            && !tk.is_ident(i + 2, b"from")
            && !tk.is_punct(i + 2, b',')
            && !tk.is_punct(i + 2, b'=');
        let kind = if type_only {
            ImportKind::TypeOnly
        } else {
            ImportKind::Static
        };
        let mut j = i + 1;
        let limit = (i + 4096).min(tk.t.len());
        while j < limit {
            match tk.kind(j) {
                Some(Kind::Ident) if tk.text(j) == b"from" && tk.kind(j + 1) == Some(Kind::Str) => {
                    self.import(j + 1, kind);
                    return;
                }
                Some(Kind::Ident | Kind::Punct(b',' | b'{' | b'}' | b'*')) => j += 1,
                // Anything else ends the search; `import x = require('y')` lands here, and its
                // `require` call is taken as such.
                _ => return,
            }
        }
    }

    /// After `export` at `i`: a re-export's specifier, if it has one.
    fn export_from(&mut self, i: usize) {
        let tk = &self.tk;
        let mut j = i + 1;
        if tk.is_ident(j, b"type") {
            j += 1;
        }
        if tk.is_punct(j, b'*') {
            j += 1;
            if tk.is_ident(j, b"as") {
                j += 2;
            }
        } else if tk.is_punct(j, b'{') {
            j = tk.close[j] as usize + 1;
        } else {
            return;
        }
        if tk.is_ident(j, b"from") && tk.kind(j + 1) == Some(Kind::Str) {
            self.import(j + 1, ImportKind::ReExport);
        }
    }

    fn define(
        &mut self,
        name_at: usize,
        kind: DefKind,
        visibility: Visibility,
        start_line: u32,
        end: usize,
    ) {
        let name = String::from_utf8_lossy(self.tk.text(name_at)).into_owned();
        if name.is_empty() {
            return;
        }
        let end_line = self.tk.line(end).max(start_line);
        self.facts.definitions.push(Definition {
            name,
            kind,
            visibility,
            start_line,
            end_line,
            ..Definition::default()
        });
    }

    /// Like [`Self::define`], ending on the last line of the token at `end` (a multi-line
    /// string or template ends below the line it starts on).
    fn define_to(
        &mut self,
        name_at: usize,
        kind: DefKind,
        visibility: Visibility,
        start_line: u32,
        end: usize,
    ) {
        let before = self.facts.definitions.len();
        self.define(name_at, kind, visibility, start_line, end);
        let last = self.tk.last_line(end);
        if let Some(def) = self.facts.definitions.get_mut(before) {
            def.end_line = def.end_line.max(last);
        }
    }

    /// The token index of the `}` closing the body of a function whose parameters open at
    /// `paren`; for a declaration without a body, its last token.
    fn body_end(&self, paren: usize) -> usize {
        let tk = &self.tk;
        let Some(mut j) = tk.skip_group(paren) else {
            return paren;
        };
        let limit = (j + 4096).min(tk.t.len());
        while j < limit {
            match tk.kind(j) {
                Some(Kind::Punct(b'{')) => {
                    // A type literal in the return type follows `:`, `|`, `&`, `<`, `,`, `(`.
                    let prev = j.checked_sub(1).and_then(|p| tk.kind(p));
                    if matches!(
                        prev,
                        Some(Kind::Punct(b':' | b'|' | b'&' | b'<' | b',' | b'('))
                    ) {
                        j = tk.close[j] as usize + 1;
                        continue;
                    }
                    return tk.close[j] as usize;
                }
                Some(Kind::Punct(b';')) => return j,
                Some(Kind::Punct(b'(' | b'[' | b'<')) => j = tk.skip_group(j).unwrap_or(j + 1),
                _ => j += 1,
            }
        }
        paren
    }

    /// The last token of a statement starting at `i` (a `;` or the token before a new line
    /// that starts another statement), skipping balanced groups.
    fn statement_end(&self, i: usize) -> usize {
        let tk = &self.tk;
        let mut j = i;
        let limit = (i + 65_536).min(tk.t.len());
        while j < limit {
            match tk.kind(j) {
                Some(Kind::Punct(b';')) => return j,
                Some(Kind::Punct(b'{')) => j = tk.close[j] as usize + 1,
                Some(Kind::Punct(b'(' | b'[')) => j = tk.skip_group(j).unwrap_or(j + 1),
                Some(Kind::Punct(b'}')) => return j.saturating_sub(1),
                _ => j += 1,
            }
        }
        limit.saturating_sub(1)
    }

    fn run(&mut self) {
        // Brace depth of code, and the depths at which class bodies are open.
        let mut depth = 0usize;
        let mut classes: Vec<usize> = Vec::new();
        let n = self.tk.t.len();
        let mut i = 0;
        while i < n {
            let kind = self.tk.t[i].kind;
            match kind {
                Kind::Punct(b'{') => {
                    depth += 1;
                    i += 1;
                    continue;
                }
                Kind::Punct(b'}') => {
                    depth = depth.saturating_sub(1);
                    if classes.last() == Some(&(depth + 1)) {
                        classes.pop();
                    }
                    i += 1;
                    continue;
                }
                Kind::Ident => {}
                _ => {
                    i += 1;
                    continue;
                }
            }
            let after_dot =
                i > 0 && self.tk.is_punct(i - 1, b'.') && !(i > 1 && self.tk.is_punct(i - 2, b'.'));
            if after_dot {
                i += 1;
                continue;
            }
            let word = self.tk.text(i);
            let in_class_body = classes.last() == Some(&depth);
            match word {
                b"import" => self.import_statement(i),
                b"export" => self.export_from(i),
                b"require" => {
                    if self.tk.is_punct(i + 1, b'(')
                        && self.tk.kind(i + 2) == Some(Kind::Str)
                        && self.tk.is_punct(i + 3, b')')
                    {
                        self.import(i + 2, ImportKind::Require);
                    }
                }
                _ if in_class_body => {
                    if let Some(end) = self.method(i) {
                        i = end + 1;
                        continue;
                    }
                }
                b"function" => {
                    let mut name = i + 1;
                    if self.tk.is_punct(name, b'*') {
                        name += 1;
                    }
                    if self.tk.kind(name) == Some(Kind::Ident)
                        && (self.tk.is_punct(name + 1, b'(') || self.tk.is_punct(name + 1, b'<'))
                    {
                        let (start_line, vis) = self.modifiers(i);
                        let paren = if self.tk.is_punct(name + 1, b'<') {
                            self.tk.skip_group(name + 1).unwrap_or(name + 1)
                        } else {
                            name + 1
                        };
                        let end = self.body_end(paren);
                        self.define(name, DefKind::Function, vis, start_line, end);
                    }
                }
                b"class" => {
                    if self.tk.kind(i + 1) == Some(Kind::Ident)
                        && !self.tk.is_ident(i + 1, b"extends")
                        && !self.tk.is_ident(i + 1, b"implements")
                    {
                        let (start_line, vis) = self.modifiers(i);
                        if let Some(open) =
                            (i + 2..(i + 4096).min(n)).find(|&j| self.tk.is_punct(j, b'{'))
                        {
                            let end = self.tk.close[open] as usize;
                            self.define(i + 1, DefKind::Class, vis, start_line, end);
                            // The class body opens at `open`; its members are at depth + 1.
                            for j in i + 1..open {
                                match self.tk.t[j].kind {
                                    Kind::Punct(b'{') => depth += 1,
                                    Kind::Punct(b'}') => depth = depth.saturating_sub(1),
                                    _ => {}
                                }
                            }
                            depth += 1;
                            classes.push(depth);
                            i = open + 1;
                            continue;
                        }
                    }
                }
                b"interface" | b"enum" => {
                    if self.tk.kind(i + 1) == Some(Kind::Ident) && self.statement_start(i) {
                        let (start_line, vis) = self.modifiers(i);
                        if let Some(open) =
                            (i + 2..(i + 4096).min(n)).find(|&j| self.tk.is_punct(j, b'{'))
                        {
                            let kind = if word == b"enum" {
                                DefKind::Enum
                            } else {
                                DefKind::Interface
                            };
                            self.define(i + 1, kind, vis, start_line, self.tk.close[open] as usize);
                        }
                    }
                }
                b"type" => {
                    if self.tk.kind(i + 1) == Some(Kind::Ident)
                        && (self.tk.is_punct(i + 2, b'=') || self.tk.is_punct(i + 2, b'<'))
                        && self.statement_start(i)
                    {
                        let (start_line, vis) = self.modifiers(i);
                        let end = self.statement_end(i + 2);
                        self.define(i + 1, DefKind::TypeAlias, vis, start_line, end);
                    }
                }
                b"const" | b"let" | b"var" if depth == 0 => self.declaration(i),
                _ => {}
            }
            i += 1;
        }
    }

    /// Whether the token at `i` starts a statement (possibly after `export`/`declare`).
    fn statement_start(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 {
            let p = j - 1;
            match self.tk.kind(p) {
                Some(Kind::Ident)
                    if matches!(
                        self.tk.text(p),
                        b"export" | b"declare" | b"default" | b"const"
                    ) =>
                {
                    j = p;
                }
                Some(Kind::Punct(b';' | b'{' | b'}')) => return true,
                _ => return self.tk.line(p) < self.tk.line(i),
            }
        }
        true
    }

    /// The first line and visibility of a declaration whose keyword is at `i`, looking back
    /// over `export`, `default`, `declare`, `async`, `abstract` (and `const` before `enum`).
    fn modifiers(&self, i: usize) -> (u32, Visibility) {
        let mut j = i;
        let mut vis = Visibility::Private;
        while j > 0 {
            let p = j - 1;
            if self.tk.kind(p) != Some(Kind::Ident) {
                break;
            }
            match self.tk.text(p) {
                b"export" => vis = Visibility::Public,
                b"default" | b"declare" | b"async" | b"abstract" => {}
                b"const" if self.tk.is_ident(i, b"enum") => {}
                _ => break,
            }
            j = p;
        }
        (self.tk.line(j), vis)
    }

    /// A module-level `const`/`let`/`var` declaration whose keyword is at `i`. Each declarator
    /// whose value is a function (`f = (…) => …`, `f = async x => …`, `f = function …`) is a
    /// function; for `const`, each other declarator binding a plain name to a value is a
    /// constant, spanning from the declaration's line to its value's end. Destructuring
    /// patterns give nothing, and neither does `const enum` (an enum, defined as such).
    fn declaration(&mut self, i: usize) {
        let is_const = self.tk.is_ident(i, b"const");
        if is_const && (self.tk.is_ident(i + 1, b"enum") || !self.statement_start(i)) {
            return;
        }
        let (start_line, vis) = self.modifiers(i);
        let mut at = i + 1;
        // Each declarator starts past the previous one's end, so this ends.
        while let Some((name, value, end)) = self.declarator(at) {
            if let (Some(name), Some(value)) = (name, value) {
                if let Some(end) = self.function_value(value) {
                    self.define(name, DefKind::Function, vis, start_line, end);
                    if !self.tk.is_punct(end + 1, b',') {
                        return;
                    }
                    at = end + 2;
                    continue;
                }
                if is_const {
                    self.define_to(name, DefKind::Const, vis, start_line, end);
                }
            }
            if !self.tk.is_punct(end + 1, b',') {
                return;
            }
            at = end + 2;
        }
    }

    /// One declarator starting at `at`: a name (or `None` for a `{…}`/`[…]` pattern), an
    /// optional `!` and type annotation, and an optional `= value`. Gives the name's token, the
    /// value's first token and the declarator's last token; `None` when no declarator is here.
    fn declarator(&self, at: usize) -> Option<(Option<usize>, Option<usize>, usize)> {
        let tk = &self.tk;
        let (name, mut j) = match tk.kind(at)? {
            Kind::Ident => (Some(at), at + 1),
            Kind::Punct(b'{') => (None, tk.close[at] as usize + 1),
            Kind::Punct(b'[') => (None, tk.skip_group(at)?),
            _ => return None,
        };
        if tk.is_punct(j, b'!') {
            j += 1;
        }
        if tk.is_punct(j, b':') {
            j = self.type_end(j + 1);
        }
        if tk.is_punct(j, b'=') && !tk.is_punct(j + 1, b'=') && !tk.is_punct(j + 1, b'>') {
            let value = j + 1;
            return Some((name, Some(value), self.value_end(value)));
        }
        // No initializer: the declarator ends before a `,`, `;` or the next statement.
        Some((name, None, j.saturating_sub(1).max(at)))
    }

    /// The token ending a type annotation that starts at `k`: the `=` of an initializer, or a
    /// `,`, `;` or closer at this level, or the first word of a statement on a later line.
    fn type_end(&self, mut k: usize) -> usize {
        let tk = &self.tk;
        let limit = (k + 4096).min(tk.t.len());
        while k < limit {
            match tk.kind(k) {
                // `=>` in a function type.
                Some(Kind::Punct(b'=')) if tk.is_punct(k + 1, b'>') => k += 2,
                Some(Kind::Punct(b'=' | b',' | b';' | b')' | b']' | b'}')) => return k,
                Some(Kind::Punct(b'{')) => k = tk.close[k] as usize + 1,
                Some(Kind::Punct(b'(' | b'[' | b'<')) => k = tk.skip_group(k).unwrap_or(k + 1),
                Some(Kind::Ident)
                    if k > 0
                        && tk.line(k) > tk.last_line(k - 1)
                        && matches!(
                            tk.text(k),
                            b"export"
                                | b"import"
                                | b"const"
                                | b"let"
                                | b"var"
                                | b"function"
                                | b"class"
                                | b"declare"
                                | b"interface"
                                | b"enum"
                        ) =>
                {
                    return k;
                }
                _ => k += 1,
            }
        }
        k
    }

    /// The last token of an initializer starting at `start`: before a `,` or `;` at its level,
    /// before an unmatched closer, or before a line break where the expression can end and the
    /// next line does not continue it (automatic semicolon insertion). Brackets are skipped
    /// whole, so a multi-line literal or call ends at its closer.
    fn value_end(&self, start: usize) -> usize {
        let tk = &self.tk;
        let limit = (start + 65_536).min(tk.t.len());
        let mut j = start;
        while j < limit {
            if j > start
                && tk.line(j) > tk.last_line(j - 1)
                && self.ends_expression(j - 1)
                && !self.continues_expression(j)
            {
                return j - 1;
            }
            match tk.kind(j) {
                Some(Kind::Punct(b',' | b';' | b')' | b']' | b'}')) => {
                    return j.saturating_sub(1).max(start);
                }
                Some(Kind::Punct(b'{')) => j = tk.close[j] as usize + 1,
                Some(Kind::Punct(b'(' | b'[')) => j = tk.skip_group(j).unwrap_or(j + 1),
                // Type arguments of a call: `new Map<string, number>()`.
                Some(Kind::Punct(b'<')) if j > start && tk.kind(j - 1) == Some(Kind::Ident) => {
                    j = match tk.skip_group(j) {
                        Some(k) if tk.is_punct(k, b'(') => k,
                        _ => j + 1,
                    };
                }
                _ => j += 1,
            }
        }
        limit.saturating_sub(1).max(start)
    }

    /// Whether an expression can end with the token at `i`.
    fn ends_expression(&self, i: usize) -> bool {
        let tk = &self.tk;
        match tk.kind(i) {
            Some(Kind::Ident) => !matches!(
                tk.text(i),
                b"new"
                    | b"typeof"
                    | b"void"
                    | b"delete"
                    | b"await"
                    | b"yield"
                    | b"in"
                    | b"instanceof"
                    | b"as"
                    | b"satisfies"
            ),
            Some(Kind::Str | Kind::Num | Kind::Regex) => true,
            // A template's last chunk, not one that opens a `${` field.
            Some(Kind::Template) => {
                let end = tk.t.get(i).map_or(0, |t| t.end as usize);
                tk.src.get(end) != Some(&b'$')
            }
            Some(Kind::Punct(c)) => matches!(c, b')' | b']' | b'}'),
            None => false,
        }
    }

    /// Whether the token at `i`, first on its line, continues the expression before it.
    fn continues_expression(&self, i: usize) -> bool {
        let tk = &self.tk;
        match tk.kind(i) {
            Some(Kind::Punct(c)) => matches!(
                c,
                b'.' | b'?'
                    | b':'
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'/'
                    | b'%'
                    | b'='
                    | b'<'
                    | b'>'
                    | b'&'
                    | b'|'
                    | b'^'
                    | b','
                    | b'('
                    | b'['
            ),
            // A tagged template.
            Some(Kind::Template) => true,
            Some(Kind::Ident) => {
                matches!(tk.text(i), b"as" | b"satisfies" | b"instanceof" | b"in")
            }
            _ => false,
        }
    }

    /// For a declarator's value starting at `j`: if it is a function (`(…) => …`,
    /// `async x => …`, `<T>(…): R => …`, `function …`), the function's last token.
    fn function_value(&self, mut j: usize) -> Option<usize> {
        let tk = &self.tk;
        if tk.is_ident(j, b"async") {
            j += 1;
        }
        if tk.is_ident(j, b"function") {
            let paren = (j..(j + 8).min(tk.t.len())).find(|&k| tk.is_punct(k, b'('))?;
            return Some(self.body_end(paren));
        }
        let after_params = if tk.is_punct(j, b'(') {
            tk.skip_group(j)?
        } else if tk.is_punct(j, b'<') {
            let k = tk.skip_group(j)?;
            tk.is_punct(k, b'(').then(|| tk.skip_group(k))??
        } else if tk.kind(j) == Some(Kind::Ident) {
            j + 1
        } else {
            return None;
        };
        let arrow = |k: usize| tk.is_punct(k, b'=') && tk.is_punct(k + 1, b'>');
        // `=>` right after the parameters, or after a return type annotation.
        let mut k = after_params;
        if !arrow(k) {
            if !tk.is_punct(k, b':') {
                return None;
            }
            let limit = (k + 4096).min(tk.t.len());
            while k < limit && !arrow(k) {
                match tk.kind(k) {
                    Some(Kind::Punct(b'{')) => k = tk.close[k] as usize + 1,
                    Some(Kind::Punct(b'(' | b'[' | b'<')) => k = tk.skip_group(k).unwrap_or(k + 1),
                    Some(Kind::Punct(b';' | b',')) => return None,
                    _ => k += 1,
                }
            }
            if k >= limit {
                return None;
            }
        }
        let body = k + 2;
        Some(if tk.is_punct(body, b'{') {
            tk.close[body] as usize
        } else {
            self.statement_end(body)
        })
    }

    /// A method declaration starting at `i` inside a class body: its last token.
    fn method(&mut self, i: usize) -> Option<usize> {
        let tk = &self.tk;
        // Only at the start of a member: after `{`, `}`, `;`, or a modifier (`#name` is a
        // private member whose start is the `#`).
        let private_name = i > 0 && tk.is_punct(i - 1, b'#');
        let first = if private_name { i - 1 } else { i };
        let prev_ok = first == 0
            || matches!(tk.kind(first - 1), Some(Kind::Punct(b'{' | b'}' | b';')))
            || (tk.kind(first - 1) == Some(Kind::Ident) && is_modifier(tk.text(first - 1)));
        if !prev_ok {
            return None;
        }
        let mut j = i;
        let mut vis = if private_name {
            Visibility::Private
        } else {
            Visibility::Public
        };
        let start_line = tk.line(first);
        while tk.kind(j) == Some(Kind::Ident)
            && is_modifier(tk.text(j))
            && (tk.kind(j + 1) == Some(Kind::Ident)
                || tk.is_punct(j + 1, b'*')
                || tk.is_punct(j + 1, b'#')
                || tk.is_punct(j + 1, b'['))
        {
            if matches!(tk.text(j), b"private" | b"protected") {
                vis = Visibility::Private;
            }
            j += 1;
        }
        if tk.is_punct(j, b'*') {
            j += 1;
        }
        if tk.is_punct(j, b'#') {
            vis = Visibility::Private;
            j += 1;
        }
        if tk.kind(j) != Some(Kind::Ident) {
            return None;
        }
        let name = j;
        let mut paren = j + 1;
        if tk.is_punct(paren, b'?') {
            paren += 1;
        }
        if tk.is_punct(paren, b'<') {
            paren = tk.skip_group(paren)?;
        }
        if !tk.is_punct(paren, b'(') {
            return None;
        }
        let end = self.body_end(paren);
        self.define(name, DefKind::Method, vis, start_line, end);
        Some(end)
    }
}

fn is_modifier(word: &[u8]) -> bool {
    matches!(
        word,
        b"public"
            | b"private"
            | b"protected"
            | b"static"
            | b"async"
            | b"get"
            | b"set"
            | b"readonly"
            | b"abstract"
            | b"override"
            | b"declare"
            | b"accessor"
    )
}

/// Extract the imports and definitions of one TypeScript or JavaScript file (without its
/// byte order mark), with its tokens for [`tokens::describe`].
pub fn scan(src: &[u8]) -> (FileFacts, tokens::Lexed) {
    let mut facts = FileFacts {
        imports: references(src),
        ..FileFacts::default()
    };
    let mut x = Extractor {
        tk: Tokens::new(src),
        facts: FileFacts::default(),
    };
    x.run();
    facts.imports.append(&mut x.facts.imports);
    facts.definitions = std::mem::take(&mut x.facts.definitions);
    (facts, lexed(x.tk))
}

/// The tokens of one file as [`tokens::lex`] gives them: names by their keyword codes;
/// strings, template chunks and regular expressions as literals.
pub fn lex(src: &[u8]) -> tokens::Lexed {
    lexed(Tokens::new(src))
}

fn lexed(tk: Tokens<'_>) -> tokens::Lexed {
    let src = tk.src;
    let words = tokens::words(crate::Lang::Ts);
    let tokens =
        tk.t.iter()
            .map(|t| {
                let (mut start, mut end) = (t.start, t.end);
                let code = match t.kind {
                    Kind::Ident => {
                        words.code(src.get(start as usize..end as usize).unwrap_or_default())
                    }
                    Kind::Str => {
                        // The quotes are part of the literal's text.
                        start = start.saturating_sub(1);
                        if src
                            .get(end as usize)
                            .is_some_and(|&q| Some(&q) == src.get(start as usize))
                        {
                            end += 1;
                        }
                        tokens::STRING
                    }
                    Kind::Template | Kind::Regex => tokens::STRING,
                    Kind::Num => tokens::NUMBER,
                    Kind::Punct(b) => tokens::punct_code(b),
                };
                tokens::Token {
                    code,
                    start,
                    end,
                    line: t.line,
                }
            })
            .collect();
    tokens::Lexed {
        tokens,
        comments: tk.comments,
    }
}

/// Triple-slash `/// <reference path="x" />` directives: files the compiler adds to the
/// program. Like `tsc`, only those in the comments before the first statement count, and the
/// path is relative to the file even without `./`.
fn references(src: &[u8]) -> Vec<Import> {
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0, 1u32, 0);
    while i < src.len() {
        match src[i] {
            b'\n' => {
                i += 1;
                line += 1;
                line_start = i;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if src.get(i + 1) == Some(&b'*') => {
                let end =
                    memchr::memmem::find(&src[i + 2..], b"*/").map_or(src.len(), |n| i + n + 4);
                for (k, &c) in src[i..end].iter().enumerate() {
                    if c == b'\n' {
                        line += 1;
                        line_start = i + k + 1;
                    }
                }
                i = end;
            }
            b'/' if src.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
                if let Some((start, path)) = reference_path(src, i, end) {
                    let spec = if path.starts_with('.') || path.starts_with('/') {
                        path.to_owned()
                    } else {
                        format!("./{path}")
                    };
                    out.push(Import {
                        spec,
                        names: Vec::new(),
                        kind: ImportKind::Static,
                        line,
                        column: u32::try_from(start - line_start + 1).unwrap_or(u32::MAX),
                    });
                }
                i = end;
            }
            _ => break,
        }
    }
    out
}

/// In the comment `src[at..end]`: the offset and text of `path` in
/// `/// <reference path="…" />`.
fn reference_path(src: &[u8], at: usize, end: usize) -> Option<(usize, &str)> {
    let text = std::str::from_utf8(&src[at..end]).ok()?;
    let rest = text.strip_prefix("///")?.trim_start();
    let rest = rest.strip_prefix("<reference")?;
    let after = rest.trim_start();
    let after = after
        .strip_prefix("path")?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &after[1..];
    let close = body.find(quote)?;
    Some((at + text.len() - body.len(), &body[..close]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, kind, visibility, start, end)` of every definition.
    fn defs(src: &str) -> Vec<(String, DefKind, Visibility, u32, u32)> {
        scan(src.as_bytes())
            .0
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind, d.visibility, d.start_line, d.end_line))
            .collect()
    }

    fn c(
        name: &str,
        vis: Visibility,
        start: u32,
        end: u32,
    ) -> (String, DefKind, Visibility, u32, u32) {
        (name.into(), DefKind::Const, vis, start, end)
    }

    fn f(
        name: &str,
        vis: Visibility,
        start: u32,
        end: u32,
    ) -> (String, DefKind, Visibility, u32, u32) {
        (name.into(), DefKind::Function, vis, start, end)
    }

    #[test]
    fn module_level_consts() {
        use Visibility::{Private, Public};
        let src = r#"/** Docs: const FAKE_DOC = 1; */
// const FAKE_LINE = 1;
export const MAX = 10;
const A = 1, B = "two";
const { x, y } = point, [first] = list;
const { p } = q, AFTER = 3;
export const CONFIG = {
  retries: 3,
  nested: [1, 2],
};
export const add = (a: number, b: number): number => a + b;
const sub = function (a, b) {
  return a - b;
};
const typed: (n: number) => number = (n) => n * 2;
const T = `line one
const FAKE_TEMPLATE = ${"x"}
end`;
let mutable = 1;
var old = 2;
function outer() {
  const INNER = 1;
  return INNER;
}
class K {
  static readonly LIMIT = 5;
  method() { const LOCAL = 2; }
}
if (flag) { const IN_BLOCK = 1; }
for (const item of items) {}
export const enum Dir { Up, Down }
const enum Plain { A }
export declare const DECLARED: number;
const M = new Map<string, number>();
const ANNOTATED: Record<string, number> = { a: 1 };
const CHAINED = items
  .map((i) => i * 2)
  .filter(Boolean)
const NO_SEMI = 1
const ALSO_NO_SEMI = cond
  ? 1
  : 2
export const LIST = [1, 2] as const
"#;
        assert_eq!(
            defs(src),
            [
                c("MAX", Public, 3, 3),
                c("A", Private, 4, 4),
                c("B", Private, 4, 4),
                c("AFTER", Private, 6, 6),
                c("CONFIG", Public, 7, 10),
                f("add", Public, 11, 11),
                f("sub", Private, 12, 14),
                f("typed", Private, 15, 15),
                c("T", Private, 16, 18),
                f("outer", Private, 21, 24),
                ("K".into(), DefKind::Class, Private, 25, 28),
                ("method".into(), DefKind::Method, Public, 27, 27),
                ("Dir".into(), DefKind::Enum, Public, 31, 31),
                ("Plain".into(), DefKind::Enum, Private, 32, 32),
                c("M", Private, 34, 34),
                c("ANNOTATED", Private, 35, 35),
                c("CHAINED", Private, 36, 38),
                c("NO_SEMI", Private, 39, 39),
                c("ALSO_NO_SEMI", Private, 40, 42),
                c("LIST", Public, 43, 43),
            ]
        );
        for end in 0..=src.len() {
            let _ = scan(&src.as_bytes()[..end]);
        }
    }

    #[test]
    fn consts_in_minified_and_nested_code() {
        use Visibility::Private;
        // One line: declarators end at `,` and `;`; the `const` inside the callback is not at
        // module level.
        let src = "const a=1,b=[2,3],c=x=>x;const d={e:1};call(function(){const no=1});";
        assert_eq!(
            defs(src),
            [
                c("a", Private, 1, 1),
                c("b", Private, 1, 1),
                f("c", Private, 1, 1),
                c("d", Private, 1, 1),
            ]
        );
        // A multi-line template literal with fields, and a value ending at the file's end.
        let src = "const HTML = `<p>\n${name}\n</p>`\nconst END = {\n  a: 1";
        assert_eq!(
            defs(src),
            [c("HTML", Private, 1, 3), c("END", Private, 4, 5)]
        );
    }
}
