//! Upload: a document read and extracted, previewed, then stored on confirmation.

use super::*;

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage<'a> {
    c: Chrome<'a>,
    help: String,
    error: Option<String>,
}

pub struct PreviewFact {
    pub kind: String,
    pub title: String,
    pub detail: String,
    pub sentence: String,
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage<'a> {
    c: Chrome<'a>,
    title: String,
    token: String,
    known: Option<i64>,
    facts: Vec<PreviewFact>,
}

fn upload_page(st: &Shared, ctx: &Ctx, error: Option<String>) -> Result<Html<String>, PageError> {
    let t = st.catalogs.get(ctx.lang);
    let mb = format!("{:.0}", st.config.upload_limit as f64 / 1e6);
    let page =
        UploadPage { c: chrome(st, ctx, t.get("upload-title")), help: t.with("upload-help", &[("limit", mb)]), error };
    render(&page).page(st, ctx)
}

pub async fn upload_form(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    upload_page(&st, &ctx, None)
}

/// Read the `file` field of a multipart upload within the limit: its name and bytes.
/// Room for a multipart form's boundaries and headers around the file.
const FORM_FRAMING: usize = 64 * 1024;

pub async fn read_upload(mut mp: Multipart, limit: usize) -> Result<(String, Vec<u8>), WebError> {
    let multipart = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::too_large(limit)
        } else {
            WebError::bad_request(e.body_text())
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(multipart)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.txt").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart)? {
            if bytes.len() + chunk.len() > limit {
                return Err(WebError::too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(WebError::bad_request("no file in the form"))
}

/// The facts of an extracted record as the preview lists them.
fn preview_facts(l: &Labels, record: &hoptac_core::ExtractRecord) -> Vec<PreviewFact> {
    let mut out = Vec::new();
    for e in &record.events {
        let s = StoredEvent {
            id: 0,
            partnership: None,
            kind: e.kind,
            ordinal: e.ordinal,
            date: e.date,
            place: e.place.clone(),
            status: e.status,
        };
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Event),
            title: l.event_title(&s),
            detail: format!("{} · {}", l.parties(&e.parties), l.event_detail(&s)),
            sentence: e.evidence.clone(),
        });
    }
    for a in &record.agreements {
        let s = StoredAgreement { id: 0, partnership: None, kind: a.kind, signed: a.signed, period: a.period };
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Agreement),
            title: l.agreement_kind(a.kind),
            detail: format!("{} · {}", l.parties(&a.parties), l.agreement_detail(&s)),
            sentence: a.evidence.clone(),
        });
    }
    for f in &record.figures {
        let s = StoredFigure {
            id: 0,
            partnership: None,
            kind: f.kind,
            unit: f.unit,
            value: f.value,
            from: f.from.clone(),
            to: f.to.clone(),
            period: f.period,
            year: None,
            quantity: f.quantity.clone(),
            fulfils: None,
            per_year: f.per_year,
        };
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Figure),
            title: l.figure_kind(f.kind),
            detail: l.figure_detail(&s),
            sentence: f.evidence.clone(),
        });
    }
    for p in &record.people {
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Person),
            title: p.name.clone(),
            detail: p.titles.join("; "),
            sentence: p.evidence.clone(),
        });
    }
    out
}

pub async fn upload_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let t = st.catalogs.get(ctx.lang);
    let limit = st.config.upload_limit;
    let fail = |e: WebError| -> Result<Response, PageError> {
        let html = upload_page(&st, &ctx, Some(t.with("upload-error", &[("reason", e.message)])))?;
        Ok((e.status, html).into_response())
    };
    // The whole body first (a form's framing allowed for), then the form read from it.
    let (parts, body) = req.into_parts();
    let body = match st.read_upload_body(body, FORM_FRAMING).await {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(body));
    let mp = match <Multipart as axum::extract::FromRequest<()>>::from_request(req, &()).await {
        Ok(mp) => mp,
        Err(e) => return fail(WebError::bad_request(e.body_text())),
    };
    let (name, bytes) = match read_upload(mp, limit).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let (doc, record) = match st.prepare_upload(name.clone(), bytes.into()).await.page(&st, &ctx)? {
        Ok(x) => x,
        Err(refused) => return fail(refused.into()),
    };
    let hash = doc.hash.clone();
    let known = st.read(move |_, r| Ok(hoptac_store::Reader::document_by_hash(r, &hash)?)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let facts = preview_facts(&l, &record);
    let title = doc.title.clone().unwrap_or_else(|| name.clone());
    let token = st.hold_upload(doc, record).page(&st, &ctx)?;
    let page = PreviewPage { c: chrome(&st, &ctx, t.get("upload-preview")), title, token, known, facts };
    Ok(render(&page).page(&st, &ctx)?.into_response())
}

pub async fn upload_confirm(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let Some(upload) = st.take_upload(&token) else {
        let t = st.catalogs.get(ctx.lang);
        let html = upload_page(&st, &ctx, Some(t.get("upload-expired")))?;
        return Ok((StatusCode::GONE, html).into_response());
    };
    let (id, _) = st
        .write(move |st, store| actions::store_document(st, store, &upload.doc, &upload.record, &actor))
        .await
        .page(&st, &ctx)?;
    Ok(Redirect::to(&format!("/documents/{id}?done=stored")).into_response())
}
