//! What a careless user, a hostile page or a neighbour process must not be able to do to the
//! server or the store: one regression test per defect a probe found (issue 14), each run
//! against the real binary.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Send raw bytes, read the answer until the server closes or `wait` passes; the status code
/// of the first answer, if one came.
fn raw(addr: &str, request: &[u8], wait: Duration) -> (Option<u16>, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    let _ = s.write_all(request);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)).and_then(|c| c.parse().ok());
    (status, text)
}

fn get_with_host(addr: &str, path: &str, host: &str) -> (Option<u16>, String) {
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        Duration::from_secs(10),
    )
}

fn hoptac(store: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin()).arg("--store").arg(store).args(args).output().unwrap()
}

/// `hoptac --store STORE ARGS…` started in the background, its output piped.
fn spawn(store: &Path, args: &[&std::ffi::OsStr]) -> std::process::Child {
    Command::new(bin())
        .arg("--store")
        .arg(store)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// ------------------------------------------------------------------ 1. nested queries

#[test]
fn deeply_nested_queries_are_refused_and_the_server_lives_on() {
    let s = serve(false);
    let nested = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
    for n in [1_000, 5_000] {
        let q: String = form_urlencoded::byte_serialize(nested(n).as_bytes()).collect();
        let r = s.get(&format!("/api/v1/search?q={q}"));
        assert_eq!((r.status, r.error_code().as_str()), (400, "bad_request"), "{}", r.body);
        assert!(r.body.contains("too"), "{}", r.body);
        let r = s.get(&format!("/search?q={q}"));
        assert_eq!(r.status, 400);
    }
    // Four characters that made tantivy's query parser allocate without end (found by the
    // property test on CI): answered, and the server stays up.
    assert_eq!(s.get("/api/v1/search?q=a%3A%28%5E").status, 200);
    assert_eq!(s.get("/search?q=title%3A%28h%E1%BB%99i+%5E2").status, 200);
    assert_eq!(s.get("/healthz").status, 200, "the server is still up");
    assert_eq!(s.get("/api/v1/search?q=(hai+OR+hội)+nghị").status, 200);
    // The command line: an error, not a crash.
    let out = hoptac(&s.store, &["search", &nested(5_000)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("the query is too long"), "{}", stderr(&out));
    let out = hoptac(&s.store, &["search", &nested(200)]);
    assert!(stderr(&out).contains("nested too deep"), "{}", stderr(&out));
}

// ------------------------------------------------------------------ 2. DNS rebinding

#[test]
fn requests_naming_another_host_are_refused() {
    let s = serve(true);
    let addr = s.addr().to_string();
    let port = addr.rsplit(':').next().unwrap().to_string();
    // What a page on evil.example, resolved to 127.0.0.1, would do: read a token, then write.
    let (status, body) = get_with_host(&addr, "/api/v1/csrf", &format!("evil.example:{port}"));
    assert_eq!(status, Some(421), "{body}");
    assert!(body.contains("host_refused") && !body.contains("\"token\""), "{body}");
    let (token, cookie) = s.token();
    let before = s.documents();
    let post = format!(
        "POST /api/v1/documents?name=x.txt HTTP/1.1\r\nHost: evil.example:{port}\r\nOrigin: http://evil.example:{port}\r\n\
         Cookie: {cookie}\r\nX-CSRF-Token: {token}\r\nContent-Length: 42\r\nConnection: close\r\n\r\n\
         Ngày 5/3/2024, tỉnh Kon Tum thăm Sê Kông."
    );
    let (status, body) = raw(&addr, post.as_bytes(), Duration::from_secs(10));
    assert_eq!(status, Some(421), "{body}");
    assert_eq!(s.documents(), before, "nothing stored");
    // The names this server does answer for.
    for host in [addr.clone(), format!("localhost:{port}"), format!("[::1]:{port}")] {
        assert_eq!(get_with_host(&addr, "/healthz", &host).0, Some(200), "{host}");
    }
    drop(s);
    let s = serve_with(false, &["--allow-host", "hoptac.kontum.example"]);
    assert_eq!(get_with_host(s.addr(), "/healthz", "hoptac.kontum.example").0, Some(200));
    assert_eq!(get_with_host(s.addr(), "/healthz", "other.example").0, Some(421));
}

// ------------------------------------------------------------------ 4. uploads off the async threads

#[test]
fn slow_uploads_do_not_stall_other_requests() {
    let s = serve_with(true, &["--upload-limit-mb", "16"]);
    // Large enough that extracting it takes seconds in a test build.
    let paragraph = "Ngày 12/3/2024, Đoàn đại biểu tỉnh Kon Tum do đồng chí Nguyễn Văn A, Phó Chủ tịch UBND tỉnh \
                     làm trưởng đoàn đã thăm và làm việc tại tỉnh Sê Kông; hai bên trao 200 triệu đồng hỗ trợ xây \
                     dựng trường học và thống nhất tổ chức Hội nghị lần thứ X vào năm 2025.\n\n";
    let body = paragraph.repeat(3_000_000 / paragraph.len());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let uploads: Vec<_> = (0..2)
        .map(|i| {
            let (url, body, done) =
                (format!("{}/api/v1/documents?name=big{i}.txt&dry_run=true", s.base), body.clone(), done.clone());
            let (token, cookie) = s.token();
            std::thread::spawn(move || {
                let t = Instant::now();
                let r = reply(
                    agent().post(url).header("X-CSRF-Token", &token).header("Cookie", &cookie).send(body.as_bytes()),
                );
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                (r.status, t.elapsed())
            })
        })
        .collect();
    // The other requests are timed while the uploads are in flight, from their first moments
    // (an optimised build extracts these in a fraction of a second: a fixed wait let them end
    // before anything was timed).
    std::thread::sleep(Duration::from_millis(50));
    let mut slowest = Duration::ZERO;
    let mut timed = 0;
    while timed < 5 && done.load(std::sync::atomic::Ordering::SeqCst) < 2 {
        let t = Instant::now();
        assert_eq!(s.get("/healthz").status, 200);
        assert_eq!(s.get("/api/v1/places").status, 200);
        slowest = slowest.max(t.elapsed());
        timed += 1;
    }
    let mut shortest = Duration::MAX;
    for u in uploads {
        let (status, took) = u.join().unwrap();
        assert_eq!(status, 200);
        shortest = shortest.min(took);
    }
    assert!(timed > 0, "the uploads ended before the other requests were timed: make them larger");
    // Held behind the uploads, the requests would have lasted about as long as they did.
    assert!(
        slowest < Duration::from_secs(1) && slowest * 2 < shortest,
        "a request waited {slowest:?} behind two uploads of {shortest:?}"
    );
}

// ------------------------------------------------------------------ 5. many meetings in one file

fn meetings_document(dir: &Path, n: usize) -> PathBuf {
    let mut text = String::from("Hợp tác giữa tỉnh Kon Tum và tỉnh Attapeu\n\n");
    for i in 1..=n {
        let (d, m) = (i % 28 + 1, (i / 28) % 12 + 1);
        text.push_str(&format!(
            "Ngày {d}/{m}/2024, Hội nghị lần thứ {i} giữa tỉnh Kon Tum và tỉnh Attapeu được tổ chức tại huyện Ngọc Hồi.\n\n"
        ));
    }
    let path = dir.join(format!("meetings-{n}.txt"));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn ingest_time_grows_linearly_with_the_meetings_of_one_partnership() {
    let dir = tempfile::tempdir().unwrap();
    let time = |n: usize| {
        let doc = meetings_document(dir.path(), n);
        let store = dir.path().join(format!("m{n}.db"));
        let t = Instant::now();
        let out = hoptac(&store, &["ingest", "--quiet", doc.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("facts {n} added")));
        t.elapsed()
    };
    let (small, large) = (time(1_000), time(8_000));
    let ratio = large.as_secs_f64() / small.as_secs_f64();
    // Linear: about 8 (fixed start-up costs make it less: 5 measured); the build before the fix
    // took 21 times as long (a scan of the partnership's meetings of the year for each one).
    assert!(ratio < 12.0, "8× the meetings took {ratio:.1}× the time ({small:?} → {large:?})");
}

/// Rows in a table, read straight from the file (the test's own connection, read-only).
fn count(store: &Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap_or(0)
}

#[test]
fn a_huge_document_does_not_hold_back_the_others_of_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let mut good = 0;
    for e in std::fs::read_dir(root().join("examples/documents")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt" || x == "md") {
            std::fs::copy(&p, docs.join(p.file_name().unwrap())).unwrap();
            good += 1;
        }
    }
    // Sorted last in the batch, and slow to store.
    let big = meetings_document(dir.path(), 60_000);
    std::fs::rename(&big, docs.join("zz-meetings.txt")).unwrap();
    let store = dir.path().join("s.db");
    let mut child = spawn(&store, &[os("ingest"), os("--quiet"), docs.as_os_str()]);
    // The good documents are committed while the huge one is still being stored.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = 0;
    while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        if store.exists() {
            seen = count(&store, "documents");
            if seen >= good {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(still_running, "the run ended before the test could look: make the huge document larger");
    assert_eq!(seen, good, "the batch's other documents were not stored while the huge one was");
    // Killed in the middle: the store is sound and a rerun completes it.
    let out = hoptac(&store, &["ingest", "--quiet", docs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&store, "documents"), good + 1);
    let out = hoptac(&store, &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

/// Four short reports of the same partnership, each with a meeting, an agreement and a person.
fn four_reports(dir: &Path) -> Vec<PathBuf> {
    let reports = [
        ("a.txt", "Ngày 5/3/2023, tại thành phố Kon Tum, Ủy ban nhân dân tỉnh Kon Tum và tỉnh Attapeu tổ chức Hội nghị thường niên lần thứ III. Hai bên ký biên bản hội nghị. Ông Nguyễn Văn Thành, Phó Chủ tịch UBND tỉnh Kon Tum, phát biểu."),
        ("b-poison.txt", "Ngày 9/4/2024, tại tỉnh Attapeu, Ủy ban nhân dân tỉnh Kon Tum và tỉnh Attapeu tổ chức Hội nghị thường niên lần thứ IV. Hai bên ký bản ghi nhớ hợp tác giai đoạn 2024-2028. Ông Trần Minh Quang, Chủ tịch UBND tỉnh Kon Tum, dẫn đầu đoàn."),
        ("c.txt", "Ngày 20/5/2025, tại thành phố Kon Tum, tỉnh Kon Tum và tỉnh Attapeu tổ chức Hội nghị sơ kết hợp tác. Tỉnh Kon Tum hỗ trợ tỉnh Attapeu 500 triệu đồng xây dựng trường học."),
        ("d.txt", "Ngày 2/6/2022, tại tỉnh Attapeu, Ủy ban nhân dân tỉnh Kon Tum và tỉnh Attapeu tổ chức Hội nghị thường niên lần thứ II. Bà Lê Thị Hoa, Phó Chủ tịch UBND tỉnh Kon Tum, phát biểu."),
    ];
    reports
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

/// Rows of the tables a document's facts go to.
fn fact_counts(store: &Path) -> Vec<i64> {
    ["documents", "events", "agreements", "figures", "people", "roles", "evidence"].map(|t| count(store, t)).to_vec()
}

#[test]
fn a_document_that_cannot_be_stored_is_undone_alone_and_the_rest_of_its_transaction_stored() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let paths = four_reports(&docs);
    // What the three good reports give, stored without the fourth.
    let good_only = dir.path().join("good.db");
    let good: Vec<&str> = paths.iter().filter(|p| !p.ends_with("b-poison.txt")).map(|p| p.to_str().unwrap()).collect();
    let out = hoptac(&good_only, &[&["ingest", "--quiet"][..], &good].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = fact_counts(&good_only);
    assert_eq!(expected[0], 3);
    assert!(expected[1] >= 3 && expected[4] >= 1, "the reports give meetings and people: {expected:?}");

    // A store that refuses the poisoned report's evidence: the report's document row, meeting,
    // agreement and person are written before the refusal and must all be undone.
    let store = dir.path().join("s.db");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = hoptac(&store, &["ingest", "--quiet", empty.to_str().unwrap()]);
    assert!(out.status.success(), "a new store, nothing in it: {}", stderr(&out));
    let db = rusqlite::Connection::open(&store).unwrap();
    db.execute_batch(
        "CREATE TRIGGER poison BEFORE INSERT ON evidence
         WHEN (SELECT source FROM documents WHERE id = NEW.document_id) LIKE '%poison%'
         BEGIN SELECT RAISE(ABORT, 'poisoned evidence'); END;",
    )
    .unwrap();
    drop(db);
    let out = hoptac(&store, &["ingest", "--quiet", docs.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("b-poison.txt: cannot store") && err.contains("poisoned evidence"), "{err}");
    assert_eq!(err.matches("cannot store").count(), 1, "{err}");
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("documents 3 new, 0 unchanged, 1 failed"), "{said}");
    assert_eq!(fact_counts(&store), expected, "the stored rows are those of the three good reports, once each");
    let out = hoptac(&store, &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    // The cause gone, a rerun stores the fourth report and only it.
    let db = rusqlite::Connection::open(&store).unwrap();
    db.execute_batch("DROP TRIGGER poison").unwrap();
    drop(db);
    let out = hoptac(&store, &["ingest", "--quiet", docs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("documents 1 new, 3 unchanged, 0 failed"), "{said}");
    let search = hoptac(&store, &["search", "Trần Minh Quang"]);
    assert!(String::from_utf8_lossy(&search.stdout).contains("b-poison.txt"), "the fourth report is indexed");
}

// ------------------------------------------------------------------ 6. junk in query strings

#[test]
fn junk_query_parameters_neither_fill_the_cache_nor_leak_into_links() {
    let s = serve(false);
    let plain = s.get("/partnerships/1");
    assert_eq!(plain.status, 200);
    for i in 0..200 {
        let r = s.get(&format!("/partnerships/1?r={i}&junk=x{i}"));
        assert_eq!(r.status, 200);
        assert!(!r.body.contains(&format!("r={i}")), "the junk parameter is carried into the page's links");
    }
    // The same page whatever the junk (it is served from one cache entry).
    let again = s.get("/partnerships/1?r=999999");
    assert_eq!(again.body, plain.body);
    let rss = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    let before = rss(s.child.id());
    for i in 0..2_000 {
        assert_eq!(s.get(&format!("/?r={i}")).status, 200);
    }
    let after = rss(s.child.id());
    assert!(after < before + 64 * 1024, "memory grew from {before} kB to {after} kB on junk query strings");
}

// ------------------------------------------------------------------ 7. slow and idle clients

#[test]
fn half_sent_requests_are_timed_out_and_capped() {
    let s = serve_with(false, &["--max-connections", "40", "--header-timeout", "2"]);
    let addr = s.addr().to_string();
    // 120 clients that never finish their headers.
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..120)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .inspect(|mut c| {
            let _ = c.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        })
        .collect();
    assert!(slow.len() >= 100);
    // Over the cap: told so at once, not left hanging.
    let (status, _) = get_with_host(&addr, "/healthz", &addr);
    assert!(matches!(status, Some(503) | Some(200)), "{status:?}");
    // The server closes the half-sent requests once their time is up, and serves again.
    for c in slow.iter_mut().take(40) {
        c.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
        let mut buf = Vec::new();
        let _ = c.read_to_end(&mut buf);
    }
    assert!(started.elapsed() < Duration::from_secs(8), "half-sent requests were held {:?}", started.elapsed());
    let (status, _) = get_with_host(&addr, "/healthz", &addr);
    assert_eq!(status, Some(200));
    // An idle kept-alive connection is closed after the same time.
    let mut idle = TcpStream::connect(&addr).unwrap();
    idle.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes()).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"));
    assert!(t.elapsed() < Duration::from_secs(6), "an idle connection stayed open {:?}", t.elapsed());
}

#[test]
fn a_request_that_outlives_its_deadline_is_answered_and_sigterm_always_ends_the_server() {
    let mut s = serve_with(true, &["--request-timeout", "2", "--shutdown-timeout", "2"]);
    let addr = s.addr().to_string();
    let (token, cookie) = s.token();
    // A body that trickles in: the answer comes at the deadline.
    let mut slow = TcpStream::connect(&addr).unwrap();
    slow.write_all(
        format!(
            "POST /api/v1/documents?name=x.txt HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\n\
             Content-Length: 100000\r\n\r\nNgày"
        )
        .as_bytes(),
    )
    .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    let mut buf = [0u8; 512];
    let n = slow.read(&mut buf).unwrap_or(0);
    let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    // SIGTERM while a client trickles another body: the process ends within the deadline.
    let mut trickle = TcpStream::connect(&addr).unwrap();
    trickle
        .write_all(format!("POST /api/v1/facts HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 1000\r\n\r\n{{").as_bytes())
        .unwrap();
    let _idle = TcpStream::connect(&addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &s.child.id().to_string()]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(8);
    while s.child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let ended = s.child.try_wait().unwrap();
    assert!(ended.is_some(), "still running {:?} after SIGTERM", t.elapsed());
    assert!(t.elapsed() < Duration::from_secs(5), "took {:?} to stop", t.elapsed());
}

// ------------------------------------------------------------------ 8. web writes beside an ingest

#[test]
fn review_decisions_during_an_ingest_succeed_and_reach_the_index() {
    let s = serve(true);
    let queue = s.get("/api/v1/review?limit=12").json();
    let items: Vec<(String, u64)> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["fact_type"].as_str().unwrap().to_string(), i["id"].as_u64().unwrap()))
        .collect();
    assert!(items.len() >= 8, "{queue}");
    // An ingest that holds the store and the index for seconds.
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    meetings_document(&docs, 20_000);
    for e in std::fs::read_dir(root().join("../shared/corpus/dev")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "txt") {
            std::fs::copy(&p, docs.join(p.file_name().unwrap())).unwrap();
        }
    }
    let mut ingest = spawn(&s.store, &[os("ingest"), os("--quiet"), docs.as_os_str()]);
    std::thread::sleep(Duration::from_millis(300));
    let mut during = 0;
    for (kind, id) in &items {
        let r = s.post_json(&format!("/api/v1/facts/{kind}/{id}/review"), &serde_json::json!({"decision": "accept"}));
        assert_eq!(r.status, 200, "{kind} {id}: {}", r.body);
        if ingest.try_wait().unwrap().is_none() {
            during += 1;
        }
    }
    let out = ingest.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(during >= 4, "only {during} decisions were made while the ingest ran: make it longer");
    // Every decision is stored, and the index catches up by itself.
    let queue = s.get("/api/v1/review?limit=1000").json();
    for (kind, id) in &items {
        assert!(
            !queue["items"].as_array().unwrap().iter().any(|i| i["fact_type"] == kind.as_str() && i["id"] == *id),
            "{kind} {id} is still pending"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = hoptac(&s.store, &["check"]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() && !text.contains("wait to be indexed") {
            break;
        }
        assert!(Instant::now() < deadline, "the index did not catch up: {text}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

// ------------------------------------------------------------------ 9. read-only media

/// A small file system of its own, unmounted when dropped; `None` where this machine does not
/// allow mounting (the test then says so and checks nothing).
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(size: &str) -> Option<Mount> {
        let dir = std::env::temp_dir().join(format!("hoptac-mnt-{}-{size}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("note: cannot mount a tmpfs here: this check needs a machine that allows it");
            return None;
        }
        Some(Mount(dir))
    }

    fn read_only(&self) {
        self.remount("ro");
    }

    fn remount(&self, options: &str) {
        let options = format!("remount,{options}");
        assert!(Command::new("mount").args(["-o", &options]).arg(&self.0).status().unwrap().success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[test]
fn a_store_on_read_only_media_can_be_searched_and_served() {
    let Some(m) = Mount::tmpfs("64m") else { return };
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("s.db");
    ingest(&src, &[seeds()]);
    let store = m.0.join("s.db");
    std::fs::copy(&src, &store).unwrap();
    copy_dir(&dir.path().join("s.db.index"), &m.0.join("s.db.index"));
    m.read_only();
    let out = hoptac(&store, &["search", "hội nghị"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("result(s)"));
    let out = hoptac(&store, &["dossier", "Kon Tum", "Sekong"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = hoptac(&store, &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let s = serve_store(&store, false, &[]);
    assert_eq!(s.get("/api/v1/search?q=hoi+nghi").status, 200);
    assert_eq!(s.get("/partnerships/1").status, 200);
    drop(s);
}

#[test]
fn a_full_disk_is_said_plainly_and_the_store_stays_sound() {
    let Some(m) = Mount::tmpfs("3m") else { return };
    let store = m.0.join("s.db");
    ingest(&store, &[seeds()]);
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3 {
        meetings_document(dir.path(), 4_000 + i);
    }
    let out = hoptac(&store, &["ingest", "--quiet", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("disk is full"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Room again: the store is sound and the run completes.
    m.remount("size=64m");
    let out = hoptac(&store, &["reindex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = hoptac(&store, &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let out = hoptac(&store, &["ingest", "--quiet", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

// ------------------------------------------------------------------ 10. damage

#[test]
fn a_damaged_store_is_refused_before_writing_and_check_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    ingest(&store, &[seeds(), root().join("../shared/corpus/dev")]);
    // Overwrite a page in the middle of the file (its page size is in the header, bytes 16–17).
    let mut bytes = std::fs::read(&store).unwrap();
    let len = bytes.len() as u64;
    let page = u64::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let middle = (len / page / 2) * page;
    for (i, b) in bytes[middle as usize..(middle + page) as usize].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(151).wrapping_add(7);
    }
    std::fs::write(&store, &bytes).unwrap();
    let out = hoptac(&store, &["ingest", "--quiet", root().join("examples/documents").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&store).unwrap(), bytes, "nothing was written into the damaged file");
    let out = hoptac(&store, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(report.contains("PROBLEM") && report.contains("backup"), "{report}");
}

#[test]
fn a_source_sentence_pointing_outside_its_document_is_reported_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    ingest(&store, &[seeds()]);
    let out = hoptac(&store, &["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("ok       store: every source sentence lies in its document's text"));
    let c = rusqlite::Connection::open(&store).unwrap();
    let kept: i64 =
        c.query_row("SELECT count(*) FROM evidence WHERE sentence_start IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert!(kept > 0, "ingest keeps sentences as ranges");
    c.execute(
        "UPDATE evidence SET sentence_end = sentence_end + 1000000 WHERE id = (SELECT min(id) FROM evidence)",
        [],
    )
    .unwrap();
    drop(c);
    let out = hoptac(&store, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        report.contains("PROBLEM  store: every source sentence") && report.contains("1 source sentence"),
        "{report}"
    );
}

#[test]
fn an_index_replaced_by_a_file_is_rebuilt_and_the_file_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    ingest(&store, &[seeds()]);
    let index = dir.path().join("s.db.index");
    std::fs::remove_dir_all(&index).unwrap();
    std::fs::write(&index, "not an index").unwrap();
    let out = hoptac(&store, &["search", "hội nghị"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a directory") && stderr(&out).contains("reindex"), "{}", stderr(&out));
    let out = hoptac(&store, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let out = hoptac(&store, &["reindex"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("s.db.index.moved-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(kept[0].path()).unwrap(), "not an index");
    assert!(hoptac(&store, &["search", "hội nghị"]).status.success());
    assert!(hoptac(&store, &["check"]).status.success());
}

// ------------------------------------------------------------------ 11. the smaller ones

#[test]
fn two_ingests_racing_on_a_new_store_say_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("new.db");
    let run = |path: PathBuf| spawn(&store, &[os("ingest"), os("--quiet"), path.as_os_str()]);
    let a = run(seeds());
    let b = run(root().join("examples/documents"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    for out in [&a, &b] {
        let err = stderr(out);
        assert!(!err.contains("migration"), "{err}");
        assert!(out.status.success() || err.contains("another `hoptac ingest`"), "{err}");
    }
    assert!(a.status.success() || b.status.success());
    // Whatever the order, running both again completes the store.
    for p in [seeds(), root().join("examples/documents")] {
        let out = hoptac(&store, &["ingest", "--quiet", p.to_str().unwrap()]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(hoptac(&store, &["check"]).status.success());
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    ingest(&store, &[seeds(), root().join("examples/documents")]);
    for args in [vec!["search", "hội nghị", "--limit", "50"], vec!["dossier", "Kon Tum", "Sekong"]] {
        let mut child = spawn(&store, &args.iter().map(|a| os(a)).collect::<Vec<_>>());
        drop(child.stdout.take()); // `| head -0`
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(out.status.success(), "{args:?}: {err}");
    }
}

#[test]
fn pipes_and_links_among_the_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let fifo = docs.join("pipe.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let example = std::fs::read_dir(root().join("examples/documents")).unwrap().next().unwrap().unwrap().path();
    std::os::unix::fs::symlink(&example, docs.join("linked.txt")).unwrap();
    std::os::unix::fs::symlink(docs.join("missing.txt"), docs.join("broken.txt")).unwrap();
    let store = dir.path().join("s.db");
    let mut child = spawn(&store, &[os("ingest"), os("--quiet"), docs.as_os_str(), fifo.as_os_str()]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ingest blocked on a named pipe");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.matches("not a regular file").count() >= 2, "the pipe, walked and named: {err}");
    assert!(err.contains("broken.txt"), "a broken link is reported: {err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("documents 1 new"), "the linked file is read");
}

#[test]
fn the_back_field_of_a_review_stays_on_this_site_and_never_fails_after_storing() {
    let s = serve(true);
    let queue = s.get("/api/v1/review?limit=3").json();
    let items = queue["items"].as_array().unwrap().clone();
    for (item, back) in items.iter().zip(["/\t/evil.example/", "/x\r\nSet-Cookie: a=b", "//evil.example"]) {
        let (kind, id) = (item["fact_type"].as_str().unwrap(), item["id"].as_u64().unwrap());
        let (token, cookie) = s.token();
        let body: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("decision", "accept")
            .append_pair("back", back)
            .append_pair("_csrf", &token)
            .finish();
        let r = agent()
            .post(format!("{}/review/{kind}/{id}", s.base))
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .config()
            .max_redirects(0)
            .build()
            .send(body.as_bytes())
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{back:?}");
        let location = r.headers().get("location").unwrap().to_str().unwrap();
        assert!(location.starts_with(&format!("/facts/{kind}/{id}")), "{back:?} → {location}");
    }
}

#[test]
fn the_csrf_token_is_not_written_to_the_log() {
    let s = serve(true);
    let (token, cookie) = s.token();
    let r = reply(
        agent()
            .post(format!("{}/api/v1/documents?name=a.txt&dry_run=true&_csrf={token}", s.base))
            .header("Cookie", &cookie)
            .send("Ngày 5/3/2024, đoàn tỉnh Kon Tum thăm tỉnh Sê Kông.".as_bytes()),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    std::thread::sleep(Duration::from_millis(200));
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(log.contains("/api/v1/documents"), "the request is logged: {log}");
    assert!(!log.contains(&token), "the token is in the log");
}

#[test]
fn an_upload_over_the_limit_gets_the_same_answer_on_every_path() {
    let s = serve_with(true, &["--upload-limit-mb", "1"]);
    let (token, cookie) = s.token();
    let mut answers = Vec::new();
    for size in [1_000_001, 1_030_000, 1_500_000] {
        let body = "a".repeat(size);
        let r = reply(
            agent()
                .post(format!("{}/api/v1/documents?name=a.txt", s.base))
                .header("X-CSRF-Token", &token)
                .header("Cookie", &cookie)
                .send(body.as_bytes()),
        );
        answers.push((r.status, r.error_code(), r.json()["error"]["message"].as_str().unwrap_or("").to_string()));
    }
    // The upload form, multipart.
    let boundary = "hoptacboundary";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    form.extend(std::iter::repeat_n(b'a', 1_030_000));
    form.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let r = reply(
        agent()
            .post(format!("{}/upload?_csrf={token}", s.base))
            .header("Cookie", &cookie)
            .header("Content-Type", &format!("multipart/form-data; boundary={boundary}"))
            .send(&form[..]),
    );
    let (status, code, message) = &answers[0];
    assert_eq!((*status, code.as_str()), (413, "payload_too_large"), "{message}");
    for a in &answers {
        assert_eq!(a, &answers[0]);
    }
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(message.contains("upload limit (1.0 MB)"), "{message}");
    assert!(r.body.contains("upload limit (1.0 MB)"), "the page says the same: {}", r.body);
}

// ------------------------------------------------------------------ malformed HTTP

/// Reproducible noise for the mutations (no dependency).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn malformed_requests_get_a_4xx_never_a_5xx() {
    let s = serve(true);
    let addr = s.addr().to_string();
    let host = format!("Host: {addr}\r\n");
    let mut cases: Vec<Vec<u8>> = vec![
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /\x00 HTTP/1.1\r\n\r\n".to_vec(),
        format!("GET /api/v1/events?partnership=%00 HTTP/1.1\r\n{host}\r\n").into_bytes(),
        format!("GET /facts/event/99999999999999999999999 HTTP/1.1\r\n{host}\r\n").into_bytes(),
        format!("GET /partnerships/-1 HTTP/1.1\r\n{host}\r\n").into_bytes(),
        format!("GET /api/v1/agenda?days=99999999999999999999 HTTP/1.1\r\n{host}\r\n").into_bytes(),
        format!("POST /api/v1/facts HTTP/1.1\r\n{host}Content-Length: abc\r\n\r\n").into_bytes(),
        format!("POST /api/v1/facts HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n").into_bytes(),
        format!("POST /api/v1/facts HTTP/1.1\r\n{host}Content-Length: 5\r\nContent-Length: 7\r\n\r\nabcde")
            .into_bytes(),
        format!("GET / HTTP/1.1\r\n{host}X-Big: {}\r\n\r\n", "a".repeat(100_000)).into_bytes(),
        format!("GET / HTTP/1.1\r\n{host}{}\r\n", "X-Many: 1\r\n".repeat(300)).into_bytes(),
        format!("GET /{} HTTP/1.1\r\n{host}\r\n", "a".repeat(70_000)).into_bytes(),
        b"GET / HTTP/1.1\r\nHost: a\x01b\r\n\r\n".to_vec(),
    ];
    // Those that must be refused; then the odd but answerable (bytes that are not UTF-8 in a
    // query are read as U+FFFD) and mutations of a real request: bytes flipped, cut, repeated.
    let refused = cases.len();
    cases.push(format!("GET /search?q=%ff%fe HTTP/1.1\r\n{host}\r\n").into_bytes());
    cases.push(format!("GET /api/v1/search?q=%ff HTTP/1.1\r\n{host}\r\n").into_bytes());
    let valid = format!(
        "POST /api/v1/facts/event/1/review?lang=lo HTTP/1.1\r\n{host}Content-Type: application/json\r\n\
         Content-Length: 22\r\nX-CSRF-Token: 00\r\n\r\n{{\"decision\":\"accept\"}}"
    )
    .into_bytes();
    let mut rng = Lcg(14);
    for _ in 0..150 {
        let mut m = valid.clone();
        for _ in 0..1 + rng.next() % 4 {
            let at = (rng.next() as usize) % m.len();
            match rng.next() % 3 {
                0 => m[at] = rng.next() as u8,
                1 => m.truncate(at.max(1)),
                _ => {
                    let piece = m[at..].to_vec();
                    m.extend(piece);
                }
            }
        }
        cases.push(m);
    }
    // The client sends its bytes and says it is done: a request cut short gets no answer (there
    // is no request to answer), anything else gets one, and never a 5xx.
    let send = |case: &[u8]| {
        let mut c = TcpStream::connect(&addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let _ = c.write_all(case);
        let _ = c.shutdown(std::net::Shutdown::Write);
        let mut buf = Vec::new();
        let _ = c.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        (text.strip_prefix("HTTP/1.1 ").and_then(|r| r.get(..3)).and_then(|c| c.parse::<u16>().ok()), text)
    };
    for (i, case) in cases.iter().enumerate() {
        let shown = String::from_utf8_lossy(&case[..case.len().min(160)]).into_owned();
        match send(case) {
            (Some(code), text) => assert!(code < 500, "{code} for {shown:?}: {text}"),
            (None, _) if i >= refused => {}
            (None, text) => panic!("no answer for {shown:?}: {text}"),
        }
        if i < refused {
            let code = send(case).0.unwrap_or(0);
            assert!((400..500).contains(&code), "{code} for {shown:?}");
        }
    }
    assert_eq!(s.get("/healthz").status, 200);
}

/// A write refused before its body is read (nobody signed in, an upload of 200 KB) says the
/// connection closes, so no client sends its next request into the unread bytes (a CI run once
/// saw "peer disconnected" on the request after such a refusal).
#[test]
fn a_write_refused_before_its_body_is_read_closes_the_connection() {
    let s = serve(false);
    let body = vec![b'x'; 200_000];
    let head = format!(
        "POST /api/v1/documents?name=a.txt HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        s.addr(),
        body.len()
    );
    let mut request = head.into_bytes();
    request.extend_from_slice(&body);
    let (status, answer) = raw(s.addr(), &request, Duration::from_secs(5));
    assert!(matches!(status, Some(401 | 403)), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    // A page refused to nobody, with a form body: the same, and the security headers stay.
    let form = "_csrf=x&decision=accept";
    let head = format!(
        "POST /review/event/1 HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        s.addr(),
        form.len()
    );
    let (status, answer) = raw(s.addr(), head.as_bytes(), Duration::from_secs(5));
    assert!(matches!(status, Some(401 | 403)), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(lower.contains("connection: close") && lower.contains("content-security-policy"), "{answer}");
    // A read is kept alive as before.
    let (status, answer) = raw(
        s.addr(),
        format!("GET /healthz HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", s.addr()).as_bytes(),
        Duration::from_secs(5),
    );
    assert_eq!(status, Some(200), "{answer}");
}
