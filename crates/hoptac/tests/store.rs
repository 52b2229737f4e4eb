//! The record store end to end, on both backends: the real binary ingests documents into a
//! fresh store — an SQLite file, and a PostgreSQL database made for the test and dropped after
//! it — and the tests read what `dossier`, `search` and `agenda` print, and what is stored. Each
//! behaviour is written once and run on both (`on_both!`). PostgreSQL is found at
//! `HOPTAC_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`); where there is none the
//! PostgreSQL half says so and passes, unless `HOPTAC_PG=required` (as on CI).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

use hoptac_app::backend::Location;
use hoptac_store::review::Decision;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seeds() -> PathBuf {
    repo().join("../shared/corpus/seeds")
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/store").join(name)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Sqlite,
    Postgres,
}

/// A fresh store for one test: a file in a temporary directory, or a database of its own.
struct TestStore {
    kind: Kind,
    /// What `--store` is given.
    arg: String,
    dir: tempfile::TempDir,
    _pg: Option<common::PgDb>,
}

impl TestStore {
    fn new(kind: Kind) -> Option<TestStore> {
        let dir = tempfile::tempdir().expect("temp dir");
        match kind {
            Kind::Sqlite => {
                let arg = dir.path().join("h.db").to_string_lossy().into_owned();
                Some(TestStore { kind, arg, dir, _pg: None })
            }
            Kind::Postgres => {
                let db = common::PgDb::new()?;
                Some(TestStore { kind, arg: db.url.clone(), dir, _pg: Some(db) })
            }
        }
    }

    fn location(&self) -> Location {
        Location::parse(&self.arg, Some(self.index_dir()))
    }

    fn index_dir(&self) -> PathBuf {
        match self.kind {
            Kind::Sqlite => PathBuf::from(format!("{}.index", self.arg)),
            Kind::Postgres => self.dir.path().join("index"),
        }
    }

    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_hoptac"));
        c.arg("--store").arg(&self.arg).arg("--index").arg(self.index_dir());
        c
    }
}

/// Each behaviour, once per backend: `name::sqlite` and `name::postgres`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(super::Kind::Sqlite)
                }
                #[test]
                fn postgres() {
                    super::$name(super::Kind::Postgres)
                }
            }
        )*
    };
}

on_both!(
    kon_tum_and_sekong_dossier_from_the_seeds,
    dak_glei_xan_xay_dak_chung_conferences,
    a_second_article_about_a_known_meeting_merges_into_it,
    a_result_fulfils_the_commitment_it_belongs_to,
    asking_for_a_successor_includes_what_it_absorbed,
    ingesting_the_same_content_again_adds_nothing,
    search_ignores_diacritics_and_tone_marks_and_filters,
    agenda_lists_what_is_coming_and_writes_a_calendar,
    read_commands_never_write,
    bad_documents_are_reported_and_the_rest_stored,
    a_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes_it,
    lao_words_and_places_named_in_any_script_are_found,
    a_review_decision_is_final_for_later_ingests,
    the_dossier_says_what_the_record_is_missing,
    a_yearly_commitment_is_followed_year_by_year,
    rejected_facts_are_listed_for_summaries,
    partnership_versions_follow_their_facts,
    a_page_reads_the_first_sources_and_every_claim,
    every_fact_read_keeps_the_confidence_its_reading_gave,
);

fn run(store: &TestStore, args: &[&str]) -> Output {
    store.command().args(args).output().expect("run hoptac")
}

fn ok(store: &TestStore, args: &[&str]) -> String {
    let out = run(store, args);
    assert!(out.status.success(), "hoptac {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn json(store: &TestStore, args: &[&str]) -> Value {
    serde_json::from_str(&ok(store, args)).expect("JSON output")
}

fn ingest(store: &TestStore, paths: &[&Path]) -> String {
    let mut args = vec!["ingest".to_string(), "--quiet".into()];
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(store, &args)
}

fn store_with_seeds(kind: Kind) -> Option<TestStore> {
    let store = TestStore::new(kind)?;
    ingest(&store, &[&seeds()]);
    Some(store)
}

fn dossier(store: &TestStore, places: &[&str]) -> Value {
    let mut args = vec!["dossier", "--json", "--today", "2026-11-23"];
    args.extend_from_slice(places);
    json(store, &args)
}

/// A reviewer's decision on one fact, committed.
fn decide(store: &TestStore, fact_type: hoptac_store::FactType, id: i64, decision: Decision) {
    let mut s = store.location().open().expect("open");
    let mut tx = s.begin().expect("begin");
    let done =
        hoptac_store::review::decide(tx.as_mut(), fact_type, id, decision, "tester", None, "2026-11-30T00:00:00Z")
            .expect("decide");
    assert!(done.is_ok());
    tx.commit().expect("commit");
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("{key} is not a list in {v}"))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

fn kon_tum_and_sekong_dossier_from_the_seeds(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let d = dossier(&store, &["Kon Tum", "Sê Kông"]);
    let agreements = list(&d, "agreements");
    let mou_2018 = agreements.iter().find(|a| a["kind"] == "mou" && a["signed"] == "2018-04");
    assert!(mou_2018.is_some_and(|a| ids(&a["parties"]) == ["LA-XE", "VN-28"]), "the 2018 memorandum: {agreements:?}");
    let mou_2022 = agreements.iter().find(|a| a["kind"] == "mou" && a["period"] == serde_json::json!([2022, 2027]));
    assert!(mou_2022.is_some(), "the 2022–2027 memorandum: {agreements:?}");

    let commitments = list(&d, "commitments");
    let ten = commitments.iter().find(|c| c["value"] == 10.0 && c["unit"] == "scholarship").expect("10 scholarships");
    assert_eq!(ten["period"], serde_json::json!([2024, 2029]));
    assert_eq!(ids(&ten["from"]), ["VN-28"]);
    assert_eq!(ids(&ten["to"]), ["LA-XE"]);
    assert_eq!(ten["status"], "promised", "not delivered, period not over on 2026-11-23");
    let two = commitments.iter().find(|c| c["value"] == 2.0 && c["unit"] == "scholarship").expect("2 scholarships");
    assert_eq!(two["period"], serde_json::json!([2023, 2024]));
    assert_eq!(ids(&two["from"]), ["LA-XE"]);
    assert_eq!(two["status"], "overdue", "2023–2024, nothing reported delivered");
    assert!(two["sources"][0]["sentence"].as_str().is_some_and(|s| s.contains("tiếng Lào")));

    let events = list(&d, "events");
    let planned = |kind: &str, date: &str| {
        events.iter().any(|e| e["kind"] == kind && e["date"] == date && e["status"] == "planned")
    };
    assert!(planned("midterm_review", "2024"), "planned 2024 mid-term review: {events:?}");
    assert!(planned("final_review", "2027"), "planned 2027 final review: {events:?}");
    // Every line has its source.
    for section in ["agreements", "events", "commitments"] {
        for line in list(&d, section) {
            let sources = list(line, "sources");
            assert!(!sources.is_empty(), "{section} line without source: {line}");
            assert!(sources[0]["document"].as_i64().is_some() && sources[0]["span"].is_array());
        }
    }
    // The text form shows the same.
    let text = ok(&store, &["dossier", "VN-28", "sekong", "--today", "2026-11-23"]);
    for needle in ["2018-04", "2022–2027", "10 scholarships", "2024–2029", "promised", "final review", "Sources"] {
        assert!(text.contains(needle), "dossier text lacks {needle:?}:\n{text}");
    }
}

fn conference(events: &[Value], ordinal: u64) -> Vec<&Value> {
    events.iter().filter(|e| e["kind"] == "conference" && e["ordinal"] == ordinal).collect()
}

fn dak_glei_xan_xay_dak_chung_conferences(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let d = dossier(&store, &["Đăk Glei", "Sản Xay", "Đăk Chưng"]);
    let events = list(&d, "events");
    let expect = [
        (17, "2022-10-19", "LA-AT:sanxay", "held"),
        (18, "2023-11-23", "VN-28:dakglei", "held"),
        (19, "2024", "LA-XE:dakcheung", "planned"),
    ];
    for (n, date, host, status) in expect {
        let found = conference(events, n);
        assert_eq!(found.len(), 1, "conference {n} once: {events:?}");
        let e = found[0];
        assert_eq!(
            (e["date"].as_str(), e["place"].as_str(), e["status"].as_str()),
            (Some(date), Some(host), Some(status))
        );
    }
    let text = ok(&store, &["dossier", "Đăk Glei", "Xan Xay", "--today", "2026-11-23"]);
    for needle in ["conference XVII", "conference XVIII", "conference XIX", "Đăk Chưng", "planned"] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
}

fn a_second_article_about_a_known_meeting_merges_into_it(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let summary = ingest(&store, &[&data("dakglei_xix_held.txt")]);
    assert!(summary.contains("1 new") && summary.contains("merged"), "{summary}");
    let d = dossier(&store, &["Đăk Glei", "Xan Xay"]);
    let xix = conference(list(&d, "events"), 19);
    assert_eq!(xix.len(), 1, "one record for conference XIX");
    assert_eq!(xix[0]["status"], "held", "planned, then reported held");
    assert_eq!(xix[0]["date"], "2024-10-15", "the finer date");
    assert_eq!(list(xix[0], "sources").len(), 2);
    // Each source shows its sentence (kept as a range of its document's text): the one naming
    // the meeting.
    for source in list(xix[0], "sources") {
        let sentence = source["sentence"].as_str().unwrap_or_default();
        assert!(sentence.to_lowercase().contains("xix"), "{source}");
    }
    // XX is new and planned.
    assert_eq!(conference(list(&d, "events"), 20)[0]["status"], "planned");

    // The same meeting's minutes from a Markdown note: one more source, no new record.
    ingest(&store, &[&data("dakglei_xix_minutes.md")]);
    let d = dossier(&store, &["Đăk Glei", "Xan Xay"]);
    let xix = conference(list(&d, "events"), 19);
    assert_eq!((xix.len(), list(xix[0], "sources").len()), (1, 3));
    let minutes: Vec<&Value> =
        list(&d, "agreements").iter().filter(|a| a["kind"] == "minutes" && a["signed"] == "2024-10-15").collect();
    assert_eq!(minutes.len(), 1, "{:?}", list(&d, "agreements"));
    assert_eq!(list(minutes[0], "sources").len(), 2);

    // XIX is one search entry, describing the record as it now stands; a rebuild agrees.
    let hits = |store: &TestStore| {
        let r = json(store, &["search", "XIX", "--kind", "conference", "--json"]);
        let mut titles: Vec<String> =
            list(&r, "hits").iter().filter_map(|h| h["title"].as_str().map(str::to_string)).collect();
        titles.sort();
        titles
    };
    let before = hits(&store);
    assert_eq!(before.len(), 1, "one entry per fact: {before:?}");
    assert!(before.iter().all(|t| t.contains("2024-10-15") && t.contains("(held)")), "{before:?}");
    ok(&store, &["reindex"]);
    assert_eq!(hits(&store), before);

    // The three articles in one run, where the index takes them in one batch: still one entry.
    let Some(fresh) = TestStore::new(kind) else { return };
    ingest(&fresh, &[&seeds(), &data("dakglei_xix_held.txt"), &data("dakglei_xix_minutes.md")]);
    assert_eq!(hits(&fresh), before);
}

fn a_result_fulfils_the_commitment_it_belongs_to(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    ingest(&store, &[&data("kontum_sekong_2025.txt")]);
    let d = dossier(&store, &["Kon Tum", "Sekong"]);
    let ten = list(&d, "commitments").iter().find(|c| c["value"] == 10.0).expect("10 scholarships").clone();
    assert_eq!(ten["status"], "delivered", "{ten}");
    assert_eq!(ten["delivered"], 10.0);
    assert_eq!(list(&ten, "results").len(), 1);
    // The memorandum and the final review told again are the same records.
    let mous: Vec<&Value> =
        list(&d, "agreements").iter().filter(|a| a["period"] == serde_json::json!([2022, 2027])).collect();
    assert_eq!(mous.len(), 1);
    assert_eq!(mous[0]["signed"], Value::Null, "a review's date is not a signing date");
    assert_eq!(list(mous[0], "sources").len(), 2);
    let finals: Vec<&Value> = list(&d, "events").iter().filter(|e| e["kind"] == "final_review").collect();
    assert_eq!((finals.len(), list(finals[0], "sources").len()), (1, 2));
}

fn asking_for_a_successor_includes_what_it_absorbed(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    ingest(&store, &[&data("quangngai_sekong_2026.html")]);
    let qn = dossier(&store, &["Quảng Ngãi", "Sê Kông"]);
    assert_eq!(ids(&qn["places"][0]), ["VN-29", "VN-28"], "Quảng Ngãi includes Kon Tum");
    let events = list(&qn, "events");
    assert!(events.iter().any(|e| e["kind"] == "talks" && e["date"] == "2026-03-09"), "{events:?}");
    assert!(events.iter().any(|e| e["kind"] == "final_review"), "Kon Tum's records are included");
    assert!(list(&qn, "agreements").iter().any(|a| a["signed"] == "2018-04"));
    // Records about Kon Tum stay about Kon Tum.
    let kt = dossier(&store, &["Kon Tum", "Sê Kông"]);
    assert!(!list(&kt, "events").iter().any(|e| e["kind"] == "talks"), "Quảng Ngãi's 2026 talks are not Kon Tum's");
    for e in list(&kt, "events") {
        assert!(!ids(&e["parties"]).contains(&"VN-29".to_string()));
    }
    let text = ok(&store, &["dossier", "Quảng Ngãi", "Sê Kông", "--today", "2026-11-23"]);
    assert!(text.contains("includes Kon Tum"), "{text}");
}

fn counts(store: &TestStore) -> hoptac_store::Counts {
    store.location().open_read_only().expect("open store").counts().expect("counts")
}

fn ingesting_the_same_content_again_adds_nothing(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let dir = &store.dir;
    let before = counts(&store);
    let again = ingest(&store, &[&seeds()]);
    assert!(again.contains("0 new, 5 unchanged, 0 failed"), "{again}");
    // The same article in another encoding is the same content.
    let text = std::fs::read_to_string(seeds().join("004_1f45ff102a47260d.txt")).expect("seed");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let copy = dir.path().join("copy-utf16.txt");
    std::fs::write(&copy, utf16).expect("write");
    let once_more = ingest(&store, &[&copy]);
    assert!(once_more.contains("0 new, 1 unchanged"), "{once_more}");
    assert_eq!(counts(&store), before);
    let s = store.location().open_read_only().expect("open");
    assert_eq!(s.facts_without_evidence().expect("query"), 0, "every fact has evidence");
}

fn search_ignores_diacritics_and_tone_marks_and_filters(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let r = json(&store, &["search", "hai cot", "--json"]);
    assert!(r["total"].as_u64().is_some_and(|n| n >= 3), "{r}");
    assert_eq!(r["total_exact"], true, "{r}");
    let all = json(&store, &["search", "hai cot", "--json", "--count-all"]);
    assert_eq!((&all["total"], &all["hits"]), (&r["total"], &r["hits"]), "under 10,000 matches every one is counted");
    let hit = &r["hits"][0];
    let snippet = hit["snippet"].as_str().expect("snippet");
    let (a, b) = (
        hit["highlights"][0][0].as_u64().unwrap_or(0) as usize,
        hit["highlights"][0][1].as_u64().unwrap_or(0) as usize,
    );
    assert!(matches!(&snippet[a..b], "hài" | "cốt"), "highlight {:?}", &snippet[a..b]);
    // A document's passage is cut from the text the store keeps (the index holds none).
    let documents: Vec<&Value> = list(&r, "hits").iter().filter(|h| h["fact_type"] == "document").collect();
    assert!(!documents.is_empty(), "{r}");
    assert!(documents.iter().all(|h| h["snippet"].as_str().is_some_and(|s| !s.is_empty())), "{r}");
    assert!(documents.iter().any(|h| h["highlights"].as_array().is_some_and(|a| !a.is_empty())), "{r}");
    // Old and new tone-mark placement find the same entries.
    let old = json(&store, &["search", "hoà bình", "--json"]);
    let new = json(&store, &["search", "hòa bình", "--json"]);
    assert_eq!(old["total"], new["total"]);
    assert!(old["total"].as_u64().is_some_and(|n| n > 0));
    // Filters: kind, place (any spelling), years.
    let confs = json(&store, &["search", "hoi nghi", "--kind", "conference", "--json"]);
    assert!(list(&confs, "hits").iter().all(|h| ids(&h["kinds"]).contains(&"conference".to_string())));
    assert!(confs["total"].as_u64().is_some_and(|n| n >= 3));
    let bl = json(&store, &["search", "hop tac", "--place", "Bô-ly-khăm-xay", "--json"]);
    assert!(bl["total"].as_u64().is_some_and(|n| n > 0));
    assert!(list(&bl, "hits").iter().all(|h| h["source"].as_str().is_some_and(|s| s.contains("004_"))), "{bl}");
    let y = json(&store, &["search", "hop tac", "--from", "2023", "--to", "2023", "--json"]);
    assert!(list(&y, "hits").iter().all(|h| h["year"] == 2023), "{y}");
    let text = ok(&store, &["search", "hai cot"]);
    assert!(text.contains("«hài»") || text.contains("«cốt»"), "{text}");
    // The index can be rebuilt from the store with the same results.
    std::fs::remove_dir_all(store.index_dir()).expect("remove index");
    let missing = run(&store, &["search", "hai cot"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("hoptac reindex"));
    ok(&store, &["reindex"]);
    assert_eq!(json(&store, &["search", "hai cot", "--json"])["total"], r["total"]);
}

fn agenda_lists_what_is_coming_and_writes_a_calendar(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let dir = &store.dir;
    let a = json(&store, &["agenda", "--today", "2024-01-10", "--json"]);
    let meetings = list(&a, "meetings");
    assert!(meetings.iter().any(|m| m["ordinal"] == 19 && m["status"] == "planned"), "{meetings:?}");
    assert!(meetings.iter().any(|m| m["kind"] == "midterm_review"));
    assert!(!meetings.iter().any(|m| m["kind"] == "final_review"), "2027 is beyond a year ahead");
    assert!(list(&a, "due").iter().any(|c| c["value"] == 2.0), "2023–2024 scholarships fall due in 2024");
    let ics = dir.path().join("agenda.ics");
    ok(&store, &["agenda", "--today", "2024-01-10", "--ics", ics.to_str().expect("path")]);
    let cal = std::fs::read_to_string(&ics).expect("ics written");
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\n") && cal.trim_end().ends_with("END:VCALENDAR"));
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), 3, "{cal}");
    assert!(cal.contains("DTSTART;VALUE=DATE:20240101"));
    assert!(cal.lines().all(|l| l.len() <= 75), "lines are folded");
    // Later, the past plan shows as unconfirmed.
    let later = json(&store, &["agenda", "--today", "2026-11-23", "--json"]);
    assert!(list(&later, "unconfirmed").iter().any(|m| m["ordinal"] == 19));
    assert!(list(&later, "overdue").iter().any(|c| c["value"] == 2.0));
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> =
        walk(dir).into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap_or_default())).collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Every table of a PostgreSQL store as a checksum of its rows.
fn tables(store: &TestStore) -> Vec<(String, String)> {
    let mut c = postgres::Client::connect(&store.arg, postgres::NoTls).expect("connect");
    let names: Vec<String> = c
        .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", &[])
        .expect("tables")
        .iter()
        .map(|r| r.get(0))
        .collect();
    names
        .into_iter()
        .map(|t| {
            let sum: String = c
                .query_one(
                    &format!("SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x"),
                    &[],
                )
                .expect("checksum")
                .get(0);
            (t, sum)
        })
        .collect()
}

fn read_commands_never_write(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let dir = &store.dir;
    let before = (snapshot(dir.path()), if kind == Kind::Postgres { tables(&store) } else { Vec::new() });
    ok(&store, &["search", "hai cot"]);
    ok(&store, &["dossier", "Kon Tum", "Sê Kông"]);
    ok(&store, &["agenda"]);
    ok(&store, &["user", "list"]);
    let after = (snapshot(dir.path()), if kind == Kind::Postgres { tables(&store) } else { Vec::new() });
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&after.0), names(&before.0), "no file created or removed");
    assert!(after == before, "no file and no row changed");
    // A read command on a store that does not exist creates nothing.
    let Some(none) = TestStore::new(kind) else { return };
    let out = run(&none, &["dossier", "Kon Tum", "Sê Kông"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no store"), "{}", String::from_utf8_lossy(&out.stderr));
    match kind {
        Kind::Sqlite => assert!(!Path::new(&none.arg).exists()),
        Kind::Postgres => assert!(tables(&none).is_empty(), "no table made"),
    }
}

#[test]
fn an_sqlite_store_is_backed_up_while_in_use_and_the_backup_is_a_store() {
    let Some(store) = store_with_seeds(Kind::Sqlite) else { return };
    let backup = store.dir.path().join("backup.db");
    let b = backup.to_str().expect("path");
    // An ingest writes while the backup is made.
    let mut writer = store
        .command()
        .args(["ingest", "--quiet", repo().join("examples/documents").to_str().expect("path")])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let out = ok(&store, &["backup", b]);
    assert!(out.contains("backed up") && out.contains("every table checked"), "{out}");
    assert!(writer.wait().expect("wait").success());
    let copy = hoptac_sqlite::SqliteStore::open_read_only(&backup).expect("the backup is a store");
    copy.integrity_check().expect("sound");
    use hoptac_store::Reader;
    assert!(copy.counts().expect("counts").documents >= 5);
    // Not over an existing file; a database is backed up by its server.
    let again = run(&store, &["backup", b]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("exists already"));
    if let Some(pg) = TestStore::new(Kind::Postgres) {
        let out = run(&pg, &["backup", b]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
    }
}

#[test]
fn corrupt_or_foreign_database_files_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = dir.path().join("garbage.db");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&garbage, &bytes).expect("write");
    let at = |path: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hoptac")).arg("--store").arg(path).args(args).output().expect("run")
    };
    for args in [&["ingest", seeds().to_str().unwrap_or_default()][..], &["dossier", "VN-28", "LA-XE"][..]] {
        let out = at(&garbage, args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("garbage.db") && err.contains("not a hoptac store"), "{err}");
    }
    assert_eq!(std::fs::read(&garbage).expect("read"), bytes, "the file is untouched");

    let foreign = dir.path().join("foreign.db");
    {
        let c = rusqlite::Connection::open(&foreign).expect("sqlite");
        c.execute_batch(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
        )
        .expect("create");
    }
    let before = std::fs::read(&foreign).expect("read");
    let out = at(&foreign, &["ingest", seeds().to_str().unwrap_or_default()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another program's SQLite database"), "{err}");
    assert_eq!(std::fs::read(&foreign).expect("read"), before);
}

#[test]
fn foreign_or_newer_postgres_databases_are_refused_and_left_alone() {
    let Some(store) = TestStore::new(Kind::Postgres) else { return };
    {
        let mut c = postgres::Client::connect(&store.arg, postgres::NoTls).expect("connect");
        c.batch_execute(
            "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);",
        )
        .expect("create");
    }
    let before = tables(&store);
    for args in [&["ingest", seeds().to_str().unwrap_or_default()][..], &["dossier", "VN-28", "LA-XE"][..]] {
        let out = run(&store, args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("another application's database") && !err.contains("password"), "{err}");
    }
    assert_eq!(tables(&store), before, "left alone");
    // A store from a newer hoptac.
    let Some(newer) = store_with_seeds(Kind::Postgres) else { return };
    {
        let mut c = postgres::Client::connect(&newer.arg, postgres::NoTls).expect("connect");
        c.batch_execute("UPDATE hoptac_meta SET value = '99' WHERE key = 'schema_version'").expect("update");
    }
    let out = run(&newer, &["ingest", seeds().to_str().unwrap_or_default()]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("schema version 99"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Gaps: numbered meetings never reported, commitments late, silence, and the next meeting.
fn the_dossier_says_what_the_record_is_missing(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let d = dossier(&store, &["Kon Tum", "Sê Kông"]);
    let gaps = &d["gaps"];
    let two = list(&d, "commitments").iter().find(|c| c["value"] == 2.0).expect("2 scholarships").clone();
    assert!(gaps["overdue"].as_array().is_some_and(|o| o.contains(&two["id"])), "the 2023–2024 scholarships: {gaps}");
    assert!(gaps["silent_months"].as_i64().is_some_and(|m| m >= 18), "nothing since 2023 on 2026-11-23: {gaps}");
    // XVII, XVIII, XIX (planned 2024) are known; a report of XXII leaves XX and XXI missing.
    ingest(&store, &[&data("dakglei_xxii_2025.txt")]);
    let d = dossier(&store, &["Đăk Glei", "Xan Xay", "Đăk Chưng"]);
    let missing = list(&d["gaps"], "missing");
    assert!(missing.iter().any(|m| m["ordinals"] == serde_json::json!([20, 21])), "{missing:?}");
    // Yearly, the last (XXII) in June 2025: XXIII next, tentatively, in the usual month not yet
    // past on 2026-11-23 (June 2027).
    let f = list(&d["gaps"], "forecasts").first().cloned().expect("a forecast");
    assert_eq!(
        (f["ordinal"].as_u64(), f["year"].as_i64(), f["month"].as_u64()),
        (Some(23), Some(2027), Some(6)),
        "{f}"
    );
    let text = ok(&store, &["dossier", "Đăk Glei", "Xan Xay", "Đăk Chưng", "--today", "2026-11-23"]);
    assert!(text.contains("XX, XXI never reported") && text.contains("tentative: conference"), "{text}");
    // The agenda and its calendar show it, as tentative, apart from announced meetings.
    let agenda = json(&store, &["agenda", "--today", "2027-01-10", "--json"]);
    let t = list(&agenda, "tentative");
    assert!(t.iter().any(|x| x["ordinal"] == 23 && x["year"] == 2027 && x["month"] == 6), "{t:?}");
    assert!(!list(&agenda, "meetings").iter().any(|m| m["ordinal"] == 23), "not among the announced");
    let ics = store.dir.path().join("a.ics");
    ok(&store, &["agenda", "--today", "2027-01-10", "--ics", ics.to_str().expect("path")]);
    let cal = std::fs::read_to_string(&ics).expect("ics");
    assert!(cal.contains("STATUS:TENTATIVE") && cal.contains("SUMMARY:(tentative) conference XXIII"), "{cal}");
}

/// A person's decision is final: a later ingest adds its evidence and changes nothing else.
fn a_review_decision_is_final_for_later_ingests(kind: Kind) {
    let Some(store) = store_with_seeds(kind) else { return };
    let d = dossier(&store, &["Đăk Glei", "Xan Xay"]);
    let xix = conference(list(&d, "events"), 19)[0].clone();
    assert_eq!((xix["status"].as_str(), xix["date"].as_str()), (Some("planned"), Some("2024")));
    decide(&store, hoptac_store::FactType::Event, xix["id"].as_i64().expect("id"), Decision::Accept);
    ingest(&store, &[&data("dakglei_xix_held.txt")]);
    let d = dossier(&store, &["Đăk Glei", "Xan Xay"]);
    let after = conference(list(&d, "events"), 19);
    assert_eq!(after.len(), 1);
    assert_eq!((after[0]["status"].as_str(), after[0]["date"].as_str()), (Some("planned"), Some("2024")), "kept");
    assert_eq!(after[0]["review"], "accepted");
    assert_eq!(list(after[0], "sources").len(), 2, "the new article is evidence");
}

/// Every meeting, agreement and figure ingest stores keeps how sure its reading was: the highest
/// confidence any record gave one of its kind (new facts are written with theirs, merged ones
/// raised), never none.
fn every_fact_read_keeps_the_confidence_its_reading_gave(kind: Kind) {
    use hoptac_store::transfer::{Cell, TABLES};
    let Some(store) = store_with_seeds(kind) else { return };
    let mut given: Vec<(&str, f64)> = Vec::new();
    for path in std::fs::read_dir(seeds()).expect("seeds").map(|e| e.expect("entry").path()) {
        let record: Value = serde_json::from_str(&ok(&store, &["extract", &path.to_string_lossy()])).expect("record");
        for table in ["events", "agreements", "figures"] {
            for f in list(&record, table) {
                given.push((table, f["confidence"].as_f64().expect("confidence")));
            }
        }
    }
    let s = store.location().open_read_only().expect("open");
    let mut seen = 0;
    for name in ["events", "agreements", "figures"] {
        let table = TABLES.iter().find(|t| t.name == name).expect("table");
        let at = table.columns.iter().position(|(c, _)| *c == "confidence").expect("column");
        for row in s.export_rows(table, 0, 10_000).expect("rows") {
            let Cell::Float(c) = row[at] else { panic!("{name}: a fact without confidence: {row:?}") };
            assert!(
                given.iter().any(|&(t, g)| t == name && (g - c).abs() < 1e-6),
                "{name}: {c} is no confidence a record gave"
            );
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} facts");
}

fn bad_documents_are_reported_and_the_rest_stored(kind: Kind) {
    let Some(store) = TestStore::new(kind) else { return };
    let dir = &store.dir;
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    std::fs::write(docs.join("empty.txt"), "").expect("write");
    std::fs::write(docs.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0, 255, 254, 0]).expect("write");
    std::fs::write(docs.join("blank.html"), "<html><script>x()</script></html>").expect("write");
    std::fs::copy(data("dakglei_xix_held.txt"), docs.join("good.txt")).expect("copy");
    std::fs::write(docs.join("notes.csv"), "a,b").expect("write"); // not a document type: skipped
    let out = run(&store, &["ingest", "--quiet", docs.to_str().unwrap_or_default(), "missing-dir"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for name in ["empty.txt", "binary.txt", "blank.html", "missing-dir"] {
        assert!(err.contains(name), "{name} not reported: {err}");
    }
    assert!(!err.contains("notes.csv"));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("1 new, 0 unchanged, 4 failed"), "{summary}");
    assert_eq!(counts(&store).documents, 1);
}

fn a_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes_it(kind: Kind) {
    let Some(store) = TestStore::new(kind) else { return };
    let dir = &store.dir;
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let originals: Vec<String> = std::fs::read_dir(seeds())
        .expect("seeds")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).expect("seed"))
        .collect();
    let n = 1500;
    for i in 0..n {
        let text = &originals[i % originals.len()];
        std::fs::write(docs.join(format!("doc{i:05}.txt")), format!("{text}\nTài liệu số {i}.\n")).expect("write");
    }
    let mut child = store
        .command()
        .args(["ingest", "--quiet"])
        .arg(&docs)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until some documents are stored, then kill -9.
    let t0 = std::time::Instant::now();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(20));
        let stored = store.location().open_read_only().ok().and_then(|s| s.counts().ok());
        if stored.is_some_and(|c| c.documents > 50) || t0.elapsed().as_secs() > 60 {
            break;
        }
    }
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let partial = counts(&store);
    assert!(partial.documents < n, "killed before the end ({} stored)", partial.documents);
    {
        if kind == Kind::Sqlite {
            hoptac_sqlite::SqliteStore::open_read_only(Path::new(&store.arg))
                .expect("open after kill")
                .integrity_check()
                .expect("integrity");
        }
        let s = store.location().open_read_only().expect("open after kill");
        assert_eq!(s.facts_without_evidence().expect("query"), 0);
    }
    let rerun = ingest(&store, &[&docs]);
    assert!(rerun.contains(&format!("{} unchanged", partial.documents)), "{rerun}");
    // The result equals one uninterrupted run.
    let Some(clean) = TestStore::new(kind) else { return };
    ingest(&clean, &[&docs]);
    let (a, b) = (counts(&store), counts(&clean));
    assert_eq!(
        (a.documents, a.events, a.agreements, a.figures, a.people),
        (b.documents, b.events, b.agreements, b.figures, b.people)
    );
    // The index caught up: every document is searchable exactly once.
    let ix = hoptac_search::SearchIndex::open_read_only(&store.index_dir()).expect("index");
    assert_eq!(ix.num_documents().expect("count"), n as u64);
}

fn lao_words_and_places_named_in_any_script_are_found(kind: Kind) {
    let Some(store) = TestStore::new(kind) else { return };
    let lao = repo().join("examples/documents/attapeu_kontum_conference_2024_lo.txt");
    let vi = repo().join("examples/documents/kyson_nonghet_2024.txt");
    ingest(&store, &[&lao, &vi]);
    let sources = |r: &Value| -> Vec<String> {
        list(r, "hits").iter().filter_map(|h| h["source"].as_str()).map(str::to_string).collect()
    };
    // a Lao word: the tokenizer cuts Lao text as extraction does
    let r = json(&store, &["search", "ກອງປະຊຸມ", "--json"]);
    assert!(sources(&r).iter().any(|s| s.ends_with("_lo.txt")), "{r}");
    assert!(!sources(&r).iter().any(|s| s.contains("kyson")), "{r}");
    // a place in Latin script finds the Lao article about it, by place id
    for q in ["Attapeu", "Attapư", "ອັດຕະປື"] {
        let r = json(&store, &["search", q, "--json"]);
        assert!(sources(&r).iter().any(|s| s.ends_with("_lo.txt")), "{q}: {r}");
    }
    // the place and another word: both must hold
    let r = json(&store, &["search", "Kon Tum ກອງປະຊຸມ", "--json"]);
    assert!(sources(&r).iter().any(|s| s.ends_with("_lo.txt")), "{r}");
    let none = json(&store, &["search", "Attapeu zzzqqq", "--json"]);
    assert_eq!(none["total"], 0, "{none}");
}

/// "mỗi năm 10 suất học bổng giai đoạn 2021–2025": fifty in all, ten in each year; results
/// reported in 2022 (10) and 2023 (6) are matched with their years, and the others fall short.
fn a_yearly_commitment_is_followed_year_by_year(kind: Kind) {
    let Some(store) = TestStore::new(kind) else { return };
    // The results first: the commitment, read later, finds them.
    ingest(&store, &[&data("sonla_luangprabang_2022.txt"), &data("sonla_luangprabang_2023.txt")]);
    ingest(&store, &[&data("sonla_luangprabang_2021.txt")]);
    let d = dossier(&store, &["Sơn La", "Luông Pha Băng"]);
    let c = list(&d, "commitments").first().cloned().expect("the commitment");
    assert_eq!(
        (c["per_year"].as_bool(), c["value"].as_f64(), c["promised"].as_f64()),
        (Some(true), Some(10.0), Some(50.0))
    );
    assert_eq!((c["delivered"].as_f64(), c["status"].as_str()), (Some(16.0), Some("overdue")), "{c}");
    let years: Vec<(i64, f64, String)> = list(&c, "ledger")
        .iter()
        .map(|y| (y["year"].as_i64().unwrap_or(0), y["delivered"].as_f64().unwrap_or(-1.0), y["status"].to_string()))
        .collect();
    assert_eq!(
        years,
        vec![
            (2021, 0.0, "\"short\"".to_string()),
            (2022, 10.0, "\"met\"".to_string()),
            (2023, 6.0, "\"short\"".to_string()),
            (2024, 0.0, "\"short\"".to_string()),
            (2025, 0.0, "\"short\"".to_string()),
        ]
    );
    let short = list(&d["gaps"], "short_years");
    assert_eq!(short.first().map(|s| s["years"].clone()), Some(serde_json::json!([2021, 2023, 2024, 2025])));
    // The report shows the years; the text dossier too.
    let md = ok(&store, &["report", "Sơn La", "Luông Pha Băng", "--today", "2026-11-23"]);
    assert!(md.contains("50 (10 mỗi năm)") && md.contains("Năm 2023: 6/10"), "{md}");
    assert!(md.contains("năm 2021, 2023, 2024, 2025 chưa đủ số lượng hằng năm"), "{md}");
    let text = ok(&store, &["dossier", "Sơn La", "Luông Pha Băng", "--today", "2026-11-23"]);
    assert!(text.contains("2023: 6 of 10 SHORT"), "{text}");
}

/// A store of the seeds, and the id of the XIX conference of Đăk Glei and Xan Xay in it.
fn seeds_and_xix(kind: Kind) -> Option<(TestStore, i64)> {
    let store = store_with_seeds(kind)?;
    let d = dossier(&store, &["Đăk Glei", "Xan Xay"]);
    let id = conference(list(&d, "events"), 19)[0]["id"].as_i64().expect("id");
    Some((store, id))
}

/// The overview reads every partnership's facts but the rejected ones, each table through once
/// (the same facts as partnership by partnership, in id order); rejected facts are listed too.
fn rejected_facts_are_listed_for_summaries(kind: Kind) {
    let Some((store, id)) = seeds_and_xix(kind) else { return };
    let s = store.location().open().expect("open");
    let r = s.reader();
    let pids: Vec<i64> = r.partnerships().expect("partnerships").iter().map(|p| p.id).collect();
    let by_partnership = |rejected: Option<i64>| {
        let mut e: Vec<i64> =
            r.events(&pids).expect("events").iter().map(|e| e.id).filter(|&e| Some(e) != rejected).collect();
        e.sort_unstable();
        e
    };
    let standing = || r.standing_events().expect("standing").iter().map(|e| e.id).collect::<Vec<i64>>();
    let before = by_partnership(None);
    assert!(before.contains(&id) && before.len() > 3, "{before:?}");
    assert_eq!(standing(), before);
    // Agreements counted with the latest signing, by partnership, as the rows add up.
    let mut expected: std::collections::BTreeMap<i64, (usize, Option<hoptac_core::PartialDate>)> = Default::default();
    for a in r.agreements(&pids).expect("agreements") {
        let t = expected.entry(a.partnership.expect("partnership")).or_default();
        t.0 += 1;
        t.1 = t.1.max(a.signed);
    }
    let tallies: Vec<(i64, (usize, Option<hoptac_core::PartialDate>))> = r
        .agreement_tallies()
        .expect("tallies")
        .iter()
        .map(|t| (t.partnership, (t.agreements, t.last_signed)))
        .collect();
    assert_eq!(tallies, expected.into_iter().collect::<Vec<_>>());
    assert!(tallies.iter().any(|(_, (n, last))| *n > 0 && last.is_some_and(|d| d.month.is_some())), "{tallies:?}");
    let figures = r.standing_figures().expect("figures");
    assert_eq!(figures.len(), r.figures(&pids).expect("figures").len());
    assert!(!figures.is_empty() && figures.windows(2).all(|w| w[0].id < w[1].id));
    assert!(r.rejected(hoptac_store::FactType::Event).expect("rejected").is_empty());
    decide(&store, hoptac_store::FactType::Event, id, Decision::Reject);
    assert_eq!(r.rejected(hoptac_store::FactType::Event).expect("rejected"), vec![id]);
    assert!(r.rejected(hoptac_store::FactType::Figure).expect("rejected").is_empty());
    assert_eq!(standing(), by_partnership(Some(id)), "the rejected event is left out");
}

/// A partnership's version rises with each change to its facts (a document that changes one, a
/// review decision) and with nothing else: other partnerships keep theirs, and content already
/// stored changes no version.
fn partnership_versions_follow_their_facts(kind: Kind) {
    let Some((store, id)) = seeds_and_xix(kind) else { return };
    let s = store.location().open_read_only().expect("open");
    let r = s.reader();
    let versions = || -> std::collections::BTreeMap<i64, i64> {
        r.partnership_versions().expect("versions").expect("the store keeps versions").into_iter().collect()
    };
    let partnership = r.events_by_id(&[id]).expect("event")[0].partnership.expect("partnership");
    let seeded = versions();
    for p in r.partnerships().expect("partnerships") {
        let facts = r.events(&[p.id]).expect("events").len()
            + r.agreements(&[p.id]).expect("agreements").len()
            + r.figures(&[p.id]).expect("figures").len();
        assert_eq!(seeded.get(&p.id).is_some_and(|v| *v > 0), facts > 0, "partnership {}: {seeded:?}", p.id);
    }
    let rose = |before: &std::collections::BTreeMap<i64, i64>, what: &str| {
        let after = versions();
        assert!(after[&partnership] > before[&partnership], "{what}: {before:?} → {after:?}");
        let others = |m: &std::collections::BTreeMap<i64, i64>| {
            m.iter().filter(|(p, _)| **p != partnership).map(|(p, v)| (*p, *v)).collect::<Vec<_>>()
        };
        assert_eq!(others(&after), others(before), "{what}: only its partnership moves");
        after
    };
    // The minutes of the XIX conference: it was held (the planned meeting updated).
    let people = || r.people_version().expect("people").expect("the store keeps the people's version");
    let people_seeded = people();
    ingest(&store, &[&data("dakglei_xix_held.txt")]);
    let held = rose(&seeded, "a report of the meeting");
    assert!(people() > people_seeded, "the report names a person");
    let people_held = people();
    let pending = r.pending_reviews(None).expect("pending");
    let c = r.counts().expect("counts");
    assert_eq!(r.document_and_fact_counts().expect("counts"), (c.documents, c.events + c.agreements + c.figures));
    decide(&store, hoptac_store::FactType::Event, id, Decision::Reject);
    let rejected = rose(&held, "a rejection");
    assert_eq!(r.pending_reviews(None).expect("pending"), pending - 1, "the rejected event was pending");
    ingest(&store, &[&seeds(), &data("dakglei_xix_held.txt")]);
    assert_eq!((versions(), people()), (rejected, people_held), "documents already stored change nothing");
}

fn a_page_reads_the_first_sources_and_every_claim(kind: Kind) {
    use hoptac_store::{EvidenceDigest, FactType};
    let Some(store) = store_with_seeds(kind) else { return };
    ingest(&store, &[&data("dakglei_xix_held.txt"), &data("dakglei_xix_minutes.md")]);
    let s = store.location().open_read_only().expect("open");
    let r = s.reader();
    let ids: Vec<i64> = (1..=400).collect();
    for t in [FactType::Event, FactType::Agreement, FactType::Figure] {
        let mut rows = r.evidence(t, &ids).expect("evidence");
        assert!(!rows.is_empty());
        rows.sort_by_key(|e| e.fact_id);
        for first in [1, 2, 100, usize::MAX] {
            let digest = r.evidence_digest(t, &ids, first).expect("digest");
            assert_eq!(digest, EvidenceDigest::from_rows(rows.clone(), first), "{t:?}, first {first}");
            let total: usize = digest.claims.iter().map(|g| g.sources).sum();
            assert_eq!(total, rows.len());
            assert!(digest.first.iter().all(|e| e.claim.is_null()));
        }
    }
    // The page's dossier: the first source of conference XIX, the count of all three, the same
    // conflicts as the whole dossier.
    let wanted = [hoptac_core::PlaceId::new("VN-28:dakglei"), hoptac_core::PlaceId::new("LA-AT:sanxay")];
    let places = r.places().expect("places");
    let today = jiff::civil::date(2026, 11, 23);
    let full = hoptac_store::dossier::build_limited(r, &places, &wanted, today, None).expect("dossier");
    let shown = hoptac_store::dossier::Shown { sources: 1, lines: usize::MAX };
    let page = hoptac_store::dossier::build_limited(r, &places, &wanted, today, Some(shown)).expect("dossier");
    let xix = |d: &hoptac_store::dossier::Dossier| {
        d.events.iter().find(|e| e.fact.ordinal == Some(19)).cloned().expect("XIX")
    };
    assert_eq!((xix(&full).sources.len(), xix(&full).sources_total), (3, 3));
    assert_eq!((xix(&page).sources.len(), xix(&page).sources_total), (1, 3));
    assert_eq!(xix(&page).sources[0], xix(&full).sources[0]);
    // A fact's evidence a page at a time: the rows of all of it, in order, and their count.
    let id = xix(&full).fact.id;
    let every = r.evidence(FactType::Event, &[id]).expect("evidence");
    let (one, total) = r.evidence_page(FactType::Event, id, 0, 2).expect("page");
    let (two, _) = r.evidence_page(FactType::Event, id, 2, 2).expect("page");
    assert_eq!((one.len(), two.len(), total), (2, 1, 3));
    assert_eq!([one, two].concat(), every);
    assert_eq!(r.evidence_page(FactType::Event, id, 5, 2).expect("page"), (Vec::new(), 3));
    assert_eq!(r.evidence_page(FactType::Event, id, 0, usize::MAX).expect("page"), (every, 3));
    assert_eq!(
        page.events.iter().map(|e| &e.conflicts).collect::<Vec<_>>(),
        full.events.iter().map(|e| &e.conflicts).collect::<Vec<_>>()
    );
    // People's sources in the documents, all of them: the rows the store holds, in their order.
    let docs: Vec<i64> = full.documents.iter().map(|d| d.id).collect();
    let mut rows = r.people_evidence_in(&docs).expect("people");
    assert!(!rows.is_empty());
    for e in &mut rows {
        e.claim = serde_json::Value::Null;
    }
    let (all, totals) = r.people_sources_in(&docs, usize::MAX).expect("people");
    assert_eq!(all, rows);
    assert_eq!(totals.iter().map(|(_, n)| n).sum::<usize>(), rows.len());
    // … and each person's first two of them, in the same order, with the same counts
    let mut met: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let first_two: Vec<_> = rows
        .iter()
        .filter(|e| {
            let n = met.entry(e.fact_id).or_default();
            *n += 1;
            *n <= 2
        })
        .cloned()
        .collect();
    let (two, totals_two) = r.people_sources_in(&docs, 2).expect("people");
    assert_eq!(two, first_two);
    let sorted = |mut t: Vec<(i64, usize)>| {
        t.sort_unstable();
        t
    };
    assert_eq!(sorted(totals_two), sorted(totals.clone()));
    // People: the same, each with its first source and the count of all.
    assert!(!full.people.is_empty());
    assert_eq!(page.people.len(), full.people.len());
    for (p, f) in page.people.iter().zip(&full.people) {
        assert_eq!(p.person, f.person);
        assert_eq!((p.sources_total, f.sources_total), (f.sources.len(), f.sources.len()));
        assert_eq!(p.sources.len(), f.sources.len().min(1));
        assert_eq!(p.sources.first(), f.sources.first());
    }
    // A page of the latest line of each long list: those lines as the whole dossier has them;
    // documents, people, gaps, totals and meetings by year from every fact.
    let latest = hoptac_store::dossier::Shown { sources: usize::MAX, lines: 1 };
    let short = hoptac_store::dossier::build_limited(r, &places, &wanted, today, Some(latest)).expect("dossier");
    assert!(full.events.len() > 1 && full.agreements.len() > 1, "{} {}", full.events.len(), full.agreements.len());
    assert_eq!(short.events.as_slice(), &full.events[full.events.len() - 1..]);
    assert_eq!(short.agreements.as_slice(), &full.agreements[full.agreements.len() - 1..]);
    assert_eq!(short.other_figures.as_slice(), &full.other_figures[full.other_figures.len().saturating_sub(1)..]);
    assert_eq!(short.commitments, full.commitments);
    assert_eq!(
        (short.totals.events, short.totals.agreements, short.totals.other_figures),
        (full.events.len(), full.agreements.len(), full.other_figures.len())
    );
    assert_eq!(short.totals, full.totals);
    assert_eq!(short.meetings_by_year, full.meetings_by_year);
    assert_eq!(full.meetings_by_year.values().map(|(h, p)| h + p).sum::<usize>(), full.events.len());
    assert_eq!((&short.documents, &short.people, &short.gaps), (&full.documents, &full.people, &full.gaps));
    // The documents behind facts, from the index alone: those of their evidence.
    let ids: Vec<i64> = full.events.iter().map(|e| e.fact.id).collect();
    let mut from_index = r.documents_of(FactType::Event, &ids).expect("documents");
    let mut from_rows: Vec<i64> =
        r.evidence(FactType::Event, &ids).expect("evidence").iter().map(|e| e.document).collect();
    from_index.sort_unstable();
    from_index.dedup();
    from_rows.sort_unstable();
    from_rows.dedup();
    assert_eq!(from_index, from_rows);
}

/// Every row of the record's tables (documents apart: they carry the time of their ingest), and
/// every index's statement, of an SQLite store.
fn sqlite_record(store: &TestStore) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open(&store.arg).expect("open");
    let mut out = Vec::new();
    for t in ["partnerships", "events", "agreements", "figures", "people", "roles", "evidence"] {
        let mut stmt = c.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).expect("select");
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> =
                    (0..n).map(|i| format!("{:?}", r.get_ref(i).map(|v| format!("{v:?}")))).collect();
                Ok(cells.join("|"))
            })
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        out.push((t.to_string(), rows));
    }
    let mut stmt = c
        .prepare("SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .expect("schema");
    let schema = stmt.query_map([], |r| r.get(0)).expect("indexes").map(|r| r.expect("index")).collect();
    out.push(("indexes".into(), schema));
    let left: Option<String> =
        c.query_row("SELECT value FROM meta WHERE key = 'deferred_indexes'", [], |r| r.get(0)).ok();
    out.push(("left to build".into(), left.into_iter().collect()));
    out
}

#[test]
fn a_bulk_load_stores_what_smaller_runs_store_and_ends_with_every_index() {
    // 2,000 short reports of my own wording (a run that size into an empty store is a bulk load:
    // the indexes that storing never reads are built at its end), in four folders of 500.
    let docs = tempfile::tempdir().expect("temp dir");
    let pairs =
        [("Sê Kông", "Quảng Nam"), ("Attapư", "Kon Tum"), ("Salavan", "Thừa Thiên Huế"), ("Chămpasắc", "Quảng Trị")];
    let romans = ["V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
    for i in 0..2_000usize {
        let (lao, vn) = pairs[i % pairs.len()];
        let year = 2015 + (i / 8) % 10;
        let folder = docs.path().join(format!("{}", i / 500));
        std::fs::create_dir_all(&folder).expect("folder");
        let text = format!(
            "Ngày {}/{}/{year}, tại tỉnh {vn}, Hội nghị hợp tác lần thứ {} giữa tỉnh {vn} và tỉnh {lao} đã diễn ra.\n\n\
             Hai bên ký kết biên bản ghi nhớ hợp tác giai đoạn {year}-{}. Tỉnh {vn} hỗ trợ tỉnh {lao} {} triệu đồng \
             và {} suất học bổng cho sinh viên năm {year}. Bản tin số {i}.\n",
            1 + i % 28,
            1 + i % 12,
            romans[(i / 4) % romans.len()],
            year + 4,
            100 + (i % 37) * 5,
            5 + i % 20,
        );
        std::fs::write(folder.join(format!("r{i:04}.txt")), text).expect("write");
    }
    let bulk = TestStore::new(Kind::Sqlite).expect("store");
    let said = ingest(&bulk, &[docs.path()]);
    assert!(said.contains("2000 new, 0 unchanged, 0 failed"), "{said}");
    let runs = TestStore::new(Kind::Sqlite).expect("store");
    for part in 0..4 {
        ingest(&runs, &[&docs.path().join(part.to_string())]);
    }
    let (a, b) = (sqlite_record(&bulk), sqlite_record(&runs));
    let rows = |t: &str| a.iter().find(|(name, _)| name == t).map_or(0, |(_, rows)| rows.len());
    assert!(rows("events") >= 32 && rows("agreements") >= 4 && rows("figures") >= 50, "the reports were read");
    assert!(rows("evidence") > 4_000, "each report is evidence of its facts");
    for ((table, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{table}: the bulk load and the runs of 500 differ");
    }
    let indexes = &a.iter().find(|(t, _)| t == "indexes").expect("indexes").1;
    assert!(indexes.iter().any(|i| i.starts_with("evidence_by_fact: ")), "{indexes:?}");
}
