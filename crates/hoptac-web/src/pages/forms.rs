//! Forms to enter a record by hand or correct one, with problems worded in the reader's language.

use super::*;

pub struct FormField {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub list: bool,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    c: Chrome<'a>,
    heading: String,
    action: String,
    kind: String,
    editing: Option<i64>,
    fields: Vec<FormField>,
    problems: Vec<String>,
    places: Vec<(String, String)>,
}

fn form_fields(st: &Shared, lang: Lang, kind: &str, values: &Fields) -> Vec<FormField> {
    let l = labels(st, lang);
    let t = l.t;
    let v = |n: &str| values.get(n).cloned().unwrap_or_default();
    let text = |name: &'static str, key: &str| FormField {
        name,
        label: t.get(key),
        value: v(name),
        options: vec![],
        list: false,
    };
    let place = |name: &'static str, key: &str| FormField { list: true, ..text(name, key) };
    let select =
        |name: &'static str, key: &str, options: Vec<(String, String)>| FormField { options, ..text(name, key) };
    let mut out = vec![place("party_a", "field-party-a"), place("party_b", "field-party-b")];
    match kind {
        "event" => {
            out.push(select(
                "kind",
                "field-kind",
                view::EVENT_KINDS.iter().map(|k| (view::code(k), l.event_kind(*k))).collect(),
            ));
            out.push(text("ordinal", "field-ordinal"));
            out.push(text("date", "field-date"));
            out.push(place("venue", "field-venue"));
            out.push(select(
                "status",
                "field-status",
                [EventStatus::Planned, EventStatus::Held].iter().map(|s| (view::code(s), l.status(*s))).collect(),
            ));
        }
        "agreement" => {
            out.push(select(
                "kind",
                "field-kind",
                view::AGREEMENT_KINDS.iter().map(|k| (view::code(k), l.agreement_kind(*k))).collect(),
            ));
            out.push(text("signed", "field-signed"));
            out.push(text("period_first", "field-period-first"));
            out.push(text("period_last", "field-period-last"));
        }
        _ => {
            out.push(text("value", "field-value"));
            out.push(select("unit", "field-unit", view::UNITS.iter().map(|u| (view::code(u), l.unit(*u))).collect()));
            out.push(text("quantity", "field-quantity"));
            out.push(text("period_first", "field-period-first"));
            out.push(text("period_last", "field-period-last"));
            out.push(text("year", "field-year"));
            out.push(select(
                "per_year",
                "field-per-year",
                vec![("0".into(), t.get("per-year-no")), ("1".into(), t.get("per-year-yes"))],
            ));
        }
    }
    out.push(text("note", "field-note"));
    out
}

fn place_options(st: &Shared, lang: Lang) -> Vec<(String, String)> {
    st.places
        .iter()
        .filter(|p| p.valid_to.is_none() || p.id.as_str() == "VN-28")
        .filter(|p| matches!(p.level, hoptac_core::Level::Province | hoptac_core::Level::District))
        .map(|p| (p.id.to_string(), st.place_name(&p.id, lang)))
        .collect()
}

fn new_heading(t: &Catalog, kind: &str) -> String {
    match kind {
        "event" => t.get("form-new-event"),
        "agreement" => t.get("form-new-agreement"),
        _ => t.get("form-new-commitment"),
    }
}

fn form_page(
    st: &Shared,
    ctx: &Ctx,
    kind: &str,
    editing: Option<(FactType, i64)>,
    values: &Fields,
    problems: &[String],
) -> Result<Html<String>, PageError> {
    let t = st.catalogs.get(ctx.lang);
    let (heading, action) = match editing {
        Some((ft, id)) => (
            format!("{}: {}", t.get("fact-edit"), t.get(&format!("fact-{}", ft.as_str()))),
            format!("/facts/{}/{id}/edit", ft.as_str()),
        ),
        None => (new_heading(t, kind), format!("/new/{kind}")),
    };
    let page = FormPage {
        c: chrome(st, ctx, heading.clone()),
        heading,
        action,
        kind: kind.to_string(),
        editing: editing.map(|(_, id)| id),
        fields: form_fields(st, ctx.lang, kind, values),
        problems: problems.iter().map(|p| t.get(&format!("problem-{p}"))).collect(),
        places: place_options(st, ctx.lang),
    };
    render(&page).page(st, ctx)
}

fn form_kind(kind: &str) -> Result<&'static str, WebError> {
    match kind {
        "event" => Ok("event"),
        "agreement" => Ok("agreement"),
        "commitment" => Ok("commitment"),
        other => Err(WebError::not_found(format!("no form for {other:?}"))),
    }
}

pub async fn new_form(State(st): State<Shared>, ctx: Ctx, Path(kind): Path<String>) -> Result<Html<String>, PageError> {
    let kind = form_kind(&kind).page(&st, &ctx)?;
    let mut values = Fields::new();
    values.insert("status".into(), "planned".into());
    form_page(&st, &ctx, kind, None, &values, &[])
}

pub async fn new_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(kind): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let kind = form_kind(&kind).page(&st, &ctx)?;
    let f = fields.clone();
    match st.write(move |st, store| actions::create(st, store, kind, &f, &actor)).await.page(&st, &ctx)? {
        Ok((ft, id)) => Ok(Redirect::to(&with_done(&fact_href(ft, id))).into_response()),
        Err(problems) => {
            let html = form_page(&st, &ctx, kind, None, &fields, &problems)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// The form that edits a fact of this type.
fn edit_kind(fact_type: FactType) -> &'static str {
    match fact_type {
        FactType::Event => "event",
        FactType::Agreement => "agreement",
        _ => "commitment",
    }
}

pub async fn edit_form(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    if ft == FactType::Person {
        return Err(WebError::not_found("people are not edited here")).page(&st, &ctx);
    }
    let v = st.read(move |_, r| queries::fact(r, ft, id, 0, 0)).await.page(&st, &ctx)?;
    let values = actions::fields_of(&v.stored, &v.parties);
    form_page(&st, &ctx, edit_kind(ft), Some((ft, id)), &values, &[])
}

pub async fn edit_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path((kind, id)): Path<(String, i64)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    let f = fields.clone();
    match st
        .write(move |st, store| actions::decide(st, store, ft, id, Wanted::Correct(f), &actor))
        .await
        .page(&st, &ctx)?
    {
        Ok(_) => Ok(Redirect::to(&with_done(&fact_href(ft, id))).into_response()),
        Err(problems) => {
            let html = form_page(&st, &ctx, edit_kind(ft), Some((ft, id)), &fields, &problems)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
