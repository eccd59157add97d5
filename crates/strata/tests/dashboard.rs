//! The web dashboard on a real `strata serve`: `/` and its assets with their content types,
//! cache validators and the strict content security policy, no auth needed, and only relative
//! URLs (so that it works behind a path prefix). `.ci/dashboard-check` drives it in Chromium.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use strata_test::Server;

const BIN: &str = env!("CARGO_BIN_EXE_strata");

/// A GET with extra header lines: the status, the headers (names lower-cased) and the body.
fn get(server: &Server, path: &str, extra: &str) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(&server.addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n{extra}\r\n",
        server.addr
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Quoted strings that start with `/` and a letter: absolute paths.
fn absolute_paths(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    (1..b.len().saturating_sub(1))
        .filter(|&i| {
            matches!(b[i - 1], b'"' | b'\'' | b'`')
                && b[i] == b'/'
                && b[i + 1].is_ascii_alphabetic()
        })
        .map(|i| text[i..].split(['"', '\'', '`']).next().unwrap_or_default())
        .collect()
}

#[test]
fn the_page_and_its_assets_are_served_with_their_types_and_policy() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("registry.db").display());
    let server = Server::start(Path::new(BIN), dir.path(), &["--db", &db], &[]);
    let cases = [
        ("/", "text/html; charset=utf-8", "<main"),
        (
            "/assets/app.js",
            "text/javascript; charset=utf-8",
            "api/v1/",
        ),
        ("/assets/app.css", "text/css; charset=utf-8", ":root"),
        ("/assets/favicon.svg", "image/svg+xml", "<svg"),
    ];
    for (path, content_type, contains) in cases {
        let (status, headers, body) = get(&server, path, "");
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(header(&headers, "content-type"), content_type, "{path}");
        assert!(body.contains(contains), "{path}");
        let csp = header(&headers, "content-security-policy");
        assert!(csp.starts_with("default-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe"), "{path}: {csp}");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "cache-control"), "no-cache");
        // Revalidation answers 304 without the body.
        let etag = header(&headers, "etag").to_owned();
        assert!(etag.starts_with('"'), "{path}: {etag}");
        let (status, _, body) = get(&server, path, &format!("If-None-Match: {etag}\r\n"));
        assert_eq!((status, body.as_str()), (304, ""), "{path}");
        // Every URL is relative to the page: a string starting `/x` would miss a path prefix.
        assert_eq!(absolute_paths(&body), Vec::<&str>::new(), "{path}");
    }
    let (status, headers, body) = get(&server, "/assets/nothing.js", "");
    assert_eq!(status, 404);
    assert_eq!(header(&headers, "content-type"), "application/problem+json");
    assert!(body.contains("no dashboard asset `nothing.js`"), "{body}");
}
