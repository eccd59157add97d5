//! Address detection of `hardcoded-endpoint`. These tests live under `tests/` because their
//! inputs are addresses, which the rule rightly ignores in test files only.

use strata_rules::rules::hardcoded_endpoint::{addresses, is_test_file};

fn hosts(text: &str) -> Vec<(String, Option<u16>, String)> {
    addresses(text.as_bytes())
        .into_iter()
        .map(|a| (a.host.to_owned(), a.port, a.path.to_owned()))
        .collect()
}

#[test]
fn finds_urls_and_local_addresses_in_code() {
    assert_eq!(
        hosts("fetch('http://localhost:3022/api/v1/users?x=1')"),
        [("localhost".into(), Some(3022), "/api/v1/users?x=1".into())]
    );
    assert_eq!(
        hosts("URL = \"https://billing.internal/api/v1/billing\""),
        [("billing.internal".into(), None, "/api/v1/billing".into())]
    );
    assert_eq!(
        hosts("connect(\"127.0.0.1:6379\")"),
        [("127.0.0.1".into(), Some(6379), String::new())]
    );
    assert_eq!(
        hosts("u = 'http://user:pw@db:5432/x'"),
        [("db".into(), Some(5432), "/x".into())]
    );
}

#[test]
fn every_scheme_and_local_address_in_order() {
    let text = "a('wss://q.io/s'); b('ws://w:81'); c('grpc://g:9000/x'); d('https://h/p'); \
                e(\"localhost:5000\"); f(\"127.0.0.1:6000\"); g('http://localhost:7000/z')";
    assert_eq!(
        hosts(text),
        [
            ("q.io".into(), None, "/s".into()),
            ("w".into(), Some(81), String::new()),
            ("g".into(), Some(9000), "/x".into()),
            ("h".into(), None, "/p".into()),
            ("localhost".into(), Some(5000), String::new()),
            ("127.0.0.1".into(), Some(6000), String::new()),
            ("localhost".into(), Some(7000), "/z".into()),
        ]
    );
    // A look-alike scheme is skipped, and the local address after it still counts.
    assert_eq!(
        hosts("u = 'xhttp://localhost:9'"),
        [("localhost".into(), Some(9), String::new())]
    );
    assert!(hosts("ftp://host/x and :// alone").is_empty());
}

#[test]
fn comments_and_look_alikes_are_skipped() {
    assert!(hosts("// see http://localhost:3000").is_empty());
    assert!(hosts("# docs: https://example.com/api").is_empty());
    assert!(hosts("x = 1 // http://localhost:1").is_empty());
    assert!(hosts("x = f()  # e.g. http://localhost:1").is_empty());
    assert!(hosts(" * http://localhost:8080/").is_empty());
    assert!(hosts("myhttp://x").is_empty());
    assert_eq!(hosts("s = \"a // b\"; u = \"http://localhost:1\"").len(), 1);
}

#[test]
fn test_files_are_recognised() {
    for p in [
        "a/tests/x.rs",
        "a/test_x.py",
        "a/x_test.go",
        "a/x.test.ts",
        "a/x.spec.ts",
        "a/src/test/java/X.java",
    ] {
        assert!(is_test_file(p), "{p}");
    }
    assert!(!is_test_file("a/src/contest.ts"));
}
