//! The PostgreSQL backend, for a registry shared by several servers: the same tables as
//! SQLite, versioned migrations applied on connect (under an advisory lock, so replicas
//! starting together migrate once).

use std::sync::{Mutex, MutexGuard, PoisonError};

use postgres::types::{FromSql, Type};
use postgres::{Client, NoTls, Transaction};

use crate::{EVENT_COLUMNS, INFO_COLUMNS, TOKEN_COLUMNS};
use crate::{
    Event, EventFilter, MetricQuery, MetricSample, ModuleHistoryRow, NewEvent, NewSnapshot,
    ProjectSummary, Role, SnapshotInfo, Store, StoreError, TokenRecord, totals,
};

const MIGRATIONS: &[&str] = &[
    // 1: projects per tenant, their snapshots, each snapshot's documents and module rows.
    "CREATE TABLE projects (
         id BIGSERIAL PRIMARY KEY,
         tenant TEXT NOT NULL,
         name TEXT NOT NULL,
         UNIQUE (tenant, name)
     );
     CREATE TABLE snapshots (
         id BIGSERIAL PRIMARY KEY,
         project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
         commit_id TEXT NOT NULL,
         branch TEXT,
         created_at BIGINT NOT NULL,
         strata_version TEXT NOT NULL,
         modules BIGINT NOT NULL,
         errors BIGINT NOT NULL,
         warnings BIGINT NOT NULL,
         UNIQUE (project_id, commit_id)
     );
     CREATE INDEX snapshots_by_time ON snapshots (project_id, created_at DESC, id DESC);
     CREATE TABLE documents (
         snapshot_id BIGINT NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
         kind TEXT NOT NULL,
         body TEXT NOT NULL,
         PRIMARY KEY (snapshot_id, kind)
     );
     CREATE TABLE module_rows (
         snapshot_id BIGINT NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
         module TEXT NOT NULL,
         score DOUBLE PRECISION,
         band TEXT,
         errors BIGINT NOT NULL,
         warnings BIGINT NOT NULL,
         PRIMARY KEY (snapshot_id, module)
     );",
    // 2: documents are stored once per content (`blobs`, by SHA-256) and referenced; a
    // document row of an older snapshot keeps its text in `body`.
    "CREATE TABLE blobs (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
     ALTER TABLE documents ADD COLUMN blob TEXT REFERENCES blobs (hash);
     CREATE INDEX documents_by_blob ON documents (blob);",
    // 3: tenants, their tokens (a hash of each secret, never the secret) and their audit log,
    // one hash-chained sequence of events per tenant. Projects keep their `tenant` text: the
    // local tenant has no row in `tenants`.
    "CREATE TABLE tenants (name TEXT PRIMARY KEY, created_at BIGINT NOT NULL);
     CREATE TABLE tokens (
         id TEXT PRIMARY KEY,
         tenant TEXT NOT NULL,
         name TEXT NOT NULL,
         role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
         hash TEXT NOT NULL UNIQUE,
         created_at BIGINT NOT NULL,
         expires_at BIGINT,
         last_used_at BIGINT,
         revoked_at BIGINT
     );
     CREATE INDEX tokens_by_tenant ON tokens (tenant);
     CREATE TABLE audit_events (
         id BIGSERIAL PRIMARY KEY,
         tenant TEXT NOT NULL,
         seq BIGINT NOT NULL,
         actor TEXT NOT NULL,
         action TEXT NOT NULL,
         resource_type TEXT NOT NULL,
         resource_id TEXT NOT NULL,
         details TEXT NOT NULL,
         ip TEXT,
         user_agent TEXT,
         created_at BIGINT NOT NULL,
         hash TEXT NOT NULL,
         UNIQUE (tenant, seq)
     );
     CREATE INDEX audit_events_by_time ON audit_events (tenant, created_at);
     CREATE INDEX projects_by_name ON projects (name);",
    // 5: runtime metrics of a project's modules (`strata metrics`), one value per module,
    // metric and second.
    "CREATE TABLE metric_samples (
         project_id BIGINT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
         module TEXT NOT NULL,
         metric TEXT NOT NULL,
         at BIGINT NOT NULL,
         value DOUBLE PRECISION NOT NULL,
         PRIMARY KEY (project_id, module, metric, at)
     );",
];

/// The schema version this strata writes.
#[allow(clippy::cast_possible_wrap)] // a handful of migrations
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A lock id for migrations (any constant shared by every strata).
const MIGRATION_LOCK: i64 = 0x5354_5241_5441;

/// The class of the advisory locks that make appends to one audit chain take turns (the
/// second key is the tenant's `hashtext`; two-key locks never meet the migration lock).
const AUDIT_LOCK: i32 = 0x5354_5241;

/// The lock every write of snapshots and documents takes, until its transaction ends: such
/// writes take turns across replicas. Two pushes of one commit at once would otherwise both
/// find no snapshot to replace and one fail on the unique `(project_id, commit_id)`; and the
/// collection of unused blobs could delete a blob another write has just found present and is
/// referring to. A push holds it for milliseconds, and pushes are rare beside reads, which
/// never take it.
const WRITE_LOCK: i64 = 0x5354_5241_5457;

/// A registry in a PostgreSQL database.
pub struct PostgresStore {
    client: Mutex<Client>,
}

fn pg(doing: &'static str) -> impl FnOnce(postgres::Error) -> StoreError {
    move |source| StoreError::Postgres { doing, source }
}

/// The URL without its password, for messages.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn to_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn info_of(r: &postgres::Row) -> SnapshotInfo {
    SnapshotInfo {
        id: r.get(0),
        commit: r.get(1),
        branch: r.get(2),
        created_at: r.get(3),
        strata_version: r.get(4),
        modules: to_u32(r.get(5)),
        errors: to_u32(r.get(6)),
        warnings: to_u32(r.get(7)),
    }
}

impl PostgresStore {
    /// Connect to `url` (`postgres://user:password@host/db`) and bring the schema up to date.
    pub fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let mut client = Client::connect(url, NoTls).map_err(|source| StoreError::Connect {
            url: redacted(url),
            source,
        })?;
        migrate(&mut client)?;
        Ok(PostgresStore {
            client: Mutex::new(client),
        })
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let row = self
            .lock()
            .query_one("SELECT version FROM strata_schema", &[])
            .map_err(pg("read the schema version"))?;
        Ok(row.get(0))
    }

    fn lock(&self) -> MutexGuard<'_, Client> {
        self.client.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(pg("start a migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(pg("take the migration lock"))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS strata_schema (version BIGINT NOT NULL)")
        .map_err(pg("create the schema table"))?;
    let current: i64 = match tx
        .query_opt("SELECT version FROM strata_schema", &[])
        .map_err(pg("read the schema version"))?
    {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO strata_schema (version) VALUES (0)", &[])
                .map_err(pg("record the schema version"))?;
            0
        }
    };
    let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (i, step) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(current).unwrap_or(0))
    {
        tx.batch_execute(step).map_err(pg("migrate the schema"))?;
        let v = i64::try_from(i + 1).unwrap_or(i64::MAX);
        tx.execute("UPDATE strata_schema SET version = $1", &[&v])
            .map_err(pg("record the schema version"))?;
    }
    tx.commit().map_err(pg("commit a migration"))
}

fn project_id(
    c: &mut impl postgres::GenericClient,
    tenant: &str,
    project: &str,
) -> Result<Option<i64>, postgres::Error> {
    Ok(c.query_opt(
        "SELECT id FROM projects WHERE tenant = $1 AND name = $2",
        &[&tenant, &project],
    )?
    .map(|r| r.get(0)))
}

fn put(
    tx: &mut Transaction<'_>,
    tenant: &str,
    project: &str,
    s: &NewSnapshot,
    keep: usize,
) -> Result<i64, postgres::Error> {
    lock_writes(tx)?;
    // A concurrent first push of the same project must not fail on the unique key.
    tx.execute(
        "INSERT INTO projects (tenant, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&tenant, &project],
    )?;
    let pid = project_id(tx, tenant, project)?.unwrap_or_default();
    let (errors, warnings) = totals(s);
    let (errors, warnings) = (i64::from(errors), i64::from(warnings));
    let modules = i64::try_from(s.modules.len()).unwrap_or(i64::MAX);
    // The same commit again: the old snapshot goes (its documents and rows with it).
    tx.execute(
        "DELETE FROM snapshots WHERE project_id = $1 AND commit_id = $2",
        &[&pid, &s.commit],
    )?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO snapshots (project_id, commit_id, branch, created_at, strata_version,
                 modules, errors, warnings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &[
                &pid,
                &s.commit,
                &s.branch,
                &s.created_at,
                &s.strata_version,
                &modules,
                &errors,
                &warnings,
            ],
        )?
        .get(0);
    let blob =
        tx.prepare("INSERT INTO blobs (hash, body) VALUES ($1, $2) ON CONFLICT DO NOTHING")?;
    let doc = tx
        .prepare("INSERT INTO documents (snapshot_id, kind, body, blob) VALUES ($1, $2, '', $3)")?;
    for kind in crate::DOCUMENT_KINDS {
        let body = crate::document(&s.documents, kind);
        let hash = crate::sha256_hex(body);
        tx.execute(&blob, &[&hash, &body])?;
        tx.execute(&doc, &[&id, &kind, &hash])?;
    }
    let row = tx.prepare(
        "INSERT INTO module_rows (snapshot_id, module, score, band, errors, warnings)
             VALUES ($1, $2, $3, $4, $5, $6)",
    )?;
    for m in &s.modules {
        tx.execute(
            &row,
            &[
                &id,
                &m.module,
                &m.score,
                &m.band,
                &i64::from(m.errors),
                &i64::from(m.warnings),
            ],
        )?;
    }
    if keep > 0 {
        tx.execute(
            "DELETE FROM snapshots WHERE project_id = $1 AND id NOT IN (
                 SELECT id FROM snapshots WHERE project_id = $1
                 ORDER BY created_at DESC, id DESC LIMIT $2)",
            &[&pid, &i64::try_from(keep).unwrap_or(i64::MAX)],
        )?;
    }
    collect_blobs(tx)?;
    Ok(id)
}

type SqlResult<T> = Result<T, Box<dyn std::error::Error + Sync + Send>>;

impl<'a> FromSql<'a> for Role {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> SqlResult<Role> {
        let s = <&str>::from_sql(ty, raw)?;
        Role::parse(s).ok_or_else(|| format!("unknown role `{s}`").into())
    }

    fn accepts(ty: &Type) -> bool {
        <&str as FromSql>::accepts(ty)
    }
}

/// An event's `details`, stored as JSON text.
struct Details(serde_json::Value);

impl<'a> FromSql<'a> for Details {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> SqlResult<Details> {
        Ok(Details(serde_json::from_str(<&str>::from_sql(ty, raw)?)?))
    }

    fn accepts(ty: &Type) -> bool {
        <&str as FromSql>::accepts(ty)
    }
}

fn token_of(r: &postgres::Row) -> Result<TokenRecord, postgres::Error> {
    Ok(TokenRecord {
        id: r.get(0),
        tenant: r.get(1),
        name: r.get(2),
        role: r.try_get(3)?,
        hash: r.get(4),
        created_at: r.get(5),
        expires_at: r.get(6),
        last_used_at: r.get(7),
        revoked_at: r.get(8),
    })
}

fn event_of(r: &postgres::Row) -> Result<Event, postgres::Error> {
    Ok(Event {
        id: r.get(0),
        seq: r.get(1),
        event: NewEvent {
            tenant: r.get(2),
            actor: r.get(3),
            action: r.get(4),
            resource_type: r.get(5),
            resource_id: r.get(6),
            details: r.try_get::<_, Details>(7)?.0,
            ip: r.get(8),
            user_agent: r.get(9),
            created_at: r.get(10),
        },
        hash: r.get(11),
    })
}

/// Wait until no other transaction appends to the tenant's audit chain, until this one ends.
fn lock_chain(tx: &mut Transaction<'_>, tenant: &str) -> Result<(), postgres::Error> {
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        &[&AUDIT_LOCK, &tenant],
    )?;
    Ok(())
}

/// Wait until no other transaction writes snapshots or documents, until this one ends.
fn lock_writes(tx: &mut Transaction<'_>) -> Result<(), postgres::Error> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])?;
    Ok(())
}

/// Delete the blobs no document refers to any more (under [`lock_writes`]).
fn collect_blobs(tx: &mut Transaction<'_>) -> Result<u64, postgres::Error> {
    tx.execute(
        "DELETE FROM blobs WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.blob = blobs.hash)",
        &[],
    )
}

impl Store for PostgresStore {
    fn put_snapshot(
        &self,
        tenant: &str,
        project: &str,
        snapshot: &NewSnapshot,
        keep: usize,
    ) -> Result<i64, StoreError> {
        let mut client = self.lock();
        let mut tx = client.transaction().map_err(pg("start a snapshot write"))?;
        let id = put(&mut tx, tenant, project, snapshot, keep).map_err(pg("write a snapshot"))?;
        tx.commit().map_err(pg("commit a snapshot"))?;
        Ok(id)
    }

    fn projects(&self, tenant: &str) -> Result<Vec<ProjectSummary>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Vec<ProjectSummary>, postgres::Error> {
            let rows = c.query(
                "SELECT id, name FROM projects WHERE tenant = $1 ORDER BY name",
                &[&tenant],
            )?;
            let latest = c.prepare(&format!(
                "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id = $1
                     ORDER BY created_at DESC, id DESC LIMIT 1"
            ))?;
            rows.iter()
                .map(|r| {
                    let id: i64 = r.get(0);
                    Ok(ProjectSummary {
                        name: r.get(1),
                        latest: c.query_opt(&latest, &[&id])?.map(|r| info_of(&r)),
                    })
                })
                .collect()
        };
        run(&mut c).map_err(pg("list projects"))
    }

    fn snapshots(
        &self,
        tenant: &str,
        project: &str,
    ) -> Result<Option<Vec<SnapshotInfo>>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Option<Vec<SnapshotInfo>>, postgres::Error> {
            let Some(pid) = project_id(c, tenant, project)? else {
                return Ok(None);
            };
            let rows = c.query(
                &format!(
                    "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id = $1
                         ORDER BY created_at DESC, id DESC"
                ),
                &[&pid],
            )?;
            Ok(Some(rows.iter().map(info_of).collect()))
        };
        run(&mut c).map_err(pg("list snapshots"))
    }

    fn snapshot_info(
        &self,
        tenant: &str,
        project: &str,
        id: Option<i64>,
    ) -> Result<Option<SnapshotInfo>, StoreError> {
        let mut c = self.lock();
        let row = match id {
            Some(id) => c.query_opt(
                &format!(
                    "SELECT {INFO_COLUMNS} FROM snapshots WHERE id = $3 AND project_id =
                         (SELECT id FROM projects WHERE tenant = $1 AND name = $2)"
                ),
                &[&tenant, &project, &id],
            ),
            None => c.query_opt(
                &format!(
                    "SELECT {INFO_COLUMNS} FROM snapshots WHERE project_id =
                         (SELECT id FROM projects WHERE tenant = $1 AND name = $2)
                         ORDER BY created_at DESC, id DESC LIMIT 1"
                ),
                &[&tenant, &project],
            ),
        };
        Ok(row.map_err(pg("read a snapshot"))?.map(|r| info_of(&r)))
    }

    fn document(
        &self,
        tenant: &str,
        snapshot: i64,
        kind: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = self
            .lock()
            .query_opt(
                "SELECT coalesce(b.body, d.body) FROM documents d
                     LEFT JOIN blobs b ON b.hash = d.blob
                     JOIN snapshots s ON s.id = d.snapshot_id
                     JOIN projects p ON p.id = s.project_id
                     WHERE d.snapshot_id = $1 AND d.kind = $2 AND p.tenant = $3",
                &[&snapshot, &kind, &tenant],
            )
            .map_err(pg("read a snapshot's document"))?;
        Ok(row.map(|r| r.get(0)))
    }

    fn module_history(
        &self,
        tenant: &str,
        project: &str,
        module: &str,
    ) -> Result<Option<Vec<ModuleHistoryRow>>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Option<Vec<ModuleHistoryRow>>, postgres::Error> {
            let Some(pid) = project_id(c, tenant, project)? else {
                return Ok(None);
            };
            let rows = c.query(
                "SELECT s.id, s.commit_id, s.created_at, m.score, m.band, m.errors, m.warnings
                     FROM module_rows m JOIN snapshots s ON s.id = m.snapshot_id
                     WHERE s.project_id = $1 AND m.module = $2
                     ORDER BY s.created_at, s.id",
                &[&pid, &module],
            )?;
            Ok(Some(
                rows.iter()
                    .map(|r| ModuleHistoryRow {
                        snapshot: r.get(0),
                        commit: r.get(1),
                        created_at: r.get(2),
                        score: r.get(3),
                        band: r.get(4),
                        errors: to_u32(r.get(5)),
                        warnings: to_u32(r.get(6)),
                    })
                    .collect(),
            ))
        };
        run(&mut c).map_err(pg("read a module's history"))
    }

    fn put_metrics(
        &self,
        tenant: &str,
        project: &str,
        samples: &[MetricSample],
    ) -> Result<usize, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<usize, postgres::Error> {
            let mut tx = c.transaction()?;
            // A concurrent first write of the same project must not fail on the unique key.
            tx.execute(
                "INSERT INTO projects (tenant, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&tenant, &project],
            )?;
            let pid = project_id(&mut tx, tenant, project)?.unwrap_or_default();
            let put = tx.prepare(
                "INSERT INTO metric_samples (project_id, module, metric, at, value)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (project_id, module, metric, at)
                     DO UPDATE SET value = excluded.value",
            )?;
            let mut n = 0;
            for s in samples {
                n += tx.execute(&put, &[&pid, &s.module, &s.metric, &s.at, &s.value])?;
            }
            tx.commit()?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        };
        run(&mut c).map_err(pg("store metric samples"))
    }

    fn metrics(
        &self,
        tenant: &str,
        project: &str,
        query: &MetricQuery<'_>,
    ) -> Result<Vec<MetricSample>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Vec<MetricSample>, postgres::Error> {
            let Some(pid) = project_id(c, tenant, project)? else {
                return Ok(Vec::new());
            };
            let rows = c.query(
                "SELECT module, metric, at, value FROM metric_samples
                     WHERE project_id = $1 AND ($2::TEXT IS NULL OR module = $2)
                         AND at BETWEEN $3 AND $4
                     ORDER BY module, metric, at",
                &[&pid, &query.module, &query.from, &query.to],
            )?;
            Ok(rows
                .iter()
                .map(|r| MetricSample {
                    module: r.get(0),
                    metric: r.get(1),
                    at: r.get(2),
                    value: r.get(3),
                })
                .collect())
        };
        run(&mut c).map_err(pg("read metric samples"))
    }

    fn delete_project(&self, tenant: &str, project: &str) -> Result<bool, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<u64, postgres::Error> {
            let mut tx = c.transaction()?;
            lock_writes(&mut tx)?;
            let n = tx.execute(
                "DELETE FROM projects WHERE tenant = $1 AND name = $2",
                &[&tenant, &project],
            )?;
            collect_blobs(&mut tx)?;
            tx.commit()?;
            Ok(n)
        };
        Ok(run(&mut c).map_err(pg("delete a project"))? > 0)
    }

    fn project_elsewhere(&self, tenant: &str, project: &str) -> Result<bool, StoreError> {
        let row = self
            .lock()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM projects WHERE name = $2 AND tenant <> $1)",
                &[&tenant, &project],
            )
            .map_err(pg("look for a project in other tenants"))?;
        Ok(row.get(0))
    }

    fn create_tenant(&self, tenant: &str, created_at: i64) -> Result<bool, StoreError> {
        let n = self
            .lock()
            .execute(
                "INSERT INTO tenants (name, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&tenant, &created_at],
            )
            .map_err(pg("create a tenant"))?;
        Ok(n > 0)
    }

    fn tenant_exists(&self, tenant: &str) -> Result<bool, StoreError> {
        let row = self
            .lock()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM tenants WHERE name = $1)",
                &[&tenant],
            )
            .map_err(pg("look up a tenant"))?;
        Ok(row.get(0))
    }

    fn tenants(&self) -> Result<Vec<String>, StoreError> {
        let rows = self
            .lock()
            .query("SELECT name FROM tenants ORDER BY name", &[])
            .map_err(pg("list the tenants"))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn delete_tenant(&self, tenant: &str) -> Result<bool, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<u64, postgres::Error> {
            let mut tx = c.transaction()?;
            // An append under way finishes first, so no event of the tenant outlives this.
            lock_chain(&mut tx, tenant)?;
            lock_writes(&mut tx)?;
            let mut n = 0;
            // Snapshots, their documents and module rows go with the projects (cascade).
            for delete in [
                "DELETE FROM projects WHERE tenant = $1",
                "DELETE FROM tokens WHERE tenant = $1",
                "DELETE FROM audit_events WHERE tenant = $1",
                "DELETE FROM tenants WHERE name = $1",
            ] {
                n += tx.execute(delete, &[&tenant])?;
            }
            collect_blobs(&mut tx)?;
            tx.commit()?;
            Ok(n)
        };
        Ok(run(&mut c).map_err(pg("delete a tenant"))? > 0)
    }

    fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        self.lock()
            .execute(
                &format!(
                    "INSERT INTO tokens ({TOKEN_COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ),
                &[
                    &t.id,
                    &t.tenant,
                    &t.name,
                    &t.role.as_str(),
                    &t.hash,
                    &t.created_at,
                    &t.expires_at,
                    &t.last_used_at,
                    &t.revoked_at,
                ],
            )
            .map_err(pg("store a token"))?;
        Ok(())
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Option<TokenRecord>, postgres::Error> {
            c.query_opt(
                &format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE hash = $1"),
                &[&hash],
            )?
            .map(|r| token_of(&r))
            .transpose()
        };
        run(&mut c).map_err(pg("look up a token"))
    }

    fn tokens(&self, tenant: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Vec<TokenRecord>, postgres::Error> {
            c.query(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM tokens WHERE tenant = $1
                         ORDER BY created_at, id"
                ),
                &[&tenant],
            )?
            .iter()
            .map(token_of)
            .collect()
        };
        run(&mut c).map_err(pg("list tokens"))
    }

    fn revoke_token(&self, tenant: &str, id: &str, at: i64) -> Result<bool, StoreError> {
        let n = self
            .lock()
            .execute(
                "UPDATE tokens SET revoked_at = $3
                     WHERE tenant = $1 AND id = $2 AND revoked_at IS NULL",
                &[&tenant, &id, &at],
            )
            .map_err(pg("revoke a token"))?;
        Ok(n > 0)
    }

    fn touch_token(&self, id: &str, at: i64) -> Result<(), StoreError> {
        // Never backwards, and at most one write per token and second however busy it is.
        self.lock()
            .execute(
                "UPDATE tokens SET last_used_at = $2
                     WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
                &[&id, &at],
            )
            .map_err(pg("record a token's use"))?;
        Ok(())
    }

    fn append_event(&self, e: &NewEvent) -> Result<i64, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<i64, postgres::Error> {
            let mut tx = c.transaction()?;
            // Replicas append to one chain in turn; the unique (tenant, seq) is the backstop.
            lock_chain(&mut tx, &e.tenant)?;
            let (last, previous): (i64, String) = tx
                .query_opt(
                    "SELECT seq, hash FROM audit_events WHERE tenant = $1
                         ORDER BY seq DESC LIMIT 1",
                    &[&e.tenant],
                )?
                .map(|r| (r.get(0), r.get(1)))
                .unwrap_or_default();
            let seq = last + 1;
            let id = tx
                .query_one(
                    "INSERT INTO audit_events (tenant, seq, actor, action, resource_type,
                         resource_id, details, ip, user_agent, created_at, hash)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        &e.tenant,
                        &seq,
                        &e.actor,
                        &e.action,
                        &e.resource_type,
                        &e.resource_id,
                        &e.details.to_string(),
                        &e.ip,
                        &e.user_agent,
                        &e.created_at,
                        &crate::event_hash(&previous, seq, e),
                    ],
                )?
                .get(0);
            tx.commit()?;
            Ok(id)
        };
        run(&mut c).map_err(pg("append an audit event"))
    }

    fn events(&self, tenant: &str, filter: &EventFilter) -> Result<Vec<Event>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Vec<Event>, postgres::Error> {
            c.query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM audit_events WHERE tenant = $1
                         AND ($2::BIGINT IS NULL OR created_at >= $2)
                         AND ($3::BIGINT IS NULL OR created_at <= $3)
                         AND ($4::TEXT IS NULL OR actor = $4)
                         AND ($5::TEXT IS NULL OR action = $5)
                         ORDER BY seq"
                ),
                &[
                    &tenant,
                    &filter.from,
                    &filter.to,
                    &filter.actor,
                    &filter.action,
                ],
            )?
            .iter()
            .map(event_of)
            .collect()
        };
        run(&mut c).map_err(pg("read the audit log"))
    }

    fn all_events(&self) -> Result<Vec<Event>, StoreError> {
        let mut c = self.lock();
        let run = |c: &mut Client| -> Result<Vec<Event>, postgres::Error> {
            // Byte order, as SQLite sorts, whatever the database's collation.
            c.query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY tenant COLLATE \"C\", seq"
                ),
                &[],
            )?
            .iter()
            .map(event_of)
            .collect()
        };
        run(&mut c).map_err(pg("read the audit log"))
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redacted("postgres://strata:s3cret@db.example:5432/registry"),
            "postgres://strata:***@db.example:5432/registry"
        );
        assert_eq!(redacted("postgres://db/registry"), "postgres://db/registry");
    }
}
