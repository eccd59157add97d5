//! The store's contract run against a real PostgreSQL server: `STRATA_TEST_POSTGRES` names
//! one (`postgres://user:password@127.0.0.1/db`; `.ci/run` starts one and sets it). Each test
//! works in a schema of its own. Without the variable the tests say so and pass, except under
//! `CI=true`, where a missing server is a failure.

mod common;

use common::{
    Dump, audit_log, concurrent_appends, concurrent_pushes, contract, details_round_trip, erasure,
    failed_writes_change_nothing, snapshot, tampering_is_found, tenants_and_tokens,
};
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

#[test]
fn postgres_keeps_tenants_and_tokens() {
    let Some(url) = fresh_schema("tokens") else {
        return;
    };
    tenants_and_tokens(&PostgresStore::connect(&url).unwrap());
}

#[test]
fn postgres_chains_the_audit_log_per_tenant() {
    let Some(url) = fresh_schema("audit") else {
        return;
    };
    audit_log(&PostgresStore::connect(&url).unwrap());
}

#[test]
fn postgres_audit_verify_finds_edited_deleted_and_reordered_events() {
    let Some(url) = fresh_schema("tamper") else {
        return;
    };
    let store = PostgresStore::connect(&url).unwrap();
    let mut raw = Client::connect(&url, NoTls).unwrap();
    tampering_is_found(&store, &mut |sql| raw.batch_execute(sql).unwrap());
}

/// Every row of every table in the test's schema, each as its row literal.
fn dump(raw: &mut Client) -> Dump {
    let tables = raw
        .query(
            "SELECT table_name::TEXT FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            &[],
        )
        .unwrap();
    assert!(tables.len() > 5, "the test's schema holds the store");
    tables
        .iter()
        .map(|t| {
            let table: String = t.get(0);
            let rows = raw
                .query(&format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"), &[])
                .unwrap();
            (table, rows.iter().map(|r| r.get(0)).collect())
        })
        .collect()
}

#[test]
fn postgres_erases_every_row_of_a_tenant() {
    let Some(url) = fresh_schema("erasure") else {
        return;
    };
    let store = PostgresStore::connect(&url).unwrap();
    let mut raw = Client::connect(&url, NoTls).unwrap();
    erasure(&store, &mut || dump(&mut raw));
}

#[test]
fn postgres_appends_from_several_servers_keep_one_chain() {
    let Some(url) = fresh_schema("concurrent") else {
        return;
    };
    concurrent_appends(&|| Box::new(PostgresStore::connect(&url).unwrap()));
}

#[test]
fn postgres_pushes_from_several_servers_store_each_commit_once() {
    let Some(url) = fresh_schema("pushes") else {
        return;
    };
    concurrent_pushes(&|| Box::new(PostgresStore::connect(&url).unwrap()));
}

#[test]
fn postgres_event_details_round_trip_exactly() {
    let Some(url) = fresh_schema("details") else {
        return;
    };
    details_round_trip(&PostgresStore::connect(&url).unwrap());
}

#[test]
fn postgres_keeps_metric_samples() {
    let Some(url) = fresh_schema("metrics") else {
        return;
    };
    common::metrics(&PostgresStore::connect(&url).unwrap());
}
