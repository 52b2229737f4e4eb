//! Several servers and writers on one PostgreSQL store: two `hoptac serve` in front of one
//! database, each with its own search index following the store's change log; a decision on one
//! shows on the other within a second; ingests while both serve; two ingests at once. Needs a
//! PostgreSQL server (`HOPTAC_TEST_PG`); without one the tests say so and pass, unless
//! `HOPTAC_PG=required` (CI).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const PASSWORD: &str = "một mật khẩu đủ dài";

fn hoptac(db: &PgDb, index: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin()).arg("--store").arg(&db.url).arg("--index").arg(index).args(args).output().expect("run")
}

fn admin(db: &PgDb, index: &Path) {
    let mut child = Command::new(bin())
        .arg("--store")
        .arg(&db.url)
        .arg("--index")
        .arg(index)
        .args(["user", "add", "minh", "--role", "admin", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("write");
    assert!(child.wait().expect("wait").success());
}

/// Sign in; the session and CSRF cookies and the token, for API writes.
fn sign_in(s: &Server) -> (String, String) {
    let a = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build();
    let a: ureq::Agent = a.into();
    let r = a.get(format!("{}/signin", s.base)).call().expect("signin page");
    let csrf = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("hoptac_csrf="))
        .map(|c| c.split(';').next().unwrap_or("").to_string())
        .expect("csrf cookie");
    let body = format!(
        "_csrf={csrf}&name=minh&password={}",
        form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
    );
    let r = a
        .post(format!("{}/signin", s.base))
        .header("Cookie", &format!("hoptac_csrf={csrf}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(body)
        .expect("sign in");
    assert_eq!(r.status().as_u16(), 303);
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or("").to_string())
        .collect();
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("hoptac_csrf=")).expect("new csrf").to_string();
    (cookies.join("; "), csrf)
}

fn post_json(s: &Server, (cookies, csrf): &(String, String), path: &str, v: &Value) -> Reply {
    reply(
        agent()
            .post(format!("{}{path}", s.base))
            .header("Cookie", cookies)
            .header("X-CSRF-Token", csrf)
            .header("Content-Type", "application/json")
            .send(v.to_string()),
    )
}

/// Poll until `f` holds (or the time is up); how long it took.
fn within(limit: Duration, mut f: impl FnMut() -> bool) -> Option<Duration> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if f() {
            return Some(t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn xix(s: &Server) -> Value {
    let events = s.get("/api/v1/events?kind=conference").json();
    events
        .as_array()
        .and_then(|a| a.iter().find(|e| e["ordinal"] == 19).cloned())
        .unwrap_or_else(|| panic!("conference XIX in {events}"))
}

#[test]
fn two_servers_on_one_database_see_each_others_decisions_and_ingests() {
    let Some(db) = PgDb::new() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let cli_index = dir.path().join("cli.index");
    let out = hoptac(&db, &cli_index, &["ingest", "--quiet", seeds().to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    admin(&db, &cli_index);
    let (ia, ib) = (dir.path().join("a.index"), dir.path().join("b.index"));
    let a = serve_store(Path::new(&db.url), false, &["--index", ia.to_str().expect("path")]);
    let b = serve_store(Path::new(&db.url), false, &["--index", ib.to_str().expect("path")]);
    // Each built its own index from the store before answering.
    for s in [&a, &b] {
        assert!(s.get("/api/v1/search?q=XIX&kind=conference").json()["total"].as_u64().is_some_and(|n| n >= 1));
    }
    let before = xix(&b);
    assert_eq!(before["status"], "planned");

    // A correction on A: on B's record and page at once, in B's search within a second.
    let session = sign_in(&a);
    let r = post_json(
        &a,
        &session,
        &format!("/api/v1/facts/event/{}/review", before["id"]),
        &json!({"decision": "correct", "fields": {"party_a": "Đăk Glei", "party_b": "Xan Xay", "kind": "conference",
                "ordinal": 19, "date": "2024-10-15", "venue": "Đăk Chưng", "status": "held"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let seen = within(Duration::from_secs(1), || xix(&b)["status"] == "held");
    assert!(seen.is_some(), "B's record shows the decision within a second");
    let page = b.get(&format!("/facts/event/{}", before["id"]));
    assert!(page.body.contains("review-corrected"), "B's page");
    let dossier = b.get("/api/v1/dossier?places=%C4%90%C4%83k%20Glei,Xan%20Xay").json();
    let held = dossier["events"]
        .as_array()
        .is_some_and(|es| es.iter().any(|e| e["ordinal"] == 19 && e["status"] == "held" && e["date"] == "2024-10-15"));
    assert!(held, "B's dossier: {}", dossier["events"]);
    let found = within(Duration::from_secs(1), || {
        let r = b.get("/api/v1/search?q=XIX&kind=conference").json();
        r["hits"]
            .as_array()
            .is_some_and(|h| h.iter().any(|h| h["title"].as_str().is_some_and(|t| t.contains("2024-10-15"))))
    });
    assert!(found.is_some(), "B's search shows the corrected meeting within a second");
    eprintln!("decision on A: on B's record in {seen:?}, in B's search in {found:?}");

    // An ingest while both serve: both search it soon after.
    let docs = root().join("examples/documents");
    let out = hoptac(&db, &cli_index, &["ingest", "--quiet", docs.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let total = a.get("/api/v1/documents").json()["total"].as_u64().expect("total");
    assert!(total > 5);
    for s in [&a, &b] {
        let ok = within(Duration::from_secs(3), || {
            s.get("/api/v1/search?q=No%E1%BB%8Dng%20H%C3%A9t").json()["total"].as_u64().is_some_and(|n| n > 0)
        });
        assert!(ok.is_some(), "{} searches the new documents", s.base);
    }
}

/// The counts and content of every table that holds the record, in an order that does not
/// depend on the order the writers ran in.
fn record(db: &PgDb) -> Vec<(String, i64)> {
    let mut c = db.client();
    ["documents", "events", "agreements", "figures", "people", "evidence", "partnerships"]
        .iter()
        .map(|t| (t.to_string(), c.query_one(&format!("SELECT count(*) FROM {t}"), &[]).expect("count").get(0)))
        .collect()
}

#[test]
fn two_ingests_at_once_store_each_fact_once() {
    let Some(db) = PgDb::new() else { return };
    let Some(alone) = PgDb::new() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = [seeds(), root().join("examples/documents")];
    let args = |index: &str| {
        let mut v =
            vec!["--store".to_string(), db.url.clone(), "--index".into(), dir.path().join(index).display().to_string()];
        v.extend(["ingest".to_string(), "--quiet".into()]);
        v.extend(paths.iter().map(|p| p.display().to_string()));
        v
    };
    // The same documents from two processes at once (each with its own index).
    let one =
        Command::new(bin()).args(args("one.index")).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("one");
    let two =
        Command::new(bin()).args(args("two.index")).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("two");
    for c in [one, two] {
        let out = c.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    // Against one run alone.
    let mut single = vec![
        "--store".to_string(),
        alone.url.clone(),
        "--index".into(),
        dir.path().join("alone.index").display().to_string(),
    ];
    single.extend(["ingest".to_string(), "--quiet".into()]);
    single.extend(paths.iter().map(|p| p.display().to_string()));
    let out = Command::new(bin()).args(&single).output().expect("alone");
    assert!(out.status.success());
    assert_eq!(record(&db), record(&alone), "no meeting, agreement or figure twice; no evidence lost");
    // Both indexes hold every document.
    for ix in ["one.index", "two.index"] {
        let index = hoptac_search::SearchIndex::open_read_only(&dir.path().join(ix)).expect("index");
        assert_eq!(index.num_documents().expect("count") as i64, record(&db)[0].1, "{ix}");
    }
}

fn run_ok(args: &[&str]) -> String {
    let out = Command::new(bin()).args(args).output().expect("run");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_store_copied_to_postgres_and_back_is_the_same_store() {
    let Some(db) = PgDb::new() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("office.db");
    let f = file.to_str().expect("path");
    run_ok(&["--store", f, "ingest", "--quiet", seeds().to_str().expect("path")]);
    // A decision and an account go along.
    {
        use hoptac_store::Store;
        let mut s = hoptac_sqlite::SqliteStore::open(&file).expect("open");
        let mut tx = s.begin().expect("begin");
        let done = hoptac_store::review::decide(
            tx.as_mut(),
            hoptac_store::FactType::Event,
            1,
            hoptac_store::review::Decision::Reject,
            "tester",
            Some("not a meeting".into()),
            "2026-11-30T00:00:00Z",
        )
        .expect("decide");
        assert!(done.is_ok());
        tx.commit().expect("commit");
    }
    let mut child = Command::new(bin())
        .args(["--store", f, "user", "add", "somsak", "--role", "reviewer", "--place", "Attapeu", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    writeln!(child.stdin.take().expect("stdin"), "{PASSWORD}").expect("write");
    assert!(child.wait().expect("wait").success());

    let out = run_ok(&["copy", "--from", f, "--to", &db.url]);
    assert!(out.contains("every table's rows and checksums agree"), "{out}");
    assert!(!out.contains("DIFFERS"));
    // Into a database that is not empty: refused, nothing changed.
    let again = Command::new(bin()).args(["copy", "--from", f, "--to", &db.url]).output().expect("run");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    // And back into a new file.
    let back = dir.path().join("back.db");
    let b = back.to_str().expect("path");
    run_ok(&["copy", "--from", &db.url, "--to", b]);
    // every partnership copied in has had its version raised (a server's kept pages are read
    // again), although no fact row has a trigger for being added (SQLite schema 16)
    let c = rusqlite::Connection::open(&back).expect("open the copy");
    let unversioned: i64 = c
        .query_row(
            "SELECT count(*) FROM partnerships WHERE id NOT IN (SELECT partnership_id FROM partnership_versions)",
            [],
            |r| r.get(0),
        )
        .expect("count");
    let partnerships: i64 = c.query_row("SELECT count(*) FROM partnerships", [], |r| r.get(0)).expect("count");
    assert!(partnerships > 0 && unversioned == 0, "{unversioned} of {partnerships} without a version");
    drop(c);
    let index = dir.path().join("pg.index");
    let i = index.to_str().expect("path");
    for places in [["Kon Tum", "Sê Kông"], ["Đăk Glei", "Xan Xay"]] {
        let d = |store: &str| {
            let mut args = vec!["--store", store, "--index", i, "dossier", "--json", "--today", "2026-11-30"];
            args.extend(places);
            run_ok(&args)
        };
        assert_eq!(d(f), d(&db.url), "{places:?} on PostgreSQL");
        assert_eq!(d(f), d(b), "{places:?} back in a file");
    }
    // The copy keeps working: the next ids follow the copied ones, the account signs in.
    let out = run_ok(&[
        "--store",
        &db.url,
        "--index",
        i,
        "ingest",
        "--quiet",
        root().join("examples/documents").to_str().expect("path"),
    ]);
    assert!(out.contains("0 failed"), "{out}");
    let listed = run_ok(&["--store", &db.url, "user", "list"]);
    assert!(listed.contains("somsak") && listed.contains("reviewer@LA-AT"), "{listed}");
}

#[test]
fn a_server_outlives_its_database_connections() {
    let Some(db) = PgDb::new() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let cli_index = dir.path().join("cli.index");
    let out = hoptac(&db, &cli_index, &["ingest", "--quiet", seeds().to_str().expect("path")]);
    assert!(out.status.success());
    admin(&db, &cli_index);
    let index = dir.path().join("a.index");
    let a = serve_store(Path::new(&db.url), false, &["--index", index.to_str().expect("path")]);
    let session = sign_in(&a);
    assert_eq!(a.get("/partnerships/1").status, 200);
    // The database drops every connection of the server (as a restart does).
    let mut admin_client = db.client();
    let name: String = admin_client.query_one("SELECT current_database()", &[]).expect("name").get(0);
    let killed: i64 = admin_client
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&name],
        )
        .expect("terminate")
        .get(0);
    assert!(killed >= 2, "{killed} connections ended");
    // Each lost connection fails the one request that finds it lost; then the server is whole.
    let mut failures = 0;
    for _ in 0..40 {
        if a.get("/api/v1/partnerships").status != 200 {
            failures += 1;
        }
    }
    eprintln!("after the database dropped the server's connections: {failures} of 40 reads failed");
    assert!(failures <= 3, "{failures} of 40 reads failed");
    assert_eq!(a.get("/api/v1/partnerships").status, 200);
    assert_eq!(a.get("/partnerships/1").status, 200);
    let id = xix(&a)["id"].clone();
    let mut decided = false;
    for _ in 0..3 {
        let r = post_json(&a, &session, &format!("/api/v1/facts/event/{id}/review"), &json!({"decision": "accept"}));
        decided |= r.status == 200;
        if decided {
            break;
        }
    }
    assert!(decided, "writes work again");
}
