//! The SQLite backend: one database file in WAL mode, versioned migrations applied on open.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::{EVENT_COLUMNS, INFO_COLUMNS, TOKEN_COLUMNS};
use crate::{
    Event, EventFilter, MetricQuery, MetricSample, ModuleHistoryRow, NewEvent, NewSnapshot,
    ProjectSummary, Role, SnapshotInfo, Store, StoreError, TokenRecord, totals,
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
    // 2: snapshot ids are never reused (a replaced commit's snapshot gets a new id, and what
    // an id names never changes). Foreign keys are off while migrating, so the rebuild keeps
    // the documents and module rows that refer to the snapshots.
    "CREATE TABLE snapshots_v2 (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
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
     INSERT INTO snapshots_v2 SELECT id, project_id, commit_id, branch, created_at,
         strata_version, modules, errors, warnings FROM snapshots;
     DROP TABLE snapshots;
     ALTER TABLE snapshots_v2 RENAME TO snapshots;
     CREATE INDEX snapshots_by_time ON snapshots (project_id, created_at DESC, id DESC);",
    // 3: documents are stored once per content (`blobs`, by SHA-256) and referenced; a
    // document row of an older snapshot keeps its text in `body`.
    "CREATE TABLE blobs (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
     ALTER TABLE documents ADD COLUMN blob TEXT REFERENCES blobs (hash);
     CREATE INDEX documents_by_blob ON documents (blob);",
    // 4: tenants, their tokens (a hash of each secret, never the secret) and their audit log,
    // one hash-chained sequence of events per tenant. Projects keep their `tenant` text: the
    // local tenant has no row in `tenants`.
    "CREATE TABLE tenants (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
     CREATE TABLE tokens (
         id TEXT PRIMARY KEY,
         tenant TEXT NOT NULL,
         name TEXT NOT NULL,
         role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
         hash TEXT NOT NULL UNIQUE,
         created_at INTEGER NOT NULL,
         expires_at INTEGER,
         last_used_at INTEGER,
         revoked_at INTEGER
     );
     CREATE INDEX tokens_by_tenant ON tokens (tenant);
     CREATE TABLE audit_events (
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         tenant TEXT NOT NULL,
         seq INTEGER NOT NULL,
         actor TEXT NOT NULL,
         action TEXT NOT NULL,
         resource_type TEXT NOT NULL,
         resource_id TEXT NOT NULL,
         details TEXT NOT NULL,
         ip TEXT,
         user_agent TEXT,
         created_at INTEGER NOT NULL,
         hash TEXT NOT NULL,
         UNIQUE (tenant, seq)
     );
     CREATE INDEX audit_events_by_time ON audit_events (tenant, created_at);
     CREATE INDEX projects_by_name ON projects (name);",
    // 5: runtime metrics of a project's modules (`strata metrics`), one value per module,
    // metric and second.
    "CREATE TABLE metric_samples (
         project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
         module TEXT NOT NULL,
         metric TEXT NOT NULL,
         at INTEGER NOT NULL,
         value REAL NOT NULL,
         PRIMARY KEY (project_id, module, metric, at)
     ) WITHOUT ROWID;",
];

/// The schema version this strata writes.
#[allow(clippy::cast_possible_wrap)] // a handful of migrations
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

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
        // Processes switching one new file to WAL together: SQLite tells the loser "busy" at
        // once (waiting there could deadlock) rather than after the timeout, so it tries again.
        let mut tries = 0;
        while let Err(e) = conn.pragma_update(None, "journal_mode", "WAL") {
            if e.sqlite_error_code() != Some(rusqlite::ErrorCode::DatabaseBusy) || tries == 100 {
                return Err(sql("switch to WAL")(e));
            }
            tries += 1;
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // Deleted rows are zeroed, not left in free pages, so an erased tenant's data does not
        // linger in the file (an index's inner page may keep a key as a divider until VACUUM).
        conn.pragma_update(None, "secure_delete", true)
            .map_err(sql("enable secure delete"))?;
        // Off while migrating: a migration that rebuilds a table must not cascade its drop.
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(sql("disable foreign keys"))?;
        migrate(&mut conn)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql("enable foreign keys"))?;
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
    // Immediate, and the version read inside: processes opening one new file together
    // migrate it once, one after the other.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql("start a migration"))?;
    let current = version(&tx).map_err(sql("read the schema version"))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
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
    // The same commit again: the old snapshot goes (its documents and rows with it).
    tx.execute(
        "DELETE FROM snapshots WHERE project_id = ?1 AND commit_id = ?2",
        params![pid, s.commit],
    )?;
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
    let id = tx.last_insert_rowid();
    {
        let mut blob =
            tx.prepare_cached("INSERT OR IGNORE INTO blobs (hash, body) VALUES (?1, ?2)")?;
        let mut doc = tx.prepare_cached(
            "INSERT INTO documents (snapshot_id, kind, body, blob) VALUES (?1, ?2, '', ?3)",
        )?;
        for kind in crate::DOCUMENT_KINDS {
            let body = crate::document(&s.documents, kind);
            let hash = crate::sha256_hex(body);
            blob.execute(params![hash, body])?;
            doc.execute(params![id, kind, hash])?;
        }
    }
    {
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
    collect_blobs(tx)?;
    Ok(id)
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Role> {
        let s = value.as_str()?;
        Role::parse(s).ok_or_else(|| FromSqlError::Other(format!("unknown role `{s}`").into()))
    }
}

fn token_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: r.get(0)?,
        tenant: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        hash: r.get(4)?,
        created_at: r.get(5)?,
        expires_at: r.get(6)?,
        last_used_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

fn event_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let details: String = r.get(7)?;
    let details = serde_json::from_str(&details).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(7, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Event {
        id: r.get(0)?,
        seq: r.get(1)?,
        event: NewEvent {
            tenant: r.get(2)?,
            actor: r.get(3)?,
            action: r.get(4)?,
            resource_type: r.get(5)?,
            resource_id: r.get(6)?,
            details,
            ip: r.get(8)?,
            user_agent: r.get(9)?,
            created_at: r.get(10)?,
        },
        hash: r.get(11)?,
    })
}

/// Delete the blobs no document refers to any more.
fn collect_blobs(tx: &Connection) -> rusqlite::Result<usize> {
    tx.prepare_cached(
        "DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.blob = blobs.hash)",
    )?
    .execute([])
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
        // Immediate: a write that began as a read could not wait for another process's
        // write to end (SQLite answers "busy" at once instead); this one waits its turn.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql("start a snapshot write"))?;
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

    fn snapshot_info(
        &self,
        tenant: &str,
        project: &str,
        id: Option<i64>,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Option<SnapshotInfo>> {
            match id {
                Some(id) => conn
                    .prepare_cached(&format!(
                        "SELECT {INFO_COLUMNS} FROM snapshots WHERE id = ?3 AND project_id =
                             (SELECT id FROM projects WHERE tenant = ?1 AND name = ?2)"
                    ))?
                    .query_row(params![tenant, project, id], info_of)
                    .optional(),
                None => conn
                    .prepare_cached(&format!(
                        "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id =
                             (SELECT id FROM projects WHERE tenant = ?1 AND name = ?2)
                             ORDER BY created_at DESC, id DESC LIMIT 1"
                    ))?
                    .query_row(params![tenant, project], info_of)
                    .optional(),
            }
        };
        run().map_err(sql("read a snapshot"))
    }

    fn document(
        &self,
        tenant: &str,
        snapshot: i64,
        kind: &str,
    ) -> Result<Option<String>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Option<String>> {
            conn.prepare_cached(
                "SELECT coalesce(b.body, d.body) FROM documents d
                     LEFT JOIN blobs b ON b.hash = d.blob
                     JOIN snapshots s ON s.id = d.snapshot_id
                     JOIN projects p ON p.id = s.project_id
                     WHERE d.snapshot_id = ?1 AND d.kind = ?2 AND p.tenant = ?3",
            )?
            .query_row(params![snapshot, kind, tenant], |r| r.get(0))
            .optional()
        };
        run().map_err(sql("read a snapshot's document"))
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

    fn put_metrics(
        &self,
        tenant: &str,
        project: &str,
        samples: &[MetricSample],
    ) -> Result<usize, StoreError> {
        let mut conn = self.lock();
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT OR IGNORE INTO projects (tenant, name) VALUES (?1, ?2)",
                params![tenant, project],
            )?;
            let pid = project_id(&tx, tenant, project)?.unwrap_or_default();
            let mut n = 0;
            {
                let mut put = tx.prepare_cached(
                    "INSERT INTO metric_samples (project_id, module, metric, at, value)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (project_id, module, metric, at)
                         DO UPDATE SET value = excluded.value",
                )?;
                for s in samples {
                    n += put.execute(params![pid, s.module, s.metric, s.at, s.value])?;
                }
            }
            tx.commit()?;
            Ok(n)
        };
        run(&mut conn).map_err(sql("store metric samples"))
    }

    fn metrics(
        &self,
        tenant: &str,
        project: &str,
        query: &MetricQuery<'_>,
    ) -> Result<Vec<MetricSample>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<MetricSample>> {
            let Some(pid) = project_id(&conn, tenant, project)? else {
                return Ok(Vec::new());
            };
            let mut st = conn.prepare_cached(
                "SELECT module, metric, at, value FROM metric_samples
                     WHERE project_id = ?1 AND (?2 IS NULL OR module = ?2)
                         AND at BETWEEN ?3 AND ?4
                     ORDER BY module, metric, at",
            )?;
            st.query_map(params![pid, query.module, query.from, query.to], |r| {
                Ok(MetricSample {
                    module: r.get(0)?,
                    metric: r.get(1)?,
                    at: r.get(2)?,
                    value: r.get(3)?,
                })
            })?
            .collect()
        };
        run().map_err(sql("read metric samples"))
    }

    fn delete_project(&self, tenant: &str, project: &str) -> Result<bool, StoreError> {
        let mut conn = self.lock();
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let n = tx.execute(
                "DELETE FROM projects WHERE tenant = ?1 AND name = ?2",
                params![tenant, project],
            )?;
            collect_blobs(&tx)?;
            tx.commit()?;
            Ok(n)
        };
        Ok(run(&mut conn).map_err(sql("delete a project"))? > 0)
    }

    fn project_elsewhere(&self, tenant: &str, project: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<bool> {
            conn.prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM projects WHERE name = ?2 AND tenant <> ?1)",
            )?
            .query_row(params![tenant, project], |r| r.get(0))
        };
        run().map_err(sql("look for a project in other tenants"))
    }

    fn create_tenant(&self, tenant: &str, created_at: i64) -> Result<bool, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<usize> {
            conn.prepare_cached("INSERT OR IGNORE INTO tenants (name, created_at) VALUES (?1, ?2)")?
                .execute(params![tenant, created_at])
        };
        Ok(run().map_err(sql("create a tenant"))? > 0)
    }

    fn tenant_exists(&self, tenant: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<bool> {
            conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM tenants WHERE name = ?1)")?
                .query_row([tenant], |r| r.get(0))
        };
        run().map_err(sql("look up a tenant"))
    }

    fn tenants(&self) -> Result<Vec<String>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<String>> {
            conn.prepare_cached("SELECT name FROM tenants ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect()
        };
        run().map_err(sql("list the tenants"))
    }

    fn delete_tenant(&self, tenant: &str) -> Result<bool, StoreError> {
        let mut conn = self.lock();
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut n = 0;
            // Snapshots, their documents and module rows go with the projects (cascade).
            for delete in [
                "DELETE FROM projects WHERE tenant = ?1",
                "DELETE FROM tokens WHERE tenant = ?1",
                "DELETE FROM audit_events WHERE tenant = ?1",
                "DELETE FROM tenants WHERE name = ?1",
            ] {
                n += tx.prepare_cached(delete)?.execute([tenant])?;
            }
            collect_blobs(&tx)?;
            tx.commit()?;
            Ok(n)
        };
        let n = run(&mut conn).map_err(sql("delete a tenant"))?;
        // Move the log's copies of the erased pages into the file (where secure_delete zeroed
        // them) and empty the log. Best effort: a reader of an older state keeps the log
        // until it finishes, and the next checkpoint does the same.
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(n > 0)
    }

    fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<usize> {
            conn.prepare_cached(&format!(
                "INSERT INTO tokens ({TOKEN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute(params![
                token.id,
                token.tenant,
                token.name,
                token.role.as_str(),
                token.hash,
                token.created_at,
                token.expires_at,
                token.last_used_at,
                token.revoked_at
            ])
        };
        run().map_err(sql("store a token"))?;
        Ok(())
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Option<TokenRecord>> {
            conn.prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = ?1"
            ))?
            .query_row([hash], token_of)
            .optional()
        };
        run().map_err(sql("look up a token"))
    }

    fn tokens(&self, tenant: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<TokenRecord>> {
            conn.prepare_cached(&format!(
                "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = ?1 ORDER BY created_at, id"
            ))?
            .query_map([tenant], token_of)?
            .collect()
        };
        run().map_err(sql("list tokens"))
    }

    fn revoke_token(&self, tenant: &str, id: &str, at: i64) -> Result<bool, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<usize> {
            conn.prepare_cached(
                "UPDATE tokens SET revoked_at = ?3
                     WHERE tenant = ?1 AND id = ?2 AND revoked_at IS NULL",
            )?
            .execute(params![tenant, id, at])
        };
        Ok(run().map_err(sql("revoke a token"))? > 0)
    }

    fn touch_token(&self, id: &str, at: i64) -> Result<(), StoreError> {
        let conn = self.lock();
        // Never backwards, and at most one write per token and second however busy it is.
        let run = || -> rusqlite::Result<usize> {
            conn.prepare_cached(
                "UPDATE tokens SET last_used_at = ?2
                     WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2)",
            )?
            .execute(params![id, at])
        };
        run().map_err(sql("record a token's use"))?;
        Ok(())
    }

    fn append_event(&self, e: &NewEvent) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let run = |conn: &mut Connection| -> rusqlite::Result<i64> {
            // Immediate: the mutex orders this process's appends; another process's wait for
            // the file's write lock here, before reading the chain's end.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (last, previous): (i64, String) = tx
                .prepare_cached(
                    "SELECT seq, hash FROM audit_events WHERE tenant = ?1
                         ORDER BY seq DESC LIMIT 1",
                )?
                .query_row([&e.tenant], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .unwrap_or_default();
            let seq = last + 1;
            tx.prepare_cached(
                "INSERT INTO audit_events (tenant, seq, actor, action, resource_type,
                     resource_id, details, ip, user_agent, created_at, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                e.tenant,
                seq,
                e.actor,
                e.action,
                e.resource_type,
                e.resource_id,
                e.details.to_string(),
                e.ip,
                e.user_agent,
                e.created_at,
                crate::event_hash(&previous, seq, e)
            ])?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(id)
        };
        run(&mut conn).map_err(sql("append an audit event"))
    }

    fn events(&self, tenant: &str, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<Event>> {
            conn.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events WHERE tenant = ?1
                     AND (?2 IS NULL OR created_at >= ?2) AND (?3 IS NULL OR created_at <= ?3)
                     AND (?4 IS NULL OR actor = ?4) AND (?5 IS NULL OR action = ?5)
                     ORDER BY seq"
            ))?
            .query_map(
                params![tenant, filter.from, filter.to, filter.actor, filter.action],
                event_of,
            )?
            .collect()
        };
        run().map_err(sql("read the audit log"))
    }

    fn all_events(&self) -> Result<Vec<Event>, StoreError> {
        let conn = self.lock();
        let run = || -> rusqlite::Result<Vec<Event>> {
            conn.prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY tenant, seq"
            ))?
            .query_map([], event_of)?
            .collect()
        };
        run().map_err(sql("read the audit log"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database written by the first schema keeps its snapshots through the migrations.
    #[test]
    fn a_first_schema_database_keeps_its_snapshots() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("registry.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(
                "PRAGMA user_version = 1;
                 INSERT INTO projects (id, tenant, name) VALUES (1, 'default', 'shop');
                 INSERT INTO snapshots VALUES (7, 1, 'c1', 'main', 100, '0.1.0', 1, 2, 3);
                 INSERT INTO documents VALUES (7, 'modules', '{\"modules\": []}');
                 INSERT INTO module_rows VALUES (7, 'billing', 6.5, 'yellow', 2, 3);",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let s = store.snapshot("default", "shop", None).unwrap().unwrap();
        assert_eq!((s.info.id, s.info.errors), (7, 2));
        assert_eq!(s.documents.modules.get(), r#"{"modules": []}"#);
        let history = store.module_history("default", "shop", "billing").unwrap();
        assert_eq!(history.unwrap()[0].score, Some(6.5));
        // Replacing the newest snapshot does not give its id again.
        let new = crate::NewSnapshot {
            commit: "c1".into(),
            branch: None,
            created_at: 100,
            strata_version: "0.1.0".into(),
            modules: Vec::new(),
            documents: crate::Documents::default(),
        };
        assert!(store.put_snapshot("default", "shop", &new, 0).unwrap() > 7);
        // Deleting still cascades.
        assert!(store.delete_project("default", "shop").unwrap());
        let conn = store.lock();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }

    fn count(store: &SqliteStore, table: &str) -> i64 {
        store
            .lock()
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    /// A document is stored once however many snapshots hold it, and goes with the last.
    #[test]
    fn documents_are_stored_once_per_content() {
        let store = SqliteStore::in_memory().unwrap();
        let snapshot = |commit: &str, findings: &str| crate::NewSnapshot {
            commit: commit.into(),
            branch: None,
            created_at: 100,
            strata_version: "0.1.0".into(),
            modules: Vec::new(),
            documents: crate::Documents {
                file_graph: crate::json(&serde_json::json!({"files": ["a", "b"]})),
                findings: crate::json(&serde_json::json!({"findings": [findings]})),
                ..crate::Documents::default()
            },
        };
        store
            .put_snapshot("t", "p", &snapshot("c1", "x"), 0)
            .unwrap();
        let blobs = count(&store, "blobs");
        // The default documents are all `null`: one blob, then the file graph and findings.
        assert_eq!(blobs, 3);
        store
            .put_snapshot("t", "p", &snapshot("c2", "y"), 0)
            .unwrap();
        assert_eq!(count(&store, "blobs"), 4, "only the new findings are added");
        store
            .put_snapshot("t", "p", &snapshot("c2", "z"), 0)
            .unwrap();
        assert_eq!(count(&store, "blobs"), 4, "the replaced findings went");
        store
            .put_snapshot("u", "p", &snapshot("c1", "x"), 0)
            .unwrap();
        assert_eq!(count(&store, "blobs"), 4);
        assert!(store.delete_project("t", "p").unwrap());
        assert_eq!(count(&store, "blobs"), 3, "the other tenant's stay");
        let s = store.snapshot("u", "p", None).unwrap().unwrap();
        assert_eq!(s.documents, snapshot("c1", "x").documents);
        assert!(store.delete_project("u", "p").unwrap());
        assert_eq!(count(&store, "blobs"), 0);
    }
}
