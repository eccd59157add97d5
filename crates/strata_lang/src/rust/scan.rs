//! Rust extraction: a byte-level lexer (nested block comments, strings with escapes, raw and
//! byte strings, char literals told from lifetimes) and one pass over the tokens for `use`
//! trees, `mod` declarations, `extern crate`, and item definitions.
//!
//! Paths inside inline modules (`mod tests { use super::*; }`) are rewritten at extraction so
//! that `self` and `super` are relative to the file's own module: the resolver needs nothing
//! but the file's path to place them.

use crate::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A string literal; `start..end` is its content.
    Str,
    Char,
    Lifetime,
    Num,
    Punct(u8),
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: u32,
    end: u32,
    line: u32,
    column: u32,
}

fn to32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn lex(src: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(src.len() / 5);
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = 0usize;
    let at = |k: usize| src.get(k).copied().unwrap_or(0);
    macro_rules! push {
        ($kind:expr, $start:expr, $end:expr, $line:expr, $ls:expr) => {
            tokens.push(Token {
                kind: $kind,
                start: to32($start),
                end: to32($end),
                line: $line,
                column: to32($start - $ls + 1),
            })
        };
    }
    // Count the newlines of a skipped range.
    macro_rules! lines_in {
        ($from:expr, $to:expr) => {
            for k in $from..$to.min(src.len()) {
                if src[k] == b'\n' {
                    line += 1;
                    line_start = k + 1;
                }
            }
        };
    }
    while i < src.len() {
        let b = src[i];
        match b {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if at(i + 1) == b'/' => {
                i = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
            }
            b'/' if at(i + 1) == b'*' => {
                // Block comments nest.
                let start = i;
                let mut depth = 0usize;
                while i < src.len() {
                    if src[i] == b'/' && at(i + 1) == b'*' {
                        depth += 1;
                        i += 2;
                    } else if src[i] == b'*' && at(i + 1) == b'/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                lines_in!(start, i);
            }
            b'"' => {
                let (l, ls) = (line, line_start);
                let end = string_end(src, i + 1);
                push!(Kind::Str, i + 1, end.min(src.len()), l, ls);
                lines_in!(i, end);
                i = (end + 1).min(src.len().max(end));
            }
            b'r' | b'b' | b'c' if raw_or_prefixed_string(src, i).is_some() => {
                let (l, ls) = (line, line_start);
                let Some((content_start, content_end, next)) = raw_or_prefixed_string(src, i)
                else {
                    break;
                };
                push!(Kind::Str, content_start, content_end, l, ls);
                lines_in!(i, next);
                i = next;
            }
            b'\'' => {
                // A char literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`) or a lifetime (`'a`).
                if at(i + 1) == b'\\' {
                    let mut j = i + 2;
                    while j < src.len() && src[j] != b'\'' && src[j] != b'\n' {
                        j += if src[j] == b'\\' { 2 } else { 1 };
                    }
                    push!(Kind::Char, i, (j + 1).min(src.len()), line, line_start);
                    i = (j + 1).min(src.len());
                } else {
                    let width = utf8_width(at(i + 1));
                    if at(i + 1 + width) == b'\'' && at(i + 1) != b'\n' {
                        push!(Kind::Char, i, i + 2 + width, line, line_start);
                        i += 2 + width;
                    } else {
                        let mut j = i + 1;
                        while j < src.len() && is_ident_char(src[j]) {
                            j += 1;
                        }
                        push!(Kind::Lifetime, i, j, line, line_start);
                        i = j.max(i + 1);
                    }
                }
            }
            b'0'..=b'9' => {
                let start = i;
                while i < src.len()
                    && (src[i].is_ascii_alphanumeric()
                        || src[i] == b'_'
                        || (src[i] == b'.' && at(i + 1).is_ascii_digit()))
                {
                    i += 1;
                }
                push!(Kind::Num, start, i, line, line_start);
            }
            b if is_ident_start(b) => {
                // Raw identifiers: `r#type`.
                if b == b'r' && at(i + 1) == b'#' && is_ident_start(at(i + 2)) {
                    i += 2;
                }
                let name_start = i;
                while i < src.len() && is_ident_char(src[i]) {
                    i += 1;
                }
                push!(Kind::Ident, name_start, i, line, line_start);
            }
            _ => {
                push!(Kind::Punct(b), i, i + 1, line, line_start);
                i += 1;
            }
        }
    }
    tokens
}

fn utf8_width(b: u8) -> usize {
    match b {
        0xF0..=0xF7 => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// The index of the closing quote of a string whose content starts at `from` (or the end).
fn string_end(src: &[u8], from: usize) -> usize {
    let mut j = from;
    while j < src.len() && src[j] != b'"' {
        j += if src[j] == b'\\' { 2 } else { 1 };
    }
    j.min(src.len())
}

/// `r"…"`, `r#"…"#`, `b"…"`, `br#"…"#`, `c"…"`, `cr"…"` at `i`: content range and the index
/// after the literal.
fn raw_or_prefixed_string(src: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let mut j = i;
    let at = |k: usize| src.get(k).copied().unwrap_or(0);
    if matches!(at(j), b'b' | b'c') {
        j += 1;
    }
    let raw = at(j) == b'r';
    if raw {
        j += 1;
    }
    if !raw && j == i {
        return None;
    }
    let mut hashes = 0;
    if raw {
        while at(j) == b'#' {
            hashes += 1;
            j += 1;
        }
    }
    if at(j) != b'"' {
        return None;
    }
    let content = j + 1;
    if !raw {
        let end = string_end(src, content);
        return Some((content, end, (end + 1).min(src.len())));
    }
    let mut k = content;
    while k < src.len() {
        if src[k] == b'"'
            && src
                .get(k + 1..k + 1 + hashes)
                .is_some_and(|h| h.iter().all(|&c| c == b'#'))
        {
            return Some((content, k, k + 1 + hashes));
        }
        k += 1;
    }
    Some((content, src.len(), src.len()))
}

/// What a `{` opened, for tracking inline modules and impl/trait bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    Module(String),
    Impl,
    Other,
}

struct Extractor<'a> {
    src: &'a [u8],
    t: Vec<Token>,
    close: Vec<u32>,
    facts: FileFacts,
}

impl<'a> Extractor<'a> {
    fn text(&self, i: usize) -> &'a [u8] {
        self.t
            .get(i)
            .and_then(|t| self.src.get(t.start as usize..t.end as usize))
            .unwrap_or_default()
    }
    fn kind(&self, i: usize) -> Option<Kind> {
        self.t.get(i).map(|t| t.kind)
    }
    fn is(&self, i: usize, word: &[u8]) -> bool {
        self.kind(i) == Some(Kind::Ident) && self.text(i) == word
    }
    fn punct(&self, i: usize, c: u8) -> bool {
        self.kind(i) == Some(Kind::Punct(c))
    }
    fn path_sep(&self, i: usize) -> bool {
        self.punct(i, b':') && self.punct(i + 1, b':')
    }
    fn line(&self, i: usize) -> u32 {
        self.t.get(i).or(self.t.last()).map_or(1, |t| t.line)
    }
    fn word(&self, i: usize) -> String {
        String::from_utf8_lossy(self.text(i)).into_owned()
    }

    /// Parse a use tree starting at `i`; push one path per leaf onto `out`. Returns the index
    /// after the tree.
    fn use_tree(
        &self,
        mut i: usize,
        prefix: &mut Vec<String>,
        out: &mut Vec<(Vec<String>, usize)>,
        depth: usize,
    ) -> usize {
        if depth > 64 {
            return i;
        }
        let base = prefix.len();
        let first = i;
        if self.path_sep(i) {
            prefix.push(String::new()); // a leading `::`
            i += 2;
        }
        loop {
            match self.kind(i) {
                Some(Kind::Ident) => {
                    let w = self.word(i);
                    if w == "as" {
                        break;
                    }
                    prefix.push(w);
                    i += 1;
                    if self.path_sep(i) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                Some(Kind::Punct(b'*')) => {
                    out.push((prefix.clone(), first));
                    prefix.truncate(base);
                    return i + 1;
                }
                Some(Kind::Punct(b'{')) => {
                    let end = self.close.get(i).map_or(i, |&c| c as usize);
                    let mut j = i + 1;
                    while j < end {
                        let before = j;
                        j = self.use_tree(j, prefix, out, depth + 1);
                        if self.punct(j, b',') {
                            j += 1;
                        }
                        if j == before {
                            j += 1;
                        }
                    }
                    prefix.truncate(base);
                    return end + 1;
                }
                _ => break,
            }
        }
        if self.is(i, b"as") {
            i += 2;
        }
        if prefix.len() > base {
            // `self` inside a group names the group's prefix itself.
            if prefix.last().is_some_and(|s| s == "self") && prefix.len() > 1 && base > 0 {
                prefix.pop();
            }
            out.push((prefix.clone(), first));
        }
        prefix.truncate(base);
        i
    }

    /// Rewrite a path used inside inline modules `inline` so that `self`/`super` are relative
    /// to the file's module.
    fn absolute(path: &[String], inline: &[String]) -> Vec<String> {
        if inline.is_empty() || path.is_empty() {
            return path.to_vec();
        }
        match path[0].as_str() {
            "self" => {
                let mut p = vec!["self".to_owned()];
                p.extend(inline.iter().cloned());
                p.extend(path[1..].iter().cloned());
                p
            }
            "super" => {
                let supers = path.iter().take_while(|s| *s == "super").count();
                let mut p: Vec<String>;
                if supers <= inline.len() {
                    p = vec!["self".to_owned()];
                    p.extend(inline[..inline.len() - supers].iter().cloned());
                } else {
                    p = vec!["super".to_owned(); supers - inline.len()];
                }
                p.extend(path[supers..].iter().cloned());
                p
            }
            _ => path.to_vec(),
        }
    }

    fn run(mut self) -> FileFacts {
        let n = self.t.len();
        let mut scopes: Vec<Scope> = Vec::new();
        let mut pending_path: Option<String> = None;
        let mut i = 0;
        while i < n {
            match self.t[i].kind {
                Kind::Punct(b'{') => {
                    scopes.push(Scope::Other);
                    i += 1;
                    continue;
                }
                Kind::Punct(b'}') => {
                    scopes.pop();
                    i += 1;
                    continue;
                }
                Kind::Punct(b'#') => {
                    // `#[path = "x.rs"]` applies to the next `mod`.
                    if self.punct(i + 1, b'[')
                        && self.is(i + 2, b"path")
                        && self.punct(i + 3, b'=')
                        && self.kind(i + 4) == Some(Kind::Str)
                    {
                        pending_path = Some(self.word(i + 4));
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
            let inline: Vec<String> = scopes
                .iter()
                .filter_map(|s| {
                    if let Scope::Module(m) = s {
                        Some(m.clone())
                    } else {
                        None
                    }
                })
                .collect();
            let in_impl = scopes.last() == Some(&Scope::Impl);
            // Visibility and the first token of the item (attributes are separate tokens).
            let (vis, item_start) = self.visibility_before(i);
            let word = self.text(i);
            match word {
                b"use" => {
                    let mut leaves = Vec::new();
                    let end = self.use_tree(i + 1, &mut Vec::new(), &mut leaves, 0);
                    let kind = if vis == Visibility::Public || self.is_pub(item_start) {
                        ImportKind::ReExport
                    } else {
                        ImportKind::Static
                    };
                    for (path, at) in leaves {
                        let path = Self::absolute(&path, &inline);
                        let spec = if path.first().is_some_and(String::is_empty) {
                            format!("::{}", path[1..].join("::"))
                        } else {
                            path.join("::")
                        };
                        let t = self.t[at.min(n - 1)];
                        self.facts.imports.push(Import {
                            spec,
                            names: Vec::new(),
                            kind,
                            line: t.line,
                            column: t.column,
                        });
                    }
                    pending_path = None;
                    i = end.max(i + 1);
                    continue;
                }
                b"mod" if self.kind(i + 1) == Some(Kind::Ident) => {
                    let name = self.word(i + 1);
                    if self.punct(i + 2, b';') {
                        let t = self.t[i + 1];
                        // Inside an inline module the declared file lives in that module's folder.
                        let mut spec = inline.clone();
                        spec.push(name);
                        self.facts.imports.push(Import {
                            spec: spec.join("::"),
                            names: pending_path.take().into_iter().collect(),
                            kind: ImportKind::Mod,
                            line: t.line,
                            column: t.column,
                        });
                        i += 3;
                        continue;
                    }
                    if self.punct(i + 2, b'{') {
                        scopes.push(Scope::Module(name));
                        pending_path = None;
                        i += 3;
                        continue;
                    }
                }
                b"extern" if self.is(i + 1, b"crate") && self.kind(i + 2) == Some(Kind::Ident) => {
                    let t = self.t[i + 2];
                    self.facts.imports.push(Import {
                        spec: self.word(i + 2),
                        names: Vec::new(),
                        kind: ImportKind::ExternCrate,
                        line: t.line,
                        column: t.column,
                    });
                    i += 3;
                    continue;
                }
                b"impl" | b"trait" => {
                    let def_kind = word == b"trait";
                    if let Some(open) = self.body_open(i) {
                        if def_kind && self.kind(i + 1) == Some(Kind::Ident) {
                            let end = self.close[open] as usize;
                            self.define(i + 1, DefKind::Trait, vis, self.line(item_start), end);
                        }
                        // Skip the header; the body is a scope of methods.
                        scopes.push(Scope::Impl);
                        i = open + 1;
                        continue;
                    }
                }
                b"fn" if self.kind(i + 1) == Some(Kind::Ident) => {
                    let end = self.fn_end(i + 2);
                    let kind = if in_impl {
                        DefKind::Method
                    } else {
                        DefKind::Function
                    };
                    self.define(i + 1, kind, vis, self.line(item_start), end);
                }
                b"struct" | b"enum" | b"union" | b"type"
                    if self.kind(i + 1) == Some(Kind::Ident) && self.item_position(item_start) =>
                {
                    let kind = match word {
                        b"enum" => DefKind::Enum,
                        b"type" => DefKind::TypeAlias,
                        _ => DefKind::Struct,
                    };
                    let end = self.item_end(i + 2);
                    self.define(i + 1, kind, vis, self.line(item_start), end);
                }
                _ => {}
            }
            i += 1;
        }
        self.facts
    }

    fn is_pub(&self, i: usize) -> bool {
        self.is(i, b"pub")
    }

    /// Whether the token at `i` is where an item may start (not `x.type` or a macro body).
    fn item_position(&self, i: usize) -> bool {
        i == 0
            || matches!(
                self.kind(i - 1),
                Some(Kind::Punct(b';' | b'{' | b'}' | b']'))
            )
    }

    /// The visibility of the item whose keyword is at `i`, and the item's first token (its
    /// `pub`, or qualifiers like `async`, `unsafe`, `const`, `extern "C"`, `default`).
    fn visibility_before(&self, i: usize) -> (Visibility, usize) {
        let mut j = i;
        let mut vis = Visibility::Private;
        while j > 0 {
            let p = j - 1;
            match self.kind(p) {
                Some(Kind::Ident)
                    if matches!(
                        self.text(p),
                        b"async" | b"unsafe" | b"const" | b"extern" | b"default" | b"auto"
                    ) =>
                {
                    j = p;
                }
                Some(Kind::Str) if p > 0 && self.is(p - 1, b"extern") => j = p,
                Some(Kind::Ident) if self.text(p) == b"pub" => {
                    vis = Visibility::Public;
                    j = p;
                    break;
                }
                Some(Kind::Punct(b')')) => {
                    // `pub(crate)`, `pub(super)`, `pub(in path)`: restricted, so private here.
                    let Some(open) = (p.saturating_sub(8)..p)
                        .rev()
                        .find(|&k| self.punct(k, b'('))
                    else {
                        break;
                    };
                    if open > 0 && self.is(open - 1, b"pub") {
                        j = open - 1;
                    }
                    break;
                }
                _ => break,
            }
        }
        (vis, j)
    }

    /// The `{` opening the body of an `impl`/`trait` at `i` (before any `;`).
    fn body_open(&self, i: usize) -> Option<usize> {
        let mut j = i + 1;
        let mut angle = 0i32;
        while j < self.t.len() && j < i + 4096 {
            match self.kind(j)? {
                Kind::Punct(b'<') => angle += 1,
                Kind::Punct(b'>') if !self.punct(j - 1, b'-') && !self.punct(j - 1, b'=') => {
                    angle -= 1;
                }
                Kind::Punct(b'{') if angle <= 0 => return Some(j),
                Kind::Punct(b';') if angle <= 0 => return None,
                _ => {}
            }
            j += 1;
        }
        None
    }

    /// The last token of a `fn` whose name is just before `i`: its body's `}`, or its `;`.
    fn fn_end(&self, i: usize) -> usize {
        let mut j = i;
        let mut paren = 0i32;
        let mut angle = 0i32;
        while j < self.t.len() {
            match self.t[j].kind {
                Kind::Punct(b'(' | b'[') => paren += 1,
                Kind::Punct(b')' | b']') => paren -= 1,
                Kind::Punct(b'<') => angle += 1,
                Kind::Punct(b'>') if !self.punct(j - 1, b'-') && !self.punct(j - 1, b'=') => {
                    angle -= 1;
                }
                Kind::Punct(b'{') if paren <= 0 && angle <= 0 => return self.close[j] as usize,
                Kind::Punct(b';') if paren <= 0 => return j,
                _ => {}
            }
            j += 1;
        }
        self.t.len().saturating_sub(1)
    }

    /// The last token of a struct/enum/union/type item: its `}` or its `;`.
    fn item_end(&self, i: usize) -> usize {
        let mut j = i;
        let mut depth = 0i32;
        while j < self.t.len() {
            match self.t[j].kind {
                Kind::Punct(b'(' | b'[' | b'<') => depth += 1,
                Kind::Punct(b')' | b']') => depth -= 1,
                Kind::Punct(b'>') if !self.punct(j - 1, b'-') && !self.punct(j - 1, b'=') => {
                    depth -= 1;
                }
                Kind::Punct(b'{') if depth <= 0 => {
                    let close = self.close[j] as usize;
                    // A tuple or unit struct ends at `;`; a braced one at its `}`.
                    return close;
                }
                Kind::Punct(b';') if depth <= 0 => return j,
                _ => {}
            }
            j += 1;
        }
        self.t.len().saturating_sub(1)
    }

    fn define(
        &mut self,
        name_at: usize,
        kind: DefKind,
        visibility: Visibility,
        start_line: u32,
        end: usize,
    ) {
        let name = self.word(name_at);
        let end_line = self.line(end).max(start_line);
        self.facts.definitions.push(Definition {
            name,
            kind,
            visibility,
            start_line,
            end_line,
        });
    }
}

/// Extract the imports and definitions of one Rust file.
pub fn scan(src: &[u8]) -> FileFacts {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let t = lex(src);
    let last = to32(t.len().saturating_sub(1));
    let mut close = vec![last; t.len()];
    let mut stack = Vec::new();
    for (i, tok) in t.iter().enumerate() {
        match tok.kind {
            Kind::Punct(b'{') => stack.push(i),
            Kind::Punct(b'}') => {
                if let Some(open) = stack.pop() {
                    close[open] = to32(i);
                }
            }
            _ => {}
        }
    }
    Extractor {
        src,
        t,
        close,
        facts: FileFacts::default(),
    }
    .run()
}
