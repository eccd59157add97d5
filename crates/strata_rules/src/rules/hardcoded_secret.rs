//! A key, token or password written into source code.
//!
//! ## What it does
//! Scans every source file for credentials: private keys (`-----BEGIN … PRIVATE KEY-----`),
//! cloud and service tokens by their documented shapes (AWS access key ids, GitHub, GitLab,
//! Slack, Stripe live, Google API, npm, `OpenAI` and Anthropic keys), and high-entropy string
//! values assigned to secret-like names (`password`, `secret`, `token`, `api_key`,
//! `client_secret`, …). Placeholders are not findings: values containing `example`,
//! `changeme`, `your`, `dummy`, `xxx`, template markers (`${`, `{{`, `<`), prose with spaces,
//! UUIDs, and values of low entropy. The secret itself is never printed: findings show its
//! kind and first characters only.
//!
//! ## Why
//! A credential in a repository is a credential published to everyone who can read it, now
//! and in every clone and fork, forever: removing the line does not remove it from history.
//!
//! ## Example
//! ```python
//! STRIPE_KEY = "sk_live_…"       # a live key in code
//! db_password = "…"              # a random-looking password
//! ```
//!
//! ## How to fix
//! Revoke the credential first (it is compromised), then read it from the environment or a
//! secret manager at run time. Use obvious placeholders (`"changeme"`) in examples and tests.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use strata_diagnostics::{Diagnostic, Level};

use crate::{Context, FileContext, Phase, Rule};

pub struct HardcodedSecret;

const ID: &str = "hardcoded-secret";

/// A credential found in a file: where, of what kind, and a redacted hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHit {
    pub offset: usize,
    pub len: usize,
    pub kind: &'static str,
    pub hint: String,
}

/// Token shapes: prefix, kind, allowed body bytes, minimum and maximum body length.
struct Shape {
    prefix: &'static str,
    kind: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    max: usize,
}

fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}
fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn alnum_dash_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}
fn alnum_underscore(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}
fn alnum_dash(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

const SHAPES: &[Shape] = &[
    Shape {
        prefix: "AKIA",
        kind: "AWS access key id",
        body: upper_digit,
        min: 16,
        max: 16,
    },
    Shape {
        prefix: "ASIA",
        kind: "AWS access key id",
        body: upper_digit,
        min: 16,
        max: 16,
    },
    Shape {
        prefix: "ghp_",
        kind: "GitHub token",
        body: alnum,
        min: 36,
        max: 255,
    },
    Shape {
        prefix: "gho_",
        kind: "GitHub token",
        body: alnum,
        min: 36,
        max: 255,
    },
    Shape {
        prefix: "ghu_",
        kind: "GitHub token",
        body: alnum,
        min: 36,
        max: 255,
    },
    Shape {
        prefix: "ghs_",
        kind: "GitHub token",
        body: alnum,
        min: 36,
        max: 255,
    },
    Shape {
        prefix: "ghr_",
        kind: "GitHub token",
        body: alnum,
        min: 36,
        max: 255,
    },
    Shape {
        prefix: "github_pat_",
        kind: "GitHub token",
        body: alnum_underscore,
        min: 60,
        max: 255,
    },
    Shape {
        prefix: "glpat-",
        kind: "GitLab token",
        body: alnum_dash_underscore,
        min: 20,
        max: 64,
    },
    Shape {
        prefix: "xoxb-",
        kind: "Slack token",
        body: alnum_dash,
        min: 20,
        max: 255,
    },
    Shape {
        prefix: "xoxp-",
        kind: "Slack token",
        body: alnum_dash,
        min: 20,
        max: 255,
    },
    Shape {
        prefix: "xoxa-",
        kind: "Slack token",
        body: alnum_dash,
        min: 20,
        max: 255,
    },
    Shape {
        prefix: "sk_live_",
        kind: "Stripe live key",
        body: alnum,
        min: 20,
        max: 255,
    },
    Shape {
        prefix: "rk_live_",
        kind: "Stripe live key",
        body: alnum,
        min: 20,
        max: 255,
    },
    Shape {
        prefix: "AIza",
        kind: "Google API key",
        body: alnum_dash_underscore,
        min: 35,
        max: 35,
    },
    Shape {
        prefix: "npm_",
        kind: "npm token",
        body: alnum,
        min: 36,
        max: 36,
    },
    Shape {
        prefix: "sk-proj-",
        kind: "OpenAI key",
        body: alnum_dash_underscore,
        min: 40,
        max: 255,
    },
    Shape {
        prefix: "sk-ant-",
        kind: "Anthropic key",
        body: alnum_dash_underscore,
        min: 40,
        max: 255,
    },
];

/// Names whose string values are credentials (matched case-insensitively inside identifiers).
const NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "private_key",
    "client_secret",
    "auth_key",
];

const PRIVATE_KEY: &str = "-----BEGIN ";

/// One automaton for every prefix and name, built once. `None` cannot happen for these fixed
/// literals, but is handled (no findings) rather than unwrapped.
fn automaton() -> Option<&'static (AhoCorasick, usize)> {
    static AC: OnceLock<Option<(AhoCorasick, usize)>> = OnceLock::new();
    AC.get_or_init(|| {
        // Searched in a lowercased copy of the text: a case-sensitive automaton keeps its fast
        // SIMD prefilter, which case-insensitive matching loses (profiled: the search was a
        // fifth of a cold scan).
        let mut patterns: Vec<String> = SHAPES
            .iter()
            .map(|s| s.prefix.to_ascii_lowercase())
            .collect();
        let names_at = patterns.len();
        patterns.extend(NAMES.iter().map(|n| n.to_ascii_lowercase()));
        patterns.push(PRIVATE_KEY.to_ascii_lowercase());
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        Some((ac, names_at))
    })
    .as_ref()
}

/// Every credential in `text`.
pub fn find_secrets(text: &[u8]) -> Vec<SecretHit> {
    let mut hits = Vec::new();
    let Some((ac, names_at)) = automaton() else {
        return hits;
    };
    let lower = text.to_ascii_lowercase();
    for m in ac.find_iter(&lower) {
        let i = m.pattern().as_usize();
        let (start, end) = (m.start(), m.end());
        if i < *names_at {
            let shape = &SHAPES[i];
            // Case matters for token prefixes; the automaton matched case-insensitively.
            if text.get(start..end) != Some(shape.prefix.as_bytes()) {
                continue;
            }
            if start > 0 && text.get(start - 1).is_some_and(|&b| alnum_underscore(b)) {
                continue;
            }
            let body = text
                .get(end..)
                .unwrap_or_default()
                .iter()
                .take_while(|&&b| (shape.body)(b))
                .count();
            if body < shape.min || body > shape.max {
                continue;
            }
            let token = &text[start..end + body];
            if contains_ci(token, b"example") || contains_ci(token, b"xxxxxxxx") {
                continue;
            }
            hits.push(SecretHit {
                offset: start,
                len: token.len(),
                kind: shape.kind,
                hint: redact(token),
            });
        } else if i == names_at + NAMES.len() {
            if let Some(kind) = private_key_at(text, end) {
                hits.push(SecretHit {
                    offset: start,
                    len: end - start,
                    kind,
                    hint: "-----BEGIN …".into(),
                });
            }
        } else if let Some((offset, value)) = assigned_value(text, end) {
            if looks_secret(value) {
                hits.push(SecretHit {
                    offset,
                    len: value.len(),
                    kind: "secret-like value",
                    hint: redact(value),
                });
            }
        }
    }
    // A known token assigned to a secret-like name is one finding, of the token's kind.
    let known: Vec<usize> = hits
        .iter()
        .filter(|h| h.kind != "secret-like value")
        .map(|h| h.offset)
        .collect();
    hits.retain(|h| {
        h.kind != "secret-like value"
            || !known.iter().any(|&o| o >= h.offset && o < h.offset + h.len)
    });
    hits
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn redact(token: &[u8]) -> String {
    let shown: String = token.iter().take(4).map(|&b| b as char).collect();
    format!("{shown}…")
}

/// After `-----BEGIN `: `[WORD ]*PRIVATE KEY-----` within one line.
fn private_key_at(text: &[u8], from: usize) -> Option<&'static str> {
    let rest = text.get(from..(from + 48).min(text.len()))?;
    let line = rest.split(|&b| b == b'\n').next()?;
    let pos = line.windows(16).position(|w| w == b"PRIVATE KEY-----")?;
    line[..pos]
        .iter()
        .all(|&b| b.is_ascii_uppercase() || b == b' ')
        .then_some("private key")
}

/// For a secret-like name matched inside an identifier and ending at `end`, the string literal
/// assigned to it: `name = "v"`, `name: 'v'`, `"name": "v"`, `name := "v"`, `name => "v"`.
fn assigned_value(text: &[u8], end: usize) -> Option<(usize, &[u8])> {
    // `tokens`, `tokenize`, `secretary`, `passwordless`: the word goes on, it is not the name.
    if text.get(end).is_some_and(u8::is_ascii_lowercase) {
        return None;
    }
    let mut i = end;
    while text
        .get(i)
        .is_some_and(|&b| alnum_underscore(b) || b == b'-')
    {
        i += 1;
    }
    let skip_ws = |mut j: usize| {
        while text.get(j).is_some_and(|&b| b == b' ' || b == b'\t') {
            j += 1;
        }
        j
    };
    let mut j = i;
    if matches!(text.get(j), Some(b'"' | b'\'')) {
        j += 1; // the closing quote of a quoted key
    }
    j = skip_ws(j);
    match (text.get(j), text.get(j + 1)) {
        (Some(b':'), Some(b'=')) | (Some(b'='), Some(b'>')) => j += 2,
        (Some(b'='), Some(b'=')) => return None, // a comparison, not an assignment
        (Some(b'=' | b':'), _) => j += 1,
        _ => return None,
    }
    j = skip_ws(j);
    let quote = *text.get(j)?;
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return None;
    }
    let value_start = j + 1;
    let len = text
        .get(value_start..)?
        .iter()
        .take(256)
        .position(|&b| b == quote || b == b'\n')?;
    if text.get(value_start + len) != Some(&quote) {
        return None;
    }
    Some((value_start, &text[value_start..value_start + len]))
}

fn looks_secret(value: &[u8]) -> bool {
    if value.len() < 12 || value.len() > 200 {
        return false;
    }
    if value.iter().any(|&b| b <= b' ' || b >= 0x7f) {
        return false;
    }
    for marker in [
        &b"example"[..],
        b"changeme",
        b"your",
        b"dummy",
        b"xxx",
        b"placeholder",
        b"redacted",
        b"${",
        b"{{",
        b"<",
        b"%s",
        b"***",
        b"test",
        b"fake",
        b"sample",
    ] {
        if contains_ci(value, marker) {
            return false;
        }
    }
    if is_uuid(value) || is_identifier_like(value) {
        return false;
    }
    let classes = [
        value.iter().any(u8::is_ascii_lowercase),
        value.iter().any(u8::is_ascii_uppercase),
        value.iter().any(u8::is_ascii_digit),
        value.iter().any(u8::is_ascii_punctuation),
    ];
    classes.iter().filter(|&&c| c).count() >= 2 && entropy(value) >= 3.0
}

/// Words of one case joined by `_ - . : /`, without digits: a name, key or label
/// (`"_password_reset_token"`, `"set-password"`, `"django-insecure-"`), not a secret.
fn is_identifier_like(v: &[u8]) -> bool {
    let separator = |b: &u8| matches!(b, b'_' | b'-' | b'.' | b':' | b'/');
    v.iter().all(|b| b.is_ascii_alphabetic() || separator(b))
        && (!v.iter().any(u8::is_ascii_uppercase) || !v.iter().any(u8::is_ascii_lowercase))
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, &b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// Shannon entropy in bits per byte.
#[allow(clippy::cast_precision_loss)]
fn entropy(v: &[u8]) -> f64 {
    let mut counts = [0usize; 256];
    for &b in v {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

impl Rule for HardcodedSecret {
    fn id(&self) -> &'static str {
        ID
    }
    fn default_level(&self) -> Level {
        Level::Error
    }
    fn phase(&self) -> Phase {
        Phase::File
    }
    fn source(&self) -> &'static str {
        include_str!("hardcoded_secret.rs")
    }
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_file(&self, cx: &FileContext<'_>, out: &mut Vec<Diagnostic>) {
        for hit in find_secrets(cx.bytes) {
            let (line, column) = super::position(cx.bytes, hit.offset);
            out.push(
                Diagnostic::new(
                    ID,
                    format!("possible {} in source (`{}`)", hit.kind, hit.hint),
                )
                .module(cx.module)
                .at(cx.path, line, column)
                .target(hit.kind)
                .sensitive()
                .help(
                    "revoke it, then load it from the environment or a secret manager at run time",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::find_secrets;

    /// Test secrets are assembled at run time so that this file itself holds none.
    fn join(parts: &[&str]) -> String {
        parts.concat()
    }

    fn kinds(text: &str) -> Vec<&'static str> {
        find_secrets(text.as_bytes())
            .into_iter()
            .map(|h| h.kind)
            .collect()
    }

    #[test]
    fn true_secrets_are_found() {
        let cases = [
            (
                join(&["key = \"", "AKIA", "Q3EGRT7HXW2ZMV5N", "\""]),
                "AWS access key id",
            ),
            (
                join(&["t = '", "ghp_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", "'"]),
                "GitHub token",
            ),
            (
                join(&[
                    "SLACK = \"",
                    "xoxb-",
                    "2462728383-1038274623-aZ9kLm3PqR",
                    "\"",
                ]),
                "Slack token",
            ),
            (
                join(&[
                    "stripe.api_key = \"",
                    "sk_live_",
                    "4eC39HqLyjWDarjtT1zdp7dc",
                    "\"",
                ]),
                "Stripe live key",
            ),
            (
                join(&[
                    "const k = \"",
                    "AIza",
                    "SyD7k2mQ9xP4vR8tL3nB6wJ1cF5hG0aZ2sE",
                    "\";",
                ]),
                "Google API key",
            ),
            (
                join(&["-----BEGIN ", "RSA PRIVATE KEY-----\nMIIEow…"]),
                "private key",
            ),
            (
                join(&["-----BEGIN ", "OPENSSH PRIVATE KEY-----"]),
                "private key",
            ),
            (
                join(&["db_password = \"", "q8#Lw2!vZ0pR7@mt", "\""]),
                "secret-like value",
            ),
            (
                // Words and separators, but with digits: not a name.
                join(&["client_secret = \"", "k3y-f0r-pr0d-db9", "\""]),
                "secret-like value",
            ),
            (
                join(&["SESSION_SECRET = \"", "hQ7-mZpLw_xRt2.Kv", "\""]),
                "secret-like value",
            ),
            (
                join(&["\"client_secret\": \"", "Zk3v9QpL2mW8xR4t", "\""]),
                "secret-like value",
            ),
            (
                join(&["authToken := `", "hG7kP2qW9zX4vB8n", "`"]),
                "secret-like value",
            ),
        ];
        for (text, kind) in &cases {
            assert_eq!(kinds(text), [*kind], "{text}");
        }
    }

    #[test]
    fn look_alikes_are_not_secrets() {
        let cases = [
            // Hashes and ids assigned to ordinary names.
            "checksum = \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"",
            "id = \"123e4567-e89b-12d3-a456-426614174000\"",
            "token = \"123e4567-e89b-12d3-a456-426614174000\"",
            // The documented example key and placeholders.
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
            "password = \"changeme\"",
            "api_key = \"your-api-key-here\"",
            "secret = \"${SECRET_FROM_ENV}\"",
            "password = \"Enter your password\"",
            "token = \"aaaaaaaaaaaaaaaa\"",
            // Names, keys and labels assigned to secret-like names (seen in Django).
            "usable_password_field_name=\"usable_password\",",
            "INTERNAL_RESET_SESSION_TOKEN = \"_password_reset_token\"",
            "reset_url_token = \"set-password\"",
            "SECRET_KEY_INSECURE_PREFIX = \"django-insecure-\"",
            "API_TOKEN_HEADER = \"X-API-TOKEN\"",
            // Not assignments of literals.
            "if password == \"hunter2hunter2\":",
            "password = os.environ[\"DB_PASSWORD\"]",
            "tokens = \"Q8#Lw2!vZ0pR7@mt\"",
            "tokenize(\"Q8#Lw2!vZ0pR7@mt\")",
            // Shapes that are too short or embedded in longer words.
            "xAKIAQ3EGRT7HXW2ZMV5N",
            "ghp_short",
            "-----BEGIN PUBLIC KEY-----",
        ];
        for text in cases {
            assert!(kinds(text).is_empty(), "{text}: {:?}", kinds(text));
        }
    }

    #[test]
    fn positions_point_at_the_secret() {
        let text = join(&["x = 1\n  key = \"", "AKIA", "Q3EGRT7HXW2ZMV5N", "\"\n"]);
        let hits = find_secrets(text.as_bytes());
        assert_eq!(
            super::super::position(text.as_bytes(), hits[0].offset),
            (2, 10)
        );
        assert_eq!(hits[0].hint, "AKIA…");
    }

    #[test]
    fn binary_and_truncated_input_do_not_panic() {
        let mut bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        bytes.extend_from_slice(b"password = \"abc");
        let _ = find_secrets(&bytes);
        let _ = find_secrets(b"-----BEGIN ");
        let _ = find_secrets(b"token=");
    }
}
