//! The HTTP API and pages of `hoptac serve`, against a real server on loopback: the store is
//! built by `hoptac ingest` from the seed articles (../shared) and the example documents, then
//! served; requests go over TCP.

mod common;

use common::*;
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn pages_and_read_api() {
    let s = serve(false);
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(home.content_type.starts_with("text/html"));
    assert!(home.body.contains("<svg") && home.body.contains("class=\"tie\""), "the overview has its map");
    assert!(home.body.contains("Kon Tum") && home.body.contains("Sê Kông"), "Vietnamese by default");
    let r = agent().get(format!("{}/", s.base)).call().unwrap();
    let csp = r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(r.headers().get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"));
    assert!(!home.body.contains("href=\"/upload\""), "no write links on a read-only server");
    let lo = s.get("/?lang=lo");
    assert!(lo.body.contains("lang=\"lo\"") && lo.body.contains("ພາບລວມ"), "Lao catalogue");
    let en = s.get("/?lang=en");
    assert!(en.body.contains("Partnerships along the border"));
    // Partnerships with nothing reported for 18 months are flagged (the example articles are of
    // 2021–2025; today is later than that).
    assert!(en.body.contains("nothing reported for"), "silent partnerships flagged");

    // The Kon Tum–Sekong partnership, found from the list, and its dossier.
    let list = s.get("/api/v1/partnerships").json();
    let ks = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["parties"] == json!(["LA-XE", "VN-28"]))
        .expect("Kon Tum–Sekong partnership")
        .clone();
    assert!(ks["agreements"].as_u64().unwrap() >= 2);
    let d = s.get(&format!("/api/v1/partnerships/{}/dossier", ks["id"])).json();
    let periods: Vec<Value> = d["agreements"].as_array().unwrap().iter().map(|a| a["period"].clone()).collect();
    assert!(periods.contains(&json!([2022, 2027])), "{periods:?}");
    let promised: Vec<&Value> = d["commitments"].as_array().unwrap().iter().map(|c| &c["quantity"]).collect();
    assert!(promised.iter().any(|q| q.as_str().unwrap_or("").contains("10")), "{promised:?}");
    let by_names = s.get("/api/v1/dossier?places=Kon%20Tum,Xe%20Kong").json();
    assert_eq!(by_names["agreements"], d["agreements"], "names in any spelling give the same dossier");
    let page = s.get(&format!("/partnerships/{}?lang=en", ks["id"]));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Memorandum of understanding") && page.body.contains("2022–2027"));
    assert!(page.body.contains("What the record says is missing"), "the dossier's gaps");
    let agenda = s.get("/agenda?lang=en");
    assert!(agenda.body.contains("Expected, not announced (tentative)"), "the agenda keeps forecasts apart");

    // Search folds diacritics; facets and snippets on the page.
    let r = s.get("/api/v1/search?q=hai%20cot").json();
    assert!(r["total"].as_u64().unwrap() > 0);
    assert_eq!(r["total_exact"], true, "a few matches are all counted");
    assert!(r["hits"][0]["highlights"].as_array().is_some_and(|h| !h.is_empty()));
    let page = s.get("/search?q=hai+cot");
    assert!(page.body.contains("<b>hài cốt</b>") || page.body.contains("<b>hài</b>"), "highlighted snippet");
    assert!(page.body.contains("class=\"facets\""));

    // A document with its evidence spans, as JSON and as a page.
    let doc = s.get("/api/v1/documents/1").json();
    let text = doc["document"]["text"].as_str().unwrap();
    for e in doc["evidence"].as_array().unwrap() {
        let (a, b) = (e["span"][0].as_u64().unwrap() as usize, e["span"][1].as_u64().unwrap() as usize);
        assert!(text.get(a..b).is_some(), "span {a}..{b} lies in the text");
    }
    let page = s.get("/documents/1");
    assert!(page.body.contains("<mark id=\"s"), "evidence highlighted");

    // Agenda as JSON and iCalendar; the OpenAPI document; places in three languages.
    assert!(s.get("/api/v1/agenda?days=36500").json()["meetings"].is_array());
    let ics = s.get("/api/v1/agenda.ics");
    assert!(ics.content_type.starts_with("text/calendar") && ics.body.starts_with("BEGIN:VCALENDAR"));
    let api = s.get("/api/v1/openapi.json").json();
    assert!(api["paths"]["/search"].is_object());
    let places = s.get("/api/v1/places").json();
    assert!(places.as_array().unwrap().iter().any(|p| p["id"] == "LA-AT" && p["name_lo"] == "ອັດຕະປື"));

    // A shared server with nobody signed in: every write is refused, nothing changes.
    let before = s.documents();
    let r = s.post("/api/v1/documents?name=a.txt", "Hội nghị hợp tác lần thứ V giữa Kon Tum và Sê Kông.".as_bytes());
    assert_eq!((r.status, r.error_code().as_str()), (401, "unauthorized"));
    let r = s.post_json("/api/v1/facts/event/1/review", &json!({"decision": "accept"}));
    assert_eq!(r.status, 401);
    assert_eq!(s.documents(), before);
    assert!(home.body.contains("href=\"/signin\""), "the way in is shown");
}

#[test]
fn bad_requests_get_clear_json_errors() {
    // A 1 MB upload limit: an oversized body that still fits the socket buffers, so the client
    // reads the 413 the server sends before the body is read (not a reset connection).
    let s = serve_with(true, &["--upload-limit-mb", "1"]);
    let cases = [
        ("/api/v1/nothing-here", 404, "not_found"),
        ("/api/v1/events/999999", 404, "not_found"),
        ("/api/v1/search?q=", 400, "bad_request"),
        ("/api/v1/search?q=x&year=abc", 400, "bad_request"),
        ("/api/v1/events?partnership=abc", 400, "bad_request"),
        ("/api/v1/dossier?places=Atlantis", 400, "bad_request"),
        ("/api/v1/dossier", 400, "bad_request"),
        ("/api/v1/commitments?status=maybe", 400, "bad_request"),
        ("/api/v1/agenda?days=-1", 400, "bad_request"),
        ("/api/v1/partnerships/424242/dossier", 404, "not_found"),
    ];
    for (path, status, code) in cases {
        let r = s.get(path);
        assert_eq!((r.status, r.error_code().as_str()), (status, code), "{path}: {}", r.body);
        assert!(r.content_type.starts_with("application/json"));
    }
    // Pages answer with a page.
    let r = s.get("/documents/999999");
    assert_eq!(r.status, 404);
    assert!(r.content_type.starts_with("text/html"));

    let before = s.documents();
    // Writes without a token, with a wrong one, or from another site are refused.
    let r = reply(agent().post(format!("{}/api/v1/facts", s.base)).send("{}"));
    assert_eq!((r.status, r.error_code().as_str()), (403, "csrf"));
    let (_, cookie) = s.token();
    let r = reply(
        agent()
            .post(format!("{}/api/v1/facts", s.base))
            .header("Cookie", &cookie)
            .header("X-CSRF-Token", "0")
            .send("{}"),
    );
    assert_eq!(r.error_code(), "csrf");
    let (token, cookie) = s.token();
    let r = reply(
        agent()
            .post(format!("{}/api/v1/facts", s.base))
            .header("Cookie", &cookie)
            .header("X-CSRF-Token", &token)
            .header("Origin", "http://evil.example")
            .send("{}"),
    );
    assert_eq!(r.error_code(), "csrf");
    let r = reply(
        agent()
            .post(format!("{}/review/event/1", s.base))
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send("decision=accept&_csrf=wrong"),
    );
    assert_eq!(r.status, 403, "a form with a wrong token");
    assert!(r.content_type.starts_with("text/html"));

    // Bad uploads: empty, binary, wrong encoding, too large: clear errors, nothing stored.
    let r = s.post("/api/v1/documents?name=empty.txt", b"");
    assert_eq!((r.status, r.error_code().as_str()), (422, "unsupported_document"), "{}", r.body);
    let mut binary = b"\x7fELF\x02\x01\x01\x00".to_vec();
    binary.extend(std::iter::repeat_n(0u8, 512));
    let r = s.post("/api/v1/documents?name=binary.txt", &binary);
    assert_eq!(r.error_code(), "unsupported_document");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("binary.txt"), "names the file");
    let big = vec![b'a'; 1_500_000];
    let r = s.post("/api/v1/documents?name=big.txt", &big);
    assert_eq!((r.status, r.error_code().as_str()), (413, "payload_too_large"), "{}", r.body);
    let r = s.post("/api/v1/facts", b"{not json");
    assert_eq!((r.status, r.error_code().as_str()), (400, "bad_request"));
    let r = s.post_json("/api/v1/facts/event/1/review", &json!({"decision": "maybe"}));
    assert_eq!(r.error_code(), "bad_request");
    let r = s.post_json("/api/v1/facts/person/1/review", &json!({"decision": "accept"}));
    assert_eq!(r.error_code(), "bad_request", "people are not reviewed");
    let r = s.post_json("/api/v1/facts/event/999999/review", &json!({"decision": "accept"}));
    assert_eq!(r.status, 404);
    assert_eq!(s.documents(), before, "nothing stored");

    // A record that does not validate: every problem named, nothing stored.
    let r = s.post_json(
        "/api/v1/facts",
        &json!({"type": "agreement", "party_a": "Kon Tum", "party_b": "Kon Tum", "kind": "mou",
                "signed": "2025-02-30", "period_first": 2027, "period_last": 2022}),
    );
    assert_eq!((r.status, r.error_code().as_str()), (422, "invalid_record"));
    let problems = r.json()["error"]["problems"].clone();
    for p in ["too_few_parties", "date_invalid", "period_reversed"] {
        assert!(problems.as_array().unwrap().contains(&json!(p)), "{problems}");
    }
}

fn event_in(dossier: &Value, ordinal: u64) -> Value {
    dossier["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ordinal"] == ordinal)
        .unwrap_or_else(|| panic!("no event {ordinal} in {}", dossier["events"]))
        .clone()
}

#[test]
fn reviews_and_corrections_survive_later_ingests() {
    let s = serve(true);
    // Two announcements of planned conferences (month only), for two partnerships.
    let planned = |ordinal: &str, a: &str, b: &str| {
        format!(
            "{a} và {b} thống nhất kế hoạch năm 2026\n\nHai huyện thống nhất Hội nghị hợp tác lần thứ {ordinal} giữa huyện {a} và huyện {b} sẽ được tổ chức vào tháng 10/2026 tại huyện {b}.\n"
        )
    };
    let held = |ordinal: &str, a: &str, b: &str| {
        format!(
            "Hội nghị hợp tác lần thứ {ordinal} giữa {a} và {b}\n\nNgày 20/10/2026, tại huyện {b}, huyện {a} và huyện {b} đã tổ chức Hội nghị hợp tác lần thứ {ordinal}.\n"
        )
    };
    // The overview's counts: documents, records, awaiting review.
    let counts = |s: &Server| -> Vec<u64> {
        let body = s.get("/?lang=en").body;
        let at = body.find(" awaiting review").expect("the overview's counts");
        let line = &body[..at];
        let line = &line[line.rfind('>').map_or(0, |i| i + 1)..];
        line.split(|c: char| !c.is_ascii_digit()).filter(|w| !w.is_empty()).map(|w| w.parse().unwrap()).collect()
    };
    let counted = counts(&s);
    assert_eq!(counted.len(), 3, "{counted:?}");
    for (name, text) in
        [("a.txt", planned("XX", "Đăk Glei", "Xan Xay")), ("b.txt", planned("VII", "Ngọc Hồi", "Phu Vông"))]
    {
        let r = s.post(&format!("/api/v1/documents?name={name}"), text.as_bytes());
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let now = counts(&s);
    assert_eq!(now[0], counted[0] + 2, "two documents more: {counted:?} → {now:?}");
    assert!(now[1] > counted[1] && now[2] > counted[2], "new records, awaiting review: {counted:?} → {now:?}");
    let dakglei = |s: &Server| s.get("/api/v1/dossier?places=Đăk%20Glei,Xan%20Xay").json();
    let ngochoi = |s: &Server| s.get("/api/v1/dossier?places=Ngọc%20Hồi,Phu%20Vông").json();
    let xx = event_in(&dakglei(&s), 20);
    assert_eq!(
        (xx["date"].as_str(), xx["status"].as_str(), xx["review"].as_str()),
        (Some("2026-10"), Some("planned"), Some("pending"))
    );

    // A person corrects the venue of XX: the date stays, the review log says who and when.
    let r = s.post_json(
        &format!("/api/v1/facts/event/{}/review", xx["id"]),
        &json!({"decision": "correct", "note": "the minutes say Đăk Glei hosts",
                "fields": {"party_a": "Đăk Glei", "party_b": "Xan Xay", "kind": "conference", "ordinal": 20,
                           "date": "2026-10", "venue": "Đăk Glei", "status": "planned"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["review"], "corrected");
    let log = v["history"].as_array().unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["reviewer"], "tester");
    assert_eq!(log[0]["before"]["place"], "LA-AT:sanxay");
    assert_eq!(log[0]["after"]["place"], "VN-28:dakglei");
    assert!(log[0]["at"].as_str().unwrap().starts_with("20"));

    // Reports that both meetings were held on 20 October: the pending one is updated, the
    // corrected one keeps the person's values and gains the evidence (its claim kept).
    let dakglei_page = format!("/partnerships/{}", xx["partnership"]);
    assert_eq!(s.get(&dakglei_page).status, 200, "looked at (and its dossier kept) before the report");
    let mut reports = Vec::new();
    for (name, text) in [("c.txt", held("XX", "Đăk Glei", "Xan Xay")), ("d.txt", held("VII", "Ngọc Hồi", "Phu Vông"))]
    {
        let r = s.post(&format!("/api/v1/documents?name={name}"), text.as_bytes());
        assert_eq!(r.status, 201, "{}", r.body);
        reports.push(r.json()["document"].clone());
    }
    // The corrected meeting's row does not change, only its sources: the page follows.
    assert!(
        s.get(&dakglei_page).body.contains(&format!("href=\"/documents/{}\"", reports[0])),
        "the new source listed"
    );
    let vii = event_in(&ngochoi(&s), 7);
    assert_eq!(
        (vii["date"].as_str(), vii["status"].as_str()),
        (Some("2026-10-20"), Some("held")),
        "control: ingest updates pending facts"
    );
    let xx = event_in(&dakglei(&s), 20);
    assert_eq!(
        (xx["date"].as_str(), xx["status"].as_str(), xx["place"].as_str()),
        (Some("2026-10"), Some("planned"), Some("VN-28:dakglei"))
    );
    assert_eq!(xx["review"], "corrected");
    assert_eq!(xx["sources"].as_array().unwrap().len(), 2, "the new report is linked as evidence");
    let fact = s.get(&format!("/api/v1/events/{}", xx["id"])).json();
    let claims: Vec<&Value> = fact["evidence"].as_array().unwrap().iter().map(|e| &e["claim"]).collect();
    assert!(
        claims.iter().any(|c| c["status"] == "held" && c["date"] == "2026-10-20"),
        "what the report says is kept: {claims:?}"
    );

    // Accept and reject from the queue: an accepted fact leaves the queue, a rejected one the dossier.
    let q = s.get("/api/v1/review?limit=500").json();
    let pending = q["pending"].as_u64().unwrap();
    let first = &q["items"][0];
    let (t, id) = (first["fact_type"].as_str().unwrap().to_string(), first["id"].as_u64().unwrap());
    assert_eq!(
        s.post_json(&format!("/api/v1/facts/{t}/{id}/review"), &json!({"decision": "accept"})).json()["review"],
        "accepted"
    );
    let q2 = s.get("/api/v1/review?limit=500").json();
    assert_eq!(q2["pending"].as_u64().unwrap(), pending - 1);
    assert_eq!(counts(&s)[2], pending - 1, "the overview counts it too");
    assert!(!q2["items"].as_array().unwrap().iter().any(|i| i["fact_type"] == t.as_str() && i["id"] == id));
    // The overview's lines (kept by partnership between reads), looked at before the rejection.
    let summaries = |s: &Server| -> std::collections::BTreeMap<u64, Value> {
        let list = s.get("/api/v1/partnerships").json();
        list.as_array().unwrap().iter().map(|p| (p["id"].as_u64().unwrap(), p.clone())).collect()
    };
    let before = summaries(&s);
    // The dossier page, looked at (and cached) before the rejection, follows it.
    let url = format!("/partnerships/{}?lang=en", vii["partnership"]);
    let page = |s: &Server| s.get(&url).body;
    let anchor = format!("id=\"event-{}\"", vii["id"]);
    assert!(page(&s).contains(&anchor));
    assert!(page(&s).contains(&anchor), "served again (from the cache)");
    let r = s.post_json(&format!("/api/v1/facts/event/{}/review", vii["id"]), &json!({"decision": "reject"}));
    assert_eq!(r.json()["review"], "rejected");
    assert!(
        !ngochoi(&s)["events"].as_array().unwrap().iter().any(|e| e["id"] == vii["id"]),
        "rejected facts leave the dossier"
    );
    assert!(!page(&s).contains(&anchor), "the cached page was dropped when the store changed");
    // So does the overview's line for that partnership, and only that line.
    let after = summaries(&s);
    let p = vii["partnership"].as_u64().unwrap();
    assert_eq!(after[&p]["events"].as_u64().unwrap() + 1, before[&p]["events"].as_u64().unwrap(), "{}", after[&p]);
    assert_eq!(after.len(), before.len());
    for (id, line) in &before {
        assert!(*id == p || after[id] == *line, "{line} became {}", after[id]);
    }

    // A record entered by hand: stored with who and when, shown in the dossier.
    let r = s.post_json(
        "/api/v1/facts",
        &json!({"type": "commitment", "party_a": "Kon Tum", "party_b": "Sê Kông", "value": "20", "unit": "scholarship",
                "quantity": "20 suất học bổng", "period_first": 2026, "period_last": 2030}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let made = r.json();
    assert_eq!(made["review"], "manual");
    assert_eq!(made["history"][0]["reviewer"], "tester");
    let d = s.get("/api/v1/dossier?places=Kon%20Tum,Sekong").json();
    assert!(d["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == made["fact"]["id"] && c["review"] == "manual"));
    let ks = |list: &std::collections::BTreeMap<u64, Value>| {
        list.values().find(|p| p["parties"] == json!(["LA-XE", "VN-28"])).map(|p| p["open_commitments"].clone())
    };
    let open = ks(&after).and_then(|v| v.as_u64()).expect("Kon Tum–Sekong listed");
    assert_eq!(ks(&summaries(&s)), Some(json!(open + 1)), "the commitment entered by hand is open");

    // The same document uploaded again is recognised, not stored twice.
    let r = s.post("/api/v1/documents?name=again.txt", held("XX", "Đăk Glei", "Xan Xay").as_bytes());
    assert_eq!((r.status, r.json()["known"].as_bool()), (200, Some(true)));

    // Every decision is in the log.
    let conn = rusqlite::Connection::open_with_flags(&s.store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let reviews: i64 = conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0)).unwrap();
    assert_eq!(reviews, 4, "correct, accept, reject, create");
}

#[test]
fn forms_speak_the_users_language_and_the_server_stops_cleanly() {
    let s = serve(true);
    let (token, cookie) = s.token();
    let form = |lang: &str, body: &str| {
        reply(
            agent()
                .post(format!("{}/new/agreement", s.base))
                .header("Cookie", &format!("{cookie}; lang={lang}"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .send(format!("_csrf={token}&{body}")),
        )
    };
    // A period that ends before it starts, one party twice: refused, in the user's language.
    let bad = "party_a=Kon+Tum&party_b=Kon+Tum&kind=mou&period_first=2027&period_last=2022";
    let lo = form("lo", bad);
    assert_eq!(lo.status, 422);
    assert!(lo.body.contains("ປີສິ້ນສຸດຢູ່ກ່ອນປີເລີ່ມຕົ້ນ"), "Lao message for a reversed period");
    assert!(lo.body.contains("ກະລຸນາເລືອກສອງຝ່າຍທີ່ແຕກຕ່າງກັນ"), "Lao message for one party twice");
    let vi = form("vi", bad);
    assert!(vi.body.contains("Năm kết thúc giai đoạn đứng trước năm bắt đầu."));
    let en = form("en", "party_a=Atlantis&party_b=Sekong&kind=mou&signed=2025-13-01");
    assert!(en.body.contains("Unknown place.") && en.body.contains("not a calendar date"), "{}", en.body);
    assert!(en.body.contains("value=\"Atlantis\""), "what was typed is kept in the form");
    // A good one is stored and shown as entered by hand.
    let ok = form("en", "party_a=Kon+Tum&party_b=Sekong&kind=mou&signed=2026-05-04&period_first=2026&period_last=2030");
    assert_eq!(ok.status, 200, "redirected to the record: {}", ok.body);
    assert!(ok.body.contains("review-manual") && ok.body.contains("2026–2030"), "{}", ok.body);
    // Markup typed into a form comes back escaped.
    let x = form("en", "party_a=%3Cscript%3Ealert(1)%3C%2Fscript%3E&party_b=Sekong&kind=mou");
    assert!(!x.body.contains("<script>alert(1)</script>") && x.body.contains("&#60;script&#62;"));

    // SIGTERM: the server finishes and exits successfully.
    let mut s = s;
    let pid = s.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(start.elapsed().as_secs() < 10, "the server did not stop");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn serving_a_missing_or_foreign_file_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let out =
        Command::new(bin()).arg("--store").arg(&missing).args(["serve", "--addr", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("none.db") && err.contains("no store here"), "{err}");
    assert!(!missing.exists(), "a read-only server creates nothing");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"not a database at all, just some bytes").unwrap();
    for local in [false, true] {
        let mut cmd = Command::new(bin());
        cmd.arg("--store").arg(&garbage).args(["serve", "--addr", "127.0.0.1:0"]);
        if local {
            cmd.arg("--local");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("not a hoptac store"));
        assert_eq!(std::fs::read(&garbage).unwrap(), b"not a database at all, just some bytes", "left alone");
    }
    let out = Command::new(bin()).args(["serve", "--local", "--addr", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "local mode only on loopback");
}

/// Pages and JSON go out compressed to a client that accepts it, reports do not (they are
/// compressed already); the log keeps errors and writes, not every successful read.
#[test]
fn answers_are_compressed_and_logs_keep_what_matters() {
    let s = serve(true);
    let get = |path: &str, encoding: &str| {
        let r = agent().get(format!("{}{path}", s.base)).header("Accept-Encoding", encoding).call().unwrap();
        (r.status().as_u16(), r.headers().get("content-encoding").and_then(|v| v.to_str().ok()).map(str::to_string))
    };
    assert_eq!(get("/?lang=vi", "gzip"), (200, Some("gzip".to_string())), "the overview page");
    assert_eq!(get("/api/v1/partnerships", "br"), (200, Some("br".to_string())), "JSON");
    assert_eq!(get("/?lang=vi", "identity"), (200, None), "plain for a client that asks for it");
    // A cached page is kept compressed: sent as it is kept, inflated for a client without gzip.
    assert_eq!(get("/?lang=vi", "gzip"), (200, Some("gzip".to_string())), "the cached overview");
    let plain = agent().get(format!("{}/?lang=vi", s.base)).header("Accept-Encoding", "identity").call();
    let body = reply(plain).body;
    assert!(
        body.starts_with("<!doctype html>") && body.contains("data-iso=\"VN-28\""),
        "whole HTML: {}",
        &body[..80.min(body.len())]
    );
    let list = s.get("/api/v1/partnerships").json();
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(get(&format!("/partnerships/{id}/report?format=pdf"), "gzip"), (200, None), "a PDF as it is");
    assert_eq!(s.get("/no/such/page").status, 404);
    let r = s.post(
        "/api/v1/documents?name=a.txt&dry_run=true",
        "Ngày 5/3/2024, đoàn tỉnh Kon Tum thăm tỉnh Sê Kông.".as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(log.contains("/no/such/page") && log.contains("status=404"), "errors are logged: {log}");
    assert!(log.contains("/api/v1/documents"), "writes are logged: {log}");
    assert!(!log.contains("uri=/api/v1/partnerships "), "successful reads are not, at the default level: {log}");
}

#[test]
fn a_fact_with_many_sources_lists_them_a_page_at_a_time() {
    // Sixty reports of one conference, each with a line of its own: one meeting, sixty sources.
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // And conferences I–XXV, one a year in 1995–2019: a long timeline.
    for n in 1..=25 {
        let text = format!(
            "Hội nghị biên giới năm {year}\n\nNgày 20/9/{year}, tại huyện Đăk Glei, tỉnh Kon Tum, Hội nghị hợp tác \
             lần thứ {} giữa huyện Đăk Glei (tỉnh Kon Tum, Việt Nam) và huyện Đăk Chưng (tỉnh Sê Kông, Lào) \
             đã diễn ra.\n",
            roman(n),
            year = 1994 + n
        );
        std::fs::write(docs.join(format!("nam_{n:02}.txt")), text).unwrap();
    }
    for i in 1..=60 {
        let text = format!(
            "Bản tin số {i} về hội nghị biên giới\n\nNgày 15/10/2024, tại huyện Đăk Chưng, tỉnh Sê Kông (Lào), \
             Hội nghị hợp tác lần thứ XXX giữa huyện Đăk Glei (tỉnh Kon Tum, Việt Nam) và huyện Đăk Chưng \
             (tỉnh Sê Kông, Lào) đã diễn ra.\n\nPhóng viên thứ {i} ghi nhận không khí thân tình của hội nghị.\n"
        );
        std::fs::write(docs.join(format!("tin_{i:02}.txt")), text).unwrap();
    }
    let store = dir.path().join("many.db");
    ingest(&store, &[docs]);
    let s = serve_store(&store, false, &[]);
    let list = s.get("/api/v1/partnerships").json();
    let id = list[0]["id"].as_i64().unwrap();
    let d = s.get(&format!("/api/v1/partnerships/{id}/dossier")).json();
    let xxx = event_in(&d, 30);
    let event = xxx["id"].as_i64().unwrap();
    assert_eq!(xxx["sources_total"], json!(60), "{xxx}");

    // The API: a page of evidence and the count of all of it.
    let all = s.get(&format!("/api/v1/events/{event}")).json();
    assert_eq!((all["evidence"].as_array().unwrap().len(), all["evidence_total"].as_u64()), (60, Some(60)));
    let part = s.get(&format!("/api/v1/events/{event}?offset=50&limit=20")).json();
    assert_eq!(part["evidence"].as_array().unwrap().as_slice(), &all["evidence"].as_array().unwrap()[50..]);
    assert_eq!(part["evidence_offset"], json!(50));

    // The page: fifty sources, then the other ten, each page linking to the other.
    let first = s.get(&format!("/facts/event/{event}?lang=en"));
    assert_eq!(first.status, 200);
    let items = |body: &str| body.matches("<li><a href=\"/documents/").count();
    assert_eq!(items(&first.body), 50);
    assert!(first.body.contains("1–50 of 60"), "{}", first.body);
    assert!(first.body.contains(&format!("rel=\"next\" href=\"/facts/event/{event}?page=2#sources\"")));
    assert!(!first.body.contains("rel=\"prev\""));
    let second = s.get(&format!("/facts/event/{event}?page=2&lang=en"));
    assert_eq!(items(&second.body), 10);
    assert!(second.body.contains("51–60 of 60") && second.body.contains("rel=\"prev\""));
    assert!(!second.body.contains("rel=\"next\""));
    // Past the end: no sources, a way back.
    let past = s.get(&format!("/facts/event/{event}?page=9&lang=en"));
    assert_eq!((past.status, items(&past.body)), (200, 0));
    assert!(past.body.contains("rel=\"prev\""));
    assert_eq!(s.get(&format!("/facts/event/{event}?page=x")).status, 400);

    // The dossier page lists the latest twenty meetings, and all of them on request.
    let meetings = |body: &str| body.matches("<li id=\"event-").count();
    let page = s.get(&format!("/partnerships/{id}?lang=en"));
    assert_eq!(meetings(&page.body), 20);
    assert!(page.body.contains("The latest 20 of 26."), "{}", page.body);
    assert!(page.body.contains(&format!("href=\"/partnerships/{id}?full=1#timeline\"")));
    assert!(page.body.contains(&format!("id=\"event-{event}\"")), "the latest is conference XXX of 2024");
    let full = s.get(&format!("/partnerships/{id}?full=1&lang=en"));
    assert_eq!(meetings(&full.body), 26);
    assert!(!full.body.contains("The latest 20"));
    assert_eq!(d["events"].as_array().unwrap().len(), 26, "the API's dossier has them all");
}

/// Roman numerals up to 39.
fn roman(n: usize) -> String {
    let (tens, ones) = (n / 10, n % 10);
    let ones = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"][ones];
    format!("{}{ones}", "X".repeat(tens))
}
