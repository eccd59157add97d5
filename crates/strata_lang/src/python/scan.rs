//! One pass over a Python file's bytes: its import statements, its `def`/`class` blocks and
//! its module-level `UPPER_CASE` constants.
//!
//! A hand-written lexer, exact about what Python itself treats as code: comments, every string
//! form (prefixes, triple quotes, escapes, f-strings whose `{}` fields hold further strings) and
//! bracket continuations are skipped, so import-like text inside them never counts. It keeps
//! only what the statements need: bracket depth, the start of each statement, and the
//! indentation of each logical line (for the extent of definitions).
//!
//! Conventions: f-string fields follow PEP 701 (Python 3.12: any quotes, line breaks and
//! comments inside `{}`); a single-quoted string cut by a line break ends there, so one broken
//! line cannot hide the rest of the file. Line breaks are `\n`, `\r\n` or a lone `\r`, as
//! Python reads them; a UTF-8 BOM is not part of line 1, so columns count from after it.
//! A definition spans from its `def`/`class` line (decorators excluded) to the last line of
//! its body's last statement, or of a later comment line still indented inside the body; a
//! constant from its line to the last line of its assignment statement.
//!
//! Invariants: every loop advances `pos`, pops a frame or returns; input is only read through
//! `get`, so no byte sequence can panic; nothing is allocated per byte, only the names
//! returned.

use crate::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes that may continue an identifier. Non-ASCII bytes count, so identifiers in any script
/// (and stray invalid UTF-8) stay one word.
const IDENT: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        #[allow(clippy::cast_possible_truncation)] // i < 256
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        i += 1;
    }
    t
};

/// Bytes that change the state of code outside strings: brackets, quotes, comments, line
/// ends, continuations and statement separators. Everything else can be run over.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"'\"()[]{}#\\\n\r;:";
    let mut i = 0;
    while i < special.len() {
        t[special[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_ident(b: u8) -> bool {
    IDENT[usize::from(b)]
}

fn is_ident_start(b: u8) -> bool {
    is_ident(b) && !b.is_ascii_digit()
}

/// For a word directly followed by a quote: whether it is a string prefix, and if so whether
/// the string is formatted (`f`, `t`: fields in `{}`) and whether it is raw.
fn string_prefix(word: &[u8]) -> Option<(bool, bool)> {
    let mut formatted = false;
    let mut raw = false;
    let mut bytes = false;
    let mut unicode = false;
    if word.is_empty() || word.len() > 2 {
        return None;
    }
    for &b in word {
        match b.to_ascii_lowercase() {
            b'f' | b't' if !formatted => formatted = true,
            b'r' if !raw => raw = true,
            b'b' if !bytes => bytes = true,
            b'u' if !unicode => unicode = true,
            _ => return None,
        }
    }
    let valid = match word.len() {
        1 => true,
        // `br`/`rb`, `fr`/`rf`, `tr`/`rt`; never `u` with anything, never `b` with `f`.
        _ => raw && !unicode,
    };
    valid.then_some((formatted, raw))
}

/// A constant's name by convention: `UPPER_CASE`, with at least one letter (`_PRIVATE`,
/// `HTTP2`, not `_` or `__all__`).
fn is_constant_name(word: &[u8]) -> bool {
    word.iter()
        .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && word.iter().any(u8::is_ascii_uppercase)
}

/// Extract the imports and definitions of one Python file.
pub(super) fn scan(src: &[u8]) -> FileFacts {
    let mut scanner = Scanner::new(src);
    scanner.run();
    scanner.facts
}

/// An open `def`/`class` block, waiting for the dedent that ends it.
struct Scope {
    indent: u32,
    def: usize,
    is_class: bool,
}

/// Where an f-string scan stands; the innermost is last.
#[derive(Clone, Copy)]
enum Frame {
    /// The literal text of an f-string.
    Str { quote: u8, triple: bool, raw: bool },
    /// A replacement field's expression, with its own bracket depth.
    Expr { depth: u32 },
    /// A replacement field's format spec (after `:`), which may hold nested fields.
    Spec,
}

struct Scanner<'a> {
    src: &'a [u8],
    pos: usize,
    /// 1-based number of the line holding `pos`, and the offset where that line starts.
    line: u32,
    line_start: usize,
    /// Open brackets of the current logical line: while positive, newlines do not end it.
    depth: u32,
    facts: FileFacts,
    scopes: Vec<Scope>,
    /// Comment-only lines (line, indentation) seen since the last logical line began.
    comments: Vec<(u32, u32)>,
    /// Last physical line of the last complete logical line.
    last_code_line: u32,
    frames: Vec<Frame>,
    /// Whether the file holds any `\r`; without one, line ends can be searched for `\n` alone.
    has_cr: bool,
    /// The constant whose assignment is being scanned: its span ends with its statement.
    open_const: Option<usize>,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a [u8]) -> Scanner<'a> {
        let start = if src.starts_with(BOM) { BOM.len() } else { 0 };
        Scanner {
            src,
            pos: start,
            line: 1,
            line_start: start,
            depth: 0,
            facts: FileFacts::default(),
            scopes: Vec::new(),
            comments: Vec::new(),
            last_code_line: 0,
            frames: Vec::new(),
            has_cr: memchr::memchr(b'\r', src).is_some(),
            open_const: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos.saturating_add(ahead)).copied()
    }

    fn column(&self) -> u32 {
        u32::try_from(self.pos.saturating_sub(self.line_start) + 1).unwrap_or(u32::MAX)
    }

    /// Consume the line break at `pos` (`\n`, `\r\n` or a lone `\r`, as Python reads them).
    fn newline(&mut self) {
        if self.peek() == Some(b'\r') && self.peek_at(1) == Some(b'\n') {
            self.pos += 2;
        } else {
            self.pos += 1;
        }
        self.line = self.line.saturating_add(1);
        self.line_start = self.pos;
    }

    fn at_newline(&self) -> bool {
        matches!(self.peek(), Some(b'\n' | b'\r'))
    }

    /// Skip a comment up to (not including) its line break.
    fn skip_comment(&mut self) {
        let rest = self.src.get(self.pos..).unwrap_or_default();
        self.pos += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    }

    fn skip_word(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(is_ident) {
            self.pos += 1;
        }
        self.src.get(start..self.pos).unwrap_or_default()
    }

    /// The word at `pos` without consuming it.
    fn word_ahead(&self) -> &'a [u8] {
        let rest = self.src.get(self.pos..).unwrap_or_default();
        let len = rest
            .iter()
            .position(|&b| !is_ident(b))
            .unwrap_or(rest.len());
        rest.get(..len).unwrap_or_default()
    }

    /// Skip blanks and backslash continuations inside one logical line.
    fn skip_inline_ws(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\x0c') => self.pos += 1,
                Some(b'\\') if matches!(self.peek_at(1), Some(b'\n' | b'\r')) => {
                    self.pos += 1;
                    self.newline();
                }
                _ => return,
            }
        }
    }

    /// Skip blanks, line breaks and comments: the inside of brackets.
    fn skip_bracket_ws(&mut self) {
        loop {
            self.skip_inline_ws();
            match self.peek() {
                Some(b'\n' | b'\r') => self.newline(),
                Some(b'#') => self.skip_comment(),
                _ => return,
            }
        }
    }

    fn run(&mut self) {
        loop {
            let indent = self.indentation();
            match self.peek() {
                None => break,
                Some(b'\n' | b'\r') => self.newline(),
                Some(b'#') => {
                    self.comments.push((self.line, indent));
                    self.skip_comment();
                }
                Some(_) => {
                    self.close_scopes(indent);
                    self.logical_line(indent);
                }
            }
        }
        self.close_scopes(0);
    }

    /// Consume the leading blanks of a line; their width with tabs to multiples of 8 and a
    /// form feed resetting it, as the `CPython` tokenizer counts.
    fn indentation(&mut self) -> u32 {
        let mut width: u32 = 0;
        loop {
            match self.peek() {
                Some(b' ') => width = width.saturating_add(1),
                Some(b'\t') => width = (width / 8).saturating_add(1).saturating_mul(8),
                Some(b'\x0c') => width = 0,
                _ => return width,
            }
            self.pos += 1;
        }
    }

    /// End every open block indented at least as deep as a new logical line. A block ends on
    /// its last code line, or on a later comment line still indented inside it.
    fn close_scopes(&mut self, indent: u32) {
        while let Some(scope) = self.scopes.last() {
            if scope.indent < indent {
                break;
            }
            let mut end = self.last_code_line;
            if let Some(&(line, _)) = self.comments.iter().rev().find(|c| c.1 > scope.indent) {
                end = end.max(line);
            }
            if let Some(def) = self.facts.definitions.get_mut(scope.def) {
                def.end_line = end.max(def.start_line);
            }
            self.scopes.pop();
        }
        self.comments.clear();
    }

    /// Scan one logical line, from its first token through the line break that ends it.
    fn logical_line(&mut self, indent: u32) {
        let mut stmt_start = true;
        // Whether a statement starting here is at module level: the line is not indented and
        // no block header's `:` came before it (`if X: A = 1`).
        let mut module_level = indent == 0;
        loop {
            if !stmt_start {
                // Past a statement's first word only brackets, strings, comments, line ends
                // and statement separators matter: run over the rest in a tight loop.
                let mut pos = self.pos;
                while self.src.get(pos).is_some_and(|&b| !SPECIAL[usize::from(b)]) {
                    pos += 1;
                }
                self.pos = pos;
            }
            let Some(b) = self.peek() else {
                self.last_code_line = self.line;
                self.close_const();
                return;
            };
            match b {
                b' ' | b'\t' | b'\x0c' => {
                    self.pos += 1;
                    continue;
                }
                b'\n' | b'\r' => {
                    if self.depth == 0 {
                        self.last_code_line = self.line;
                        self.close_const();
                        self.newline();
                        return;
                    }
                    self.newline();
                    continue;
                }
                b'#' => {
                    self.skip_comment();
                    continue;
                }
                b'\\' => {
                    self.pos += 1;
                    if self.at_newline() {
                        self.newline();
                    }
                    continue;
                }
                b'\'' | b'"' => {
                    let (formatted, raw) = self.prefix_before();
                    self.string(formatted, raw);
                }
                b'(' | b'[' | b'{' => {
                    self.depth = self.depth.saturating_add(1);
                    self.pos += 1;
                }
                b')' | b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.pos += 1;
                }
                b';' | b':' if self.depth == 0 && self.peek_at(1) != Some(b'=') => {
                    // After `;` or a block header's `:`, a new simple statement may start.
                    if b == b';' {
                        self.close_const();
                    } else {
                        module_level = false;
                    }
                    self.pos += 1;
                    stmt_start = true;
                    continue;
                }
                _ if stmt_start && is_ident_start(b) => {
                    let line = self.line;
                    let word = self.skip_word();
                    if module_level && is_constant_name(word) {
                        self.constant(word, line);
                    } else {
                        self.statement(word, indent, line);
                    }
                }
                _ => self.pos += 1,
            }
            stmt_start = false;
        }
    }

    /// The prefix of the string whose quote is at `pos`: the word right before the quote, if
    /// it is one (`rb"`, `f'`); a longer word or none means no prefix.
    fn prefix_before(&self) -> (bool, bool) {
        let from = self.line_start.max(self.pos.saturating_sub(3));
        let before = self.src.get(from..self.pos).unwrap_or_default();
        let len = before.iter().rev().take_while(|&&b| is_ident(b)).count();
        if len == 0 || len > 2 {
            return (false, false);
        }
        before
            .get(before.len() - len..)
            .and_then(string_prefix)
            .unwrap_or((false, false))
    }

    /// A statement whose first word was just consumed.
    fn statement(&mut self, word: &[u8], indent: u32, line: u32) {
        match word {
            b"import" => self.import_stmt(),
            b"from" => self.import_from_stmt(),
            b"def" => self.definition(false, indent, line),
            b"class" => self.definition(true, indent, line),
            b"async" => {
                self.skip_inline_ws();
                if self.word_ahead() == b"def" {
                    self.skip_word();
                    self.definition(false, indent, line);
                }
            }
            _ => {}
        }
    }

    /// After a module-level statement's first word, an `UPPER_CASE` name: if the statement
    /// assigns it (`NAME = …`, `NAME: T = …`), a constant, whose span ends with the statement.
    /// Not `NAME += …`, `NAME == …`, `NAME, OTHER = …`, `NAME.attr = …` or a bare `NAME: T`.
    fn constant(&mut self, word: &[u8], line: u32) {
        self.skip_inline_ws();
        let assigned = match self.peek() {
            Some(b'=') => self.peek_at(1) != Some(b'='),
            Some(b':') => self.peek_at(1) != Some(b'=') && self.annotation_has_value(),
            _ => false,
        };
        if !assigned {
            return;
        }
        let name = String::from_utf8_lossy(word).into_owned();
        let visibility = if name.starts_with('_') {
            Visibility::Private
        } else {
            Visibility::Public
        };
        self.open_const = Some(self.facts.definitions.len());
        self.facts.definitions.push(Definition {
            name,
            kind: DefKind::Const,
            visibility,
            start_line: line,
            end_line: line,
            ..Definition::default()
        });
    }

    /// With `pos` at the `:` of an annotated assignment: whether the annotation is followed
    /// by `= value` on the same logical line. A look ahead over brackets, strings and
    /// continuations, bounded so that no line is read more than a fixed number of times.
    fn annotation_has_value(&self) -> bool {
        const LOOKAHEAD: usize = 4096;
        let src = self.src;
        let end = self.pos.saturating_add(LOOKAHEAD).min(src.len());
        let mut i = self.pos + 1;
        let mut depth = 0u32;
        while i < end {
            let Some(&b) = src.get(i) else { return false };
            match b {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        return false;
                    }
                    depth -= 1;
                }
                b'\'' | b'"' => {
                    let triple = src.get(i + 1) == Some(&b) && src.get(i + 2) == Some(&b);
                    i += if triple { 3 } else { 1 };
                    loop {
                        match src.get(i) {
                            None => return false,
                            Some(b'\\') => i += 2,
                            Some(b'\n' | b'\r') if !triple => return false,
                            Some(&q) if q == b => {
                                if !triple {
                                    break;
                                }
                                if src.get(i + 1) == Some(&b) && src.get(i + 2) == Some(&b) {
                                    i += 2;
                                    break;
                                }
                                i += 1;
                            }
                            Some(_) => i += 1,
                        }
                    }
                }
                b'#' => {
                    if depth == 0 {
                        return false;
                    }
                    let rest = src.get(i..end).unwrap_or_default();
                    i += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
                    continue;
                }
                // A continuation: the escaped line break (`\r\n` too) is skipped.
                b'\\' => {
                    i += 1;
                    if src.get(i) == Some(&b'\r') && src.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                }
                b'\n' | b'\r' | b';' if depth == 0 => return false,
                b'=' if depth == 0 => return src.get(i + 1) != Some(&b'='),
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// End the span of the constant being scanned on the current line.
    fn close_const(&mut self) {
        if let Some(at) = self.open_const.take()
            && let Some(def) = self.facts.definitions.get_mut(at)
        {
            def.end_line = self.line.max(def.start_line);
        }
    }

    /// Numbers, including `0x1f`, `1_000`, `1.5e3`, `2j`: their letters are not words.
    fn skip_number(&mut self) {
        while self.peek().is_some_and(|b| is_ident(b) || b == b'.') {
            self.pos += 1;
        }
    }

    /// `import a.b.c [as x], d`: one import per dotted name.
    fn import_stmt(&mut self) {
        loop {
            self.skip_inline_ws();
            let (line, column) = (self.line, self.column());
            let mut spec = String::new();
            if !self.dotted_name(&mut spec) {
                return;
            }
            self.facts.imports.push(Import {
                spec,
                names: Vec::new(),
                kind: ImportKind::Static,
                line,
                column,
            });
            self.skip_inline_ws();
            self.skip_alias(false);
            if self.peek() != Some(b',') {
                return;
            }
            self.pos += 1;
        }
    }

    /// `from .a.b import x [as y], z`, `from . import (x, y,)`, `from a import *`.
    fn import_from_stmt(&mut self) {
        self.skip_inline_ws();
        let (line, column) = (self.line, self.column());
        let mut spec = String::new();
        while self.peek() == Some(b'.') {
            spec.push('.');
            self.pos += 1;
            self.skip_inline_ws();
        }
        if self.word_ahead() != b"import" {
            self.dotted_name(&mut spec);
        }
        if spec.is_empty() {
            return;
        }
        self.skip_inline_ws();
        if self.word_ahead() != b"import" {
            return;
        }
        self.skip_word();
        self.skip_inline_ws();
        if self.peek() == Some(b'*') {
            self.pos += 1;
            self.facts.imports.push(Import {
                spec,
                names: Vec::new(),
                kind: ImportKind::Wildcard,
                line,
                column,
            });
            return;
        }
        let parenthesised = self.peek() == Some(b'(');
        if parenthesised {
            self.pos += 1;
        }
        let mut names = Vec::new();
        let mut closed = false;
        loop {
            self.skip_ws(parenthesised);
            if parenthesised && self.peek() == Some(b')') {
                self.pos += 1;
                closed = true;
                break;
            }
            if !self.peek().is_some_and(is_ident_start) {
                break;
            }
            let name = self.skip_word();
            names.push(String::from_utf8_lossy(name).into_owned());
            self.skip_ws(parenthesised);
            self.skip_alias(parenthesised);
            if self.peek() != Some(b',') {
                if parenthesised && self.peek() == Some(b')') {
                    self.pos += 1;
                    closed = true;
                }
                break;
            }
            self.pos += 1;
        }
        if parenthesised && !closed {
            // The rest of the bracket is scanned as ordinary code, which closes it.
            self.depth = self.depth.saturating_add(1);
        }
        if !names.is_empty() {
            self.facts.imports.push(Import {
                spec,
                names,
                kind: ImportKind::Static,
                line,
                column,
            });
        }
    }

    fn skip_ws(&mut self, in_brackets: bool) {
        if in_brackets {
            self.skip_bracket_ws();
        } else {
            self.skip_inline_ws();
        }
    }

    /// `as name` after an imported name, if present.
    fn skip_alias(&mut self, in_brackets: bool) {
        if self.word_ahead() == b"as" {
            self.skip_word();
            self.skip_ws(in_brackets);
            self.skip_word();
            self.skip_ws(in_brackets);
        }
    }

    /// Append `a.b.c` (blanks around dots allowed, as the tokenizer allows) to `out`; false
    /// when no name starts here.
    fn dotted_name(&mut self, out: &mut String) -> bool {
        if !self.peek().is_some_and(is_ident_start) {
            return false;
        }
        loop {
            out.push_str(&String::from_utf8_lossy(self.skip_word()));
            self.skip_inline_ws();
            if self.peek() != Some(b'.') {
                return true;
            }
            self.pos += 1;
            self.skip_inline_ws();
            if !self.peek().is_some_and(is_ident_start) {
                return true;
            }
            out.push('.');
        }
    }

    /// `def name` / `class name` (the keyword already consumed) opens a block.
    fn definition(&mut self, is_class: bool, indent: u32, line: u32) {
        self.skip_inline_ws();
        if !self.peek().is_some_and(is_ident_start) {
            return;
        }
        let name = String::from_utf8_lossy(self.skip_word()).into_owned();
        let kind = if is_class {
            DefKind::Class
        } else if self.scopes.last().is_some_and(|s| s.is_class) {
            DefKind::Method
        } else {
            DefKind::Function
        };
        let visibility = if name.starts_with('_') {
            Visibility::Private
        } else {
            Visibility::Public
        };
        self.scopes.push(Scope {
            indent,
            def: self.facts.definitions.len(),
            is_class,
        });
        self.facts.definitions.push(Definition {
            name,
            kind,
            visibility,
            start_line: line,
            end_line: line,
            ..Definition::default()
        });
    }

    /// A string literal whose opening quote is at `pos` (its prefix already consumed).
    fn string(&mut self, formatted: bool, raw: bool) {
        let Some(quote) = self.peek() else { return };
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        if formatted {
            self.fstring(quote, triple, raw);
        } else {
            self.plain_string(quote, triple);
        }
    }

    /// The rest of a string without fields, after its opening quote. A single-quoted string
    /// cut by a line break (a syntax error) stops there, so the next line is read as code.
    fn plain_string(&mut self, quote: u8, triple: bool) {
        loop {
            // Run to the next byte that matters: the quote, a backslash or a line end.
            let rest = self.src.get(self.pos..).unwrap_or_default();
            let skip = if self.has_cr {
                rest.iter()
                    .position(|&b| b == quote || matches!(b, b'\\' | b'\n' | b'\r'))
            } else {
                memchr::memchr3(quote, b'\\', b'\n', rest)
            };
            self.pos += skip.unwrap_or(rest.len());
            let Some(b) = self.peek() else { return };
            match b {
                b'\\' => {
                    // In raw strings too, a backslash keeps the next quote (or line break) in.
                    self.pos += 1;
                    if self.at_newline() {
                        self.newline();
                    } else if self.peek().is_some() {
                        self.pos += 1;
                    }
                }
                b'\n' | b'\r' => {
                    if !triple {
                        return;
                    }
                    self.newline();
                }
                _ if b == quote => {
                    if !triple {
                        self.pos += 1;
                        return;
                    }
                    if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                        self.pos += 3;
                        return;
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The rest of an f-string (or t-string) after its opening quote. Fields are read as
    /// code with PEP 701 rules: they may hold any string, nested f-strings, brackets, line
    /// breaks and comments. An explicit stack keeps deep nesting off the call stack.
    fn fstring(&mut self, quote: u8, triple: bool, raw: bool) {
        self.frames.clear();
        self.frames.push(Frame::Str { quote, triple, raw });
        while let Some(&frame) = self.frames.last() {
            let Some(b) = self.peek() else {
                self.frames.clear();
                return;
            };
            match frame {
                Frame::Str { quote, triple, raw } => self.fstring_text(b, quote, triple, raw),
                Frame::Expr { depth } => self.fstring_expr(b, depth),
                Frame::Spec => self.fstring_spec(b),
            }
        }
    }

    fn fstring_text(&mut self, b: u8, quote: u8, triple: bool, raw: bool) {
        match b {
            b'\\' => match self.peek_at(1) {
                // `\{` is a backslash, then a field.
                Some(b'{' | b'}') | None => self.pos += 1,
                Some(b'N') if !raw && self.peek_at(2) == Some(b'{') => {
                    // `\N{NAME}` is a character, not a field.
                    self.pos += 3;
                    while self
                        .peek()
                        .is_some_and(|c| !matches!(c, b'}' | b'\n' | b'\r') && c != quote)
                    {
                        self.pos += 1;
                    }
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    }
                }
                Some(b'\n' | b'\r') => {
                    self.pos += 1;
                    self.newline();
                }
                Some(_) => self.pos += 2,
            },
            b'{' => {
                self.pos += 1;
                if self.peek() == Some(b'{') {
                    self.pos += 1;
                } else {
                    self.frames.push(Frame::Expr { depth: 0 });
                }
            }
            b'}' => self.pos += if self.peek_at(1) == Some(b'}') { 2 } else { 1 },
            b'\n' | b'\r' => {
                if triple {
                    self.newline();
                } else {
                    // Unterminated: the string ends before the line break.
                    self.frames.pop();
                }
            }
            _ if b == quote => {
                if !triple {
                    self.pos += 1;
                    self.frames.pop();
                } else if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.pos += 3;
                    self.frames.pop();
                } else {
                    self.pos += 1;
                }
            }
            _ => self.pos += 1,
        }
    }

    fn set_expr_depth(&mut self, depth: u32) {
        if let Some(top) = self.frames.last_mut() {
            *top = Frame::Expr { depth };
        }
    }

    fn fstring_expr(&mut self, b: u8, depth: u32) {
        match b {
            b'\'' | b'"' => self.nested_string(false, false),
            b'(' | b'[' | b'{' => {
                self.pos += 1;
                self.set_expr_depth(depth.saturating_add(1));
            }
            b')' | b']' => {
                self.pos += 1;
                self.set_expr_depth(depth.saturating_sub(1));
            }
            b'}' => {
                self.pos += 1;
                if depth == 0 {
                    self.frames.pop();
                } else {
                    self.set_expr_depth(depth - 1);
                }
            }
            b':' if depth == 0 => {
                self.pos += 1;
                if let Some(top) = self.frames.last_mut() {
                    *top = Frame::Spec;
                }
            }
            b'#' => self.skip_comment(),
            b'\n' | b'\r' => self.newline(),
            b'\\' => {
                self.pos += 1;
                if self.at_newline() {
                    self.newline();
                }
            }
            b'0'..=b'9' => self.skip_number(),
            _ if is_ident_start(b) => {
                let word = self.skip_word();
                if matches!(self.peek(), Some(b'\'' | b'"'))
                    && let Some((formatted, raw)) = string_prefix(word)
                {
                    self.nested_string(formatted, raw);
                }
            }
            _ => self.pos += 1,
        }
    }

    /// A string inside a field: plain ones are skipped at once, f-strings push a frame.
    fn nested_string(&mut self, formatted: bool, raw: bool) {
        let Some(quote) = self.peek() else { return };
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        if formatted {
            self.frames.push(Frame::Str { quote, triple, raw });
        } else {
            self.plain_string(quote, triple);
        }
    }

    fn fstring_spec(&mut self, b: u8) {
        // The quote of the f-string this spec belongs to.
        let enclosing = self.frames.iter().rev().find_map(|f| match *f {
            Frame::Str { quote, triple, .. } => Some((quote, triple)),
            _ => None,
        });
        match b {
            b'{' => {
                self.pos += 1;
                self.frames.push(Frame::Expr { depth: 0 });
            }
            b'}' => {
                self.pos += 1;
                self.frames.pop();
            }
            b'\n' | b'\r' if !enclosing.is_some_and(|e| e.1) => {
                // A broken single-quoted f-string: give the line break back to it.
                self.frames.pop();
            }
            b'\n' | b'\r' => self.newline(),
            _ if enclosing.is_some_and(|e| e.0 == b) => {
                // A spec cut short by the closing quote (a syntax error): let the string end.
                self.frames.pop();
            }
            b'\\' => {
                self.pos += 1;
                if self.at_newline() {
                    self.newline();
                } else if self.peek().is_some() {
                    self.pos += 1;
                }
            }
            _ => self.pos += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(spec, names, kind, line, column)` of every import.
    fn imports(src: &[u8]) -> Vec<(String, Vec<String>, ImportKind, u32, u32)> {
        scan(src)
            .imports
            .into_iter()
            .map(|i| (i.spec, i.names, i.kind, i.line, i.column))
            .collect()
    }

    fn specs(src: &str) -> Vec<String> {
        scan(src.as_bytes())
            .imports
            .into_iter()
            .map(|i| i.spec)
            .collect()
    }

    /// `(name, kind, visibility, start, end)` of every definition.
    fn defs(src: &str) -> Vec<(String, DefKind, Visibility, u32, u32)> {
        scan(src.as_bytes())
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind, d.visibility, d.start_line, d.end_line))
            .collect()
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn import_statements() {
        let src = b"import a.b.c\nimport a.b as x, c\nimport d . e\n";
        assert_eq!(
            imports(src),
            vec![
                ("a.b.c".into(), vec![], ImportKind::Static, 1, 8),
                ("a.b".into(), vec![], ImportKind::Static, 2, 8),
                ("c".into(), vec![], ImportKind::Static, 2, 18),
                ("d.e".into(), vec![], ImportKind::Static, 3, 8),
            ]
        );
    }

    #[test]
    fn from_statements() {
        let src =
            b"from a.b import c, d as e\nfrom x import *\nfrom __future__ import annotations\n";
        assert_eq!(
            imports(src),
            vec![
                ("a.b".into(), names(&["c", "d"]), ImportKind::Static, 1, 6),
                ("x".into(), vec![], ImportKind::Wildcard, 2, 6),
                (
                    "__future__".into(),
                    names(&["annotations"]),
                    ImportKind::Static,
                    3,
                    6
                ),
            ]
        );
    }

    #[test]
    fn parenthesised_names_span_lines_with_comments() {
        let src =
            b"from x import (\n    a,  # first\n    # between\n    b as bb,\n)\nimport after\n";
        assert_eq!(
            imports(src),
            vec![
                ("x".into(), names(&["a", "b"]), ImportKind::Static, 1, 6),
                ("after".into(), vec![], ImportKind::Static, 6, 8),
            ]
        );
        // Without a trailing comma, and closing on the last name's line.
        assert_eq!(
            imports(b"from x import (a,\n  b)\n")[0].1,
            names(&["a", "b"])
        );
    }

    #[test]
    fn backslash_continuations() {
        let src = b"from a \\\n    import b, \\\n    c\nimport d, \\\r\n  e\n";
        assert_eq!(
            imports(src),
            vec![
                ("a".into(), names(&["b", "c"]), ImportKind::Static, 1, 6),
                ("d".into(), vec![], ImportKind::Static, 4, 8),
                ("e".into(), vec![], ImportKind::Static, 5, 3),
            ]
        );
    }

    #[test]
    fn relative_imports_keep_their_dots() {
        let src = "from . import x\nfrom ..pkg.mod import y\nfrom .import z\nfrom.w import v\n\
                   from ... import u\nfrom .... import t\nfrom . . sub import s\n";
        let found = imports(src.as_bytes());
        let got: Vec<(&str, &[String])> = found
            .iter()
            .map(|i| (i.0.as_str(), i.1.as_slice()))
            .collect();
        assert_eq!(
            got,
            vec![
                (".", &names(&["x"])[..]),
                ("..pkg.mod", &names(&["y"])[..]),
                (".", &names(&["z"])[..]),
                (".w", &names(&["v"])[..]),
                ("...", &names(&["u"])[..]),
                ("....", &names(&["t"])[..]),
                ("..sub", &names(&["s"])[..]),
            ]
        );
        assert_eq!(found[0].4, 6, "the column is the first dot's");
    }

    #[test]
    fn imports_in_blocks_all_count() {
        let src = "\
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from a import A
try:
    import b
except ImportError:
    b = None
else: import c
def f():
    import d
    class K:
        from e import E
if TYPE_CHECKING: from g import G
";
        assert_eq!(specs(src), ["typing", "a", "b", "c", "d", "e", "g"]);
    }

    #[test]
    fn semicolons_separate_statements() {
        assert_eq!(
            specs("x = 1; import a; from b import c\nimport d;import e\n"),
            ["a", "b", "d", "e"]
        );
    }

    #[test]
    fn import_counts_only_at_statement_start() {
        let src = "\
foo.import_x = 1
x = importlib.import_module('a')
y = __import__('b')
def g():
    yield from gen()
    raise E from err
important = 1
fromage = 2
obj.from_x = 3
print(x, import_y)
";
        assert!(specs(src).is_empty(), "{:?}", specs(src));
    }

    #[test]
    fn comments_never_import() {
        let src = "# import os\nx = 1  # from a import b\n    # import c\nimport d  # import e\n";
        assert_eq!(specs(src), ["d"]);
    }

    #[test]
    fn docstrings_never_import() {
        let src = "\
\"\"\"Module.

Example::

    import pkg.mod
    from pkg import thing
\"\"\"
def f():
    '''Doc.

    from y import z
    '''
    return 1
class C:
    \"\"\"import q\"\"\"
import real
";
        assert_eq!(specs(src), ["real"]);
    }

    #[test]
    fn string_prefixes_and_escapes() {
        let src = r#"a = "import x"
b = 'from y import z'
c = r"\" import x"
d = b'\' from y import z'
e = rb"import x" + BR'import y' + Rb"" + u'import z' + U"x"
f = "a \"quoted\" import x"
g = R'\\'
import one
h = 'it\'s'; import two
i = "line \
import not_a_statement"
import three
"#;
        assert_eq!(specs(src), ["one", "two", "three"]);
    }

    #[test]
    fn words_that_look_like_prefixes_are_names() {
        // `rb` and `f` here are names, not prefixes: the strings start after them.
        assert_eq!(
            specs("x = br + 'a'\nimport a\nfr = 1\nimport b\n"),
            ["a", "b"]
        );
        // Not a valid prefix (`ub`, `bf`): a name followed by a string (a syntax error) still
        // skips the string.
        assert_eq!(specs("x = ub'import no'\nimport a\n"), ["a"]);
    }

    #[test]
    fn triple_quoted_strings() {
        let src = "x = '''\nimport a\n''' ; import b\ny = \"\"\"\" import c \"\"\"\nimport d\n";
        assert_eq!(specs(src), ["b", "d"]);
    }

    #[test]
    fn fstrings_with_nested_strings() {
        let src = r#"a = f"{"import os"}"
b = f'{x["import k"]:>{width}} {{import j}}'
c = f"{f'{g("import i")}'} {y!r} {z=}"
d = rf"\{x}\N{BULLET} import h"
e = f"\N{BULLET} {x:{'>'}10}"
g = f"""
import multi {
    "}" # a comment in a field
} done
"""
h = f"{a:{b}{c}}" F'{d}' t"{e}"
import ok
"#;
        assert_eq!(specs(src), ["ok"]);
    }

    #[test]
    fn unterminated_strings_stop_at_the_line_end() {
        assert_eq!(
            specs("x = 'abc\nimport a\ny = f\"abc{1}\nimport b\n"),
            ["a", "b"]
        );
        // A field may span lines (PEP 701), even in a single-quoted f-string.
        assert_eq!(specs("y = f\"{(1,\n  2)}\"\nimport a\n"), ["a"]);
        assert_eq!(specs("x = f'{a:abc\nimport c\n"), ["c"]);
        // An unterminated triple-quoted string swallows the rest, as it does for Python.
        assert_eq!(specs("import a\nx = '''\nimport b\n"), ["a"]);
        assert_eq!(specs("import a\nx = f'''{\nimport b\n"), ["a"]);
    }

    #[test]
    fn brackets_continue_lines() {
        let src = "x = (\n    1,\n)\nimport a\ny = [f(\nimport_b\n)]\nz = {'k':\n 1}\nimport c\n";
        assert_eq!(specs(src), ["a", "c"]);
        // A stray closer does not push the depth below zero.
        assert_eq!(specs(")\nimport a\n"), ["a"]);
    }

    #[test]
    fn annotations_lambdas_and_walrus() {
        let src = "x: int = 1\nf = lambda: 0\nif (n := 3): import a\nclass A(B): import b\n";
        assert_eq!(specs(src), ["a", "b"]);
    }

    #[test]
    fn bom_crlf_and_lone_cr() {
        let src = b"\xEF\xBB\xBFimport a\r\nfrom b import (\r\n    c,\r\n)\r\nimport d\rimport e\n";
        assert_eq!(
            imports(src),
            vec![
                ("a".into(), vec![], ImportKind::Static, 1, 8),
                ("b".into(), names(&["c"]), ImportKind::Static, 2, 6),
                ("d".into(), vec![], ImportKind::Static, 5, 8),
                ("e".into(), vec![], ImportKind::Static, 6, 8),
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_read_as_bytes() {
        let src = b"x = '\xff\xfe'\n\xc3\xa9\xff = 1\nimport a\xffb\nfrom \xe9t\xe9 import \xff\n";
        let found = imports(src);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, "a\u{FFFD}b");
        assert_eq!(found[1].0, "\u{FFFD}t\u{FFFD}");
        assert_eq!(found[1].1, vec!["\u{FFFD}".to_owned()]);
    }

    #[test]
    fn any_bytes_any_truncation_no_panic() {
        let sample: &[u8] =
            b"\xEF\xBB\xBF\"\"\"doc\"\"\"\r\nfrom .a import (b,\n c)\nx = f'{y[\"k\"]:{w}}' \\\n\
            + rb'\\'' # c\nclass K:\n\tdef m(self): import q; return f\"\"\"{\n'a'}\"\"\"\n\
            async def g():\n    from ... import (\n\xff\x00\x80 = 1\n";
        for end in 0..=sample.len() {
            let _ = scan(&sample[..end]);
            let _ = scan(&sample[end..]);
        }
        // Pseudo-random bytes from a fixed-seed generator, biased to Python's punctuation.
        let alphabet = b"'\"\\{}()[]:;#\n\r\t .fFrRbBuUimportfromdefclassasync\xff\xef";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut buf = Vec::with_capacity(512);
        for _ in 0..2000 {
            buf.clear();
            for _ in 0..512 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let i = usize::try_from(state % alphabet.len() as u64).unwrap_or(0);
                buf.push(alphabet[i]);
            }
            let _ = scan(&buf);
        }
    }

    #[test]
    fn deep_fstring_nesting_stays_off_the_stack() {
        let mut src = Vec::new();
        for _ in 0..100_000 {
            src.extend_from_slice(b"f'{");
        }
        let _ = scan(&src);
        let mut src = b"x = ".to_vec();
        src.extend(std::iter::repeat_n(b'(', 100_000));
        src.extend_from_slice(b"\nimport a\n");
        assert!(scan(&src).imports.is_empty(), "still inside the brackets");
    }

    #[test]
    fn functions_classes_and_methods() {
        let src = "\
import os


@decorator
def public(a,
           b):
    \"\"\"Doc.\"\"\"

    return (a +
            b)


async def _private():
    pass
class Thing(Base):
    \"\"\"A class.\"\"\"

    x: int = 1

    @property
    def value(self):
        def helper():
            return 1
        return helper()

    async def _load(self): return 2

    class Inner:
        def deep(self):
            pass
    if FLAG:
        def conditional(self):
            pass


def last(): return 3";
        assert_eq!(
            defs(src),
            vec![
                (
                    "public".into(),
                    DefKind::Function,
                    Visibility::Public,
                    5,
                    10
                ),
                (
                    "_private".into(),
                    DefKind::Function,
                    Visibility::Private,
                    13,
                    14
                ),
                ("Thing".into(), DefKind::Class, Visibility::Public, 15, 33),
                ("value".into(), DefKind::Method, Visibility::Public, 21, 24),
                (
                    "helper".into(),
                    DefKind::Function,
                    Visibility::Public,
                    22,
                    23
                ),
                ("_load".into(), DefKind::Method, Visibility::Private, 26, 26),
                ("Inner".into(), DefKind::Class, Visibility::Public, 28, 30),
                ("deep".into(), DefKind::Method, Visibility::Public, 29, 30),
                (
                    "conditional".into(),
                    DefKind::Method,
                    Visibility::Public,
                    32,
                    33
                ),
                ("last".into(), DefKind::Function, Visibility::Public, 36, 36),
            ]
        );
    }

    #[test]
    fn definition_ends_at_its_last_body_line() {
        let src = "\
def f():
    x = '''
text
'''

    # trailing comment inside the body

# a comment at the top level
def g():
\tif x:
\t\treturn [
  1,
]
        # deeper comment

y = 1
";
        assert_eq!(
            defs(src),
            vec![
                ("f".into(), DefKind::Function, Visibility::Public, 1, 6),
                ("g".into(), DefKind::Function, Visibility::Public, 9, 14),
            ]
        );
    }

    #[test]
    fn module_level_upper_case_assignments_are_constants() {
        let src = "\
\"\"\"Module docstring.

MAX_FAKE = 1
\"\"\"
import typing
from typing import Final

MAX = 5
_PRIVATE_LIMIT: int = 10
TIMEOUT: Final = 3.5
RETRIES: typing.Final[int] = 3
DECLARED_ONLY: int
HTTP2 = True; ALSO = 'x'
TABLE = {
    'a': 1,  # a comment
    'b': [2,
          3],
}
LONG = 1 + \\
    2
TEXT = '''
FAKE_IN_STRING = 1
'''
lower = 1
Mixed_Case = 2
_ = 3
__all__ = ['MAX']
COUNT += 1
A, B = 1, 2
OBJ.ATTR = 1
ITEMS[0] = 1
FLAG == 2
# COMMENTED = 1
if DEBUG:
    INNER = 1
if DEBUG: ONE_LINER = 1
class Config:
    CLASS_ATTR = 1
    ANNOTATED: int = 2
def f():
    LOCAL = 1
    return LOCAL
CHAINED = OTHER = 0
LAMBDA = lambda: (
    1
)
LAST = 'no newline'";
        assert_eq!(
            defs(src),
            vec![
                ("MAX".into(), DefKind::Const, Visibility::Public, 8, 8),
                (
                    "_PRIVATE_LIMIT".into(),
                    DefKind::Const,
                    Visibility::Private,
                    9,
                    9
                ),
                ("TIMEOUT".into(), DefKind::Const, Visibility::Public, 10, 10),
                ("RETRIES".into(), DefKind::Const, Visibility::Public, 11, 11),
                ("HTTP2".into(), DefKind::Const, Visibility::Public, 13, 13),
                ("ALSO".into(), DefKind::Const, Visibility::Public, 13, 13),
                ("TABLE".into(), DefKind::Const, Visibility::Public, 14, 18),
                ("LONG".into(), DefKind::Const, Visibility::Public, 19, 20),
                ("TEXT".into(), DefKind::Const, Visibility::Public, 21, 23),
                ("Config".into(), DefKind::Class, Visibility::Public, 37, 39),
                ("f".into(), DefKind::Function, Visibility::Public, 40, 42),
                ("CHAINED".into(), DefKind::Const, Visibility::Public, 43, 43),
                ("LAMBDA".into(), DefKind::Const, Visibility::Public, 44, 46),
                ("LAST".into(), DefKind::Const, Visibility::Public, 47, 47),
            ]
        );
        for end in 0..=src.len() {
            let _ = scan(&src.as_bytes()[..end]);
        }
        // Annotations holding brackets, strings and `=` inside them; CRLF line ends.
        let src = "A: dict[str, int] = {}\r\nB: Literal['x=y'] = 'x=y'\r\nC: Callable[[int], int]\r\nD: \"E=F\"\r\nG: int = (\r\n  1)\r\nH: int \\\r\n  = 2\r\n";
        assert_eq!(
            defs(src),
            vec![
                ("A".into(), DefKind::Const, Visibility::Public, 1, 1),
                ("B".into(), DefKind::Const, Visibility::Public, 2, 2),
                ("G".into(), DefKind::Const, Visibility::Public, 5, 6),
                ("H".into(), DefKind::Const, Visibility::Public, 7, 8),
            ]
        );
    }

    #[test]
    fn definition_text_in_strings_is_not_a_definition() {
        let src = "x = '''\ndef fake():\n    pass\n'''\n# class Nope:\ndef real(a='def no(): pass'): pass\n";
        assert_eq!(
            defs(src),
            vec![("real".into(), DefKind::Function, Visibility::Public, 6, 6)]
        );
    }
}
