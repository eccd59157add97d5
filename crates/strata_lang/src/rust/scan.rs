//! One pass over a Rust file's tokens: its `use`, `mod` and `extern crate` items as imports, and
//! its functions, methods, types and constants (`const` and `static` items) as definitions.
//!
//! The parser is a small state machine over [`Lexer`] tokens. It tracks only what the facts
//! need: a stack of open delimiters (so it knows which `{` is a function body, an `impl`, a
//! `trait` or an inline `mod`), whether the next token may start an item, and the item being
//! read. Macro definitions (`macro_rules!`, `macro`) and token-building macros (`quote!`) are
//! skipped: the paths inside them belong to the code they expand to, not to this file.
//!
//! # Import specs
//!
//! - `use` trees give one import per leaf: `use a::{b, c::{self, d as e}, *}` gives `a::b`,
//!   `a::c`, `a::c::d` and `a::*` (a glob keeps its `::*`; a trailing `self` is dropped; renames
//!   are dropped). A leading `::` is kept. `pub use` and `pub(…) use` give
//!   [`ImportKind::ReExport`], other `use` items [`ImportKind::Static`].
//! - Paths are made relative to the *file's* module, so the resolver needs no knowledge of
//!   inline modules: inside `mod tests { … }`, `super::x` becomes `self::x` and `self::y`
//!   becomes `self::tests::y`. A first segment naming a module, enum or type declared in the same
//!   scope becomes `self::…`; one naming another `use` of the same scope is replaced by that
//!   import's path (`use crate::a::b; use b::C;` gives `crate::a::b::C`), and an `extern crate x
//!   as y` alias by `x`.
//! - `mod foo;` gives a [`ImportKind::Mod`] import with spec `foo`; inside inline modules the
//!   spec is their path, `outer::inner::foo`. A `#[path = "…"]` attribute on it becomes the single
//!   entry of `names`.
//! - `extern crate foo (as bar);` gives [`ImportKind::ExternCrate`] with spec `foo` (`self` for
//!   `extern crate self as x`).
//! - A path written in code without a `use` (`other::api::run()`, `x: other::Type`,
//!   `log::info!`) gives one [`ImportKind::Qualified`] import per file and path, spec = its
//!   module part: the segments before the last and before the first capitalised one
//!   (`other::api`, `other`, `log`). The resolver counts it only when it names another crate of
//!   the tree, so `Vec::new()` or a local module's `m::f()` adds nothing.

use std::collections::HashSet;

use super::lex::{Lexer, Lines, Tok, Token};
use crate::{DefKind, Definition, FileFacts, Import, ImportKind, Visibility};

/// Lower-case first segments of paths that never name a crate of the tree.
const NOT_CRATES: &[&[u8]] = &[
    b"self", b"super", b"crate", b"std", b"core", b"alloc", b"bool", b"char", b"str", b"f32",
    b"f64", b"i8", b"i16", b"i32", b"i64", b"i128", b"isize", b"u8", b"u16", b"u32", b"u64",
    b"u128", b"usize", b"use", b"pub", b"in", b"as", b"dyn", b"impl", b"return",
];

/// No definition: a frame or item that does not close one.
const NONE: usize = usize::MAX;
/// Limits of one `use` tree; deeper or longer trees (never seen in real code) are dropped.
const MAX_SEGMENTS: usize = 64;
const MAX_GROUPS: usize = 32;

/// Macros whose body is code to generate, not code of this file.
const TOKEN_MACROS: [&[u8]; 4] = [
    b"quote",
    b"quote_spanned",
    b"parse_quote",
    b"parse_quote_spanned",
];

/// What a `{ … }` is the body of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Block {
    Plain,
    Fn,
    Impl,
    /// A trait body; its items have the trait's visibility.
    Trait(Visibility),
    /// A struct, enum or union body: fields and variants, no items.
    Fields,
    /// An inline module with its scope index.
    Mod(u32),
    /// The braced body of a macro invocation (`cfg_if! { … }`), read as items.
    Macro,
}

#[derive(Clone, Copy, Debug)]
enum Frame {
    Paren,
    Bracket,
    Brace { block: Block, def: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Vis {
    Private,
    Pub,
    /// `pub(crate)`, `pub(super)`, `pub(self)`, `pub(in path)`.
    Restricted,
}

/// An item whose header is being read: its body `{` or its `;` comes at `depth` with no `<`
/// open.
#[derive(Clone, Copy, Debug)]
struct Pending {
    block: Block,
    def: usize,
    depth: usize,
    angle: u32,
}

/// A module scope: the file (index 0) or an inline `mod name { … }`.
struct Scope {
    parent: u32,
    name: (usize, usize),
}

#[derive(Clone, Copy, Debug)]
enum Binding {
    /// `mod name;`, `mod name { … }`, or an enum/struct/trait/type named `name`.
    Local,
    /// Bound by the `use` import of this index.
    Use(usize),
    /// `extern crate x as name;` of this import index.
    Extern(usize),
}

/// A name the scope declares, for reading the first segment of its `use` paths.
struct Name {
    scope: u32,
    span: (usize, usize),
    binding: Binding,
}

pub(super) fn extract(src: &[u8]) -> FileFacts {
    let mut p = Parser {
        src,
        lx: Lexer::new(src),
        lines: Lines::new(src),
        back: None,
        frames: Vec::new(),
        scope: 0,
        scopes: vec![Scope {
            parent: 0,
            name: (0, 0),
        }],
        item_start: true,
        prefix: None,
        vis: Vis::Private,
        path_attr: None,
        pending: None,
        const_item: None,
        macro_body: false,
        last_ident: None,
        facts: FileFacts::default(),
        import_scope: Vec::new(),
        names: Vec::new(),
        prev: Tok::Eof,
        qualified: HashSet::new(),
    };
    p.run();
    p.finish()
}

struct Parser<'a> {
    src: &'a [u8],
    lx: Lexer<'a>,
    lines: Lines<'a>,
    /// A token read by a sub-parser that the main loop must see.
    back: Option<Token>,
    frames: Vec<Frame>,
    /// The innermost inline module (0 = the file).
    scope: u32,
    scopes: Vec<Scope>,
    /// Whether the next token may begin an item (after `;`, `{`, `}`, attributes, `pub`, …).
    item_start: bool,
    /// Where the current item's visibility or qualifiers begin.
    prefix: Option<usize>,
    vis: Vis,
    /// The string literal of a `#[path = "…"]` waiting for its `mod`.
    path_attr: Option<Token>,
    pending: Option<Pending>,
    /// The `const` or `static` item being read: its definition and the depth at which its `;`
    /// comes.
    const_item: Option<(usize, usize)>,
    /// The last token was `name!`: a `{` now opens a macro body.
    macro_body: bool,
    last_ident: Option<Token>,
    facts: FileFacts,
    /// Per import: the scope it was written in, or `u32::MAX` when its first segment is not a
    /// bare name (nothing to look up).
    import_scope: Vec<u32>,
    names: Vec<Name>,
    /// The kind of the token the main loop saw last.
    prev: Tok,
    /// Specs of the qualified paths already recorded (one import per path).
    qualified: HashSet<String>,
}

impl Parser<'_> {
    fn next(&mut self) -> Token {
        match self.back.take() {
            Some(t) => t,
            None => self.lx.next(),
        }
    }

    fn peek(&mut self) -> Token {
        match self.back {
            Some(t) => t,
            None => self.lx.peek(),
        }
    }

    /// The two tokens after the current one.
    fn peek2(&mut self) -> (Token, Token) {
        if let Some(t) = self.back {
            return (t, self.lx.peek());
        }
        let save = self.lx.pos;
        let a = self.lx.next();
        let b = self.lx.next();
        self.lx.pos = save;
        (a, b)
    }

    /// The three tokens after the current one.
    fn peek3(&mut self) -> (Token, Token, Token) {
        let save = self.lx.pos;
        let a = match self.back {
            Some(t) => t,
            None => self.lx.next(),
        };
        let b = self.lx.next();
        let c = self.lx.next();
        self.lx.pos = save;
        (a, b, c)
    }

    fn bytes(&self, span: (usize, usize)) -> &[u8] {
        self.src.get(span.0..span.1).unwrap_or_default()
    }

    fn run(&mut self) {
        loop {
            let t = self.next();
            let prev_ident = self.last_ident.take();
            let macro_body = std::mem::take(&mut self.macro_body);
            let prev = std::mem::replace(&mut self.prev, t.kind);
            match t.kind {
                Tok::Eof => break,
                Tok::Ident => {
                    if !matches!(prev, Tok::PathSep | Tok::Punct(b'.')) {
                        self.qualified_path(t);
                    }
                    self.ident(t);
                }
                Tok::RawIdent => {
                    self.not_item();
                    self.last_ident = Some(t);
                }
                Tok::Punct(b'#') => self.hash(),
                Tok::Punct(b'{') => self.open_brace(macro_body),
                Tok::Punct(b'}') => self.close_brace(t),
                Tok::Punct(b'(') => {
                    self.frames.push(Frame::Paren);
                    self.not_item();
                }
                Tok::Punct(b'[') => {
                    self.frames.push(Frame::Bracket);
                    self.not_item();
                }
                Tok::Punct(b')') => {
                    if matches!(self.frames.last(), Some(Frame::Paren)) {
                        self.frames.pop();
                    }
                    self.not_item();
                }
                Tok::Punct(b']') => {
                    if matches!(self.frames.last(), Some(Frame::Bracket)) {
                        self.frames.pop();
                    }
                    self.not_item();
                }
                Tok::Punct(b';') => self.semicolon(t),
                Tok::Punct(b'<') => {
                    self.angle(true);
                    self.not_item();
                }
                Tok::Punct(b'>') => {
                    self.angle(false);
                    self.not_item();
                }
                Tok::Punct(b'!') => {
                    self.not_item();
                    if let Some(name) = prev_ident {
                        self.bang(name);
                    }
                }
                _ => self.not_item(),
            }
        }
    }

    /// The current token cannot start an item: forget the item prefix read so far.
    fn not_item(&mut self) {
        self.item_start = false;
        self.prefix = None;
        self.vis = Vis::Private;
    }

    /// After `;`, `{` or `}`: an item may start.
    fn item_boundary(&mut self) {
        self.item_start = true;
        self.prefix = None;
        self.vis = Vis::Private;
        self.path_attr = None;
    }

    fn ident(&mut self, t: Token) {
        if !self.item_start {
            self.last_ident = Some(t);
            return;
        }
        match t.name(self.src) {
            b"pub" => self.visibility(t),
            b"unsafe" | b"async" => self.qualifier(t),
            b"const" => {
                let n = self.peek();
                if n.is_punct(b'{')
                    || [&b"fn"[..], b"unsafe", b"async", b"extern"]
                        .iter()
                        .any(|w| n.is_word(self.src, w))
                {
                    self.qualifier(t);
                } else if !self.const_definition(t) {
                    self.not_item();
                }
            }
            b"static" => {
                if !self.const_definition(t) {
                    self.not_item();
                    self.last_ident = Some(t);
                }
            }
            b"default" | b"auto" | b"safe" => {
                let n = self.peek();
                let words: [&[u8]; 9] = [
                    b"fn", b"unsafe", b"async", b"const", b"extern", b"impl", b"type", b"trait",
                    b"static",
                ];
                if words.iter().any(|w| n.is_word(self.src, w)) {
                    self.qualifier(t);
                } else {
                    self.not_item();
                    self.last_ident = Some(t);
                }
            }
            b"extern" => self.extern_item(t),
            b"use" => self.use_item(),
            b"mod" => self.mod_item(),
            b"fn" => self.definition(t, DefKind::Function),
            b"struct" => self.definition(t, DefKind::Struct),
            b"enum" => self.definition(t, DefKind::Enum),
            b"trait" => self.definition(t, DefKind::Trait),
            b"type" => self.definition(t, DefKind::TypeAlias),
            b"union" => {
                let (name, after) = self.peek2();
                let body = after.is_punct(b'{')
                    || after.is_punct(b'<')
                    || after.is_word(self.src, b"where");
                if name.is_name() && body {
                    self.definition(t, DefKind::Struct);
                } else {
                    self.not_item();
                    self.last_ident = Some(t);
                }
            }
            b"impl" => {
                self.pending = Some(Pending {
                    block: Block::Impl,
                    def: NONE,
                    depth: self.frames.len(),
                    angle: 0,
                });
                self.not_item();
            }
            b"macro" if self.peek().is_name() => {
                // `macro name(…) { … }` / `macro name { … }`: a macro definition, skipped.
                self.next();
                for open in [b'(', b'{'] {
                    if self.peek().is_punct(open) {
                        self.next();
                        self.skip_group();
                    }
                }
                self.item_boundary();
            }
            _ => {
                self.not_item();
                self.last_ident = Some(t);
            }
        }
    }

    fn qualifier(&mut self, t: Token) {
        self.prefix.get_or_insert(t.start);
    }

    /// `pub`, `pub(crate)`, `pub(super)`, `pub(self)`, `pub(in path)`.
    fn visibility(&mut self, t: Token) {
        self.prefix.get_or_insert(t.start);
        self.vis = Vis::Pub;
        let (open, word) = self.peek2();
        let restricted = [&b"crate"[..], b"self", b"super", b"in"];
        if open.is_punct(b'(') && restricted.iter().any(|w| word.is_word(self.src, w)) {
            self.next();
            self.vis = Vis::Restricted;
            let mut depth = 1u32;
            loop {
                let t = self.next();
                match t.kind {
                    Tok::Punct(b'(') => depth += 1,
                    Tok::Punct(b')') => {
                        depth -= 1;
                        if depth == 0 {
                            return;
                        }
                    }
                    Tok::Eof => return,
                    _ => {}
                }
            }
        }
    }

    /// `extern crate …;`, or `extern` / `extern "abi"` qualifying a function or block.
    fn extern_item(&mut self, t: Token) {
        let n = self.peek();
        if n.is_word(self.src, b"crate") {
            self.next();
            self.extern_crate();
            return;
        }
        self.qualifier(t);
        if matches!(n.kind, Tok::Str { .. }) {
            self.next();
        }
    }

    fn extern_crate(&mut self) {
        let name = self.peek();
        if !name.is_name() {
            self.not_item();
            return;
        }
        self.next();
        let spec = String::from_utf8_lossy(name.name(self.src)).into_owned();
        let index = self.facts.imports.len();
        self.push_import(
            spec,
            Vec::new(),
            ImportKind::ExternCrate,
            name.start,
            u32::MAX,
        );
        if self.peek().is_word(self.src, b"as") {
            self.next();
            let alias = self.peek();
            if alias.is_name() {
                self.next();
                let span = name_span(alias);
                if self.bytes(span) != b"_" {
                    self.names.push(Name {
                        scope: self.scope,
                        span,
                        binding: Binding::Extern(index),
                    });
                }
            }
        }
        if self.peek().is_punct(b';') {
            self.next();
            self.item_boundary();
        } else {
            self.not_item();
        }
    }

    fn use_item(&mut self) {
        let n = self.peek();
        let tree = n.is_name() || n.kind == Tok::PathSep || n.is_punct(b'{') || n.is_punct(b'*');
        if !tree {
            // `use<'a>` (precise capturing) or similar: not an import.
            self.not_item();
            return;
        }
        let kind = if self.vis == Vis::Private {
            ImportKind::Static
        } else {
            ImportKind::ReExport
        };
        if self.use_tree(kind) {
            self.item_boundary();
        } else {
            self.not_item();
        }
    }

    /// Read a use tree up to its `;`, emitting one import per leaf. Returns whether it ended
    /// with `;`; on anything unexpected the offending token is left for the main loop.
    fn use_tree(&mut self, kind: ImportKind) -> bool {
        let mut segs = [(0usize, 0usize); MAX_SEGMENTS];
        let mut n = 0usize;
        let mut groups = [0usize; MAX_GROUPS];
        let mut ng = 0usize;
        let mut global = false;
        // Where the current leaf starts, whether it has unemitted segments, its alias, and
        // whether it overflowed.
        let mut leaf: Option<usize> = None;
        let mut open = false;
        let mut alias: Option<(usize, usize)> = None;
        let mut overflow = false;
        loop {
            let t = self.next();
            let prefix = if ng > 0 {
                groups.get(ng - 1).copied().unwrap_or(0)
            } else {
                0
            };
            match t.kind {
                Tok::Ident if open && t.is_word(self.src, b"as") => {
                    let a = self.next();
                    if !a.is_name() {
                        self.back = Some(a);
                        return false;
                    }
                    alias = Some(name_span(a));
                }
                Tok::Ident | Tok::RawIdent => {
                    leaf.get_or_insert(t.start);
                    match segs.get_mut(n) {
                        Some(s) => {
                            *s = name_span(t);
                            n += 1;
                        }
                        None => overflow = true,
                    }
                    open = true;
                }
                Tok::PathSep => {
                    leaf.get_or_insert(t.start);
                    if n == 0 && ng == 0 {
                        global = true;
                    }
                }
                Tok::Punct(b'*') => {
                    let pos = *leaf.get_or_insert(t.start);
                    if !overflow {
                        self.emit_use(
                            segs.get(..n).unwrap_or_default(),
                            true,
                            global,
                            pos,
                            kind,
                            None,
                        );
                    }
                    open = false;
                }
                Tok::Punct(b'{') => {
                    let Some(g) = groups.get_mut(ng) else {
                        return false;
                    };
                    *g = n;
                    ng += 1;
                    open = false;
                    leaf = None;
                }
                Tok::Punct(b',' | b'}' | b';') => {
                    let close = t.is_punct(b'}');
                    let end = t.is_punct(b';');
                    if (close && ng == 0) || (end && ng > 0) {
                        self.back = Some(t);
                        return false;
                    }
                    if open && !overflow {
                        let pos = leaf.unwrap_or(t.start);
                        self.emit_use(
                            segs.get(..n).unwrap_or_default(),
                            false,
                            global,
                            pos,
                            kind,
                            alias,
                        );
                    }
                    if end {
                        return true;
                    }
                    if close {
                        ng -= 1;
                        n = groups.get(ng).copied().unwrap_or(0);
                    } else {
                        n = prefix;
                    }
                    open = false;
                    leaf = None;
                    alias = None;
                    overflow = false;
                }
                Tok::Eof => return false,
                _ => {
                    self.back = Some(t);
                    return false;
                }
            }
        }
    }

    /// Emit one leaf of a use tree: `segs` (name spans), a glob, or a renamed path.
    fn emit_use(
        &mut self,
        segs: &[(usize, usize)],
        glob: bool,
        global: bool,
        pos: usize,
        kind: ImportKind,
        alias: Option<(usize, usize)>,
    ) {
        let src = self.src;
        let seg = |s: &(usize, usize)| src.get(s.0..s.1).unwrap_or_default();
        // `a::b::{self}` names `a::b`.
        let segs = match segs.split_last() {
            Some((last, init)) if !glob && !init.is_empty() && seg(last) == b"self" => init,
            _ => segs,
        };
        if segs.is_empty() && !glob {
            return;
        }
        if segs.first().is_some_and(|s| seg(s).first() == Some(&b'$')) {
            return;
        }
        let mut spec = String::with_capacity(segs.iter().map(|s| s.1 - s.0 + 2).sum::<usize>() + 8);
        let supers = segs.iter().take_while(|s| seg(s) == b"super").count();
        let is_self = segs.first().is_some_and(|s| seg(s) == b"self");
        let depth = self.inline_depth();
        let rest = if depth > 0 && (is_self || supers > 0) {
            // Relative to an inline module: rewrite relative to the file's module.
            if supers > depth {
                for _ in 0..supers - depth {
                    push_seg(&mut spec, b"super");
                }
            } else {
                push_seg(&mut spec, b"self");
                let keep = if is_self { depth } else { depth - supers };
                self.push_inline_path(&mut spec, self.scope, keep);
            }
            segs.get(supers.max(usize::from(is_self))..)
                .unwrap_or_default()
        } else {
            if global {
                spec.push_str("::");
            }
            segs
        };
        for s in rest {
            push_seg(&mut spec, seg(s));
        }
        if glob {
            push_seg(&mut spec, b"*");
        }
        let first = spec.split("::").next().unwrap_or_default();
        let bare = !global && !matches!(first, "crate" | "self" | "super" | "*" | "");
        let scope = if bare { self.scope } else { u32::MAX };
        let index = self.facts.imports.len();
        // The name this leaf binds in its scope.
        let bound = match alias {
            Some(a) if self.bytes(a) == b"_" => None,
            Some(a) => Some(a),
            None if glob => None,
            None => segs
                .last()
                .copied()
                .filter(|s| !matches!(seg(s), b"crate" | b"self" | b"super")),
        };
        if let Some(name) = bound {
            self.names.push(Name {
                scope: self.scope,
                span: name,
                binding: Binding::Use(index),
            });
        }
        self.push_import(spec, Vec::new(), kind, pos, scope);
    }

    /// `name::…::item` in code, where `name` may be a crate (lower case, not a keyword, a
    /// primitive or `std`): a [`ImportKind::Qualified`] import of its module path — the
    /// segments before the last (the item) and before the first capitalised one (a type, whose
    /// associated items follow) — once per file. The tokens stay for the main loop.
    fn qualified_path(&mut self, t: Token) {
        let name = t.name(self.src);
        if self.src.get(t.end..t.end + 2) != Some(b"::")
            || self.back.is_some()
            || !name.first().is_some_and(u8::is_ascii_lowercase)
            || NOT_CRATES.contains(&name)
        {
            return;
        }
        let save = self.lx.pos;
        let mut segs: Vec<&[u8]> = vec![name];
        let mut end = t.end;
        loop {
            let sep = self.lx.next();
            let next = self.lx.next();
            // `name::` written together: `use ::std` is a keyword before a global path.
            if sep.kind != Tok::PathSep || sep.start != end || !next.is_name() {
                break;
            }
            segs.push(next.name(self.src));
            end = next.end;
        }
        self.lx.pos = save;
        if segs.len() < 2 {
            return;
        }
        segs.pop();
        let modules = segs
            .iter()
            .take_while(|s| !s.first().is_some_and(u8::is_ascii_uppercase));
        let mut spec = String::new();
        for seg in modules {
            push_seg(&mut spec, seg);
        }
        if self.qualified.insert(spec.clone()) {
            self.push_import(spec, Vec::new(), ImportKind::Qualified, t.start, u32::MAX);
        }
    }

    fn push_import(
        &mut self,
        spec: String,
        names: Vec<String>,
        kind: ImportKind,
        pos: usize,
        scope: u32,
    ) {
        let (line, column) = self.lines.at(pos);
        self.facts.imports.push(Import {
            spec,
            names,
            kind,
            line,
            column,
        });
        self.import_scope.push(scope);
    }

    /// Number of inline modules enclosing the current position.
    fn inline_depth(&self) -> usize {
        self.scope_depth(self.scope)
    }

    /// Append the names of the outermost `keep` inline modules enclosing `scope`.
    fn push_inline_path(&self, out: &mut String, scope: u32, keep: usize) {
        let mut chain = [(0usize, 0usize); MAX_GROUPS];
        let mut n = 0;
        let mut s = scope;
        while s != 0 {
            let Some(sc) = self.scopes.get(s as usize) else {
                break;
            };
            if let Some(slot) = chain.get_mut(n) {
                *slot = sc.name;
            }
            n += 1;
            s = sc.parent;
        }
        // `chain` holds innermost first; modules deeper than the array are dropped.
        let stored = n.min(chain.len());
        let outermost = chain.get(..stored).unwrap_or_default().iter().rev();
        for span in outermost.take(keep) {
            push_seg(out, self.bytes(*span));
        }
    }

    /// `mod name;` or `mod name { … }`.
    fn mod_item(&mut self) {
        let (name, after) = self.peek2();
        if !name.is_name() || !(after.is_punct(b';') || after.is_punct(b'{')) {
            self.not_item();
            return;
        }
        self.next();
        self.next();
        let span = name_span(name);
        self.names.push(Name {
            scope: self.scope,
            span,
            binding: Binding::Local,
        });
        if after.is_punct(b';') {
            let mut spec = String::new();
            let depth = self.inline_depth();
            self.push_inline_path(&mut spec, self.scope, depth);
            push_seg(&mut spec, self.bytes(span));
            let names = match self.path_attr {
                Some(lit) => vec![literal_text(self.src, lit)],
                None => Vec::new(),
            };
            self.push_import(spec, names, ImportKind::Mod, name.start, u32::MAX);
        } else {
            let index = u32::try_from(self.scopes.len()).unwrap_or(u32::MAX);
            self.scopes.push(Scope {
                parent: self.scope,
                name: span,
            });
            self.scope = index;
            self.frames.push(Frame::Brace {
                block: Block::Mod(index),
                def: NONE,
            });
        }
        self.item_boundary();
    }

    /// `fn`, `struct`, `enum`, `union`, `trait` or `type` followed by its name.
    fn definition(&mut self, keyword: Token, kind: DefKind) {
        let name = self.peek();
        if !name.is_name() {
            self.not_item();
            return;
        }
        self.next();
        let container = match self.frames.last() {
            Some(Frame::Brace { block, .. }) => *block,
            _ => Block::Plain,
        };
        let in_type = matches!(container, Block::Impl | Block::Trait(_));
        let start = self.prefix.unwrap_or(keyword.start);
        let visibility = match (container, self.vis) {
            (Block::Trait(v), _) => v,
            (_, Vis::Pub) => Visibility::Public,
            _ => Visibility::Private,
        };
        self.not_item();
        self.path_attr = None;
        if kind == DefKind::TypeAlias && in_type {
            // An associated type, not an alias.
            return;
        }
        let kind = if kind == DefKind::Function && in_type {
            DefKind::Method
        } else {
            kind
        };
        let block = match kind {
            DefKind::Function | DefKind::Method => Block::Fn,
            DefKind::Trait => Block::Trait(visibility),
            DefKind::TypeAlias => Block::Plain,
            _ => Block::Fields,
        };
        let span = name_span(name);
        // A type of the module (not one local to a function body) can start a `use` path.
        let in_body = self.frames.iter().any(|f| {
            matches!(
                f,
                Frame::Brace {
                    block: Block::Fn,
                    ..
                }
            )
        });
        if !in_body
            && matches!(
                kind,
                DefKind::Struct | DefKind::Enum | DefKind::Trait | DefKind::TypeAlias
            )
        {
            self.names.push(Name {
                scope: self.scope,
                span,
                binding: Binding::Local,
            });
        }
        let line = self.lines.line(start);
        let def = self.facts.definitions.len();
        self.facts.definitions.push(Definition {
            name: String::from_utf8_lossy(self.bytes(span)).into_owned(),
            kind,
            visibility,
            start_line: line,
            end_line: 0,
            ..Definition::default()
        });
        self.pending = Some(Pending {
            block,
            def,
            depth: self.frames.len(),
            angle: 0,
        });
    }

    /// `const NAME: T …;`, `static (mut) NAME: T …;` (and `static ref NAME` of `lazy_static!`)
    /// after its keyword: a [`DefKind::Const`] ending at its `;`. Returns `false`, reading
    /// nothing, for anything else (`const _`, `static ||`, a missing type).
    fn const_definition(&mut self, keyword: Token) -> bool {
        let (a, b, c) = self.peek3();
        let marked = keyword.is_word(self.src, b"static")
            && (a.is_word(self.src, b"mut") || a.is_word(self.src, b"ref"));
        let (name, colon) = if marked { (b, c) } else { (a, b) };
        if !name.is_name() || !colon.is_punct(b':') || name.name(self.src) == b"_" {
            return false;
        }
        if marked {
            self.next();
        }
        self.next();
        // Constants local to a function body or to another constant's value are not items of
        // the module.
        let in_body = self.const_item.is_some()
            || self.frames.iter().any(|f| {
                matches!(
                    f,
                    Frame::Brace {
                        block: Block::Fn,
                        ..
                    }
                )
            });
        let container = match self.frames.last() {
            Some(Frame::Brace { block, .. }) => *block,
            _ => Block::Plain,
        };
        let visibility = match (container, self.vis) {
            (Block::Trait(v), _) => v,
            (_, Vis::Pub) => Visibility::Public,
            _ => Visibility::Private,
        };
        let start = self.prefix.unwrap_or(keyword.start);
        self.not_item();
        self.path_attr = None;
        if in_body {
            return true;
        }
        let line = self.lines.line(start);
        let def = self.facts.definitions.len();
        self.facts.definitions.push(Definition {
            name: String::from_utf8_lossy(name.name(self.src)).into_owned(),
            kind: DefKind::Const,
            visibility,
            start_line: line,
            end_line: 0,
            ..Definition::default()
        });
        self.const_item = Some((def, self.frames.len()));
        true
    }

    fn end_def(&mut self, def: usize, offset: usize) {
        if def == NONE {
            return;
        }
        let line = self.lines.line(offset);
        if let Some(d) = self.facts.definitions.get_mut(def) {
            d.end_line = line.max(d.start_line);
        }
    }

    fn open_brace(&mut self, macro_body: bool) {
        let depth = self.frames.len();
        let (block, def) = match self.pending {
            Some(p) if p.depth == depth && p.angle == 0 => {
                self.pending = None;
                (p.block, p.def)
            }
            _ if macro_body => (Block::Macro, NONE),
            _ => (Block::Plain, NONE),
        };
        self.frames.push(Frame::Brace { block, def });
        self.item_boundary();
    }

    fn close_brace(&mut self, t: Token) {
        // Pop to the innermost brace; parens or brackets still open are malformed input.
        while let Some(f) = self.frames.pop() {
            if let Frame::Brace { block, def } = f {
                self.end_def(def, t.start);
                if let Block::Mod(scope) = block {
                    self.scope = self.scopes.get(scope as usize).map_or(0, |s| s.parent);
                }
                break;
            }
        }
        if let Some(p) = self.pending
            && p.depth > self.frames.len()
        {
            // The enclosing block closed before the item's body: malformed.
            self.pending = None;
            self.end_def(p.def, t.start);
        }
        if let Some((def, depth)) = self.const_item
            && depth > self.frames.len()
        {
            self.const_item = None;
            self.end_def(def, t.start);
        }
        self.item_boundary();
    }

    fn semicolon(&mut self, t: Token) {
        let depth = self.frames.len();
        if let Some(p) = self.pending
            && p.depth == depth
        {
            self.pending = None;
            self.end_def(p.def, t.start);
        }
        if let Some((def, d)) = self.const_item
            && d == depth
        {
            self.const_item = None;
            self.end_def(def, t.start);
        }
        if matches!(self.frames.last(), None | Some(Frame::Brace { .. })) {
            self.item_boundary();
        } else {
            self.not_item();
        }
    }

    fn angle(&mut self, open: bool) {
        let depth = self.frames.len();
        if let Some(p) = self.pending.as_mut()
            && p.depth == depth
        {
            p.angle = if open {
                p.angle.saturating_add(1)
            } else {
                p.angle.saturating_sub(1)
            };
        }
    }

    /// `#[…]` or `#![…]`: skipped, except that `#[path = "…"]` is kept for the next `mod`.
    fn hash(&mut self) {
        let (a, b) = self.peek2();
        let inner = a.is_punct(b'!') && b.is_punct(b'[');
        if !inner && !a.is_punct(b'[') {
            self.not_item();
            return;
        }
        self.next();
        if inner {
            self.next();
        }
        // The attribute `path = "lit"` is exactly four tokens up to the `]`.
        let mut window: [Option<Token>; 4] = [None; 4];
        let mut count = 0usize;
        let mut depth = 1u32;
        loop {
            let t = self.next();
            if let Some(slot) = window.get_mut(count) {
                *slot = Some(t);
            }
            count += 1;
            match t.kind {
                Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                Tok::Eof => return,
                _ => {}
            }
        }
        if let [Some(p), Some(eq), Some(lit), Some(_)] = window
            && count == 4
            && !inner
            && p.is_word(self.src, b"path")
            && eq.is_punct(b'=')
            && matches!(lit.kind, Tok::Str { .. })
        {
            self.path_attr = Some(lit);
        }
    }

    /// After `name!`: skip macro definitions and token-building macros; mark a braced
    /// invocation's body as items.
    fn bang(&mut self, name: Token) {
        let word = name.name(self.src);
        let (a, b) = self.peek2();
        if word == b"macro_rules" && name.kind == Tok::Ident && a.is_name() {
            if b.is_punct(b'{') || b.is_punct(b'(') || b.is_punct(b'[') {
                self.next();
                self.next();
                self.skip_group();
                self.item_boundary();
            }
            return;
        }
        if a.is_punct(b'{') || a.is_punct(b'(') || a.is_punct(b'[') {
            if TOKEN_MACROS.contains(&word) {
                self.next();
                self.skip_group();
            } else if a.is_punct(b'{') {
                self.macro_body = true;
            }
        }
    }

    /// Skip to the delimiter closing the one just read (any kind: macro bodies are balanced).
    fn skip_group(&mut self) {
        let mut depth = 1u32;
        loop {
            match self.next().kind {
                Tok::Punct(b'(' | b'[' | b'{') => depth += 1,
                Tok::Punct(b')' | b']' | b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                Tok::Eof => return,
                _ => {}
            }
        }
    }

    fn finish(mut self) -> FileFacts {
        // Items left open by truncated input end at the last line.
        let last = self.lines.line(self.src.len());
        for d in &mut self.facts.definitions {
            if d.end_line == 0 {
                d.end_line = last.max(d.start_line);
            }
        }
        self.rewrite_bare_paths();
        self.facts
    }

    /// Give `use` paths whose first segment is a name declared in their own scope the path that
    /// name stands for (see the module documentation).
    fn rewrite_bare_paths(&mut self) {
        if self.import_scope.iter().all(|&s| s == u32::MAX) || self.names.is_empty() {
            return;
        }
        let src = self.src;
        let key = |n: &Name| (n.scope, src.get(n.span.0..n.span.1).unwrap_or_default());
        self.names.sort_by(|a, b| key(a).cmp(&key(b)));
        // Chains (`use a::b; use b::c as d; use d::e;`) resolve in a few rounds; cycles stop.
        for _ in 0..4 {
            let mut changed = false;
            for i in 0..self.facts.imports.len() {
                let Some(&scope) = self.import_scope.get(i) else {
                    continue;
                };
                if scope == u32::MAX {
                    continue;
                }
                let Some(spec) = self.facts.imports.get(i).map(|im| im.spec.as_str()) else {
                    continue;
                };
                let first = spec.split("::").next().unwrap_or_default();
                let rest = spec.get(first.len()..).unwrap_or_default();
                let probe = (scope, first.as_bytes());
                // The first of equal names (`#[cfg]` alternatives bind one name twice); the sort
                // is stable, so that is the first in the source.
                let k = self.names.partition_point(|n| key(n) < probe);
                let Some(binding) = self
                    .names
                    .get(k)
                    .filter(|n| key(n) == probe)
                    .map(|n| n.binding)
                else {
                    continue;
                };
                let new = match binding {
                    Binding::Local => {
                        let mut s = String::from("self");
                        let depth = self.scope_depth(scope);
                        self.push_inline_path(&mut s, scope, depth);
                        s.push_str("::");
                        s.push_str(spec);
                        s
                    }
                    Binding::Use(j) if j != i => {
                        let Some(target) = self.facts.imports.get(j).map(|im| im.spec.as_str())
                        else {
                            continue;
                        };
                        if target.ends_with('*') {
                            continue;
                        }
                        format!("{target}{rest}")
                    }
                    Binding::Extern(j) => {
                        let Some(target) = self.facts.imports.get(j).map(|im| im.spec.as_str())
                        else {
                            continue;
                        };
                        let target = if target == "self" { "crate" } else { target };
                        format!("{target}{rest}")
                    }
                    Binding::Use(_) => continue,
                };
                if new == spec {
                    continue;
                }
                let first = new.split("::").next().unwrap_or_default();
                let still_bare = !matches!(first, "crate" | "self" | "super" | "");
                if let Some(s) = self.import_scope.get_mut(i) {
                    *s = if still_bare { scope } else { u32::MAX };
                }
                if let Some(im) = self.facts.imports.get_mut(i) {
                    im.spec = new;
                }
                changed = true;
            }
            if !changed {
                break;
            }
        }
    }

    fn scope_depth(&self, scope: u32) -> usize {
        let mut d = 0;
        let mut s = scope;
        while s != 0 {
            d += 1;
            s = self.scopes.get(s as usize).map_or(0, |x| x.parent);
        }
        d
    }
}

/// The span of the name an identifier token denotes (without `r#`).
fn name_span(t: Token) -> (usize, usize) {
    let start = if t.kind == Tok::RawIdent {
        t.start + 2
    } else {
        t.start
    };
    (start.min(t.end), t.end)
}

fn push_seg(out: &mut String, seg: &[u8]) {
    if !out.is_empty() && !out.ends_with("::") {
        out.push_str("::");
    }
    match std::str::from_utf8(seg) {
        Ok(s) => out.push_str(s),
        Err(_) => out.push_str(&String::from_utf8_lossy(seg)),
    }
}

/// The text of a string literal token (escapes of plain strings decoded).
fn literal_text(src: &[u8], lit: Token) -> String {
    let body = src.get(lit.content.0..lit.content.1).unwrap_or_default();
    if matches!(lit.kind, Tok::Str { raw: true }) || !body.contains(&b'\\') {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        match body.get(i + 1) {
            Some(b'n') => out.push(b'\n'),
            Some(b't') => out.push(b'\t'),
            Some(b'r') => out.push(b'\r'),
            Some(b'0') => out.push(0),
            Some(b'\n') => {
                // A line continuation skips the newline and the next line's indentation.
                i += 2;
                while body.get(i).is_some_and(u8::is_ascii_whitespace) {
                    i += 1;
                }
                continue;
            }
            Some(&c) => out.push(c),
            None => {}
        }
        i += 2;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The imports written as items (`use`, `mod`, `extern crate`).
    fn imports(src: &str) -> Vec<(String, ImportKind)> {
        extract(src.as_bytes())
            .imports
            .into_iter()
            .filter(|i| i.kind != ImportKind::Qualified)
            .map(|i| (i.spec, i.kind))
            .collect()
    }

    fn specs(src: &str) -> Vec<String> {
        imports(src).into_iter().map(|(spec, _)| spec).collect()
    }

    /// The paths used in code without `use`.
    fn qualified(src: &str) -> Vec<String> {
        extract(src.as_bytes())
            .imports
            .into_iter()
            .filter(|i| i.kind == ImportKind::Qualified)
            .map(|i| i.spec)
            .collect()
    }

    fn defs(src: &str) -> Vec<(String, DefKind, Visibility, u32, u32)> {
        extract(src.as_bytes())
            .definitions
            .into_iter()
            .map(|d| (d.name, d.kind, d.visibility, d.start_line, d.end_line))
            .collect()
    }

    #[test]
    fn use_tree_leaves() {
        assert_eq!(
            specs("use a::{b, c::{d as e, self}, *};"),
            ["a::b", "a::c::d", "a::c", "a::*"]
        );
        assert_eq!(specs("use crate::a::b::c;"), ["crate::a::b::c"]);
        assert_eq!(
            specs("use super::x; use self::y::z;"),
            ["super::x", "self::y::z"]
        );
        assert_eq!(specs("use ::std::fmt;"), ["::std::fmt"]);
        assert_eq!(specs("use other_crate::y as _;"), ["other_crate::y"]);
        assert_eq!(specs("use crate::a::*;"), ["crate::a::*"]);
        assert_eq!(specs("use {a::b, c};"), ["a::b", "c"]);
        assert_eq!(specs("use a::{};"), Vec::<String>::new());
        assert_eq!(
            specs("use crate::{a::{b::{c, d}, e}, f};"),
            [
                "crate::a::b::c",
                "crate::a::b::d",
                "crate::a::e",
                "crate::f"
            ]
        );
        assert_eq!(specs("use r#async::r#type;"), ["async::type"]);
    }

    #[test]
    fn nested_groups_with_self() {
        assert_eq!(
            specs("use crate::a::{self, b::{self, C}};"),
            ["crate::a", "crate::a::b", "crate::a::b::C"]
        );
        assert_eq!(specs("use crate::{self as root};"), ["crate"]);
        assert_eq!(specs("use crate as root;"), ["crate"]);
        assert_eq!(specs("use other::{self as other_root};"), ["other"]);
    }

    #[test]
    fn kinds_of_use() {
        assert_eq!(imports("use a::b;"), [("a::b".into(), ImportKind::Static)]);
        assert_eq!(
            imports("pub use a::b;"),
            [("a::b".into(), ImportKind::ReExport)]
        );
        assert_eq!(
            imports("pub(crate) use a::{b, c};"),
            [
                ("a::b".into(), ImportKind::ReExport),
                ("a::c".into(), ImportKind::ReExport)
            ]
        );
        assert_eq!(
            imports("pub(in crate::x) use a::b;"),
            [("a::b".into(), ImportKind::ReExport)]
        );
        assert_eq!(
            imports("#[cfg(test)] pub(super) use a::b;"),
            [("a::b".into(), ImportKind::ReExport)]
        );
    }

    #[test]
    fn pub_use_re_export_of_child_module() {
        // `writer` is declared here: the bare path is this file's child module.
        let src = "pub mod writer;\npub use writer::{check, enrich};\npub use self::api::Thing;";
        assert_eq!(
            imports(src),
            [
                ("writer".into(), ImportKind::Mod),
                ("self::writer::check".into(), ImportKind::ReExport),
                ("self::writer::enrich".into(), ImportKind::ReExport),
                ("self::api::Thing".into(), ImportKind::ReExport),
            ]
        );
    }

    #[test]
    fn mod_items() {
        let f = extract(b"mod a;\npub mod b;\nmod c { mod d; mod e { pub(crate) mod f; } }\n");
        let got: Vec<_> = f
            .imports
            .iter()
            .map(|i| (i.spec.as_str(), i.kind, i.line))
            .collect();
        assert_eq!(
            got,
            [
                ("a", ImportKind::Mod, 1),
                ("b", ImportKind::Mod, 2),
                ("c::d", ImportKind::Mod, 3),
                ("c::e::f", ImportKind::Mod, 3)
            ]
        );
    }

    #[test]
    fn path_attribute_mod() {
        let f = extract(b"#[path = \"impls/real.rs\"]\n#[cfg(unix)]\npub mod sys;\nmod plain;\n");
        assert_eq!(f.imports.len(), 2);
        assert_eq!(f.imports[0].spec, "sys");
        assert_eq!(f.imports[0].names, ["impls/real.rs"]);
        assert_eq!(f.imports[0].line, 3);
        assert!(f.imports[1].names.is_empty());
        let raw = extract(br##"#[path = r#"a\b.rs"#] mod x; #[path = "c\\d.rs"] mod y;"##);
        assert_eq!(raw.imports[0].names, [r"a\b.rs"]);
        assert_eq!(raw.imports[1].names, [r"c\d.rs"]);
        // `#[path]` on something else is forgotten.
        let other = extract(b"#[path = \"x.rs\"] fn f() {}\nmod z;");
        assert!(other.imports[0].names.is_empty());
    }

    #[test]
    fn extern_crate() {
        assert_eq!(
            imports("extern crate serde;"),
            [("serde".into(), ImportKind::ExternCrate)]
        );
        assert_eq!(
            imports("extern crate foo as bar;\nuse bar::x;"),
            [
                ("foo".into(), ImportKind::ExternCrate),
                ("foo::x".into(), ImportKind::Static)
            ]
        );
        assert_eq!(
            specs("extern crate self as me;\nuse me::x;"),
            ["self", "crate::x"]
        );
        assert_eq!(
            specs("extern \"C\" { fn puts(); }\nextern fn g() {}"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn inline_module_paths_are_relative_to_the_file() {
        let src = "
            fn f() {}
            #[cfg(test)]
            mod tests {
                use super::*;
                use super::f;
                use self::helper::h;
                mod helper { pub fn h() {} }
                mod deeper {
                    use super::super::x;
                    use super::y;
                    use self::z;
                    use super::super::super::up;
                    use crate::q;
                }
            }
            use super::top;
        ";
        assert_eq!(
            specs(src),
            [
                "self::*",
                "self::f",
                "self::tests::helper::h",
                "self::x",
                "self::tests::y",
                "self::tests::deeper::z",
                "super::up",
                "crate::q",
                "super::top"
            ]
        );
    }

    #[test]
    fn bare_names_of_the_scope() {
        let src = "
            mod foo;
            use foo::Bar;
            use crate::a::b;
            use b::C;
            use crate::x::y as z;
            use z::W;
            enum Color { Red }
            use Color::*;
            use unknown::Thing;
            fn f() { struct log; }
            use log::info;
            mod inner {
                mod m {}
                use m::X;
                use foo::Y;
            }
        ";
        assert_eq!(
            specs(src),
            [
                "foo",
                "self::foo::Bar",
                "crate::a::b",
                "crate::a::b::C",
                "crate::x::y",
                "crate::x::y::W",
                "self::Color::*",
                "unknown::Thing",
                "log::info",
                "self::inner::m::X",
                "foo::Y"
            ]
        );
        // A chain and a cycle end.
        assert_eq!(
            specs("use a::b as c; use c::d as e; use e::f;"),
            ["a::b", "a::b::d", "a::b::d::f"]
        );
        let cycle = specs("use a::x as b; use b::y as a;");
        assert_eq!(cycle.len(), 2);
    }

    #[test]
    fn traps_never_import() {
        let src = r###"
            // use crate::line;
            /* use crate::block; /* nested */ use crate::still_block; */
            /// use crate::doc;
            //! use crate::inner_doc;
            /** use crate::block_doc; */
            const A: &str = "use crate::string; \" use crate::escaped;";
            const B: &str = r#"use crate::raw; "# ;
            const C: &str = r##"use crate::raw2; "# use crate::still; "##;
            const D: &[u8] = b"use crate::bytes;";
            const E: &[u8] = br#"use crate::raw_bytes;"#;
            const F: char = '"';
            const G: &str = "mod legacy;";
            /*
            use crate::x::y;
            mod legacy_y;
            */
            fn f<'a>(x: &'a str) -> char { let _ = x; '\'' }
            use crate::real;
        "###;
        assert_eq!(specs(src), ["crate::real"]);
    }

    #[test]
    fn raw_strings_and_comments_holding_use() {
        let src =
            "const S: &str = r#\"\nuse crate::x;\n\"#;\n/* /* */ use crate::y; */\nuse crate::z;\n";
        assert_eq!(specs(src), ["crate::z"]);
    }

    #[test]
    fn lifetime_next_to_a_quote_char() {
        let src = "fn f<'a>(s: &'a str) -> char { if s.is_empty() { '\"' } else { 'a' } }\n\
                   struct S<'a>(&'a str);\nuse crate::after;\n";
        assert_eq!(specs(src), ["crate::after"]);
        let d = defs(src);
        assert_eq!(
            d[0],
            ("f".into(), DefKind::Function, Visibility::Private, 1, 1)
        );
        assert_eq!(
            d[1],
            ("S".into(), DefKind::Struct, Visibility::Private, 2, 2)
        );
    }

    #[test]
    fn bom_and_crlf() {
        let f = extract(b"\xEF\xBB\xBFuse crate::a;\r\nuse crate::b;\r\n\r\npub fn g() {\r\n}\r\n");
        let got: Vec<_> = f
            .imports
            .iter()
            .map(|i| (i.spec.as_str(), i.line, i.column))
            .collect();
        assert_eq!(got, [("crate::a", 1, 5), ("crate::b", 2, 5)]);
        assert_eq!(f.definitions[0].start_line, 4);
        assert_eq!(f.definitions[0].end_line, 5);
    }

    #[test]
    fn invalid_utf8() {
        let f = extract(
            b"use crate::\xff\xfe;\nuse crate::ok;\nfn caf\xc3\xa9() {}\nfn bad\xff() {}\n",
        );
        let specs: Vec<_> = f.imports.iter().map(|i| i.spec.as_str()).collect();
        assert_eq!(specs, ["crate::\u{fffd}\u{fffd}", "crate::ok"]);
        assert_eq!(f.definitions[0].name, "café");
        assert_eq!(f.definitions[1].name, "bad\u{fffd}");
    }

    #[test]
    fn positions() {
        let f = extract(b"use crate::{\n    a::b,\n    c,\n};\n  mod m;\nextern crate k;");
        let got: Vec<_> = f
            .imports
            .iter()
            .map(|i| (i.spec.as_str(), i.line, i.column))
            .collect();
        assert_eq!(
            got,
            [
                ("crate::a::b", 2, 5),
                ("crate::c", 3, 5),
                ("m", 5, 7),
                ("k", 6, 14)
            ]
        );
    }

    #[test]
    fn not_imports() {
        // Precise capturing, `use` as a field-like word.
        let src = "
            fn f() -> impl Sized + use<'a> { let x = 1; }
            fn g() { let r#use = 1; x.r#use; }
            struct S { used: u8 }
        ";
        assert!(specs(src).is_empty());
    }

    #[test]
    fn qualified_paths_in_code() {
        let src = "
            fn f(t: other::Type) -> other::Type {
                other_crate::g(); other_crate::g(); let x = y::z::w;
                let a = Vec::<u8>::new(); let b = u32::MAX; let c = std::mem::take(&mut v);
                self::h(); super::h(); crate::h(); x.iter::<u8>(); a::b::c::d();
                let s = \"fake::path\"; // also::not
                m::<u8>();
            }
        ";
        assert_eq!(qualified(src), ["other", "other_crate", "y::z", "a::b::c"]);
        // A type's associated items and a crate-root function.
        assert_eq!(
            qualified("fn f() { engine::Job::new(); strata::discover(x); }"),
            ["engine", "strata"]
        );
        // Inside `use` items and attributes' paths written apart: not qualified paths.
        assert!(
            qualified("use ::std::fmt;\nuse other::{a, b::c};\npub(in crate::x) fn f() {}")
                .is_empty()
        );
        // Macro paths name their crate.
        assert_eq!(
            qualified("fn f() { log::debug!(\"x\"); a::b::m!(); }"),
            ["log", "a::b"]
        );
    }

    #[test]
    fn use_inside_function_bodies_counts() {
        assert_eq!(
            specs("fn f() { use crate::a; { use crate::b; } let c = || { use crate::c; }; }"),
            ["crate::a", "crate::b", "crate::c"]
        );
    }

    #[test]
    fn macros() {
        let src = r"
            macro_rules! m { ($x:ident) => { use $crate::a; use crate::b; fn $x() {} mod q; }; }
            macro_rules! n ( () => { use crate::c; } );
            fn gen() -> TokenStream { quote! { use crate::d; fn e() {} } }
            fn gen2() -> TokenStream { quote::quote_spanned!(span=> use crate::e;) }
            cfg_if::cfg_if! {
                if #[cfg(unix)] { mod unix; pub use self::unix::*; } else { mod other; }
            }
            cfg_rt! { pub(crate) mod blocking; }
            pub macro mac($x:expr) { use crate::f; }
            use crate::real;
        ";
        assert_eq!(
            specs(src),
            ["unix", "self::unix::*", "other", "blocking", "crate::real"]
        );
        let names: Vec<_> = defs(src).into_iter().map(|d| d.0).collect();
        assert_eq!(names, ["gen", "gen2"]);
    }

    #[test]
    fn definitions_and_spans() {
        let src = "\
/// Doc.
#[derive(Debug)]
pub struct A {
    pub x: fn(u8) -> u8,
}
pub(crate) struct T(pub u8, [u8; 3]);
struct U;
pub enum E<T> where T: Copy {
    V { a: T },
}
pub trait Tr: Sized {
    type Item;
    fn req(&self) -> u8;
    fn prov(&self) -> u8 { 1 }
}
trait Hidden { fn h(); }
pub type Alias<T> = Vec<T>;
impl<T: Into<u8>> Tr for Wrap<T> where T: Fn() -> u8 {
    type Item = u8;
    pub const fn new() -> Self { Self }
    fn req(&self) -> u8 {
        fn nested() {}
        2
    }
}
#[inline]
pub async unsafe fn a<const N: usize>(x: [u8; N]) -> impl Iterator<Item = u8> {
    todo!()
}
pub unsafe extern \"C\" fn c_abi() {}
extern \"C\" {
    fn foreign(x: i32) -> i32;
}
union Un { a: u8 }
fn f2() -> u8 { let union = 1; union }
";
        let d = defs(src);
        let want: Vec<(String, DefKind, Visibility, u32, u32)> = vec![
            ("A".into(), DefKind::Struct, Visibility::Public, 3, 5),
            ("T".into(), DefKind::Struct, Visibility::Private, 6, 6),
            ("U".into(), DefKind::Struct, Visibility::Private, 7, 7),
            ("E".into(), DefKind::Enum, Visibility::Public, 8, 10),
            ("Tr".into(), DefKind::Trait, Visibility::Public, 11, 15),
            ("req".into(), DefKind::Method, Visibility::Public, 13, 13),
            ("prov".into(), DefKind::Method, Visibility::Public, 14, 14),
            ("Hidden".into(), DefKind::Trait, Visibility::Private, 16, 16),
            ("h".into(), DefKind::Method, Visibility::Private, 16, 16),
            (
                "Alias".into(),
                DefKind::TypeAlias,
                Visibility::Public,
                17,
                17,
            ),
            ("new".into(), DefKind::Method, Visibility::Public, 20, 20),
            ("req".into(), DefKind::Method, Visibility::Private, 21, 24),
            (
                "nested".into(),
                DefKind::Function,
                Visibility::Private,
                22,
                22,
            ),
            ("a".into(), DefKind::Function, Visibility::Public, 27, 29),
            (
                "c_abi".into(),
                DefKind::Function,
                Visibility::Public,
                30,
                30,
            ),
            (
                "foreign".into(),
                DefKind::Function,
                Visibility::Private,
                32,
                32,
            ),
            ("Un".into(), DefKind::Struct, Visibility::Private, 34, 34),
            ("f2".into(), DefKind::Function, Visibility::Private, 35, 35),
        ];
        assert_eq!(d, want);
    }

    #[test]
    fn constants_and_statics() {
        let src = "\
pub const MAX: usize = 8;
pub(crate) const LIMIT: u32 =
    1 << 4;
static mut COUNTER: u32 = 0;
pub static TABLE: [u8; 3] = [0; 3];
const _: () = ();
static S: Shape = Shape {
    a: 1,
}
.scaled(2);
impl Shape {
    pub const UNIT: Shape = Shape { a: 1 };
    const fn new() -> Self { Self { a: 0 } }
}
pub trait Limits {
    const LOW: u8;
    const HIGH: u8 = 9;
}
fn f() -> &'static str {
    const LOCAL: u8 = 1;
    static INNER: u8 = 2;
    let s = \"const FAKE: u8 = 1;\";
    s
}
// const IN_COMMENT: u8 = 1;
/* static IN_BLOCK: u8 = 2; */
const BLOCK: u8 = {
    const HIDDEN: u8 = 3;
    HIDDEN
};
mod inner {
    pub static NAME: &str = \"static X: u8 = 0;\";
}
lazy_static! {
    static ref RE: Regex = Regex::new(\"a\").unwrap();
}
unsafe extern \"C\" {
    pub safe static errno: i32;
}
const unsafe fn g() {}
";
        let d = defs(src);
        let c = |name: &str, vis, s, e| (name.to_owned(), DefKind::Const, vis, s, e);
        let want: Vec<(String, DefKind, Visibility, u32, u32)> = vec![
            c("MAX", Visibility::Public, 1, 1),
            c("LIMIT", Visibility::Private, 2, 3),
            c("COUNTER", Visibility::Private, 4, 4),
            c("TABLE", Visibility::Public, 5, 5),
            c("S", Visibility::Private, 7, 10),
            c("UNIT", Visibility::Public, 12, 12),
            ("new".into(), DefKind::Method, Visibility::Private, 13, 13),
            ("Limits".into(), DefKind::Trait, Visibility::Public, 15, 18),
            c("LOW", Visibility::Public, 16, 16),
            c("HIGH", Visibility::Public, 17, 17),
            ("f".into(), DefKind::Function, Visibility::Private, 19, 24),
            c("BLOCK", Visibility::Private, 27, 30),
            c("NAME", Visibility::Public, 32, 32),
            c("RE", Visibility::Private, 35, 35),
            c("errno", Visibility::Public, 38, 38),
            ("g".into(), DefKind::Function, Visibility::Private, 40, 40),
        ];
        assert_eq!(d, want);
        // `static` and `const` that are not items.
        let d = defs("fn h() { let c = static || 1; let k = const { 2 }; }\nstatic mut\n");
        assert_eq!(d.len(), 1);
        // Truncated: the item runs to the end.
        assert_eq!(
            defs("const X: u8 =\n  1"),
            [("X".into(), DefKind::Const, Visibility::Private, 1, 2)]
        );
    }

    #[test]
    fn definitions_with_generic_braces_and_multiline_signatures() {
        let src = "\
fn f<const N: usize = { 1 }>(
    a: u8,
) -> u8
where
    u8: Copy,
{
    a
}
impl Foo<{ N + 1 }> for Bar {
    fn m() {}
}
";
        let d = defs(src);
        assert_eq!(
            d[0],
            ("f".into(), DefKind::Function, Visibility::Private, 1, 8)
        );
        assert_eq!(
            d[1],
            ("m".into(), DefKind::Method, Visibility::Private, 10, 10)
        );
    }

    #[test]
    fn truncated_input() {
        assert!(specs("use crate::a").is_empty());
        // Leaves complete before the input ends are kept.
        assert_eq!(specs("use crate::{a, b"), ["crate::a"]);
        let d = defs("fn f() {\n  let x = 1;\n");
        assert_eq!(
            d,
            [("f".into(), DefKind::Function, Visibility::Private, 1, 3)]
        );
        let d = defs("struct S");
        assert_eq!(d[0].3, 1);
        // Stray closers and openers are survived.
        assert_eq!(
            specs("} ) ] ; use crate::a; {{{ use crate::b;"),
            ["crate::a", "crate::b"]
        );
    }

    #[test]
    fn malformed_use_trees_leave_the_rest_readable() {
        assert_eq!(specs("use a::{b, c};} use d::e;"), ["a::b", "a::c", "d::e"]);
        assert_eq!(specs("use a::b = 3; fn f() {} use c::d;"), ["c::d"]);
        let deep = format!("use a::{}b{};use c::d;", "{".repeat(100), "}".repeat(100));
        let got = specs(&deep);
        assert_eq!(got.last().map(String::as_str), Some("c::d"));
        let long = format!("use {}z;", "a::".repeat(200));
        assert!(specs(&long).is_empty());
    }

    #[test]
    fn never_panics_on_noise() {
        // A deterministic xorshift stream over fragments that open and close every construct.
        let fragments: [&[u8]; 35] = [
            b"use ",
            b"mod ",
            b"fn ",
            b"pub ",
            b"(crate) ",
            b"a",
            b"::",
            b"{",
            b"}",
            b"(",
            b")",
            b"[",
            b"]",
            b";",
            b"'",
            b"\"",
            b"\\",
            b"r#",
            b"#",
            b"/*",
            b"*/",
            b"//",
            b"\n",
            b"b'",
            b"impl ",
            b"<",
            b">",
            b"!",
            b" as ",
            b"\xff",
            b"\xef\xbb\xbf",
            b"macro_rules",
            b"const ",
            b"static mut ",
            b": ",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut buf = Vec::new();
        for _ in 0..3000 {
            buf.clear();
            for _ in 0..40 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let k = usize::try_from(state % 35).unwrap();
                buf.extend_from_slice(fragments[k]);
            }
            let f = extract(&buf);
            for d in &f.definitions {
                assert!(d.start_line >= 1 && d.end_line >= d.start_line, "{buf:?}");
            }
            for i in &f.imports {
                assert!(i.line >= 1 && i.column >= 1);
            }
        }
        for src in [
            &b""[..],
            b"\xEF\xBB\xBF",
            b"#!",
            b"#![",
            b"#[path =",
            b"'",
            b"use",
            b"mod",
            b"pub(",
            b"\0\0",
        ] {
            extract(src);
        }
    }
}
