//! Writes, shared by pages and API: a person's decision about a fact, a fact entered by hand,
//! an uploaded document stored. Each runs in one store transaction on the writer, then brings
//! the search index up to date for the documents it touched.
//!
//! Forms and the API send a record as flat string fields (`party_a`, `party_b`, `kind`, `date`,
//! `ordinal`, `venue`, `status`, `signed`, `period_first`, `period_last`, `value`, `unit`,
//! `quantity`, `year`, `note`); [`fact_from_fields`] turns them into a fact or into problem codes
//! that the pages word in the user's language.

use std::collections::HashMap;

use hoptac_core::{AgreementKind, EventKind, EventStatus, FigureKind, PartialDate, Period, PlaceId, Unit};
use hoptac_store::review::{self, Decision};
use hoptac_store::Backend;
use hoptac_store::{
    DocId, FactId, FactType, NewDocument, ReviewState, StoredAgreement, StoredEvent, StoredFact, StoredFigure, WriteTx,
};

use hoptac_store::access::Action;
use hoptac_store::accounts::AuditKind;

use crate::auth::Actor;
use crate::error::WebError;
use crate::guard::authorize;
use crate::state::AppState;
use crate::view::parse_code;

pub type Fields = HashMap<String, String>;

/// Problems with what a person wrote: catalogue keys are `problem-<code>`.
pub type Problems = Vec<String>;

fn field<'f>(f: &'f Fields, name: &str) -> Option<&'f str> {
    f.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn date(f: &Fields, name: &str, problems: &mut Problems) -> Option<PartialDate> {
    let s = field(f, name)?;
    let d = PartialDate::parse(s);
    if d.is_none() {
        problems.push("date_invalid".into());
    }
    d
}

fn int<T: std::str::FromStr>(f: &Fields, name: &str, problems: &mut Problems) -> Option<T> {
    let s = field(f, name)?;
    let v = s.parse().ok();
    if v.is_none() {
        problems.push("number_invalid".into());
    }
    v
}

/// A value as people type it: "585000000", "585 000 000", "585.000.000", "2.5".
fn value(f: &Fields, problems: &mut Problems) -> f64 {
    let Some(s) = field(f, "value") else { return 0.0 };
    let compact: String = s.chars().filter(|c| !c.is_whitespace() && *c != '_').collect();
    let grouped = compact.split(['.', ',']).skip(1).all(|g| g.len() == 3) && compact.contains(['.', ',']);
    let parsed = if grouped { compact.replace(['.', ','], "").parse() } else { compact.replace(',', ".").parse() };
    match parsed {
        Ok(v) => v,
        Err(_) => {
            problems.push("number_invalid".into());
            0.0
        }
    }
}

fn place(st: &AppState, f: &Fields, name: &str, problems: &mut Problems) -> Option<PlaceId> {
    let s = field(f, name)?;
    match hoptac_app::places::resolve(st.gazetteer, s) {
        Ok(p) => Some(p),
        Err(_) => {
            problems.push("place_unknown".into());
            None
        }
    }
}

fn period(f: &Fields, problems: &mut Problems) -> Option<Period> {
    let first: Option<i16> = int(f, "period_first", problems);
    let last: Option<i16> = int(f, "period_last", problems);
    match (first, last) {
        (Some(a), Some(b)) => Some(Period { first: a, last: b }),
        (Some(a), None) | (None, Some(a)) => Some(Period { first: a, last: a }),
        (None, None) => None,
    }
}

/// The fact the fields describe. `kind` is `event`, `agreement`, `commitment`, `result` or `fact`;
/// `id` is kept (0 for a new fact). The partnership of the two parties is created when new.
pub fn fact_from_fields(
    st: &AppState,
    tx: &mut dyn WriteTx,
    kind: &str,
    id: FactId,
    f: &Fields,
) -> Result<Result<StoredFact, Problems>, WebError> {
    let mut problems = Problems::new();
    let a = place(st, f, "party_a", &mut problems);
    let b = place(st, f, "party_b", &mut problems);
    let mut parties: Vec<PlaceId> = a.iter().chain(b.iter()).cloned().collect();
    parties.sort();
    parties.dedup();
    let partnership = if parties.len() >= 2 { Some(tx.partnership_for(&parties)?) } else { None };
    let fact = match kind {
        "event" => StoredFact::Event(StoredEvent {
            id,
            partnership,
            kind: field(f, "kind").and_then(parse_code::<EventKind>).unwrap_or(EventKind::Other),
            ordinal: int(f, "ordinal", &mut problems),
            date: date(f, "date", &mut problems),
            place: place(st, f, "venue", &mut problems),
            status: field(f, "status").and_then(parse_code::<EventStatus>).unwrap_or(EventStatus::Planned),
        }),
        "agreement" => StoredFact::Agreement(StoredAgreement {
            id,
            partnership,
            kind: field(f, "kind").and_then(parse_code::<AgreementKind>).unwrap_or(AgreementKind::Mou),
            signed: date(f, "signed", &mut problems),
            period: period(f, &mut problems),
        }),
        "commitment" | "result" | "fact" | "figure" => {
            let figure_kind = match kind {
                "result" => FigureKind::Result,
                "fact" => FigureKind::Fact,
                "figure" => {
                    field(f, "figure_kind").and_then(parse_code::<FigureKind>).unwrap_or(FigureKind::Commitment)
                }
                _ => FigureKind::Commitment,
            };
            StoredFact::Figure(StoredFigure {
                id,
                partnership,
                kind: figure_kind,
                unit: field(f, "unit").and_then(parse_code::<Unit>).unwrap_or(Unit::Other),
                value: value(f, &mut problems),
                from: a.iter().cloned().collect(),
                to: b.iter().cloned().collect(),
                period: period(f, &mut problems),
                year: int(f, "year", &mut problems),
                quantity: field(f, "quantity").unwrap_or_default().to_string(),
                fulfils: None,
                per_year: field(f, "per_year") == Some("1"),
            })
        }
        other => return Err(WebError::bad_request(format!("no kind of record called {other:?}"))),
    };
    let size = if parties.len() >= 2 { parties.len() } else { 0 };
    problems.extend(review::validate(&fact, size).into_iter().map(|p| p.code().to_string()));
    problems.dedup();
    Ok(if problems.is_empty() { Ok(fact) } else { Err(problems) })
}

/// The fields that describe a stored fact (to fill an edit form).
pub fn fields_of(fact: &StoredFact, parties: &[PlaceId]) -> Fields {
    let mut f = Fields::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    let opt = |v: Option<String>| v.unwrap_or_default();
    match fact {
        StoredFact::Event(e) => {
            put("kind", crate::view::code(&e.kind));
            put("ordinal", opt(e.ordinal.map(|o| o.to_string())));
            put("date", opt(e.date.map(|d| d.to_string())));
            put("venue", opt(e.place.as_ref().map(|p| p.to_string())));
            put("status", crate::view::code(&e.status));
        }
        StoredFact::Agreement(a) => {
            put("kind", crate::view::code(&a.kind));
            put("signed", opt(a.signed.map(|d| d.to_string())));
            put("period_first", opt(a.period.map(|p| p.first.to_string())));
            put("period_last", opt(a.period.map(|p| p.last.to_string())));
        }
        StoredFact::Figure(x) => {
            put("figure_kind", crate::view::code(&x.kind));
            put("unit", crate::view::code(&x.unit));
            put("value", hoptac_app::render::number(x.value).replace(',', ""));
            put("quantity", x.quantity.clone());
            put("period_first", opt(x.period.map(|p| p.first.to_string())));
            put("period_last", opt(x.period.map(|p| p.last.to_string())));
            put("year", opt(x.year.map(|y| y.to_string())));
            put("per_year", if x.per_year { "1" } else { "0" }.to_string());
        }
        StoredFact::Person(..) => {}
    }
    // Figures keep their direction (from → to); others list the parties Vietnamese first.
    let (a, b) = match fact {
        StoredFact::Figure(x) if !x.from.is_empty() || !x.to.is_empty() => (
            x.from.first().cloned(),
            x.to.first().cloned().or_else(|| parties.iter().find(|p| Some(*p) != x.from.first()).cloned()),
        ),
        _ => {
            let mut ps = parties.to_vec();
            ps.sort_by_key(|p| (p.country() != "VN", p.as_str().to_string()));
            (ps.first().cloned(), ps.get(1).cloned())
        }
    };
    put("party_a", opt(a.map(|p| p.to_string())));
    put("party_b", opt(b.map(|p| p.to_string())));
    f
}

/// The time of a decision: RFC 3339, to the second.
fn now() -> String {
    let t = jiff::Timestamp::now();
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// The documents that support a fact (their search entries describe it).
fn supporting_documents(
    reader: &dyn hoptac_store::Reader,
    fact_type: FactType,
    id: FactId,
) -> Result<Vec<DocId>, WebError> {
    let mut docs: Vec<DocId> = reader.evidence(fact_type, &[id])?.into_iter().map(|e| e.document).collect();
    docs.sort();
    docs.dedup();
    Ok(docs)
}

/// Bring the search index up to date after a committed write: the documents the write left
/// unindexed (marked in its transaction; a new document is stored unindexed) are indexed by the
/// same catch-up that repairs an interrupted run. The write stands whatever happens here: if the
/// index cannot be written now (another process holds it, the disk is full) the server's
/// catch-up task does it later, and the answer to the person is still the truth: stored.
fn index_after_commit(st: &AppState, store: &mut dyn Backend) {
    if let Err(e) = st.catch_up_index(store) {
        tracing::warn!(error = %e, "search entries not updated now: the index catches up later");
    }
}

/// What a person decided, as a form or the API sends it.
pub enum Wanted {
    Accept,
    Reject,
    Correct(Fields),
}

/// The parties of a partnership (none for a fact tied to no partnership).
fn parties_of(
    reader: &dyn hoptac_store::Reader,
    partnership: Option<hoptac_store::PartnershipId>,
) -> Result<Vec<PlaceId>, WebError> {
    let Some(p) = partnership else { return Ok(Vec::new()) };
    Ok(reader.partnerships()?.into_iter().find(|x| x.id == p).map(|x| x.parties).unwrap_or_default())
}

/// Write down, after it is committed, a write and who made it.
fn audit_write(store: &mut dyn Backend, actor: &Actor, what: String) {
    let r = hoptac_app::accounts::audit(store, AuditKind::Write, actor.name(), &actor.address, what);
    if let Err(e) = r {
        tracing::error!(error = %e, "a write was stored but its audit entry was not");
    }
}

/// Refused: say so in the audit log (the transaction is dropped, nothing written).
fn refused(store: &mut dyn Backend, actor: &Actor, what: String, e: WebError) -> WebError {
    if actor.principal.account.is_some() {
        let _ = hoptac_app::accounts::audit(
            store,
            AuditKind::Refused,
            actor.name(),
            &actor.address,
            format!("{what}: {}", e.message),
        );
    }
    e
}

/// Carry out a decision; the problems come back when a correction is not valid. The person must
/// be allowed to decide for the fact's partnership (and, for a correction that moves it, for the
/// new one too).
pub fn decide(
    st: &AppState,
    store: &mut dyn Backend,
    fact_type: FactType,
    id: FactId,
    wanted: Wanted,
    actor: &Actor,
) -> Result<Result<ReviewState, Problems>, WebError> {
    let reviewer = actor.name().to_string();
    let reviewer = reviewer.as_str();
    let note = match &wanted {
        Wanted::Correct(f) => field(f, "note").map(str::to_string),
        _ => None,
    };
    let what = format!(
        "{} {} {id}",
        match &wanted {
            Wanted::Accept => "accept",
            Wanted::Reject => "reject",
            Wanted::Correct(_) => "correct",
        },
        fact_type.as_str()
    );
    let mut tx = store.begin()?;
    let current = review::load(tx.as_ref(), fact_type, id)?
        .ok_or_else(|| WebError::not_found(format!("no {} with id {id}", fact_type.as_str())))?;
    let parties = parties_of(tx.as_ref(), current.partnership())?;
    if let Err(e) = authorize(st, actor, Action::Decide, &parties) {
        drop(tx);
        return Err(refused(store, actor, what, e));
    }
    let decision = match wanted {
        Wanted::Accept => Decision::Accept,
        Wanted::Reject => Decision::Reject,
        Wanted::Correct(fields) => {
            let kind = match &current {
                StoredFact::Figure(_) => "figure",
                _ => fact_type.as_str(),
            };
            let mut fields = fields;
            if let StoredFact::Figure(f) = &current {
                fields.entry("figure_kind".into()).or_insert_with(|| crate::view::code(&f.kind));
            }
            match fact_from_fields(st, tx.as_mut(), kind, id, &fields)? {
                Ok(mut fact) => {
                    if let (StoredFact::Figure(new), StoredFact::Figure(old)) = (&mut fact, &current) {
                        new.fulfils = old.fulfils; // links are not edited here
                    }
                    let moved_to = parties_of(tx.as_ref(), fact.partnership())?;
                    if moved_to != parties {
                        if let Err(e) = authorize(st, actor, Action::Decide, &moved_to) {
                            drop(tx);
                            return Err(refused(store, actor, what, e));
                        }
                    }
                    Decision::Correct(fact)
                }
                Err(problems) => return Ok(Err(problems)),
            }
        }
    };
    let state = match review::decide(tx.as_mut(), fact_type, id, decision, reviewer, note, &now())? {
        Ok(s) => s,
        Err(problems) => return Ok(Err(problems.into_iter().map(|p| p.code().to_string()).collect())),
    };
    let docs = supporting_documents(tx.as_ref(), fact_type, id)?;
    tx.mark_unindexed(&docs)?;
    tx.commit()?;
    audit_write(store, actor, format!("{what}: {}", state.as_str()));
    index_after_commit(st, store);
    tracing::info!(fact = fact_type.as_str(), id, decision = state.as_str(), reviewer, "review");
    Ok(Ok(state))
}

/// Store a fact entered by hand; returns its type and id.
pub fn create(
    st: &AppState,
    store: &mut dyn Backend,
    kind: &str,
    fields: &Fields,
    actor: &Actor,
) -> Result<Result<(FactType, FactId), Problems>, WebError> {
    let reviewer = actor.name().to_string();
    let reviewer = reviewer.as_str();
    let mut tx = store.begin()?;
    let fact = match fact_from_fields(st, tx.as_mut(), kind, 0, fields)? {
        Ok(f) => f,
        Err(problems) => return Ok(Err(problems)),
    };
    let parties = parties_of(tx.as_ref(), fact.partnership())?;
    if let Err(e) = authorize(st, actor, Action::Edit, &parties) {
        drop(tx);
        return Err(refused(store, actor, format!("enter a {kind}"), e));
    }
    let fact_type = fact.fact_type();
    let note = field(fields, "note").map(str::to_string);
    let id = match review::create(tx.as_mut(), fact, reviewer, note, &now())? {
        Ok(id) => id,
        Err(problems) => return Ok(Err(problems.into_iter().map(|p| p.code().to_string()).collect())),
    };
    tx.commit()?;
    audit_write(store, actor, format!("enter {} {id}", fact_type.as_str()));
    tracing::info!(fact = fact_type.as_str(), id, reviewer, "created by hand");
    Ok(Ok((fact_type, id)))
}

/// Store an uploaded document (already read and extracted) and index it. Returns its id and
/// whether it was new (the same content stored before is recognised by its hash).
pub fn store_document(
    st: &AppState,
    store: &mut dyn Backend,
    doc: &NewDocument,
    record: &hoptac_core::ExtractRecord,
    actor: &Actor,
) -> Result<(DocId, bool), WebError> {
    // The document's main partnership (none yet: any editor may store it).
    let parties = hoptac_store::ingest::primary_parties(record);
    if let Err(e) = authorize(st, actor, Action::Edit, &parties) {
        return Err(refused(store, actor, format!("store the document {}", doc.source), e));
    }
    if let Some(id) = store.reader().document_by_hash(&doc.hash)? {
        return Ok((id, false));
    }
    let mut tx = store.begin()?;
    let outcome = hoptac_store::ingest::ingest(tx.as_mut(), doc, record)?;
    tx.commit()?;
    audit_write(store, actor, format!("store document {} ({})", outcome.doc, doc.source));
    index_after_commit(st, store);
    tracing::info!(document = outcome.doc, source = %doc.source, added = outcome.stats.added, merged = outcome.stats.merged, "document stored");
    Ok((outcome.doc, true))
}
