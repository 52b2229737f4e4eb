//! The JSON API under `/api/v1`, described by `openapi.json` (served at
//! `/api/v1/openapi.json`; a test checks every route is in it). Errors are
//! `{"error": {"code", "message"}}` with a stable code.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use hoptac_core::FigureKind;
use hoptac_store::{FactType, Reader};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::actions::{self, Fields, Wanted};
use crate::auth::{Actor, Viewer};
use crate::error::WebError;
use crate::guard::CsrfToken;
use crate::i18n::Lang;
use crate::queries::{self, SearchParams};
use crate::state::Shared;

type ApiResult = Result<Response, WebError>;

fn ok(v: impl serde::Serialize) -> ApiResult {
    Ok(Json(v).into_response())
}

pub async fn openapi() -> Response {
    ([(CONTENT_TYPE, "application/json")], include_str!("../openapi.json")).into_response()
}

/// The CSRF token a non-browser client sends back in `X-CSRF-Token` (the cookie comes with it).
pub async fn csrf(Extension(token): Extension<CsrfToken>) -> ApiResult {
    ok(json!({ "token": token.0, "header": crate::guard::CSRF_HEADER }))
}

pub async fn places(State(st): State<Shared>) -> ApiResult {
    let places: Vec<Value> = st
        .places
        .iter()
        .map(|p| {
            json!({
                "id": p.id, "level": p.level, "name_vi": p.name, "name_en": p.name_en, "name_lo": p.name_lo,
                "valid_from": p.valid_from, "valid_to": p.valid_to, "successor": p.successor,
            })
        })
        .collect();
    ok(places)
}

pub async fn partnerships(State(st): State<Shared>) -> ApiResult {
    let list = st.read(|st, r| queries::summaries_kept(&st.summaries, r, queries::today())).await?;
    let out: Vec<Value> = list
        .iter()
        .map(|s| {
            let names: Vec<String> = s.parties.iter().map(|p| st.place_name(p, Lang::Vi)).collect();
            let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
            v["names"] = json!(names);
            v
        })
        .collect();
    ok(out)
}

pub async fn partnership_dossier(State(st): State<Shared>, Path(id): Path<i64>) -> ApiResult {
    ok(st
        .read(move |st, r| {
            let p = queries::partnership(r, id)?;
            queries::dossier(st, r, &p.parties)
        })
        .await?)
}

#[derive(Deserialize)]
pub struct PlacesQuery {
    #[serde(default)]
    places: String,
}

pub async fn dossier(State(st): State<Shared>, Query(q): Query<PlacesQuery>) -> ApiResult {
    let wanted = crate::pages::resolve_places(&st, &q.places)?;
    ok(st.read(move |st, r| queries::dossier(st, r, &wanted)).await?)
}

#[derive(Deserialize)]
pub struct ListQuery {
    partnership: Option<i64>,
    status: Option<String>,
}

fn partnership_ids(r: &dyn Reader, wanted: Option<i64>) -> Result<Vec<i64>, WebError> {
    Ok(match wanted {
        Some(id) => vec![queries::partnership(r, id)?.id],
        None => r.partnerships()?.into_iter().map(|p| p.id).collect(),
    })
}

pub async fn events(State(st): State<Shared>, Query(q): Query<ListQuery>) -> ApiResult {
    ok(st
        .read(move |_, r| {
            let ids = partnership_ids(r, q.partnership)?;
            let rows = hoptac_store::dossier::visible(r, FactType::Event, r.events(&ids)?, |e| e.id)?;
            Ok(rows.into_iter().map(|(e, review)| with_review(&e, review)).collect::<Vec<_>>())
        })
        .await?)
}

pub async fn agreements(State(st): State<Shared>, Query(q): Query<ListQuery>) -> ApiResult {
    ok(st
        .read(move |_, r| {
            let ids = partnership_ids(r, q.partnership)?;
            let rows = hoptac_store::dossier::visible(r, FactType::Agreement, r.agreements(&ids)?, |a| a.id)?;
            Ok(rows.into_iter().map(|(a, review)| with_review(&a, review)).collect::<Vec<_>>())
        })
        .await?)
}

fn with_review(v: &impl serde::Serialize, review: hoptac_store::ReviewState) -> Value {
    let mut v = serde_json::to_value(v).unwrap_or(Value::Null);
    v["review"] = json!(review);
    v
}

/// Commitments with their status and the results that fulfil them (from each partnership's
/// dossier); `?status=promised|delivered|overdue|unknown` filters.
pub async fn commitments(State(st): State<Shared>, Query(q): Query<ListQuery>) -> ApiResult {
    if let Some(s) = q.status.as_deref() {
        if !["promised", "delivered", "overdue", "unknown"].contains(&s) {
            return Err(WebError::bad_request(format!("unknown status {s:?} (promised, delivered, overdue, unknown)")));
        }
    }
    ok(st
        .read(move |st, r| {
            let mut out = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for id in partnership_ids(r, q.partnership)? {
                let p = queries::partnership(r, id)?;
                if p.parties.len() < 2 {
                    continue;
                }
                let d = queries::dossier(st, r, &p.parties)?;
                for c in d.commitments {
                    if c.line.fact.partnership != Some(id) || !seen.insert(c.line.fact.id) {
                        continue;
                    }
                    if q.status.as_deref().is_none_or(|s| s == c.status.as_str()) {
                        out.push(c);
                    }
                }
            }
            Ok(out)
        })
        .await?)
}

/// A fact, its review history and a page of its evidence (`?offset=&limit=`, 100 by default,
/// at most 1,000; `evidence_total` says how many there are).
pub async fn fact(State(st): State<Shared>, Path((kind, id)): Path<(String, i64)>, Query(p): Query<Page>) -> ApiResult {
    let ft = match kind.as_str() {
        "events" => FactType::Event,
        "agreements" => FactType::Agreement,
        "figures" | "commitments" => FactType::Figure,
        "people" => FactType::Person,
        other => return Err(WebError::not_found(format!("no collection {other:?}"))),
    };
    let limit = p.limit.unwrap_or(EVIDENCE_PAGE).min(1000);
    let v = st.read(move |_, r| queries::fact(r, ft, id, p.offset, limit)).await?;
    if kind == "commitments"
        && !matches!(&v.stored, hoptac_store::StoredFact::Figure(f) if f.kind == FigureKind::Commitment)
    {
        return Err(WebError::not_found(format!("figure {id} is not a commitment")));
    }
    ok(v)
}

/// The evidence a fact's answer carries when no limit is asked for.
const EVIDENCE_PAGE: usize = 100;

#[derive(Deserialize)]
pub struct Page {
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

pub async fn documents(State(st): State<Shared>, Query(p): Query<Page>) -> ApiResult {
    let limit = p.limit.unwrap_or(100).min(1000);
    ok(st
        .read(move |_, r| {
            let ids = r.document_ids()?;
            let total = ids.len();
            let page: Vec<i64> = ids.into_iter().skip(p.offset).take(limit).collect();
            Ok(json!({ "total": total, "offset": p.offset, "documents": r.document_summaries(&page)? }))
        })
        .await?)
}

/// A document's text and every evidence span in it, with the fact each supports.
pub async fn document(State(st): State<Shared>, Path(id): Path<i64>) -> ApiResult {
    let v = st.read(move |_, r| queries::document(r, id)).await?;
    let evidence: Vec<Value> = v
        .evidence
        .iter()
        .map(|e| {
            json!({
                "fact_type": e.fact_type, "fact_id": e.fact_id, "span": e.span, "sentence": e.sentence,
                "claim": e.claim,
                "review": v.states.get(&(e.fact_type, e.fact_id)),
            })
        })
        .collect();
    ok(json!({ "document": v.doc, "evidence": evidence }))
}

/// Search. Answers are cached by the parameters a search reads while neither the store nor the
/// index changes.
pub async fn search(
    State(st): State<Shared>,
    headers: axum::http::HeaderMap,
    Query(p): Query<SearchParams>,
) -> ApiResult {
    let fresh = crate::request::wants_fresh(&headers);
    if p.q.trim().is_empty() {
        return Err(WebError::bad_request("the query q is empty"));
    }
    let limit = p.limit.unwrap_or(10).clamp(1, 200);
    let body = st
        .blocking(move |st| {
            let generation = st.generation()?;
            let key = format!("{}@{}", p.cache_key(limit), st.index.generation());
            if let Some(body) = st.cached_answer(&key, generation).filter(|_| !fresh) {
                return Ok(body);
            }
            let r = queries::search(st, &p, limit, limit)?;
            let body = Bytes::from(
                serde_json::to_vec(&json!({ "total": r.total, "total_exact": r.total_exact, "hits": r.hits }))
                    .map_err(WebError::internal)?,
            );
            st.keep_answer(key, generation, body.clone());
            Ok(body)
        })
        .await?;
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize)]
pub struct AgendaQuery {
    days: Option<i64>,
}

pub async fn agenda(State(st): State<Shared>, Query(q): Query<AgendaQuery>) -> ApiResult {
    let days = q.days.unwrap_or(365);
    if days < 0 {
        return Err(WebError::bad_request("days must not be negative"));
    }
    ok(st.read(move |_, r| Ok(hoptac_store::agenda::build(r, queries::today(), days)?)).await?)
}

pub async fn agenda_ics(State(st): State<Shared>, Query(q): Query<AgendaQuery>) -> ApiResult {
    let days = q.days.unwrap_or(365).max(0);
    let a = st.read(move |_, r| Ok(hoptac_store::agenda::build(r, queries::today(), days)?)).await?;
    let g = st.gazetteer;
    let ics = hoptac_store::agenda::to_ics(
        &a,
        &|p| hoptac_app::places::name(g, p),
        &|ps| hoptac_app::render::parties(g, ps),
        &hoptac_app::render::event_title,
    );
    Ok((
        [
            (CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"hoptac.ics\""),
        ],
        ics,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct QueueQuery {
    limit: Option<usize>,
}

pub async fn review_queue(
    State(st): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<QueueQuery>,
) -> ApiResult {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let person = viewer.0;
    let (total, items) = st
        .read(move |st, r| {
            let within = queries::decided_by(st, r, person.as_deref())?;
            queries::queue(r, limit, within.as_deref())
        })
        .await?;
    let items: Vec<Value> = items
        .iter()
        .map(|it| {
            let fact = it.fact.to_json().unwrap_or(Value::Null);
            json!({ "fact_type": it.fact_type, "id": it.fact.id(), "fact": fact, "parties": it.parties, "sentence": it.sentence })
        })
        .collect();
    ok(json!({ "pending": total, "items": items }))
}

/// Flat fields from a JSON object (strings and numbers; others refused).
fn fields_from_json(v: &Value) -> Result<Fields, WebError> {
    let obj = v.as_object().ok_or_else(|| WebError::bad_request("expected a JSON object"))?;
    let mut out = HashMap::new();
    for (k, v) in obj {
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => return Err(WebError::bad_request(format!("field {k:?} must be a string or a number"))),
        };
        out.insert(k.clone(), s);
    }
    Ok(out)
}

fn invalid(problems: Vec<String>) -> WebError {
    let mut e = WebError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_record", problems.join(", "));
    e.problems = problems;
    e
}

fn json_body(body: &Bytes) -> Result<Value, WebError> {
    serde_json::from_slice(body).map_err(|e| WebError::bad_request(format!("the body is not JSON: {e}")))
}

/// `{"decision": "accept" | "reject" | "correct", "fields": {...}, "note": "..."}`.
pub async fn review_decide(
    State(st): State<Shared>,
    Extension(actor): Extension<Actor>,
    Path((kind, id)): Path<(String, i64)>,
    body: Bytes,
) -> ApiResult {
    let ft = queries::fact_type(&kind)?;
    let v = json_body(&body)?;
    let wanted = match v.get("decision").and_then(Value::as_str) {
        Some("accept") => Wanted::Accept,
        Some("reject") => Wanted::Reject,
        Some("correct") => {
            let mut f = fields_from_json(v.get("fields").unwrap_or(&Value::Null))?;
            if let Some(n) = v.get("note").and_then(Value::as_str) {
                f.insert("note".into(), n.into());
            }
            Wanted::Correct(f)
        }
        other => {
            return Err(WebError::bad_request(format!("decision must be accept, reject or correct, not {other:?}")))
        }
    };
    let state =
        st.write(move |st, store| actions::decide(st, store, ft, id, wanted, &actor)).await?.map_err(invalid)?;
    let v = st.read(move |_, r| queries::fact(r, ft, id, 0, EVIDENCE_PAGE)).await?;
    let mut out = serde_json::to_value(&v).map_err(WebError::internal)?;
    out["review"] = json!(state);
    ok(out)
}

/// A fact entered by hand: `{"type": "event" | "agreement" | "commitment", ...fields}`.
pub async fn create_fact(State(st): State<Shared>, Extension(actor): Extension<Actor>, body: Bytes) -> ApiResult {
    let v = json_body(&body)?;
    let fields = fields_from_json(&v)?;
    let kind = fields.get("type").cloned().unwrap_or_default();
    if !["event", "agreement", "commitment", "result", "fact"].contains(&kind.as_str()) {
        return Err(WebError::bad_request("type must be event, agreement, commitment, result or fact"));
    }
    let (ft, id) =
        st.write(move |st, store| actions::create(st, store, &kind, &fields, &actor)).await?.map_err(invalid)?;
    let v = st.read(move |_, r| queries::fact(r, ft, id, 0, EVIDENCE_PAGE)).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

#[derive(Deserialize)]
pub struct UploadQuery {
    /// The file name (its extension says the format: .txt, .html, .md).
    name: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

/// Upload a document as the request body. `?dry_run=true` extracts without storing.
pub async fn upload(
    State(st): State<Shared>,
    Extension(actor): Extension<Actor>,
    Query(q): Query<UploadQuery>,
    body: axum::body::Body,
) -> ApiResult {
    let name = q.name.unwrap_or_else(|| "upload.txt".into());
    let body = st.read_upload_body(body, 0).await?;
    let (doc, record) = st.prepare_upload(name, body).await??;
    if q.dry_run {
        return ok(json!({ "stored": false, "record": record }));
    }
    let (id, new) = st
        .write(move |st, store| {
            let (id, new) = actions::store_document(st, store, &doc, &record, &actor)?;
            Ok((id, new))
        })
        .await?;
    let status = if new { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(json!({ "stored": new, "known": !new, "document": id }))).into_response())
}

/// The person behind the request: name, roles, how they signed in.
pub async fn me(Extension(viewer): Extension<Viewer>) -> ApiResult {
    let Some(p) = viewer.0 else { return Err(crate::guard::sign_in_required()) };
    let grants: Vec<Value> = p
        .grants
        .iter()
        .map(|g| json!({ "role": g.role.as_str(), "place": g.place.as_ref().map(|x| x.to_string()) }))
        .collect();
    let via = match p.via {
        crate::auth::Via::Local => "local",
        crate::auth::Via::Session(_) => "session",
        crate::auth::Via::Token(_) => "token",
    };
    ok(json!({ "name": p.name, "grants": grants, "via": via, "lang": p.lang.map(|l| l.code()) }))
}

pub async fn not_found() -> WebError {
    WebError::not_found("no such API endpoint")
}

#[cfg(test)]
mod tests {
    /// Every route the router serves under /api/v1 is described in openapi.json, and nothing else is.
    #[test]
    fn openapi_describes_every_route() {
        let doc: serde_json::Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        let lib = include_str!("lib.rs");
        let api = &lib[lib.find("let api = Router::new()").unwrap()..lib.find(".fallback(api::not_found)").unwrap()];
        let routes: Vec<&str> = api.split(".route(\"").skip(1).map(|r| &r[..r.find('"').unwrap()]).collect();
        assert!(routes.len() >= 15, "{routes:?}");
        for r in &routes {
            assert!(paths.contains_key(*r), "route {r} is not in openapi.json");
        }
        for p in paths.keys() {
            assert!(routes.contains(&p.as_str()), "openapi.json describes {p}, which is not served");
        }
        assert_eq!(doc["openapi"], "3.1.0");
    }
}
