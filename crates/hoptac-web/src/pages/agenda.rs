//! The agenda: planned meetings and commitments falling due.

use super::*;

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage<'a> {
    c: Chrome<'a>,
    sections: Vec<(String, Vec<FactRow>)>,
}

fn plain_row(l: &Labels, fact_type: FactType, id: i64, title: String, detail: String, parties: &[PlaceId]) -> FactRow {
    FactRow {
        href: fact_href(fact_type, id),
        anchor: format!("{}-{id}", fact_type.as_str()),
        title,
        detail,
        parties: l.parties(parties),
        review: "",
        review_label: String::new(),
        sources: Vec::new(),
        more_sources: 0,
        conflicts: Vec::new(),
    }
}

pub async fn agenda(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let a = st.read(|_, r| Ok(hoptac_store::agenda::build(r, queries::today(), 365)?)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let t = l.t;
    let meeting = |m: &hoptac_store::agenda::Meeting| {
        let detail = format!("{} · {}", l.parties(&m.parties), l.event_detail(&m.event));
        plain_row(&l, FactType::Event, m.event.id, l.event_title(&m.event), detail, &m.parties)
    };
    let due = |d: &hoptac_store::agenda::Due| {
        let detail = format!(
            "{} · {} · {}",
            l.parties(&d.parties),
            l.figure_detail(&d.commitment),
            l.commitment_status(d.status)
        );
        plain_row(&l, FactType::Figure, d.commitment.id, l.figure_kind(FigureKind::Commitment), detail, &d.parties)
    };
    let tentative = |x: &hoptac_store::agenda::Tentative| {
        let f = &x.forecast;
        let when = match f.month {
            Some(m) => format!("{m:02}/{}", f.year),
            None => f.year.to_string(),
        };
        let number = f.ordinal.map(hoptac_text::roman::to_roman).unwrap_or_default();
        let title = format!("{} {number}", l.event_kind(f.kind));
        let host = f.host.as_ref().map(|h| format!(" · {}", st.place_name(h, ctx.lang))).unwrap_or_default();
        let detail = format!("{} · {when}{host} · {}", l.parties(&x.parties), t.get("gaps-tentative"));
        let mut row = plain_row(&l, FactType::Event, 0, title, detail, &x.parties);
        row.href = format!("/partnerships/{}#gaps", f.partnership);
        row.anchor = format!("forecast-{}", f.partnership);
        row
    };
    let sections = vec![
        (t.get("agenda-meetings"), a.meetings.iter().map(meeting).collect()),
        (t.get("agenda-tentative"), a.tentative.iter().map(tentative).collect()),
        (t.get("agenda-unconfirmed"), a.unconfirmed.iter().map(meeting).collect()),
        (t.get("agenda-due"), a.due.iter().map(due).collect()),
        (t.get("agenda-overdue"), a.overdue.iter().map(due).collect()),
    ];
    let page = AgendaPage { c: chrome(&st, &ctx, t.get("agenda-title")), sections };
    render(&page).page(&st, &ctx)
}
