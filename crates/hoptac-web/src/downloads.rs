//! Files to download: a partnership's review report (Markdown, HTML, DOCX, PDF) and the record's
//! tables (CSV, XLSX) for one partnership or all. The dossier page's Report form and export links
//! and the API (`/api/v1/…`) use the same handlers. Reports are made on the blocking pool, one
//! at a time per core at most (typesetting a PDF takes a core for a moment).

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use hoptac_i18n::{Labels, Lang};
use hoptac_report::{export, Format, Options};
use serde::Deserialize;

use crate::error::WebError;
use crate::queries;
use crate::state::Shared;

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    format: Option<String>,
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    confirmed_only: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    format: Option<String>,
    table: Option<String>,
    lang: Option<String>,
}

fn lang(s: Option<&str>) -> Result<Lang, WebError> {
    match s.filter(|s| !s.is_empty()) {
        None => Ok(Lang::Vi),
        Some(s) => Lang::parse(s).ok_or_else(|| WebError::bad_request(format!("lang {s:?}: expected vi, lo or en"))),
    }
}

fn year(s: Option<&str>, name: &str) -> Result<Option<i16>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i16>()
            .ok()
            .filter(|y| (1945..=2100).contains(y))
            .map(Some)
            .ok_or_else(|| WebError::bad_request(format!("{name} {s:?}: expected a year"))),
    }
}

fn attachment(media_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    ([(CONTENT_TYPE, media_type.to_string()), (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""))], bytes)
        .into_response()
}

/// `/partnerships/{id}/report?format=pdf&lang=lo&from=2021&to=2025&confirmed_only=1`
pub async fn report(
    State(st): State<Shared>,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, WebError> {
    let name = q.format.as_deref().unwrap_or("pdf");
    let format = Format::parse(name)
        .ok_or_else(|| WebError::bad_request(format!("format {name:?}: expected md, html, docx or pdf")))?;
    let lang = lang(q.lang.as_deref())?;
    let (from, to) = (year(q.from.as_deref(), "from")?, year(q.to.as_deref(), "to")?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(WebError::bad_request(format!("from {f} is after to {t}")));
        }
    }
    let confirmed_only = q.confirmed_only.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let (slug, bytes) = st
        .read(move |st, r| {
            let p = queries::partnership(r, id)?;
            let d = queries::dossier(st, r, &p.parties)?;
            let labels = Labels { t: st.catalogs.get(lang), gazetteer: st.gazetteer, lang };
            let options = Options { lang, from, to, confirmed_only, today: queries::today() };
            let bytes = hoptac_report::make(&d, &labels, &options, format).map_err(|e| match e {
                hoptac_report::ReportError::NoFont { .. } => {
                    WebError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "no_font", e.to_string())
                }
                e => WebError::internal(e),
            })?;
            let names: Vec<String> = p.parties.iter().map(|x| hoptac_text::slug(&labels.place(x))).collect();
            Ok((names.join("-"), bytes))
        })
        .await?;
    let file = format!("hoptac-report-{slug}-{}-{}.{}", queries::today(), lang.code(), format.extension());
    Ok(attachment(format.media_type(), file, bytes))
}

fn export_response(sheets: Vec<export::Sheet>, q: &ExportQuery, stem: &str) -> Result<Response, WebError> {
    match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => {
            let bytes = export::xlsx(&sheets).map_err(WebError::internal)?;
            Ok(attachment(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}.xlsx"),
                bytes,
            ))
        }
        "csv" => {
            let [one] = sheets.as_slice() else {
                return Err(WebError::bad_request(format!("CSV holds one table: table={}", export::TABLES.join("|"))));
            };
            let bytes = export::csv(one).map_err(WebError::internal)?;
            Ok(attachment("text/csv; charset=utf-8", format!("{stem}-{}.csv", one.name), bytes))
        }
        other => Err(WebError::bad_request(format!("format {other:?}: expected csv or xlsx"))),
    }
}

fn exported(
    st: &crate::state::AppState,
    r: &dyn hoptac_store::Reader,
    parties: &[hoptac_core::PlaceId],
    q: &ExportQuery,
) -> Result<Vec<export::Sheet>, WebError> {
    let lang = lang(q.lang.as_deref())?;
    if let Some(t) = &q.table {
        if !export::TABLES.contains(&t.as_str()) {
            return Err(WebError::bad_request(format!("table {t:?}: expected one of {}", export::TABLES.join(", "))));
        }
    }
    let d = queries::dossier(st, r, parties)?;
    let labels = Labels { t: st.catalogs.get(lang), gazetteer: st.gazetteer, lang };
    let mut sheets = export::sheets(&d, &labels);
    if let Some(t) = &q.table {
        sheets.retain(|s| s.name == t);
    }
    Ok(sheets)
}

/// `/partnerships/{id}/export?format=xlsx` or `?format=csv&table=commitments`
pub async fn export_partnership(
    State(st): State<Shared>,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let (q, sheets) = st
        .read(move |st, r| {
            let p = queries::partnership(r, id)?;
            let sheets = exported(st, r, &p.parties, &q)?;
            Ok((q, sheets))
        })
        .await?;
    export_response(sheets, &q, &format!("hoptac-partnership-{id}"))
}

/// `/export?format=xlsx`: every partnership.
pub async fn export_all(State(st): State<Shared>, Query(q): Query<ExportQuery>) -> Result<Response, WebError> {
    let (q, sheets) = st
        .read(move |st, r| {
            let sheets = exported(st, r, &[], &q)?;
            Ok((q, sheets))
        })
        .await?;
    export_response(sheets, &q, "hoptac-all")
}
