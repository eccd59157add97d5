//! Read models of snapshots, built once per snapshot from its stored documents and kept in a
//! small least-recently-used cache: a snapshot's contents never change under its id, so a
//! cached view is never stale. Large documents (the file graph) are not kept here; they are
//! served as stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Bytes;
use serde_json::{Value, json};
use strata_store::{SnapshotInfo, Store};

use crate::problem::Problem;

/// What the module and findings endpoints answer from, for one snapshot.
pub struct View {
    pub info: SnapshotInfo,
    /// The `/modules` answer.
    pub modules: Bytes,
    /// Each module's card, by name.
    pub cards: HashMap<String, Bytes>,
    /// Every finding, in the order `strata check` reports them.
    pub findings: Vec<Value>,
    /// Indices into `findings`, by module.
    pub findings_by_module: HashMap<String, Vec<usize>>,
    /// The `/health` answer.
    pub health: Bytes,
    /// About how many bytes the view holds.
    pub size: usize,
}

fn bytes(v: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(v).unwrap_or_default())
}

/// How to reach a module's owner: `[teams.NAME] contact` of `strata.toml` for an owner
/// `team:NAME`; null when none is given.
fn contact(teams: &Value, module: &Value) -> Value {
    let owner = module["owner"].as_str().unwrap_or_default();
    let team = owner.strip_prefix("team:").unwrap_or(owner);
    teams["teams"][team]["contact"].clone()
}

/// `{id, commit, created_at}` of a snapshot, as reads name the snapshot they answer from.
pub fn snapshot_ref(info: &SnapshotInfo) -> Value {
    json!({"id": info.id, "commit": info.commit, "created_at": info.created_at})
}

impl View {
    /// Read the documents of snapshot `info` of `tenant` and build its view.
    pub fn build(store: &dyn Store, tenant: &str, info: SnapshotInfo) -> Result<View, Problem> {
        // The findings are kept parsed: a parsed document takes a few times its text, which
        // stands for it in the view's size.
        let mut read = 0;
        let mut doc = |kind: &str| -> Result<Value, Problem> {
            let Some(text) = store.document(tenant, info.id, kind)? else {
                return Ok(Value::Null);
            };
            if kind == "findings" {
                read += 3 * text.len();
            }
            serde_json::from_str(&text).map_err(|e| {
                Problem::internal(format!(
                    "the stored `{kind}` document of snapshot {} is not JSON: {e}",
                    info.id
                ))
            })
        };
        let modules = doc("modules")?;
        let findings_doc = doc("findings")?;
        let health = doc("health")?;
        let graph = doc("module_graph")?;
        let declarations = doc("declarations")?;
        let teams = doc("teams")?;

        let findings: Vec<Value> = match findings_doc {
            Value::Object(mut doc) => match doc.remove("findings") {
                Some(Value::Array(all)) => all,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let mut findings_by_module: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if let Some(m) = f["module"].as_str() {
                findings_by_module.entry(m.to_owned()).or_default().push(i);
            }
        }
        let count = |module: &str, severity: &str| {
            findings_by_module.get(module).map_or(0, |ix| {
                ix.iter()
                    .filter(|&&i| findings[i]["severity"] == severity)
                    .count()
            })
        };
        let empty = Vec::new();
        let entries: Vec<Value> = modules["modules"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .map(|m| {
                let mut m = m.clone();
                let name = m["name"].as_str().unwrap_or_default().to_owned();
                if let Some(obj) = m.as_object_mut() {
                    obj.insert(
                        "findings".into(),
                        json!({"errors": count(&name, "error"), "warnings": count(&name, "warning")}),
                    );
                    obj.insert("status".into(), Value::Null);
                }
                m
            })
            .collect();
        let snapshot = snapshot_ref(&info);

        let health_of: HashMap<&str, &Value> = health["modules"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .filter_map(|h| Some((h["module"].as_str()?, h)))
            .collect();
        let external_of: HashMap<&str, &Value> = graph["modules"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .filter_map(|m| Some((m["name"].as_str()?, &m["external"])))
            .collect();
        // Each module's edges, both ways, in the graph's order.
        let mut out_edges: HashMap<&str, Vec<Value>> = HashMap::new();
        let mut in_edges: HashMap<&str, Vec<Value>> = HashMap::new();
        for e in graph["module_edges"].as_array().unwrap_or(&empty) {
            if let (Some(from), Some(to)) = (e["from"].as_str(), e["to"].as_str()) {
                let edge = |other: &str| json!({"module": other, "imports": e["imports"]});
                out_edges.entry(from).or_default().push(edge(to));
                in_edges.entry(to).or_default().push(edge(from));
            }
        }
        let mut cards = HashMap::new();
        for entry in &entries {
            let Some(name) = entry["name"].as_str() else {
                continue;
            };
            if cards.contains_key(name) {
                continue;
            }
            let neighbours =
                |edges: &HashMap<&str, Vec<Value>>| edges.get(name).cloned().unwrap_or_default();
            let declaration = declarations["modules"].get(name).cloned();
            let links = declaration
                .as_ref()
                .and_then(|d| d.get("links"))
                .filter(|l| l.is_array())
                .cloned()
                .unwrap_or_else(|| json!([]));
            let module_findings: Vec<&Value> = findings_by_module
                .get(name)
                .map(|ix| ix.iter().map(|&i| &findings[i]).collect())
                .unwrap_or_default();
            let card = json!({
                "snapshot": snapshot,
                "module": entry,
                "declaration": declaration,
                "dependencies": neighbours(&out_edges),
                "dependents": neighbours(&in_edges),
                "external": external_of.get(name).copied().cloned().unwrap_or_else(|| json!([])),
                "findings": module_findings,
                "health": health_of.get(name).copied().cloned(),
                "status": null,
                "links": links,
                "contact": contact(&teams, entry),
            });
            cards.insert(name.to_owned(), bytes(&card));
        }
        let modules = bytes(&json!({"snapshot": snapshot, "modules": entries}));
        let health = bytes(&json!({"modules": health["modules"].as_array().unwrap_or(&empty)}));
        let size =
            modules.len() + health.len() + cards.values().map(Bytes::len).sum::<usize>() + read;
        Ok(View {
            info,
            modules,
            cards,
            findings,
            findings_by_module,
            health,
            size,
        })
    }
}

type Slot = Arc<Mutex<Option<Arc<View>>>>;

/// A use counter and, by snapshot id, each slot with its last use.
type Lru = (u64, HashMap<i64, (u64, Slot)>);

/// The views of the most recently read snapshots, within a budget of bytes.
pub struct Views {
    capacity: usize,
    budget: usize,
    /// Snapshot id → (last use, slot). A slot is filled once, by the first reader; readers
    /// of the same snapshot wait for it instead of building it again.
    lru: Mutex<Lru>,
}

impl Views {
    /// At most `capacity` views, and no more than about `budget` bytes of them (the view
    /// being read is always kept).
    pub fn new(capacity: usize, budget: usize) -> Views {
        Views {
            capacity: capacity.max(1),
            budget,
            lru: Mutex::new((0, HashMap::new())),
        }
    }

    /// The view of snapshot `id`, built by `build` when it is not cached.
    pub fn get(
        &self,
        id: i64,
        build: impl FnOnce() -> Result<View, Problem>,
    ) -> Result<Arc<View>, Problem> {
        let slot = {
            let mut lru = self.lru.lock().unwrap_or_else(PoisonError::into_inner);
            let (tick, map) = &mut *lru;
            *tick += 1;
            let now = *tick;
            Arc::clone(
                &map.entry(id)
                    .and_modify(|(used, _)| *used = now)
                    .or_insert_with(|| (now, Arc::default()))
                    .1,
            )
        };
        let view = {
            let mut filled = slot.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(view) = &*filled {
                return Ok(Arc::clone(view));
            }
            let view = Arc::new(build()?);
            *filled = Some(Arc::clone(&view));
            view
        };
        self.evict(id);
        Ok(view)
    }

    /// Drop the least recently used views, other than `keep`, while there are too many or
    /// they are too large.
    fn evict(&self, keep: i64) {
        let mut lru = self.lru.lock().unwrap_or_else(PoisonError::into_inner);
        let map = &mut lru.1;
        let size_of = |slot: &Slot| {
            slot.try_lock()
                .ok()
                .and_then(|v| v.as_ref().map(|v| v.size))
                .unwrap_or(0)
        };
        loop {
            let total: usize = map.values().map(|(_, slot)| size_of(slot)).sum();
            if map.len() <= self.capacity && total <= self.budget {
                return;
            }
            let oldest = map
                .iter()
                .filter(|(k, _)| **k != keep)
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| *k);
            match oldest {
                Some(k) => {
                    map.remove(&k);
                }
                None => return,
            }
        }
    }
}
