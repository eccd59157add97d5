//! The contract every store backend keeps, shared by the backends' test files.

use std::collections::BTreeMap;

use serde_json::json;
use strata_store::{
    Documents, Event, EventFilter, MetricQuery, MetricSample, ModuleRow, NewEvent, NewSnapshot,
    Role, Store, StoreError, TokenRecord, verify_chain,
};

pub fn snapshot(commit: &str, at: i64, score: f64) -> NewSnapshot {
    NewSnapshot {
        commit: commit.into(),
        branch: Some("main".into()),
        created_at: at,
        strata_version: "0.1.0".into(),
        modules: vec![
            ModuleRow {
                module: "billing".into(),
                score: Some(score),
                band: Some("yellow".into()),
                errors: 1,
                warnings: 2,
            },
            ModuleRow {
                module: "ledger".into(),
                score: None,
                band: None,
                errors: 0,
                warnings: 0,
            },
        ],
        documents: Documents {
            modules: strata_store::json(
                &json!({"modules": [{"name": "billing"}, {"name": "ledger"}]}),
            ),
            module_graph: strata_store::json(
                &json!({"level": "module", "edges": [["billing", "ledger"]]}),
            ),
            file_graph: strata_store::json(&json!({"level": "file", "edges": []})),
            findings: strata_store::json(
                &json!({"findings": [], "summary": {"errors": 3, "warnings": 4}}),
            ),
            health: strata_store::json(
                &json!({"modules": [{"module": "billing", "score": score}]}),
            ),
            waves: strata_store::json(&json!({"waves": [{"wave": 1, "modules": ["ledger"]}]})),
            teams: strata_store::json(
                &json!({"teams": {"payments": {"contact": "pay@example.com"}}}),
            ),
            declarations: strata_store::json(
                &json!({"modules": {"billing": {"name": "billing", "tier": 1}}}),
            ),
        },
    }
}

/// A stored document, parsed.
pub fn doc(d: &strata_store::Json) -> serde_json::Value {
    serde_json::from_str(d.get()).unwrap()
}

/// The contract every backend keeps.
pub fn contract(store: &dyn Store) {
    assert!(store.projects("acme").unwrap().is_empty());
    assert_eq!(store.snapshots("acme", "shop").unwrap(), None);
    assert!(store.snapshot("acme", "shop", None).unwrap().is_none());

    let first = store
        .put_snapshot("acme", "shop", &snapshot("c1", 100, 6.0), 0)
        .unwrap();
    let second = store
        .put_snapshot("acme", "shop", &snapshot("c2", 200, 7.0), 0)
        .unwrap();
    assert_ne!(first, second);

    // The latest by time; totals from the findings summary.
    let latest = store.snapshot("acme", "shop", None).unwrap().unwrap();
    assert_eq!(latest.info.id, second);
    assert_eq!(
        (
            latest.info.errors,
            latest.info.warnings,
            latest.info.modules
        ),
        (3, 4, 2)
    );
    assert_eq!(latest.documents, snapshot("c2", 200, 7.0).documents);
    let old = store
        .snapshot("acme", "shop", Some(first))
        .unwrap()
        .unwrap();
    assert_eq!(old.info.commit, "c1");
    assert!(
        store
            .snapshot("acme", "shop", Some(9999))
            .unwrap()
            .is_none()
    );

    let list = store.snapshots("acme", "shop").unwrap().unwrap();
    assert_eq!(
        list.iter().map(|s| s.commit.as_str()).collect::<Vec<_>>(),
        ["c2", "c1"]
    );
    let projects = store.projects("acme").unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].name, "shop");
    assert_eq!(projects[0].latest.as_ref().unwrap().id, second);

    // The same commit again replaces its snapshot, under a new id: what an id names never
    // changes.
    let again = store
        .put_snapshot("acme", "shop", &snapshot("c1", 100, 6.5), 0)
        .unwrap();
    assert!(again != first && again != second);
    assert_eq!(store.snapshots("acme", "shop").unwrap().unwrap().len(), 2);
    assert!(
        store
            .snapshot("acme", "shop", Some(first))
            .unwrap()
            .is_none()
    );
    assert_eq!(store.document("acme", first, "health").unwrap(), None);
    let replaced = store
        .snapshot("acme", "shop", Some(again))
        .unwrap()
        .unwrap();
    assert_eq!(doc(&replaced.documents.health)["modules"][0]["score"], 6.5);
    let first = again;

    // Even the newest snapshot, replaced, gets an id never used before.
    let replaced_latest = store
        .put_snapshot("acme", "shop", &snapshot("c2", 200, 7.0), 0)
        .unwrap();
    assert!(replaced_latest > second && replaced_latest > first);
    let second = replaced_latest;

    // One document as stored, for this tenant only.
    let waves = store.document("acme", second, "waves").unwrap().unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&waves).unwrap(),
        doc(&snapshot("c2", 200, 7.0).documents.waves)
    );
    assert_eq!(store.document("acme", second, "nope").unwrap(), None);
    assert_eq!(store.document("globex", second, "waves").unwrap(), None);

    // A module's history, oldest first.
    let history = store
        .module_history("acme", "shop", "billing")
        .unwrap()
        .unwrap();
    assert_eq!(
        history.iter().map(|h| h.score).collect::<Vec<_>>(),
        [Some(6.5), Some(7.0)]
    );
    assert_eq!(history[0].errors, 1);
    assert!(
        store
            .module_history("acme", "shop", "nope")
            .unwrap()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.module_history("acme", "other", "billing").unwrap(),
        None
    );

    // Another tenant sees nothing of it, and may use the same project name.
    assert!(store.projects("globex").unwrap().is_empty());
    assert_eq!(store.snapshots("globex", "shop").unwrap(), None);
    assert!(
        store
            .snapshot("globex", "shop", Some(first))
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.module_history("globex", "shop", "billing").unwrap(),
        None
    );
    assert!(!store.delete_project("globex", "shop").unwrap());
    let theirs = store
        .put_snapshot("globex", "shop", &snapshot("c1", 100, 1.0), 0)
        .unwrap();
    assert_ne!(theirs, first);
    let ours = store
        .snapshot("acme", "shop", Some(first))
        .unwrap()
        .unwrap();
    assert_eq!(doc(&ours.documents.health)["modules"][0]["score"], 6.5);

    // Retention: the newest `keep` of the project stay.
    for i in 3..8 {
        store
            .put_snapshot("acme", "shop", &snapshot(&format!("c{i}"), i * 100, 5.0), 3)
            .unwrap();
    }
    let kept: Vec<String> = store
        .snapshots("acme", "shop")
        .unwrap()
        .unwrap()
        .into_iter()
        .map(|s| s.commit)
        .collect();
    assert_eq!(kept, ["c7", "c6", "c5"]);
    assert_eq!(
        store
            .module_history("acme", "shop", "billing")
            .unwrap()
            .unwrap()
            .len(),
        3
    );
    // The other tenant's project was not touched by the retention.
    assert_eq!(store.snapshots("globex", "shop").unwrap().unwrap().len(), 1);

    // Deleting a project removes its snapshots, and only its own.
    assert!(store.delete_project("acme", "shop").unwrap());
    assert_eq!(store.snapshots("acme", "shop").unwrap(), None);
    assert!(store.snapshot("globex", "shop", None).unwrap().is_some());
}

/// A write that fails halfway leaves the previous snapshot whole, and a new commit no trace.
pub fn failed_writes_change_nothing(store: &dyn Store) {
    let id = store
        .put_snapshot("acme", "shop", &snapshot("c1", 100, 6.0), 0)
        .unwrap();
    // Two rows for one module break the (snapshot, module) key halfway through the write.
    let mut bad = snapshot("c1", 100, 9.0);
    bad.modules.push(bad.modules[0].clone());
    let err = store.put_snapshot("acme", "shop", &bad, 0).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Sqlite {
                doing: "write a snapshot",
                ..
            } | StoreError::Postgres {
                doing: "write a snapshot",
                ..
            }
        ),
        "{err}"
    );
    let s = store.snapshot("acme", "shop", Some(id)).unwrap().unwrap();
    assert_eq!(s.documents, snapshot("c1", 100, 6.0).documents);
    assert_eq!(
        store
            .module_history("acme", "shop", "billing")
            .unwrap()
            .unwrap()[0]
            .score,
        Some(6.0)
    );
    let mut bad = snapshot("c2", 200, 9.0);
    bad.modules.push(bad.modules[0].clone());
    assert!(store.put_snapshot("acme", "shop", &bad, 0).is_err());
    assert_eq!(store.snapshots("acme", "shop").unwrap().unwrap().len(), 1);
}

/// A token of `tenant` whose secret hashes to `hash`.
pub fn token(tenant: &str, id: &str, role: Role, hash: &str, at: i64) -> TokenRecord {
    TokenRecord {
        id: id.into(),
        tenant: tenant.into(),
        name: format!("{id} of {tenant}"),
        role,
        hash: hash.into(),
        created_at: at,
        expires_at: None,
        last_used_at: None,
        revoked_at: None,
    }
}

/// The `i`th event of a tenant's test log: actors and actions alternate, one every 10 s.
pub fn event(tenant: &str, i: i64) -> NewEvent {
    NewEvent {
        tenant: tenant.into(),
        actor: if i % 2 == 0 {
            "token:tok_ci (ci)"
        } else {
            "oidc:alice"
        }
        .into(),
        action: if i % 3 == 0 {
            "project.delete"
        } else {
            "snapshot.push"
        }
        .into(),
        resource_type: "project".into(),
        resource_id: format!("shop{i}"),
        details: json!({"commit": format!("c{i}"), "modules": i, "nested": {"z": [1, 2], "a": null}}),
        ip: (i % 2 == 0).then(|| "10.0.0.7".into()),
        user_agent: Some("strata/0.1.0".into()),
        created_at: 1000 + 10 * i,
    }
}

/// Whether a store error is from the named step, whichever the backend.
fn failed_to(err: &StoreError, what: &str) -> bool {
    matches!(err, StoreError::Sqlite { doing, .. } | StoreError::Postgres { doing, .. } if *doing == what)
}

/// Tenants are created once; tokens are found by hash, listed and revoked per tenant.
pub fn tenants_and_tokens(store: &dyn Store) {
    assert!(!store.tenant_exists("acme").unwrap());
    assert!(store.create_tenant("acme", 100).unwrap());
    assert!(!store.create_tenant("acme", 200).unwrap());
    assert!(store.tenant_exists("acme").unwrap());
    assert!(!store.tenant_exists("globex").unwrap());
    assert!(store.create_tenant("beta", 150).unwrap());
    assert_eq!(store.tenants().unwrap(), ["acme", "beta"]);
    assert!(store.create_tenant("globex", 100).unwrap());

    let admin = token("acme", "tok_a1", Role::Admin, "h-a1", 100);
    let viewer = TokenRecord {
        expires_at: Some(5000),
        ..token("acme", "tok_a2", Role::Viewer, "h-a2", 200)
    };
    let editor = token("globex", "tok_g1", Role::Editor, "h-g1", 150);
    for t in [&viewer, &editor, &admin] {
        store.put_token(t).unwrap();
    }
    assert_eq!(store.token_by_hash("h-a1").unwrap().as_ref(), Some(&admin));
    assert_eq!(store.token_by_hash("h-g1").unwrap().as_ref(), Some(&editor));
    assert_eq!(store.token_by_hash("h-none").unwrap(), None);
    assert_eq!(store.tokens("acme").unwrap(), [admin, viewer]);
    assert_eq!(
        store.tokens("globex").unwrap(),
        std::slice::from_ref(&editor)
    );
    assert!(store.tokens("initech").unwrap().is_empty());

    // A hash or an id names one token.
    let err = store
        .put_token(&token("globex", "tok_g2", Role::Admin, "h-a1", 300))
        .unwrap_err();
    assert!(failed_to(&err, "store a token"), "{err}");
    assert!(
        store
            .put_token(&token("globex", "tok_a1", Role::Admin, "h-x", 300))
            .is_err()
    );
    assert_eq!(
        store.tokens("globex").unwrap(),
        std::slice::from_ref(&editor)
    );

    // Revoking: only the tenant's own token, once.
    assert!(!store.revoke_token("globex", "tok_a1", 300).unwrap());
    assert!(!store.revoke_token("acme", "tok_none", 300).unwrap());
    assert!(store.revoke_token("acme", "tok_a1", 300).unwrap());
    assert!(!store.revoke_token("acme", "tok_a1", 400).unwrap());
    let revoked = store.token_by_hash("h-a1").unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(300), "the first revocation stands");
    assert_eq!(
        store.token_by_hash("h-a2").unwrap().unwrap().revoked_at,
        None
    );

    // Use is recorded, never backwards.
    store.touch_token("tok_a2", 400).unwrap();
    assert_eq!(
        store.token_by_hash("h-a2").unwrap().unwrap().last_used_at,
        Some(400)
    );
    store.touch_token("tok_a2", 350).unwrap();
    store.touch_token("tok_none", 500).unwrap();
    let used = store.token_by_hash("h-a2").unwrap().unwrap();
    assert_eq!(
        (used.last_used_at, used.expires_at),
        (Some(400), Some(5000))
    );
    assert_eq!(
        store.token_by_hash("h-g1").unwrap().unwrap().last_used_at,
        None
    );

    // A project name of another tenant is seen only by the audit log's question.
    store
        .put_snapshot("acme", "shop", &snapshot("c1", 100, 6.0), 0)
        .unwrap();
    assert!(store.project_elsewhere("globex", "shop").unwrap());
    assert!(!store.project_elsewhere("acme", "shop").unwrap());
    assert!(!store.project_elsewhere("globex", "nope").unwrap());
}

/// Two tenants' interleaved events: `n` each, chained per tenant. Returns each tenant's
/// events as read back.
pub fn append_two_chains(store: &dyn Store, n: i64) -> (Vec<Event>, Vec<Event>) {
    let mut ids = (Vec::new(), Vec::new());
    for i in 0..n {
        ids.0.push(store.append_event(&event("acme", i)).unwrap());
        ids.1.push(store.append_event(&event("globex", i)).unwrap());
    }
    let all = EventFilter::default();
    let (acme, globex) = (
        store.events("acme", &all).unwrap(),
        store.events("globex", &all).unwrap(),
    );
    for (events, ids, tenant) in [(&acme, &ids.0, "acme"), (&globex, &ids.1, "globex")] {
        assert_eq!(&events.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=n).collect::<Vec<_>>()
        );
        let sent: Vec<NewEvent> = (0..n).map(|i| event(tenant, i)).collect();
        assert_eq!(
            events.iter().map(|e| e.event.clone()).collect::<Vec<_>>(),
            sent
        );
    }
    (acme, globex)
}

/// Events chain per tenant and verify; the filters select within one tenant.
pub fn audit_log(store: &dyn Store) {
    assert!(store.all_events().unwrap().is_empty());
    let (acme, globex) = append_two_chains(store, 6);
    assert_eq!(verify_chain(&store.all_events().unwrap()), Ok(12));
    assert_eq!(verify_chain(&acme), Ok(6));
    assert_eq!(
        acme[0].hash,
        strata_store::event_hash("", 1, &event("acme", 0))
    );
    assert_ne!(acme[0].hash, globex[0].hash);

    let seqs = |tenant: &str, filter: EventFilter| -> Vec<i64> {
        let events = store.events(tenant, &filter).unwrap();
        assert!(events.iter().all(|e| e.event.tenant == tenant));
        events.iter().map(|e| e.seq).collect()
    };
    // Times are 1000, 1010, …, 1050; both bounds are inclusive.
    let from_to = EventFilter {
        from: Some(1010),
        to: Some(1030),
        ..EventFilter::default()
    };
    assert_eq!(seqs("acme", from_to.clone()), [2, 3, 4]);
    assert_eq!(seqs("globex", from_to), [2, 3, 4]);
    let from = EventFilter {
        from: Some(1041),
        ..EventFilter::default()
    };
    assert_eq!(seqs("acme", from), [6]);
    let to = EventFilter {
        to: Some(1000),
        ..EventFilter::default()
    };
    assert_eq!(seqs("acme", to), [1]);
    let actor = EventFilter {
        actor: Some("oidc:alice".into()),
        ..EventFilter::default()
    };
    assert_eq!(seqs("acme", actor.clone()), [2, 4, 6]);
    let deletes = EventFilter {
        action: Some("project.delete".into()),
        ..actor
    };
    assert_eq!(seqs("acme", deletes), [4]);
    let nobody = EventFilter {
        actor: Some("oidc".into()),
        ..EventFilter::default()
    };
    assert!(seqs("acme", nobody).is_empty());
    assert!(seqs("initech", EventFilter::default()).is_empty());
}

/// Editing, deleting or reordering a stored event is found, at that event. `tamper` runs SQL
/// on the database behind the store's back.
pub fn tampering_is_found(store: &dyn Store, tamper: &mut dyn FnMut(&str)) {
    let (acme, _) = append_two_chains(store, 6);
    let broken_at = || {
        let all = store.all_events().unwrap();
        verify_chain(&all).unwrap_err()
    };
    let [_, _, third, fourth, fifth, _] = &acme[..] else {
        panic!("six events")
    };

    // An edited event breaks at itself (and is found again when put back).
    tamper(&format!(
        "UPDATE audit_events SET action = 'snapshot.read' WHERE id = {}",
        third.id
    ));
    let err = broken_at();
    assert_eq!(
        (err.tenant.as_str(), err.id, err.seq),
        ("acme", third.id, 3),
        "{err}"
    );
    assert!(err.reason.contains("hash"), "{err}");
    tamper(&format!(
        "UPDATE audit_events SET action = '{}' WHERE id = {}",
        third.event.action, third.id
    ));
    assert_eq!(verify_chain(&store.all_events().unwrap()), Ok(12));

    // Two events swapped: the one now first in place breaks. `place` moves `a` to position
    // `x` and `b` to `y`, through a free position as the unique (tenant, seq) demands.
    let place = |a: &Event, x: i64, b: &Event, y: i64| {
        format!(
            "UPDATE audit_events SET seq = -1 WHERE id = {a};
             UPDATE audit_events SET seq = {y} WHERE id = {b};
             UPDATE audit_events SET seq = {x} WHERE id = {a}",
            a = a.id,
            b = b.id,
        )
    };
    tamper(&place(fourth, 5, fifth, 4));
    let err = broken_at();
    assert_eq!((err.id, err.seq), (fifth.id, 4), "{err}");
    tamper(&place(fourth, 4, fifth, 5));
    assert_eq!(verify_chain(&store.all_events().unwrap()), Ok(12));

    // A deleted event leaves a gap at the next.
    tamper(&format!("DELETE FROM audit_events WHERE id = {}", third.id));
    let err = broken_at();
    assert_eq!((err.id, err.seq), (fourth.id, 4), "{err}");
    assert!(err.reason.contains("expected position 3"), "{err}");
    // The other tenant's chain is whole.
    let globex = store.events("globex", &EventFilter::default()).unwrap();
    assert_eq!(verify_chain(&globex), Ok(6));
}

/// Every row of every table, each as its columns' text: what a dump of the database shows.
pub type Dump = BTreeMap<String, Vec<String>>;

/// Erasing a tenant leaves no row that mentions it, and the other tenant whole. `dump` reads
/// every table of the database behind the store.
pub fn erasure(store: &dyn Store, dump: &mut dyn FnMut() -> Dump) {
    // Both tenants: a project with snapshots (some documents shared between them), tokens
    // and events. Only the erased one's documents name it.
    let mut theirs = snapshot("c1", 100, 6.0);
    theirs.documents.teams =
        strata_store::json(&json!({"teams": {"ops": {"contact": "ops@initech.example"}}}));
    for tenant in ["initech", "globex"] {
        assert!(store.create_tenant(tenant, 100).unwrap());
        let s = if tenant == "initech" {
            &theirs
        } else {
            &snapshot("c1", 100, 7.0)
        };
        store.put_snapshot(tenant, "shop", s, 0).unwrap();
        store
            .put_snapshot(tenant, "shop", &snapshot("c2", 200, 8.0), 0)
            .unwrap();
        store
            .put_snapshot(
                tenant,
                &format!("{tenant}-site"),
                &snapshot("c1", 100, 5.0),
                0,
            )
            .unwrap();
        for (i, role) in [Role::Admin, Role::Viewer].into_iter().enumerate() {
            let id = format!("tok_{tenant}_{i}");
            store
                .put_token(&token(tenant, &id, role, &format!("hash-{id}"), 100))
                .unwrap();
        }
        for i in 0..3 {
            store.append_event(&event(tenant, i)).unwrap();
        }
    }
    let before = dump();
    let globex = store.snapshot("globex", "shop", None).unwrap().unwrap();

    assert!(store.delete_tenant("initech").unwrap());
    let after = dump();
    for (table, rows) in &after {
        for row in rows {
            assert!(
                !row.contains("initech"),
                "`{table}` keeps a row of the erased tenant: {row}"
            );
        }
    }
    // What the other tenant owns is all that is left: each table lost exactly the erased
    // tenant's rows, and the blobs only it referred to.
    let count = |dump: &Dump, table: &str| dump.get(table).map_or(0, Vec::len);
    for (table, gone) in [
        ("tenants", 1),
        ("projects", 2),
        ("snapshots", 3),
        ("documents", 3 * 8),
        ("module_rows", 3 * 2),
        ("tokens", 2),
        ("audit_events", 3),
    ] {
        assert_eq!(
            count(&before, table) - count(&after, table),
            gone,
            "`{table}`"
        );
    }
    // The blobs left are exactly those the other tenant's snapshots refer to.
    let mut referenced = std::collections::BTreeSet::new();
    for p in store.projects("globex").unwrap() {
        for s in store.snapshots("globex", &p.name).unwrap().unwrap() {
            for kind in strata_store::DOCUMENT_KINDS {
                referenced.insert(store.document("globex", s.id, kind).unwrap().unwrap());
            }
        }
    }
    assert_eq!(count(&after, "blobs"), referenced.len());

    assert!(!store.tenant_exists("initech").unwrap());
    assert!(store.projects("initech").unwrap().is_empty());
    assert!(store.tokens("initech").unwrap().is_empty());
    assert!(
        store
            .events("initech", &EventFilter::default())
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.token_by_hash("hash-tok_initech_0").unwrap(), None);
    assert!(!store.delete_tenant("initech").unwrap());

    // The other tenant is untouched.
    assert!(store.tenant_exists("globex").unwrap());
    assert_eq!(
        store.snapshot("globex", "shop", None).unwrap().unwrap(),
        globex
    );
    assert_eq!(store.snapshots("globex", "shop").unwrap().unwrap().len(), 2);
    assert_eq!(store.tokens("globex").unwrap().len(), 2);
    assert_eq!(verify_chain(&store.all_events().unwrap()), Ok(3));

    // A tenant without a row (the local one) is erased by its data alone.
    store
        .put_snapshot("default", "shop", &snapshot("c1", 100, 6.0), 0)
        .unwrap();
    assert!(store.delete_tenant("default").unwrap());
    assert!(store.projects("default").unwrap().is_empty());
}

/// Eight writers, each through a store of its own, append to one chain: it never forks.
pub fn concurrent_appends(open: &(dyn Fn() -> Box<dyn Store> + Sync)) {
    std::thread::scope(|scope| {
        for writer in 0..8 {
            scope.spawn(move || {
                let store = open();
                for i in 0..50 {
                    store
                        .append_event(&event("acme", writer * 100 + i))
                        .unwrap();
                }
            });
        }
    });
    let events = open().all_events().unwrap();
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=400).collect::<Vec<_>>()
    );
    assert_eq!(verify_chain(&events), Ok(400));
}

/// An event's details come back exactly as sent, floats included, so its chain still
/// verifies (`serde_json` parses floats exactly only with its `float_roundtrip` feature).
pub fn details_round_trip(store: &dyn Store) {
    let sent = NewEvent {
        details: json!({"score": 1.314_337_794_521_122_5, "ms": 0.1, "big": 1e300}),
        ..event("acme", 0)
    };
    store.append_event(&sent).unwrap();
    let stored = store.all_events().unwrap();
    assert_eq!(stored[0].event, sent);
    assert_eq!(verify_chain(&stored), Ok(1));
}

/// Eight writers, each through a store of its own (a replica), push at once: every commit of
/// `shop` by all of them (the same push retried or duplicated), and each a project of its own
/// whose retention drops old snapshots while the others write the same documents. Every push
/// succeeds; each commit is stored once; every document of what is kept can be read.
pub fn concurrent_pushes(open: &(dyn Fn() -> Box<dyn Store> + Sync)) {
    std::thread::scope(|scope| {
        for writer in 0..8_i64 {
            scope.spawn(move || {
                let store = open();
                for i in 0..10_i64 {
                    let commit = format!("c{i}");
                    store
                        .put_snapshot("acme", "shop", &snapshot(&commit, 1000 + i, 5.0), 0)
                        .unwrap();
                    let own = format!("w{writer}-{i}");
                    store
                        .put_snapshot("acme", &format!("own-{writer}"), &snapshot(&own, i, 5.0), 2)
                        .unwrap();
                }
            });
        }
    });
    let store = open();
    let listed = store.snapshots("acme", "shop").unwrap().unwrap();
    let commits: Vec<&str> = listed.iter().map(|s| s.commit.as_str()).collect();
    assert_eq!(
        commits,
        ["c9", "c8", "c7", "c6", "c5", "c4", "c3", "c2", "c1", "c0"]
    );
    for writer in 0..8 {
        let project = format!("own-{writer}");
        let kept = store.snapshots("acme", &project).unwrap().unwrap();
        assert_eq!(kept.len(), 2);
        for s in kept.iter().chain(&listed) {
            let p = if s.commit.starts_with('c') {
                "shop"
            } else {
                &project
            };
            let whole = store.snapshot("acme", p, Some(s.id)).unwrap().unwrap();
            assert_eq!(whole.documents, snapshot("x", 0, 5.0).documents);
        }
    }
}

fn sample(module: &str, metric: &str, at: i64, value: f64) -> MetricSample {
    MetricSample {
        module: module.into(),
        metric: metric.into(),
        at,
        value,
    }
}

/// Metric samples: an upsert per (module, metric, second), read back per module or project
/// within a time range, scoped by tenant, and gone with their project.
pub fn metrics(store: &dyn Store) {
    let all = MetricQuery {
        module: None,
        from: i64::MIN,
        to: i64::MAX,
    };
    assert!(store.metrics("acme", "shop", &all).unwrap().is_empty());
    let written = store
        .put_metrics(
            "acme",
            "shop",
            &[
                sample("billing", "p99_ms", 200, 120.5),
                sample("billing", "p99_ms", 100, 110.0),
                sample("billing", "error_rate", 100, 0.001),
                sample("users", "p99_ms", 100, 80.0),
            ],
        )
        .unwrap();
    assert_eq!(written, 4);
    // Metrics alone create the project; a snapshot comes later.
    assert!(
        store
            .projects("acme")
            .unwrap()
            .iter()
            .any(|p| p.name == "shop")
    );
    // The same key again replaces the value.
    store
        .put_metrics("acme", "shop", &[sample("billing", "p99_ms", 200, 130.0)])
        .unwrap();
    assert_eq!(
        store.metrics("acme", "shop", &all).unwrap(),
        [
            sample("billing", "error_rate", 100, 0.001),
            sample("billing", "p99_ms", 100, 110.0),
            sample("billing", "p99_ms", 200, 130.0),
            sample("users", "p99_ms", 100, 80.0),
        ]
    );
    let billing_late = MetricQuery {
        module: Some("billing"),
        from: 150,
        to: 200,
    };
    assert_eq!(
        store.metrics("acme", "shop", &billing_late).unwrap(),
        [sample("billing", "p99_ms", 200, 130.0)]
    );
    // Another tenant sees nothing of it, and has its own.
    assert!(store.metrics("globex", "shop", &all).unwrap().is_empty());
    store
        .put_metrics("globex", "shop", &[sample("billing", "p99_ms", 200, 1.0)])
        .unwrap();
    assert_eq!(store.metrics("acme", "shop", &all).unwrap().len(), 4);
    assert!(store.delete_project("acme", "shop").unwrap());
    assert!(store.metrics("acme", "shop", &all).unwrap().is_empty());
    assert_eq!(store.metrics("globex", "shop", &all).unwrap().len(), 1);
}
