//! Errors as the web answers them: a status, a stable code, a message. The API sends them as
//! JSON (`{"error": {"code": …, "message": …}}`); pages show them in the user's language.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error a browser should see as a page: set on a response by a layer below the pages (the
/// guard), rendered by the outer layer that knows them.
#[derive(Debug, Clone)]
pub struct AsPage(pub WebError);

#[derive(Debug, Clone, PartialEq)]
pub struct WebError {
    pub status: StatusCode,
    /// Stable, machine-readable: `not_found`, `bad_request`, `writes_disabled`, `csrf`,
    /// `unauthorized` (sign in first), `forbidden` (a role or place the person lacks),
    /// `payload_too_large`, `unsupported_document`, `invalid_record`, `internal`.
    pub code: &'static str,
    pub message: String,
    /// For `invalid_record`: the problem codes.
    pub problems: Vec<String>,
}

impl WebError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        WebError { status, code, message: message.into(), problems: Vec::new() }
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        WebError::new(StatusCode::NOT_FOUND, "not_found", what)
    }
    pub fn bad_request(why: impl Into<String>) -> Self {
        WebError::new(StatusCode::BAD_REQUEST, "bad_request", why)
    }
    pub fn internal(why: impl std::fmt::Display) -> Self {
        tracing::error!(error = %why, "internal error");
        WebError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal error (see the server log)")
    }
    pub fn writes_disabled() -> Self {
        WebError::new(
            StatusCode::FORBIDDEN,
            "writes_disabled",
            "this server is read-only: its store cannot be written here (or, for one person on this machine, start it with --local)",
        )
    }
    /// An upload (or any body) over the server's limit: the same answer on every path.
    pub fn too_large(limit: usize) -> Self {
        WebError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("the document is larger than this server's upload limit ({:.1} MB)", limit as f64 / 1e6),
        )
    }
    pub fn csrf(why: impl Into<String>) -> Self {
        WebError::new(StatusCode::FORBIDDEN, "csrf", why)
    }
    /// The catalogue key of the message pages show for this error.
    pub fn message_key(&self) -> &'static str {
        match self.code {
            "not_found" => "error-not-found",
            "writes_disabled" => "error-writes-disabled",
            "csrf" => "error-csrf",
            "unauthorized" => "error-unauthorized",
            "forbidden" => "error-forbidden",
            "internal" => "error-internal",
            _ => "error-bad-request",
        }
    }
}

impl From<hoptac_store::StoreError> for WebError {
    fn from(e: hoptac_store::StoreError) -> Self {
        match e {
            hoptac_store::StoreError::NotFound(what, id) => WebError::not_found(format!("no {what} with id {id}")),
            hoptac_store::StoreError::Invalid(why) => WebError::bad_request(why),
            other => WebError::internal(other),
        }
    }
}

impl From<hoptac_app::AppError> for WebError {
    fn from(e: hoptac_app::AppError) -> Self {
        match e {
            hoptac_app::AppError::Place(why) => WebError::bad_request(why),
            hoptac_app::AppError::Store(s) => s.into(),
            hoptac_app::AppError::Search(s) => s.into(),
            other => WebError::internal(other),
        }
    }
}

impl From<hoptac_search::SearchError> for WebError {
    fn from(e: hoptac_search::SearchError) -> Self {
        match e {
            hoptac_search::SearchError::Query(why) => WebError::bad_request(why),
            e @ hoptac_search::SearchError::TimedOut(_) => {
                tracing::warn!(error = %e, "search stopped at its deadline");
                WebError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.to_string())
            }
            other => WebError::internal(other),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if !self.problems.is_empty() {
            body["error"]["problems"] = json!(self.problems);
        }
        (self.status, Json(body)).into_response()
    }
}
