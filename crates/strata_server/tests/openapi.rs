//! The OpenAPI document: its contract is snapshotted, and it is whole (every operation named,
//! every path parameter declared, every `$ref` resolving inside the document).

use serde_json::Value;
use strata_server::openapi::document;

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| refs(i, out)),
        _ => {}
    }
}

#[test]
fn document_snapshot() {
    insta::assert_json_snapshot!(document("0.0.0-test"));
}

#[test]
fn header() {
    let doc = document("1.2.3");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "strata registry");
    assert_eq!(doc["info"]["version"], "1.2.3");
}

#[test]
fn every_operation_is_named_once_and_declares_its_path_parameters() {
    let doc = document("0.0.0-test");
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str();
            assert!(
                id.is_some_and(|id| !id.is_empty()),
                "{method} {path}: no operationId"
            );
            ids.push(id.unwrap().to_owned());
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            let templated: Vec<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            assert_eq!(declared, templated, "{method} {path}: path parameters");
            assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
        }
    }
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds are unique");
    assert_eq!(count, 26);
}

#[test]
fn every_ref_resolves_inside_the_document() {
    let doc = document("0.0.0-test");
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(found.len() > 20, "the document uses references");
    for r in found {
        let pointer = r.strip_prefix('#');
        assert!(
            pointer.is_some_and(|p| doc.pointer(p).is_some()),
            "`{r}` does not resolve inside the document"
        );
    }
}
