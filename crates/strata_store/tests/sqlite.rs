//! The store's contract run against SQLite (in memory and in a file), plus what only a file
//! has: a restart, a database from a newer strata, a file that is no database.

mod common;

use common::{contract, failed_writes_change_nothing, snapshot};
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
