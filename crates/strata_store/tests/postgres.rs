//! The store's contract run against a real PostgreSQL server: `STRATA_TEST_POSTGRES` names
//! one (`postgres://user:password@127.0.0.1/db`; `.ci/run` starts one and sets it). Each test
//! works in a schema of its own. Without the variable the tests say so and pass, except under
//! `CI=true`, where a missing server is a failure.

mod common;

use common::{contract, failed_writes_change_nothing, snapshot};
use postgres::{Client, NoTls};
use strata_store::{PostgresStore, Store, StoreError};

/// A URL whose connections work in a fresh schema, or `None` (skip) without a server.
fn fresh_schema(test: &str) -> Option<String> {
    strata_test::postgres_schema_or_skip(&format!("t_{test}"))
}

#[test]
fn postgres_keeps_the_contract_and_survives_a_reconnect() {
    let Some(url) = fresh_schema("contract") else {
        return;
    };
    contract(&PostgresStore::connect(&url).unwrap());
    let id = PostgresStore::connect(&url)
        .unwrap()
        .put_snapshot("acme", "shop", &snapshot("c9", 900, 8.0), 0)
        .unwrap();
    let again = PostgresStore::connect(&url).unwrap();
    assert_eq!(
        again.schema_version().unwrap(),
        strata_store::POSTGRES_SCHEMA_VERSION
    );
    let s = again.snapshot("acme", "shop", None).unwrap().unwrap();
    assert_eq!(s.info.id, id);
    assert_eq!(s.documents, snapshot("c9", 900, 8.0).documents);
}

#[test]
fn postgres_failed_writes_change_nothing() {
    let Some(url) = fresh_schema("failed") else {
        return;
    };
    failed_writes_change_nothing(&PostgresStore::connect(&url).unwrap());
}

#[test]
fn postgres_refuses_a_newer_schema_and_names_a_bad_server_without_its_password() {
    let Some(url) = fresh_schema("newer") else {
        return;
    };
    drop(PostgresStore::connect(&url).unwrap());
    let mut c = Client::connect(&url, NoTls).unwrap();
    c.execute("UPDATE strata_schema SET version = 99", &[])
        .unwrap();
    let err = PostgresStore::connect(&url).err().unwrap();
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 99,
                known: strata_store::POSTGRES_SCHEMA_VERSION
            }
        ),
        "{err}"
    );

    let err = PostgresStore::connect("postgres://strata:s3cret@127.0.0.1:1/none")
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(
        text.contains("127.0.0.1:1/none") && !text.contains("s3cret"),
        "{text}"
    );
}
