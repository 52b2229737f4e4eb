//! The review queue, least certain first, and the decisions taken on it.

use super::*;

pub struct QueueRow {
    pub fact_type: &'static str,
    pub id: i64,
    pub anchor: String,
    pub kind: String,
    pub href: String,
    pub title: String,
    pub detail: String,
    pub parties: String,
    pub sentence: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage<'a> {
    c: Chrome<'a>,
    pending: String,
    items: Vec<QueueRow>,
}

pub async fn review_queue(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let person = ctx.viewer.clone();
    let (total, items) = st
        .read(move |st, r| {
            let within = queries::decided_by(st, r, person.as_deref())?;
            queries::queue(r, 50, within.as_deref())
        })
        .await
        .page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let items = items
        .into_iter()
        .map(|it| {
            let (title, detail) = l.fact(&it.fact);
            QueueRow {
                fact_type: it.fact_type.as_str(),
                id: it.fact.id(),
                anchor: format!("{}-{}", it.fact_type.as_str(), it.fact.id()),
                kind: l.fact_type(it.fact_type),
                href: fact_href(it.fact_type, it.fact.id()),
                title,
                detail,
                parties: l.parties(&it.parties),
                sentence: it.sentence,
            }
        })
        .collect();
    let pending = l.t.with("review-pending-count", &[("n", total.to_string())]);
    let page = ReviewPage { c: chrome(&st, &ctx, l.t.get("review-title")), pending, items };
    render(&page).page(&st, &ctx)
}

/// A local path to go back to (never another site): a path on this server written in visible
/// ASCII only. Browsers drop tabs and line ends inside URLs ("/\t/evil.example" becomes
/// "//evil.example") and a line end cannot go in a header at all, so any of them, a second
/// slash or a backslash at the start, and anything else, give the default.
fn back_to(fields: &Fields, default: String) -> String {
    local_or(fields.get("back").map(String::as_str), default)
}

/// `path` if it is a path on this site (see [`back_to`]), else `default`.
pub(crate) fn local_or(path: Option<&str>, default: String) -> String {
    let local = |b: &str| {
        b.starts_with('/')
            && !b[1..].starts_with(['/', '\\'])
            && b.len() <= 2048
            && b.bytes().all(|c| c.is_ascii_graphic())
    };
    match path {
        Some(b) if local(b) => b.to_string(),
        _ => default,
    }
}

pub async fn review_decide(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path((kind, id)): Path<(String, i64)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    let wanted = match fields.get("decision").map(String::as_str) {
        Some("accept") => Wanted::Accept,
        Some("reject") => Wanted::Reject,
        other => return Err(WebError::bad_request(format!("unknown decision {other:?}"))).page(&st, &ctx),
    };
    // Where to go afterwards is settled before the decision is stored: nothing after the write
    // can fail.
    let back = with_done(&back_to(&fields, fact_href(ft, id)));
    st.write(move |st, store| actions::decide(st, store, ft, id, wanted, &actor))
        .await
        .page(&st, &ctx)?
        .map_err(|p| WebError::bad_request(p.join(", ")))
        .page(&st, &ctx)?;
    Ok(Redirect::to(&back).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn going_back_stays_on_this_site() {
        let mut f = Fields::new();
        f.insert("back".into(), "//evil.example/x".into());
        assert_eq!(back_to(&f, "/d".into()), "/d");
        f.insert("back".into(), "/review".into());
        assert_eq!(back_to(&f, "/d".into()), "/review");
        // What browsers turn into another site, or what cannot go in a header.
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/ok path",
            "/é",
            "https://evil.example",
            "",
        ] {
            f.insert("back".into(), bad.into());
            assert_eq!(back_to(&f, "/d".into()), "/d", "{bad:?}");
        }
        f.insert("back".into(), "/review?kind=event&lang=lo".into());
        assert_eq!(back_to(&f, "/d".into()), "/review?kind=event&lang=lo");
    }
}
