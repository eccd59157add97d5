//! The contract every store backend keeps, shared by the backends' test files.

use serde_json::json;
use strata_store::{Documents, ModuleRow, NewSnapshot, Store, StoreError};

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
