//! RFC 9457 problems: every error the API answers, as `application/problem+json`.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use strata_store::StoreError;

/// An error answer: its status, a title naming the kind, and a detail saying what to do.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
}

impl Problem {
    pub fn not_found(detail: String) -> Problem {
        Problem {
            status: StatusCode::NOT_FOUND,
            title: "Not found",
            detail,
        }
    }

    pub fn bad_request(detail: String) -> Problem {
        Problem {
            status: StatusCode::BAD_REQUEST,
            title: "Bad request",
            detail,
        }
    }

    pub fn too_large(limit: usize) -> Problem {
        Problem {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            title: "Request body too large",
            detail: format!(
                "the body is over {} MiB, the server's `--max-body`",
                limit >> 20
            ),
        }
    }

    pub fn internal(detail: String) -> Problem {
        Problem {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            title: "Internal error",
            detail,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body.to_string(),
        )
            .into_response()
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        Problem {
            status: StatusCode::SERVICE_UNAVAILABLE,
            title: "Registry database unavailable",
            detail,
        }
    }
}
