//! Requests against the router, in process: no socket, no port.

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

async fn get(path: &str) -> (StatusCode, serde_json::Value) {
    let response = {{ snake_name }}::router()
        .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn health_and_ready_answer_ok() {
    for path in ["/health", "/ready"] {
        let (status, body) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(body["status"], "ok");
        assert_eq!(body["service"], "{{ name }}");
    }
}

#[tokio::test]
async fn the_base_path_names_the_service() {
    let (status, body) = get({{ snake_name }}::BASE_PATH).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "{{ name }}");
}

#[tokio::test]
async fn unknown_paths_are_not_found() {
    let (status, _) = get("/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
