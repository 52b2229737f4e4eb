//! The PostgreSQL backend's transactions on a real server (`HOPTAC_TEST_PG`, a database made for
//! each test and dropped after; without a server the tests say so and pass, unless
//! `HOPTAC_PG=required`): a document undone by its savepoint leaves nothing, not even what the
//! transaction kept to write later; a transaction not committed leaves nothing.

use hoptac_core::{PartialDate, Period, PlaceId, Span};
use hoptac_postgres::PgStore;
use hoptac_store::model::*;
use hoptac_store::{Reader, Store};

struct Db {
    admin: String,
    name: String,
    url: String,
}

impl Db {
    fn new(tag: &str) -> Option<Db> {
        let admin =
            std::env::var("HOPTAC_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let mut c = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                assert!(std::env::var("HOPTAC_PG").map_or(true, |v| v != "required"), "no PostgreSQL: {e}");
                eprintln!("NOT RUN: no PostgreSQL at {admin}: {e}");
                return None;
            }
        };
        let name = format!("hoptac_u{}_{tag}", std::process::id());
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).expect("drop");
        c.batch_execute(&format!("CREATE DATABASE {name}")).expect("create");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or_default();
        Some(Db { url: format!("{base}/{name}"), admin, name })
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

fn doc(hash: &str) -> NewDocument {
    NewDocument {
        hash: hash.into(),
        source: format!("{hash}.txt"),
        title: None,
        published: PartialDate::parse("2024-10-15"),
        language: "vi".into(),
        encoding: "utf-8".into(),
        text: "Hội nghị.".into(),
        article_end: 9,
    }
}

fn event(p: PartnershipId) -> StoredEvent {
    StoredEvent {
        id: 0,
        partnership: Some(p),
        kind: hoptac_core::EventKind::Conference,
        ordinal: Some(19),
        date: PartialDate::parse("2024"),
        place: None,
        status: hoptac_core::EventStatus::Planned,
    }
}

fn evidence(fact_id: FactId, document: DocId) -> Evidence {
    Evidence {
        fact_type: FactType::Event,
        fact_id,
        document,
        span: Span::new(0, 3),
        sentence: "Hội nghị.".into(),
        sentence_at: None,
        claim: serde_json::json!({}),
    }
}

#[test]
fn a_document_undone_by_its_savepoint_leaves_nothing_behind() {
    let Some(db) = Db::new("savepoint") else { return };
    let mut s = PgStore::open(&db.url).expect("open");
    let parties = [PlaceId::new("LA-XE"), PlaceId::new("VN-28")];
    let mut tx = s.begin().expect("begin");
    let a = tx.insert_document(&doc("a")).expect("a");
    let p = tx.partnership_for(&parties).expect("partnership");
    let e = tx.insert_event(&event(p), None).expect("event");
    tx.add_evidence(&evidence(e, a)).expect("evidence");
    tx.raise_confidence(FactType::Event, e, 0.4).expect("confidence");
    // The second document: a new partnership, evidence and a raise kept for later, then undone.
    tx.savepoint().expect("savepoint");
    let b = tx.insert_document(&doc("b")).expect("b");
    let other = tx.partnership_for(&[PlaceId::new("LA-AT"), PlaceId::new("VN-28")]).expect("other");
    let e2 = tx.insert_event(&event(other), None).expect("event 2");
    tx.add_evidence(&evidence(e2, b)).expect("evidence 2");
    tx.add_evidence(&evidence(e, b)).expect("evidence of a's event");
    tx.raise_confidence(FactType::Event, e, 0.9).expect("raise");
    tx.rollback_to_savepoint().expect("undo");
    // The partnership undone is made again, not remembered.
    let again = tx.partnership_for(&[PlaceId::new("LA-AT"), PlaceId::new("VN-28")]).expect("again");
    let e3 = tx.insert_event(&event(again), None).expect("event 3");
    tx.add_evidence(&evidence(e3, a)).expect("evidence 3");
    // Reads inside the transaction see what was kept.
    assert_eq!(tx.evidence(FactType::Event, &[e]).expect("read").len(), 1);
    tx.commit().expect("commit");

    assert_eq!(s.document_ids().expect("ids"), vec![a]);
    let ev = s.evidence(FactType::Event, &[e, e2, e3]).expect("evidence");
    assert_eq!(ev.iter().map(|v| (v.fact_id, v.document)).collect::<Vec<_>>(), vec![(e, a), (e3, a)]);
    assert!(s.events_by_id(&[e2]).expect("e2").is_empty());
    let queue = s.review_queue(10, None).expect("queue");
    assert_eq!(queue.len(), 2);
    let c = s.counts().expect("counts");
    assert_eq!((c.documents, c.events, c.evidence), (1, 2, 2));
    assert_eq!(s.partnerships().expect("partnerships").len(), 2);
    // The raise undone is gone: 0.4 stands, and puts the event first in the queue.
    assert_eq!(queue[0], (FactType::Event, e));
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let confidence: Option<f32> =
        c.query_one("SELECT confidence FROM events WHERE id = $1", &[&e]).expect("row").get(0);
    assert_eq!(confidence, Some(0.4));
}

#[test]
fn a_sentence_kept_as_a_range_is_read_back_from_its_document() {
    let Some(db) = Db::new("ranges") else { return };
    let mut s = PgStore::open(&db.url).expect("open");
    let text = "Mở đầu. Hai bên ký kết biên bản. Kết thúc.";
    let (want, other) = ("Hai bên ký kết biên bản.", "Một câu chép lại.");
    let at = text.find(want).expect("in the text");
    let mut tx = s.begin().expect("begin");
    let a = tx.insert_document(&NewDocument { text: text.into(), ..doc("a") }).expect("a");
    let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).expect("p");
    let e = tx.insert_event(&event(p), None).expect("e");
    let person = StoredPerson { id: 0, name: "Nguyễn Văn A".into(), country: Some("VN".into()), place: None };
    let who = tx.insert_person("nguyen van a|VN", &person).expect("person");
    let kept = |fact_type, fact_id| Evidence {
        fact_type,
        fact_id,
        sentence: String::new(),
        sentence_at: Some(Span::new(at, at + want.len())),
        ..evidence(fact_id, a)
    };
    tx.add_evidence(&kept(FactType::Event, e)).expect("kept");
    tx.add_evidence(&kept(FactType::Person, who)).expect("person's");
    tx.add_evidence(&Evidence { sentence: other.into(), ..evidence(e, a) }).expect("as text");
    tx.commit().expect("commit");
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    let stored: Vec<String> =
        c.query("SELECT sentence FROM evidence ORDER BY id", &[]).expect("rows").iter().map(|r| r.get(0)).collect();
    assert_eq!(stored, ["", "", other], "a range is not copied");
    let sentences = |rows: Vec<Evidence>| rows.into_iter().map(|e| e.sentence).collect::<Vec<_>>();
    assert_eq!(sentences(s.evidence(FactType::Event, &[e]).expect("evidence")), [want, other]);
    assert_eq!(sentences(s.evidence_page(FactType::Event, e, 1, 5).expect("page").0), [other]);
    assert_eq!(sentences(s.evidence_of_document(a).expect("of document")), [want, want, other]);
    assert_eq!(sentences(s.people_evidence_in(&[a]).expect("people")), [want]);
    assert_eq!(sentences(s.evidence_digest(FactType::Event, &[e], 1).expect("digest").first), [want]);
    assert_eq!(sentences(s.people_sources_in(&[a], 1).expect("people's sources").0), [want]);
    // A damaged range: found by the check.
    assert_eq!(s.sentences_outside_documents().expect("check"), 0);
    let inside = (text.find('ê').expect("ê") + 1) as i64; // the second byte of ê
    let first: i64 = c.query_one("SELECT min(id) FROM evidence", &[]).expect("first").get(0);
    c.execute("UPDATE evidence SET sentence_start = $1 WHERE id = $2", &[&inside, &first]).expect("damage");
    assert_eq!(s.sentences_outside_documents().expect("check"), 1);
    c.execute("UPDATE evidence SET sentence_end = 10000 WHERE id = $1", &[&(first + 1)]).expect("damage");
    assert_eq!(s.sentences_outside_documents().expect("check"), 2);
}

#[test]
fn sentences_stored_before_schema_5_become_ranges_where_found() {
    let Some(db) = Db::new("convert") else { return };
    let text = "Mở đầu. Hai bên ký kết biên bản. Kết thúc.";
    let (found, elsewhere) = ("Hai bên ký kết biên bản.", "Một câu chép lại.");
    let (a, e) = {
        let mut s = PgStore::open(&db.url).expect("open");
        let mut tx = s.begin().expect("begin");
        let a = tx.insert_document(&NewDocument { text: text.into(), ..doc("a") }).expect("a");
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).expect("p");
        let e = tx.insert_event(&event(p), None).expect("e");
        for sentence in [found, elsewhere] {
            tx.add_evidence(&Evidence { sentence: sentence.into(), ..evidence(e, a) }).expect("evidence");
        }
        tx.commit().expect("commit");
        (a, e)
    };
    // as schema 4 left them: the sentences copied, no range columns
    let mut c = postgres::Client::connect(&db.url, postgres::NoTls).expect("connect");
    c.batch_execute(
        "ALTER TABLE evidence DROP COLUMN sentence_start, DROP COLUMN sentence_end;
         DROP INDEX agreements_unsigned_by_period;
         UPDATE hoptac_meta SET value = '4' WHERE key = 'schema_version'",
    )
    .expect("back to schema 4");
    let s = PgStore::open(&db.url).expect("upgraded");
    let raw: Vec<(String, Option<i64>)> = c
        .query("SELECT sentence, sentence_start FROM evidence ORDER BY id", &[])
        .expect("rows")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let at = text.find(found).expect("in the text") as i64;
    assert_eq!(raw, vec![(String::new(), Some(at)), (elsewhere.to_string(), None)]);
    let read: Vec<String> = s.evidence(FactType::Event, &[e]).expect("read").into_iter().map(|v| v.sentence).collect();
    assert_eq!(read, [found, elsewhere]);
    assert_eq!(s.evidence_of_document(a).expect("of document").len(), 2);
    assert_eq!(s.sentences_outside_documents().expect("check"), 0);
}

#[test]
fn a_transaction_not_committed_leaves_nothing() {
    let Some(db) = Db::new("rollback") else { return };
    let mut s = PgStore::open(&db.url).expect("open");
    {
        let mut tx = s.begin().expect("begin");
        let a = tx.insert_document(&doc("a")).expect("a");
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).expect("p");
        let e = tx.insert_event(&event(p), None).expect("e");
        tx.add_evidence(&evidence(e, a)).expect("evidence");
    }
    let c = s.counts().expect("counts");
    assert_eq!((c.documents, c.events, c.evidence), (0, 0, 0));
    assert!(s.partnerships().expect("partnerships").is_empty());
}

#[test]
fn a_mention_signed_on_a_day_is_offered_the_unsigned_agreements_of_its_period_and_the_agreeing_ones() {
    let Some(db) = Db::new("agreements") else { return };
    let mut s = PgStore::open(&db.url).expect("open");
    let mut tx = s.begin().expect("begin");
    let p = tx.partnership_for(&[PlaceId::new("LA-AT"), PlaceId::new("VN-38")]).expect("partnership");
    let agreement = |signed: Option<&str>, period: Option<(i16, i16)>| StoredAgreement {
        id: 0,
        partnership: Some(p),
        kind: hoptac_core::AgreementKind::Mou,
        signed: signed.and_then(PartialDate::parse),
        period: period.map(|(first, last)| Period { first, last }),
    };
    let unsigned = tx.insert_agreement(&agreement(None, Some((2021, 2025))), None).expect("insert");
    // signed on another day of the same period: another agreement, not offered
    tx.insert_agreement(&agreement(Some("2021-03-04"), Some((2021, 2025))), None).expect("insert");
    let month = tx.insert_agreement(&agreement(Some("2021-03"), None), None).expect("insert");
    let mention = agreement(Some("2021-03-10"), Some((2021, 2025)));
    let found =
        tx.agreement_candidates(Some(p), mention.kind, &[2021, 2022, 2021, 2020], mention.signed).expect("candidates");
    assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), [unsigned, month]);
    assert!(found.iter().all(|a| hoptac_store::matching::same_agreement(a, &mention)));
}

#[test]
fn a_read_snapshot_sees_one_state_while_another_connection_commits() {
    use hoptac_store::Backend;
    let Some(db) = Db::new("snapshot") else { return };
    let mut w = PgStore::open(&db.url).expect("open");
    let mut tx = w.begin().expect("begin");
    tx.insert_document(&doc("a")).expect("a");
    tx.commit().expect("commit");
    let r = PgStore::open(&db.url).expect("reader");
    let mut seen = Vec::new();
    r.in_read_snapshot(&mut || {
        seen.push(r.counts()?.documents);
        let mut tx = w.begin()?;
        tx.insert_document(&doc("b"))?;
        tx.commit()?;
        seen.push(r.counts()?.documents);
        Ok(())
    })
    .expect("snapshot");
    assert_eq!(seen, [1, 1], "the commit made meanwhile is not seen");
    assert_eq!(r.counts().expect("counts").documents, 2, "after it, the store as it is");
    // A failure inside ends the snapshot too: the connection reads on.
    let failed = r.in_read_snapshot(&mut || Err(hoptac_store::StoreError::Invalid("stop".into())));
    assert!(failed.is_err());
    assert_eq!(r.counts().expect("counts").documents, 2);
}
