//! The SQLite backend: one database file in WAL mode, versioned migrations applied on open.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::INFO_COLUMNS;
use crate::{
    ModuleHistoryRow, NewSnapshot, ProjectSummary, Snapshot, SnapshotInfo, Store, StoreError,
    totals,
};

/// The schema, one step per version; a database at version N runs the steps after N.
const MIGRATIONS: &[&str] = &[
    // 1: projects per tenant, their snapshots, each snapshot's documents and module rows.
    "CREATE TABLE projects (
         id INTEGER PRIMARY KEY,
         tenant TEXT NOT NULL,
         name TEXT NOT NULL,
         UNIQUE (tenant, name)
     );
     CREATE TABLE snapshots (
         id INTEGER PRIMARY KEY,
         project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
         commit_id TEXT NOT NULL,
         branch TEXT,
         created_at INTEGER NOT NULL,
         strata_version TEXT NOT NULL,
         modules INTEGER NOT NULL,
         errors INTEGER NOT NULL,
         warnings INTEGER NOT NULL,
         UNIQUE (project_id, commit_id)
     );
     CREATE INDEX snapshots_by_time ON snapshots (project_id, created_at DESC, id DESC);
     CREATE TABLE documents (
         snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
         kind TEXT NOT NULL,
         body TEXT NOT NULL,
         PRIMARY KEY (snapshot_id, kind)
     );
     CREATE TABLE module_rows (
         snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
         module TEXT NOT NULL,
         score REAL,
         band TEXT,
         errors INTEGER NOT NULL,
         warnings INTEGER NOT NULL,
         PRIMARY KEY (snapshot_id, module)
     );",
];

/// The schema version this strata writes.
#[allow(clippy::cast_possible_wrap)] // a handful of migrations
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A stored document: its kind and its JSON text.
type KindAndBody = (String, String);

/// A registry in one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn sql(doing: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite { doing, source }
}

impl SqliteStore {
    /// Open (or create) the database at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let open = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // A missing folder is reported by the open below, with the path.
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path).map_err(open)?;
        Self::setup(conn).map_err(|e| match e {
            StoreError::Sqlite { source, .. } => open(source),
            other => other,
        })
    }

    /// A database in memory (tests, one-shot tools).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        let conn = Connection::open_in_memory().map_err(sql("open a database in memory"))?;
        Self::setup(conn)
    }

    fn setup(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql("set the busy timeout"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql("switch to WAL"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql("enable foreign keys"))?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        version(&self.lock()).map_err(sql("read the schema version"))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no transaction open (rusqlite rolls back on
        // drop), so the connection is still sound.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Apply the migrations the database has not seen, each with its version bump, in one
/// transaction.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current = version(conn).map_err(sql("read the schema version"))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    let tx = conn.transaction().map_err(sql("start a migration"))?;
    for (i, step) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        tx.execute_batch(step).map_err(sql("migrate the schema"))?;
        tx.pragma_update(
            None,
            "user_version",
            i64::try_from(i + 1).unwrap_or(i64::MAX),
        )
        .map_err(sql("record the schema version"))?;
    }
    tx.commit().map_err(sql("commit a migration"))
}

fn project_id(tx: &Connection, tenant: &str, project: &str) -> rusqlite::Result<Option<i64>> {
    tx.query_row(
        "SELECT id FROM projects WHERE tenant = ?1 AND name = ?2",
        params![tenant, project],
        |r| r.get(0),
    )
    .optional()
}

fn info_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<SnapshotInfo> {
    Ok(SnapshotInfo {
        id: r.get(0)?,
        commit: r.get(1)?,
        branch: r.get(2)?,
        created_at: r.get(3)?,
        strata_version: r.get(4)?,
        modules: r.get(5)?,
        errors: r.get(6)?,
        warnings: r.get(7)?,
    })
}

fn put(
    tx: &Transaction<'_>,
    tenant: &str,
    project: &str,
    s: &NewSnapshot,
    keep: usize,
) -> rusqlite::Result<i64> {
    let pid = match project_id(tx, tenant, project)? {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO projects (tenant, name) VALUES (?1, ?2)",
                params![tenant, project],
            )?;
            tx.last_insert_rowid()
        }
    };
    let (errors, warnings) = totals(s);
    let modules = u32::try_from(s.modules.len()).unwrap_or(u32::MAX);
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM snapshots WHERE project_id = ?1 AND commit_id = ?2",
            params![pid, s.commit],
            |r| r.get(0),
        )
        .optional()?;
    let id =
        if let Some(id) = existing {
            // The same commit again: the snapshot keeps its id, its contents are replaced.
            tx.execute(
            "UPDATE snapshots SET branch = ?2, created_at = ?3, strata_version = ?4, modules = ?5,
                 errors = ?6, warnings = ?7 WHERE id = ?1",
            params![id, s.branch, s.created_at, s.strata_version, modules, errors, warnings],
        )?;
            tx.execute("DELETE FROM documents WHERE snapshot_id = ?1", [id])?;
            tx.execute("DELETE FROM module_rows WHERE snapshot_id = ?1", [id])?;
            id
        } else {
            tx.execute(
                "INSERT INTO snapshots (project_id, commit_id, branch, created_at, strata_version,
                 modules, errors, warnings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    pid,
                    s.commit,
                    s.branch,
                    s.created_at,
                    s.strata_version,
                    modules,
                    errors,
                    warnings
                ],
            )?;
            tx.last_insert_rowid()
        };
    {
        let mut doc = tx.prepare_cached(
            "INSERT INTO documents (snapshot_id, kind, body) VALUES (?1, ?2, ?3)",
        )?;
        for kind in crate::DOCUMENT_KINDS {
            doc.execute(params![
                id,
                kind,
                crate::document(&s.documents, kind).to_string()
            ])?;
        }
        let mut row = tx.prepare_cached(
            "INSERT INTO module_rows (snapshot_id, module, score, band, errors, warnings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for m in &s.modules {
            row.execute(params![id, m.module, m.score, m.band, m.errors, m.warnings])?;
        }
    }
    if keep > 0 {
        tx.execute(
            "DELETE FROM snapshots WHERE project_id = ?1 AND id NOT IN (
                 SELECT id FROM snapshots WHERE project_id = ?1
                 ORDER BY created_at DESC, id DESC LIMIT ?2)",
            params![pid, i64::try_from(keep).unwrap_or(i64::MAX)],
        )?;
    }
    Ok(id)
}

impl Store for SqliteStore {
    fn put_snapshot(
        &self,
        tenant: &str,
        project: &str,
        snapshot: &NewSnapshot,
        keep: usize,
    ) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(sql("start a snapshot write"))?;
        let id = put(&tx, tenant, project, snapshot, keep).map_err(sql("write a snapshot"))?;
        tx.commit().map_err(sql("commit a snapshot"))?;
        Ok(id)
    }

    fn projects(&self, tenant: &str) -> Result<Vec<ProjectSummary>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<ProjectSummary>> {
            let mut names = conn
                .prepare_cached("SELECT id, name FROM projects WHERE tenant = ?1 ORDER BY name")?;
            let projects: Vec<(i64, String)> = names
                .query_map([tenant], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut latest = conn.prepare_cached(&format!(
                "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id = ?1
                     ORDER BY created_at DESC, id DESC LIMIT 1"
            ))?;
            projects
                .into_iter()
                .map(|(id, name)| {
                    Ok(ProjectSummary {
                        name,
                        latest: latest.query_row([id], info_of).optional()?,
                    })
                })
                .collect()
        };
        run().map_err(sql("list projects"))
    }

    fn snapshots(
        &self,
        tenant: &str,
        project: &str,
    ) -> Result<Option<Vec<SnapshotInfo>>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Option<Vec<SnapshotInfo>>> {
            let Some(pid) = project_id(&conn, tenant, project)? else {
                return Ok(None);
            };
            let mut st = conn.prepare_cached(&format!(
                "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id = ?1
                     ORDER BY created_at DESC, id DESC"
            ))?;
            let rows = st
                .query_map([pid], info_of)?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(rows))
        };
        run().map_err(sql("list snapshots"))
    }

    fn snapshot(
        &self,
        tenant: &str,
        project: &str,
        id: Option<i64>,
    ) -> Result<Option<Snapshot>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Option<(SnapshotInfo, Vec<KindAndBody>)>> {
            let Some(pid) = project_id(&conn, tenant, project)? else {
                return Ok(None);
            };
            let info = match id {
                Some(id) => conn
                    .prepare_cached(&format!(
                        "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id = ?1 AND id = ?2"
                    ))?
                    .query_row(params![pid, id], info_of)
                    .optional()?,
                None => conn
                    .prepare_cached(&format!(
                        "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id = ?1
                             ORDER BY created_at DESC, id DESC LIMIT 1"
                    ))?
                    .query_row([pid], info_of)
                    .optional()?,
            };
            let Some(info) = info else {
                return Ok(None);
            };
            let docs = conn
                .prepare_cached("SELECT kind, body FROM documents WHERE snapshot_id = ?1")?
                .query_map([info.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some((info, docs)))
        };
        let Some((info, docs)) = run().map_err(sql("read a snapshot"))? else {
            return Ok(None);
        };
        let documents = crate::decode_documents(info.id, docs)?;
        Ok(Some(Snapshot { info, documents }))
    }

    fn module_history(
        &self,
        tenant: &str,
        project: &str,
        module: &str,
    ) -> Result<Option<Vec<ModuleHistoryRow>>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Option<Vec<ModuleHistoryRow>>> {
            let Some(pid) = project_id(&conn, tenant, project)? else {
                return Ok(None);
            };
            let mut st = conn.prepare_cached(
                "SELECT s.id, s.commit_id, s.created_at, m.score, m.band, m.errors, m.warnings
                     FROM module_rows m JOIN snapshots s ON s.id = m.snapshot_id
                     WHERE s.project_id = ?1 AND m.module = ?2
                     ORDER BY s.created_at, s.id",
            )?;
            let rows = st
                .query_map(params![pid, module], |r| {
                    Ok(ModuleHistoryRow {
                        snapshot: r.get(0)?,
                        commit: r.get(1)?,
                        created_at: r.get(2)?,
                        score: r.get(3)?,
                        band: r.get(4)?,
                        errors: r.get(5)?,
                        warnings: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(rows))
        };
        run().map_err(sql("read a module's history"))
    }

    fn delete_project(&self, tenant: &str, project: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        let n = conn
            .execute(
                "DELETE FROM projects WHERE tenant = ?1 AND name = ?2",
                params![tenant, project],
            )
            .map_err(sql("delete a project"))?;
        Ok(n > 0)
    }
}
