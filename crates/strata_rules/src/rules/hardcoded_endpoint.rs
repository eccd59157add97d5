//! A literal URL or `host:port` in code that points at a service of this repository, or at
//! localhost.
//!
//! ## What it does
//! Looks at URLs (`http://`, `https://`, `ws://`, `wss://`, `grpc://`) and bare
//! `localhost:PORT` / `127.0.0.1:PORT` addresses in source files. Reports those whose host is
//! localhost, whose port is one a `module.yaml` declares (`api.port`) for another module, or
//! whose path starts with another module's `api.base_path`. Lines that are comments, test
//! files (`tests/`, `test_*.py`, `*_test.go`, `*.test.ts`, `*.spec.ts`, `src/test/`) and Rust
//! test code (`#[cfg(test)]` modules, `#[test]` functions) are skipped: they document and
//! exercise addresses rather than depend on them.
//!
//! ## Why
//! An address written into code bypasses service discovery and configuration: it works on
//! one laptop, breaks in every other environment, and hides a dependency between services
//! that the module graph cannot see.
//!
//! ## Example
//! ```ts
//! const users = await fetch('http://localhost:3022/api/v1/users');   // user-management
//! ```
//!
//! ## How to fix
//! Read the address from configuration (environment, service discovery), and declare the
//! dependency on the target module in `depends_on`.

use memchr::memmem;
use strata_diagnostics::{Diagnostic, Level};
use strata_lang::rust_test_code;

use crate::{Context, FileContext, Phase, Rule};

pub struct HardcodedEndpoint;

const ID: &str = "hardcoded-endpoint";

/// URL schemes, looked for in front of each `://`; the longer of two that share a start
/// first.
const SCHEMES: &[&[u8]] = &[b"https", b"http", b"wss", b"ws", b"grpc"];
/// Local addresses that need no scheme.
const LOCAL: &[&[u8]] = &[b"localhost:", b"127.0.0.1:"];

/// Where each address may start, ascending: the scheme before every `://` of a known scheme,
/// and every local address. Three substring searches (SIMD) rather than one automaton: `:`
/// and `/` are everywhere in code, so an automaton's prefilter would stop on nearly every
/// line.
fn starts(bytes: &[u8]) -> Vec<usize> {
    let mut out: Vec<usize> = memmem::find_iter(bytes, b"://")
        .filter_map(|at| {
            let before = &bytes[..at];
            SCHEMES
                .iter()
                .find(|s| before.ends_with(s))
                .map(|s| at - s.len())
        })
        .collect();
    for local in LOCAL {
        out.extend(memmem::find_iter(bytes, local));
    }
    out.sort_unstable();
    out
}

/// Whether a path names a test file, whose addresses are fixtures.
pub fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/')
        .any(|seg| matches!(seg, "tests" | "test" | "__tests__" | "testdata" | "e2e"))
        || name.starts_with("test_")
        || name.ends_with("_test.go")
        || name.ends_with("_test.py")
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// Whether the line around `offset` is a comment line.
fn in_comment_line(bytes: &[u8], offset: usize) -> bool {
    let start = bytes
        .get(..offset)
        .and_then(|b| b.iter().rposition(|&c| c == b'\n'))
        .map_or(0, |i| i + 1);
    let line = bytes.get(start..offset).unwrap_or_default();
    let trimmed: &[u8] = line.trim_ascii_start();
    trimmed.starts_with(b"//")
        || trimmed.starts_with(b"#")
        || trimmed.starts_with(b"*")
        || trimmed.starts_with(b"/*")
        || trimmed.starts_with(b"--")
        || trimmed.starts_with(b"<!--")
        || trailing_comment(line)
}

/// A `//`, or a `#` after whitespace, earlier on the line and outside quotes: the address is
/// in a trailing comment.
fn trailing_comment(line: &[u8]) -> bool {
    let mut quote = None;
    let mut prev = 0u8;
    for (i, &b) in line.iter().enumerate() {
        match quote {
            Some(q) if b == q && prev != b'\\' => quote = None,
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if b == b'/' && line.get(i + 1) == Some(&b'/') && prev != b':' => return true,
            None if b == b'#' && (i == 0 || prev == b' ' || prev == b'\t') => return true,
            Some(_) | None => {}
        }
        prev = b;
    }
    false
}

/// An address found in code: where it starts and what it names.
#[derive(Debug, PartialEq, Eq)]
pub struct Address<'a> {
    pub offset: usize,
    pub text: &'a str,
    pub host: &'a str,
    pub port: Option<u16>,
    pub path: &'a str,
}

/// Every URL or `localhost:PORT` address in `bytes` that is not on a comment line.
pub fn addresses(bytes: &[u8]) -> Vec<Address<'_>> {
    let mut out: Vec<Address<'_>> = Vec::new();
    for start in starts(bytes) {
        if out.last().is_some_and(|a| start < a.offset + a.text.len()) {
            continue; // `localhost:` inside a URL already taken
        }
        if start > 0
            && bytes
                .get(start - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
        {
            continue;
        }
        let len = bytes[start..]
            .iter()
            .take(2048)
            .position(|&b| {
                b.is_ascii_whitespace()
                    || matches!(
                        b,
                        b'"' | b'\'' | b'`' | b')' | b'>' | b'<' | b',' | b';' | b'\\'
                    )
            })
            .unwrap_or(bytes.len() - start);
        let Ok(text) = std::str::from_utf8(&bytes[start..start + len]) else {
            continue;
        };
        let rest = text.split_once("://").map_or(text, |(_, r)| r);
        let (authority, path) = rest
            .split_once('/')
            .map_or((rest, ""), |(a, p)| (a, &rest[a.len()..][..=p.len()]));
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                (h, p.parse().ok())
            }
            _ => (authority, None),
        };
        if host.is_empty() || in_comment_line(bytes, start) {
            continue;
        }
        out.push(Address {
            offset: start,
            text,
            host,
            port,
            path,
        });
    }
    out
}

impl Rule for HardcodedEndpoint {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn phase(&self) -> Phase {
        Phase::File
    }
    fn source(&self) -> &'static str {
        include_str!("hardcoded_endpoint.rs")
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_file(&self, cx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        if is_test_file(cx.path) {
            return;
        }
        let addresses = addresses(cx.bytes);
        // Rust keeps unit tests beside the code (`#[cfg(test)] mod tests`, `#[test] fn`).
        let tests = if cx.path.ends_with(".rs") && !addresses.is_empty() {
            rust_test_code(cx.bytes)
        } else {
            Vec::new()
        };
        for a in addresses {
            if tests.iter().any(|t| t.contains(&a.offset)) {
                continue;
            }
            let local = matches!(a.host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]");
            let by_port = a
                .port
                .and_then(|p| cx.endpoints.ports.get(&p))
                .filter(|m| *m != cx.module);
            let by_path = cx
                .endpoints
                .base_paths
                .iter()
                .find(|(base, m)| {
                    m != cx.module
                        && a.path.starts_with(base.as_str())
                        && matches!(
                            a.path.as_bytes().get(base.len()),
                            None | Some(b'/' | b'?' | b'#')
                        )
                })
                .map(|(_, m)| m);
            let target = by_port.or(by_path);
            let what = match (target, local) {
                (Some(m), _) => {
                    format!("`{}` points at `{m}`, a service of this repository", a.text)
                }
                (None, true) => format!("`{}` points at localhost", a.text),
                (None, false) => continue,
            };
            let (line, column) = super::position(cx.bytes, a.offset);
            let mut d = Diagnostic::new(ID, what)
                .module(cx.module)
                .at(cx.path, line, column)
                .help("read the address from configuration or service discovery, and declare the dependency");
            if let Some(m) = target {
                d = d.target(m.as_str());
            }
            out.push(d);
        }
    }
}
