//! The store's contract run against SQLite (in memory and in a file), plus what only a file
//! has: a restart, a database from a newer strata, a file that is no database.

mod common;

use std::path::Path;

use common::{
    Dump, audit_log, concurrent_appends, concurrent_pushes, contract, details_round_trip, erasure,
    failed_writes_change_nothing, snapshot, tampering_is_found, tenants_and_tokens,
};
use rusqlite::types::ValueRef;
use strata_store::{SqliteStore, Store, StoreError};

#[test]
fn sqlite_in_memory_keeps_the_contract() {
    contract(&SqliteStore::in_memory().unwrap());
}

#[test]
fn sqlite_file_keeps_the_contract_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/registry.db");
    contract(&SqliteStore::open(&path).unwrap());
    let id = {
        let store = SqliteStore::open(&path).unwrap();
        store
            .put_snapshot("acme", "shop", &snapshot("c9", 900, 8.0), 0)
            .unwrap()
    };
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(
        reopened.schema_version().unwrap(),
        strata_store::SQLITE_SCHEMA_VERSION
    );
    let s = reopened.snapshot("acme", "shop", None).unwrap().unwrap();
    assert_eq!(s.info.id, id);
    assert_eq!(s.documents, snapshot("c9", 900, 8.0).documents);
}

#[test]
fn a_failed_write_leaves_the_previous_snapshot_whole() {
    let dir = tempfile::tempdir().unwrap();
    failed_writes_change_nothing(&SqliteStore::open(&dir.path().join("registry.db")).unwrap());
}

#[test]
fn a_database_from_a_newer_strata_or_not_a_database_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = SqliteStore::open(&path).err().unwrap();
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 99,
                known: strata_store::SQLITE_SCHEMA_VERSION
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade strata"));

    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        b"this is not a database, just text that is long enough to look like a header",
    )
    .unwrap();
    let err = SqliteStore::open(&junk).err().unwrap();
    assert!(err.to_string().contains("junk.db"), "{err}");
}

#[test]
fn sqlite_keeps_tenants_and_tokens() {
    tenants_and_tokens(&SqliteStore::in_memory().unwrap());
}

#[test]
fn sqlite_chains_the_audit_log_per_tenant() {
    audit_log(&SqliteStore::in_memory().unwrap());
}

#[test]
fn sqlite_audit_verify_finds_edited_deleted_and_reordered_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let store = SqliteStore::open(&path).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    tampering_is_found(&store, &mut |sql| raw.execute_batch(sql).unwrap());
}

/// Every row of every table in the file, each column as text.
fn dump(path: &Path) -> Dump {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut dump = Dump::new();
    for table in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = st.column_count();
        let rows = st
            .query_map([], |r| {
                let cells = (0..columns).map(|i| match r.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".to_owned(),
                    ValueRef::Integer(n) => n.to_string(),
                    ValueRef::Real(x) => x.to_string(),
                    ValueRef::Text(b) | ValueRef::Blob(b) => String::from_utf8_lossy(b).into(),
                });
                Ok(cells.collect::<Vec<_>>().join(" | "))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        dump.insert(table, rows);
    }
    dump
}

#[test]
fn sqlite_erases_every_row_of_a_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    let store = SqliteStore::open(&path).unwrap();
    erasure(&store, &mut || dump(&path));
    // Not in the file's free pages nor in its log either (secure delete, then a checkpoint).
    for file in [path.clone(), dir.path().join("registry.db-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(7).any(|w| w == b"initech"),
            "`{}` keeps bytes of the erased tenant",
            file.display()
        );
    }
}

#[test]
fn sqlite_appends_from_several_processes_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    // The stores open the new file together: it is migrated once.
    concurrent_appends(&|| Box::new(SqliteStore::open(&path).unwrap()));
}

#[test]
fn sqlite_pushes_from_several_processes_store_each_commit_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registry.db");
    concurrent_pushes(&|| Box::new(SqliteStore::open(&path).unwrap()));
}

#[test]
fn sqlite_event_details_round_trip_exactly() {
    details_round_trip(&SqliteStore::in_memory().unwrap());
}

#[test]
fn sqlite_file_keeps_metric_samples() {
    let dir = tempfile::tempdir().unwrap();
    common::metrics(&SqliteStore::open(&dir.path().join("registry.db")).unwrap());
}
