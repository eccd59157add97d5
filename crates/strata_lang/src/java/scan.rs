//! Java extraction: one pass over a file's bytes yields its imports and its type, method,
//! constructor and constant declarations.
//!
//! A small lexer produces identifiers, literals and punctuation for the declaration levels (the
//! compilation unit and type bodies); method bodies, initialisers and every other bracketed
//! region are skipped by a byte loop that looks only at brackets, quotes and comment starts.
//! Comments, string literals, text blocks (`"""…"""`) and char literals are lexed exactly, so
//! import-like text inside them never becomes an import.
//!
//! Every read goes through `get`, every loop advances, unterminated literals or comments end at
//! the end of the input, and type nesting deeper than [`MAX_NESTING`] is skipped rather than
//! recursed into: any bytes are accepted.

use memchr::{memchr, memchr_iter, memchr2, memchr3, memmem, memrchr};

use crate::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};

/// Type declarations nested deeper than this are skipped (their members are not reported);
/// it bounds recursion on hostile input.
const MAX_NESTING: usize = 64;

/// Extract the imports and declarations of one Java file.
///
/// An import's spec is its name as written, without spaces or comments and with a trailing `.*`
/// kept: `a.b.*` is [`ImportKind::Wildcard`], `import static` is [`ImportKind::StaticMember`]
/// (`a.b.C.m`, `a.b.C.*`). Classes, interfaces, enums, records and annotation types are
/// [`DefKind::Class`]; methods and constructors (named after their class) are
/// [`DefKind::Method`]; fields declared `static final` (and every field of an interface or
/// annotation type, implicitly so) are [`DefKind::Const`], one per declarator, each spanning the
/// whole declaration; enum constants and local variables are not. Members of anonymous and
/// local classes are not reported. A definition is public only when declared `public` (or, for a
/// constant, declared in an interface or annotation type), and spans from its first token after
/// its annotations to its closing brace (or `;`). Columns count bytes, a leading BOM excluded.
pub fn extract(src: &[u8]) -> FileFacts {
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
    parser.body(Body::Unit, 0);
    parser.facts
}

/// The `package` a file declares (`None` for the default package), reading no further than the
/// first declaration after it.
pub fn package_of(src: &[u8]) -> Option<String> {
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
    loop {
        let t = parser.lx.next();
        match t.kind {
            Kind::Op(b'@') => parser.skip_annotation(),
            Kind::Op(b';') => {}
            Kind::Ident if parser.text(t) == b"package" => {
                let mut name = String::new();
                return parser.qualified_name(Some(&mut name)).map(|_| name);
            }
            _ => return None,
        }
    }
}

/// The bytes [`Lexer::skip_nested`] must stop at; everything else is skipped in bulk.
static NESTED: [bool; 256] = byte_set(b"()[]{}\"'/");

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
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A number, string, text block or char literal.
    Lit,
    Op(u8),
    Eof,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
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
                b' ' | b'\t' | b'\r' | b'\n' | 0x0C => {}
                b'/' if matches!(self.at(self.pos), Some(b'/' | b'*')) => self.skip_comment(),
                b'"' => {
                    self.skip_string();
                    return self.tok(Kind::Lit, start);
                }
                b'\'' => {
                    self.skip_quoted(b'\'');
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

    /// Just past a `/` followed by `/` or `*`: move past the comment.
    fn skip_comment(&mut self) {
        let len = if self.at(self.pos) == Some(b'/') {
            memchr(b'\n', self.rest(self.pos)).unwrap_or(usize::MAX)
        } else {
            memmem::find(self.rest(self.pos + 1), b"*/").map_or(usize::MAX, |k| k + 3)
        };
        self.pos = self.pos.saturating_add(len).min(self.src.len());
    }

    /// Just past a `"`: move past the string literal or text block it opens.
    fn skip_string(&mut self) {
        if self.at(self.pos) == Some(b'"') && self.at(self.pos + 1) == Some(b'"') {
            self.pos += 2;
            self.skip_text_block();
        } else {
            self.skip_quoted(b'"');
        }
    }

    /// Past the opening quote of a string or char literal: move past its closing quote. An
    /// unterminated literal ends before the line end.
    fn skip_quoted(&mut self, quote: u8) {
        loop {
            let Some(k) = memchr3(quote, b'\\', b'\n', self.rest(self.pos)) else {
                self.pos = self.src.len();
                return;
            };
            let at = self.pos + k;
            match self.at(at) {
                Some(b'\\') if self.at(at + 1) != Some(b'\n') => {
                    self.pos = (at + 2).min(self.src.len());
                }
                Some(b) if b == quote => {
                    self.pos = at + 1;
                    return;
                }
                _ => {
                    self.pos = at;
                    return;
                }
            }
        }
    }

    /// Past an opening `"""`: move past the closing `"""` (escapes such as `\"""` included).
    fn skip_text_block(&mut self) {
        loop {
            let Some(k) = memchr2(b'"', b'\\', self.rest(self.pos)) else {
                self.pos = self.src.len();
                return;
            };
            let at = self.pos + k;
            if self.at(at) == Some(b'\\') {
                self.pos = (at + 2).min(self.src.len());
            } else if self.at(at + 1) == Some(b'"') && self.at(at + 2) == Some(b'"') {
                self.pos = at + 3;
                return;
            } else {
                self.pos = at + 1;
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
                Some(b'"') => self.skip_string(),
                Some(b'\'') => self.skip_quoted(b'\''),
                Some(b'/') if matches!(self.at(self.pos), Some(b'/' | b'*')) => self.skip_comment(),
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

/// Which declaration list [`Parser::body`] reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    /// The compilation unit: package, imports and top-level types, up to the end of input.
    Unit,
    /// A class or record body, up to its `}`.
    Type,
    /// An interface or annotation type body, up to its `}`: its fields are constants.
    Interface,
    /// An enum body: constants first, then members.
    Enum,
}

/// How one member declaration ended.
enum Member {
    Done,
    /// The enclosing body's `}` was reached, at this offset.
    Closed(usize),
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

    fn peek(&mut self) -> Tok {
        let save = self.lx.pos;
        let t = self.lx.next();
        self.lx.pos = save;
        t
    }

    /// Read the declarations of one body; returns the offset of its closing `}` (the input's
    /// length at its end).
    fn body(&mut self, kind: Body, nesting: usize) -> usize {
        if kind == Body::Enum {
            // Constants, up to the `;` that starts the members or the enum's `}`.
            loop {
                let t = self.lx.next();
                match t.kind {
                    Kind::Eof | Kind::Op(b'}') => return t.start,
                    Kind::Op(b';') => break,
                    Kind::Op(b'(' | b'[' | b'{') => {
                        self.lx.skip_nested();
                    }
                    Kind::Op(b'@') => self.skip_annotation(),
                    _ => {}
                }
            }
        }
        loop {
            let t = self.lx.next();
            match t.kind {
                Kind::Eof => return t.start,
                Kind::Op(b'}') if kind != Body::Unit => return t.start,
                Kind::Op(b';' | b'}') => {}
                Kind::Op(b'{') => {
                    // An instance initialiser.
                    self.lx.skip_nested();
                }
                Kind::Op(b'@') if !self.at_annotation_type() => self.skip_annotation(),
                Kind::Ident if kind == Body::Unit && self.text(t) == b"import" => {
                    self.import_decl();
                }
                Kind::Ident if kind == Body::Unit && self.text(t) == b"package" => {
                    self.skip_statement();
                }
                Kind::Ident if kind == Body::Unit && self.at_module_decl(t) => {
                    // `[open] module a.b { requires …; }` (module-info.java) declares no type.
                    while !matches!(self.lx.next().kind, Kind::Op(b'{') | Kind::Eof) {}
                    self.lx.skip_nested();
                }
                _ => {
                    if let Member::Closed(at) = self.member(t, kind, nesting)
                        && kind != Body::Unit
                    {
                        return at;
                    }
                }
            }
        }
    }

    /// Whether `t` starts a module declaration: `module name` or `open module`.
    fn at_module_decl(&mut self, t: Tok) -> bool {
        let next = self.peek();
        match self.text(t) {
            b"module" => next.kind == Kind::Ident,
            b"open" => next.kind == Kind::Ident && self.text(next) == b"module",
            _ => false,
        }
    }

    /// After an `@`: whether it starts `@interface` (an annotation type declaration).
    fn at_annotation_type(&mut self) -> bool {
        let t = self.peek();
        t.kind == Kind::Ident && self.text(t) == b"interface"
    }

    /// After an `@`: skip the annotation's name and arguments.
    fn skip_annotation(&mut self) {
        if self.qualified_name(None).is_none() {
            return;
        }
        if self.peek().kind == Kind::Op(b'(') {
            self.lx.next();
            self.lx.skip_nested();
        }
    }

    /// A dotted name (`a.b.C`, with an optional trailing `.*`), written into `out` (when given)
    /// without spaces or comments; returns its start offset. Leaves the lexer after the name.
    fn qualified_name(&mut self, mut out: Option<&mut String>) -> Option<usize> {
        let first = self.lx.next();
        if first.kind != Kind::Ident {
            return None;
        }
        if let Some(out) = out.as_deref_mut() {
            out.push_str(&String::from_utf8_lossy(self.text(first)));
        }
        loop {
            let save = self.lx.pos;
            if self.lx.next().kind != Kind::Op(b'.') {
                self.lx.pos = save;
                break;
            }
            let t = self.lx.next();
            let star = t.kind == Kind::Op(b'*');
            if t.kind != Kind::Ident && !star {
                self.lx.pos = save;
                break;
            }
            if let Some(out) = out.as_deref_mut() {
                out.push('.');
                out.push_str(&String::from_utf8_lossy(self.text(t)));
            }
            if star {
                break;
            }
        }
        Some(first.start)
    }

    /// Skip to the `;` that ends a statement at this level (or a `}` closing the level, which is
    /// left unread).
    fn skip_statement(&mut self) -> Option<usize> {
        loop {
            let save = self.lx.pos;
            let t = self.lx.next();
            match t.kind {
                Kind::Eof => return None,
                Kind::Op(b';') => return Some(t.start),
                Kind::Op(b'}') => {
                    self.lx.pos = save;
                    return None;
                }
                Kind::Op(b'(' | b'[' | b'{') => {
                    self.lx.skip_nested();
                }
                _ => {}
            }
        }
    }

    /// `import [static] a.b.C[.*];`, after `import`.
    fn import_decl(&mut self) {
        let mut kind = ImportKind::Static;
        let save = self.lx.pos;
        let t = self.lx.next();
        if t.kind == Kind::Ident && self.text(t) == b"static" {
            kind = ImportKind::StaticMember;
        } else {
            self.lx.pos = save;
        }
        let mut spec = String::new();
        let Some(start) = self.qualified_name(Some(&mut spec)) else {
            self.skip_statement();
            return;
        };
        let save = self.lx.pos;
        if self.lx.next().kind != Kind::Op(b';') {
            // Not a well-formed import: no edge from it.
            self.lx.pos = save;
            self.skip_statement();
            return;
        }
        if kind == ImportKind::Static && spec.ends_with(".*") {
            kind = ImportKind::Wildcard;
        }
        let line = self.lines.line(start);
        let column = self.lines.column(start);
        self.facts.imports.push(Import {
            spec,
            names: Vec::new(),
            kind,
            line,
            column,
        });
    }

    /// One member (a field, method, constructor, nested type or initialiser) of a body, from its
    /// first token after any leading annotations.
    fn member(&mut self, first: Tok, body: Body, nesting: usize) -> Member {
        let start = first.start;
        let mut public = false;
        let mut name: Option<Tok> = None;
        let mut after_dot = false;
        let in_interface = body == Body::Interface;
        let (mut is_static, mut is_final) = (in_interface, in_interface);
        // `<`s open in the type read so far: a `,` inside them does not separate declarators.
        let mut angle = 0u32;
        let mut t = first;
        loop {
            match t.kind {
                Kind::Eof | Kind::Op(b'}') => return Member::Closed(t.start),
                Kind::Op(b';' | b'=' | b',')
                    if is_static && is_final && (angle == 0 || t.kind != Kind::Op(b',')) =>
                {
                    if let Some(n) = name.filter(|n| !is_keyword(self.text(*n))) {
                        return self.constants(n, t, start, public || in_interface);
                    }
                    if t.kind == Kind::Op(b';') {
                        return Member::Done;
                    }
                    if t.kind == Kind::Op(b'=') {
                        return match self.skip_statement() {
                            Some(_) => Member::Done,
                            None => self.close_or_done(),
                        };
                    }
                }
                Kind::Op(b';') => return Member::Done,
                Kind::Ident if !after_dot => {
                    let word = self.text(t);
                    let is_type = matches!(word, b"class" | b"interface" | b"enum")
                        || (word == b"record" && self.peek().kind == Kind::Ident);
                    if is_type {
                        let body = match word {
                            b"enum" => Body::Enum,
                            b"interface" => Body::Interface,
                            _ => Body::Type,
                        };
                        return self.type_decl(start, public, body, nesting);
                    }
                    match word {
                        b"public" => public = true,
                        b"static" => is_static = true,
                        b"final" => is_final = true,
                        _ => {}
                    }
                    name = Some(t);
                }
                Kind::Op(b'<') => angle = angle.saturating_add(1),
                Kind::Op(b'>') => angle = angle.saturating_sub(1),
                Kind::Op(b'@') => {
                    if self.at_annotation_type() {
                        self.lx.next();
                        return self.type_decl(start, public, Body::Interface, nesting);
                    }
                    self.skip_annotation();
                }
                Kind::Op(b'(') => {
                    self.lx.skip_nested();
                    if let Some(n) = name {
                        return self.method_rest(n, start, public);
                    }
                }
                Kind::Op(b'{') => {
                    // `static { … }`, or a record's compact constructor `Name { … }`.
                    let close = self.lx.skip_nested();
                    if let Some(n) = name.filter(|n| self.text(*n) != b"static") {
                        self.push_def(n, DefKind::Method, public, start, close);
                    }
                    return Member::Done;
                }
                Kind::Op(b'=') => {
                    // A field: its initialiser may hold anything bracketed.
                    return match self.skip_statement() {
                        Some(_) => Member::Done,
                        None => self.close_or_done(),
                    };
                }
                Kind::Op(b'[') => {
                    self.lx.skip_nested();
                }
                _ => {}
            }
            after_dot = t.kind == Kind::Op(b'.');
            t = self.lx.next();
        }
    }

    /// The declarators of a constant field declaration, from the `=`, `,` or `;` after the first
    /// name: one [`DefKind::Const`] per name, each spanning the declaration.
    fn constants(&mut self, first: Tok, mut t: Tok, start: usize, public: bool) -> Member {
        let mut names = vec![first];
        // Inside an initialiser, with the `<`s open in it (generic arguments or comparisons).
        let mut init = false;
        let mut angle = 0u32;
        let (last, member) = loop {
            match t.kind {
                Kind::Op(b';') => break (t.start, Member::Done),
                Kind::Op(b'}') | Kind::Eof => break (t.start, Member::Closed(t.start)),
                Kind::Op(b'(' | b'[' | b'{') => {
                    self.lx.skip_nested();
                }
                Kind::Op(b'=') => {
                    init = true;
                    angle = 0;
                }
                Kind::Op(b'<') if init => angle = angle.saturating_add(1),
                Kind::Op(b'>') if init => angle = angle.saturating_sub(1),
                Kind::Op(b',') => {
                    // A new declarator, unless the comma separates generic arguments of the
                    // initialiser (`new HashMap<A, B>()`, where no `=` follows the name).
                    let save = self.lx.pos;
                    let (name, after) = (self.lx.next(), self.lx.next());
                    self.lx.pos = save;
                    let split = name.kind == Kind::Ident
                        && (!init || angle == 0 || after.kind == Kind::Op(b'='));
                    if split {
                        self.lx.next();
                        names.push(name);
                        init = false;
                        angle = 0;
                    }
                }
                _ => {}
            }
            t = self.lx.next();
        };
        let start_line = self.lines.line(start);
        let end_line = self.lines.line(last.max(start));
        for name in names {
            self.push_lines(name, DefKind::Const, public, start_line, end_line);
        }
        member
    }

    /// After [`Parser::skip_statement`] stopped without a `;`: report a `}` left unread.
    fn close_or_done(&mut self) -> Member {
        let t = self.lx.next();
        match t.kind {
            Kind::Op(b'}') | Kind::Eof => Member::Closed(t.start),
            _ => Member::Done,
        }
    }

    /// After a method's parameter list: `throws …`, `default …`, then a body or `;`.
    fn method_rest(&mut self, name: Tok, start: usize, public: bool) -> Member {
        loop {
            let t = self.lx.next();
            match t.kind {
                Kind::Op(b'{') => {
                    let close = self.lx.skip_nested();
                    self.push_def(name, DefKind::Method, public, start, close);
                    return Member::Done;
                }
                Kind::Op(b';') => {
                    self.push_def(name, DefKind::Method, public, start, t.start);
                    return Member::Done;
                }
                Kind::Op(b'}') | Kind::Eof => return Member::Closed(t.start),
                Kind::Op(b'(' | b'[') => {
                    self.lx.skip_nested();
                }
                Kind::Op(b'@') => self.skip_annotation(),
                _ => {}
            }
        }
    }

    /// After `class`, `interface`, `enum`, `record` or `@interface`: the name, the header up to
    /// the body, and the body.
    fn type_decl(&mut self, start: usize, public: bool, kind: Body, nesting: usize) -> Member {
        let name = self.lx.next();
        if name.kind != Kind::Ident {
            return Member::Done;
        }
        loop {
            let t = self.lx.next();
            match t.kind {
                Kind::Op(b'{') => break,
                Kind::Op(b'(' | b'[') => {
                    self.lx.skip_nested();
                }
                Kind::Op(b'@') => self.skip_annotation(),
                Kind::Op(b';') => return Member::Done,
                Kind::Op(b'}') | Kind::Eof => return Member::Closed(t.start),
                _ => {}
            }
        }
        let index = self.facts.definitions.len();
        self.push_def(name, DefKind::Class, public, start, start);
        let close = if nesting >= MAX_NESTING {
            self.lx.skip_nested()
        } else {
            self.body(kind, nesting + 1)
        };
        let end_line = self.lines.line(close);
        if let Some(def) = self.facts.definitions.get_mut(index) {
            def.end_line = end_line;
        }
        Member::Done
    }

    fn push_def(&mut self, name: Tok, kind: DefKind, public: bool, start: usize, last: usize) {
        let start_line = self.lines.line(start);
        let end_line = self.lines.line(last.max(start));
        self.push_lines(name, kind, public, start_line, end_line);
    }

    fn push_lines(
        &mut self,
        name: Tok,
        kind: DefKind,
        public: bool,
        start_line: u32,
        end_line: u32,
    ) {
        let name = String::from_utf8_lossy(self.text(name)).into_owned();
        let visibility = if public {
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

/// A modifier or primitive type: a keyword, which cannot name a field.
fn is_keyword(word: &[u8]) -> bool {
    matches!(
        word,
        b"public"
            | b"protected"
            | b"private"
            | b"static"
            | b"final"
            | b"transient"
            | b"volatile"
            | b"abstract"
            | b"default"
            | b"synchronized"
            | b"native"
            | b"strictfp"
            | b"sealed"
            | b"non"
            | b"boolean"
            | b"byte"
            | b"char"
            | b"short"
            | b"int"
            | b"long"
            | b"float"
            | b"double"
            | b"void"
    )
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
    fn every_import_form_with_positions() {
        let src = "package a.b;\n\nimport a.b.C;\nimport a.b.C.Inner;\nimport a.b.*;\nimport static a.b.C.m;\nimport static a.b.C.*;\n  import   java.util.List ;\n";
        assert_eq!(
            imports(src),
            vec![
                imp("a.b.C", ImportKind::Static, 3, 8),
                imp("a.b.C.Inner", ImportKind::Static, 4, 8),
                imp("a.b.*", ImportKind::Wildcard, 5, 8),
                imp("a.b.C.m", ImportKind::StaticMember, 6, 15),
                imp("a.b.C.*", ImportKind::StaticMember, 7, 15),
                imp("java.util.List", ImportKind::Static, 8, 12),
            ]
        );
    }

    #[test]
    fn names_are_joined_across_spaces_and_comments() {
        let src = "import a /* x */ . b\n  . C;\nimport static a.b . /* y */ C . *;\n";
        assert_eq!(specs(src.as_bytes()), ["a.b.C", "a.b.C.*"]);
    }

    #[test]
    fn malformed_imports_are_dropped() {
        let src = "import a.b.C\nclass X {}\nimport ;\nimport a.;\nimport a.b.C";
        assert!(specs(src.as_bytes()).is_empty());
    }

    #[test]
    fn import_text_in_comments_strings_and_text_blocks_is_not_an_import() {
        let src = r#"// import c.line.A;
/* import c.block.A;
import c.block.B; */
/** Javadoc:
 * import c.doc.A;
 */
package p;

import real.A;

class X {
    String s = "import s.str.A;";
    String e = "\"; import s.esc.A; \"";
    char q = '"';
    char b = '\'';
    String t = """
        import a.b.C;
        \""" import s.text.B;
        ""\";
        """;
    void f() {
        String u = """
            import s.body.A;
            """;
    }
}
"#;
        assert_eq!(specs(src.as_bytes()), ["real.A"]);
        assert_eq!(
            defs(src),
            vec![
                ("X".to_owned(), DefKind::Class, Visibility::Private, 11, 26),
                ("f".to_owned(), DefKind::Method, Visibility::Private, 21, 25),
            ]
        );
    }

    #[test]
    fn types_methods_and_constructors() {
        use DefKind::{Class, Const, Method};
        use Visibility::{Private, Public};

        let src = r#"package p;

@Deprecated
public class Outer<T extends Comparable<T>> extends Base implements Api {
    private static final int N = compute(1, "}");
    Runnable r = () -> { class Local {} };
    Object o = new Object() { public String toString() { return "x"; } };

    static { init(); }
    { instance(); }

    public Outer(int n) throws Exception {
        super(n);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <R> java.util.List<R> map(
            java.util.function.Function<T, R> f) {
        return null;
    }

    abstract int[] legacy()[];

    protected static class Nested {
        void run() { char c = '{'; }
    }

    public interface Api2 {
        void call();
        default int twice(int x) { return 2 * x; }
    }

    public enum Color {
        RED("r") { @Override String code() { return "R"; } },
        GREEN("g");
        private final String c;
        Color(String c) { this.c = c; }
        String code() { return c; }
    }

    record Point(int x, int y) implements Api {
        public Point {
            if (x < 0) throw new IllegalArgumentException();
        }
        static Point origin() { return new Point(0, 0); }
    }

    public @interface Tag {
        String value() default "";
    }

    enum Empty { A, B }
}

non-sealed class Tail permits X {}
"#;
        let want = vec![
            ("Outer", Class, Public, 4, 54),
            ("N", Const, Private, 5, 5),
            ("Outer", Method, Public, 12, 14),
            ("map", Method, Public, 18, 21),
            ("legacy", Method, Private, 23, 23),
            ("Nested", Class, Private, 25, 27),
            ("run", Method, Private, 26, 26),
            ("Api2", Class, Public, 29, 32),
            ("call", Method, Private, 30, 30),
            ("twice", Method, Private, 31, 31),
            ("Color", Class, Public, 34, 40),
            ("Color", Method, Private, 38, 38),
            ("code", Method, Private, 39, 39),
            ("Point", Class, Private, 42, 47),
            ("Point", Method, Public, 43, 45),
            ("origin", Method, Private, 46, 46),
            ("Tag", Class, Public, 49, 51),
            ("value", Method, Private, 50, 50),
            ("Empty", Class, Private, 53, 53),
            ("Tail", Class, Private, 56, 56),
        ];
        let want: Vec<_> = want
            .into_iter()
            .map(|(n, k, v, s, e)| (n.to_owned(), k, v, s, e))
            .collect();
        assert_eq!(defs(src), want);
    }

    #[test]
    fn static_final_fields_are_constants() {
        use DefKind::{Class, Const, Method};
        use Visibility::{Private, Public};

        let src = r#"package p;

public class K {
    public static final int A = 1, B = 2;
    final static String NAME = "static final int FAKE = 0;";
    private static final java.util.Map<String, Integer> M =
            new java.util.HashMap<String, Integer>(), N = null;
    static final boolean LT = 1 < 2, GT = 3 > 4;
    static final Triple<A, B, C> T = Triple.<A, B, C>of(), U = null;
    @Deprecated public static final long[] ARR = {1, 2}, MAT[] = {{3}};
    static final int LATE;
    static { LATE = 3; }
    // static final int IN_COMMENT = 1;
    /* static final int IN_BLOCK = 1; */
    static int notFinal = 1;
    final int notStatic = 2;
    static final Runnable R = () -> { final int local = 1; };
    static final Object O = new Object() { static final int ANON = 1; };
    static final int f() { final int x = 1; return x; }
    static final class Inner {}
}

interface I {
    int X = 1;
    String Y = "y", Z = "z";
    void m(int a, int b);
    class C { int notConst = 1; }
}

@interface Ann {
    int DEFAULT = 0;
    int value() default DEFAULT;
}

enum E {
    ONE, TWO;
    public static final E FIRST = ONE;
}
"#;
        let want = vec![
            ("K", Class, Public, 3, 21),
            ("A", Const, Public, 4, 4),
            ("B", Const, Public, 4, 4),
            ("NAME", Const, Private, 5, 5),
            ("M", Const, Private, 6, 7),
            ("N", Const, Private, 6, 7),
            ("LT", Const, Private, 8, 8),
            ("GT", Const, Private, 8, 8),
            ("T", Const, Private, 9, 9),
            ("U", Const, Private, 9, 9),
            ("ARR", Const, Public, 10, 10),
            ("MAT", Const, Public, 10, 10),
            ("LATE", Const, Private, 11, 11),
            ("R", Const, Private, 17, 17),
            ("O", Const, Private, 18, 18),
            ("f", Method, Private, 19, 19),
            ("Inner", Class, Private, 20, 20),
            ("I", Class, Private, 23, 28),
            ("X", Const, Public, 24, 24),
            ("Y", Const, Public, 25, 25),
            ("Z", Const, Public, 25, 25),
            ("m", Method, Private, 26, 26),
            ("C", Class, Private, 27, 27),
            ("Ann", Class, Private, 30, 33),
            ("DEFAULT", Const, Public, 31, 31),
            ("value", Method, Private, 32, 32),
            ("E", Class, Private, 35, 38),
            ("FIRST", Const, Public, 37, 37),
        ];
        let want: Vec<_> = want
            .into_iter()
            .map(|(n, k, v, s, e)| (n.to_owned(), k, v, s, e))
            .collect();
        assert_eq!(defs(src), want);
        // Truncated declarations end at the input's end; malformed ones name no keyword.
        assert_eq!(
            defs(
                "class A { static final int X =
 1"
            ),
            [
                ("A".to_owned(), Class, Private, 1, 2),
                ("X".to_owned(), Const, Private, 1, 2)
            ]
        );
        let names: Vec<_> = defs("class A { static final int = 1; static final; }")
            .into_iter()
            .map(|d| d.0)
            .collect();
        assert_eq!(names, ["A"]);
    }

    #[test]
    fn record_and_method_named_like_contextual_keywords() {
        let src = "class A {\n    void record(String s) {}\n    Record record;\n    record R(int a) {}\n}\n";
        let names: Vec<_> = defs(src).into_iter().map(|d| (d.0, d.1)).collect();
        assert_eq!(
            names,
            [
                ("A".to_owned(), DefKind::Class),
                ("record".to_owned(), DefKind::Method),
                ("R".to_owned(), DefKind::Class)
            ]
        );
    }

    #[test]
    fn module_info_declares_nothing() {
        let src = "import a.b.C;\n@Deprecated\nopen module com.acme.app {\n    requires transitive a.b;\n    exports com.acme.api;\n    provides a.b.C with com.acme.Impl;\n}\n";
        let facts = extract(src.as_bytes());
        assert_eq!(facts.imports.len(), 1);
        assert!(facts.definitions.is_empty());
    }

    #[test]
    fn package_of_reads_the_declaration() {
        assert_eq!(
            package_of(b"/* header */\n@Generated(\"x\")\npackage com . acme.util;\nclass A {}")
                .as_deref(),
            Some("com.acme.util")
        );
        assert_eq!(package_of(b"\xEF\xBB\xBFpackage a;"), Some("a".to_owned()));
        assert_eq!(package_of(b"import a.b.C;\nclass A {}"), None);
        assert_eq!(package_of(b""), None);
    }

    #[test]
    fn bom_and_crlf() {
        let src = "\u{feff}package p;\r\n\r\nimport a.b.C;\r\nimport static a.b.D.*;\r\n\r\npublic class E {\r\n  void f() {\r\n  }\r\n}\r\n";
        assert_eq!(
            imports(src),
            vec![
                imp("a.b.C", ImportKind::Static, 3, 8),
                imp("a.b.D.*", ImportKind::StaticMember, 4, 15)
            ]
        );
        assert_eq!(
            defs(src),
            vec![
                ("E".to_owned(), DefKind::Class, Visibility::Public, 6, 9),
                ("f".to_owned(), DefKind::Method, Visibility::Private, 7, 8),
            ]
        );
    }

    #[test]
    fn invalid_utf8_is_tolerated() {
        let src = b"package p;\n// \xff\xfe\nimport a.\xffb.C;\nimport ok.A;\nclass \xc3 { String s = \"\xff\"; void m\xff() {} }\nclass Z {}\n";
        let facts = extract(src);
        assert_eq!(
            facts
                .imports
                .iter()
                .map(|i| i.spec.as_str())
                .collect::<Vec<_>>(),
            ["a.\u{fffd}b.C", "ok.A"]
        );
        assert_eq!(facts.definitions.len(), 3);
        assert_eq!(facts.definitions[2].name, "Z");
    }

    #[test]
    fn unterminated_constructs_end_at_the_input_end() {
        for src in [
            "import a.b.C",
            "class A { String s = \"open\nimport x.Y;",
            "class A { String t = \"\"\"\n import x.Y;\n",
            "/* import x.Y;",
            "class A { char c = '",
            "class A { void f() {",
            "class A extends",
            "@",
            "import static",
            "enum E { A(",
            "open module",
            "class A { String s = \"\\",
        ] {
            let facts = extract(src.as_bytes());
            assert!(facts.imports.iter().all(|i| i.spec != "x.Y"), "{src:?}");
        }
        let facts = extract(b"class A {\n  void f() {\n");
        assert_eq!(facts.definitions.len(), 2);
        assert_eq!(
            (
                facts.definitions[0].start_line,
                facts.definitions[0].end_line
            ),
            (1, 3)
        );
    }

    #[test]
    fn any_bytes_every_prefix_and_deep_nesting_are_accepted() {
        let java = "package p;\nimport a.b.*;\n@A(x = {1})\npublic class C<T> { String s = \"\"\"\n  x \\\"\"\" \"\"\"; char c = '\\''; void m() throws E { /* } */ } enum E { A { }, B; int f; } record R(int a) { R { } } static final int X = 1, Y[] = {2}; final static M<A, B> Z = new M<A, B>(), W; }\ninterface I { int K = 1; }\n";
        for end in 0..=java.len() {
            extract(java.as_bytes().get(..end).unwrap_or_default());
        }
        extract(include_bytes!("scan.rs"));
        let alphabet =
            b"()[]{}\"'/*\\\n\r;@<>=., aZ9$\xff\xc3import static class enum record interface";
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut soup = Vec::with_capacity(1 << 16);
        for _ in 0..(1 << 16) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            soup.push(alphabet[usize::try_from(state % alphabet.len() as u64).unwrap()]);
        }
        for chunk in soup.chunks(4096) {
            extract(chunk);
        }
        // Nesting far deeper than MAX_NESTING neither recurses without bound nor loses the end.
        let deep = "class A {".repeat(100_000);
        let facts = extract(deep.as_bytes());
        assert_eq!(facts.definitions.len(), MAX_NESTING + 1);
        extract(&vec![b'('; 100_000]);
        extract(&vec![b'@'; 100_000]);
    }
}
