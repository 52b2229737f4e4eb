//! Accounts and roles on a shared server (`hoptac serve` without `--local`), against a real
//! server: sign-in, sessions and their cookies, throttling, tokens, disabled accounts, and the
//! permission matrix — every route that needs more than reading × every role × a partnership of
//! the person's place or another — generated from one table that must list every such route.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use hoptac_store::access::Role;
use hoptac_web::guard::{Needs, ENDPOINTS};
use serde_json::{json, Value};

const PASSWORD: &str = "một mật khẩu đủ dài";

fn user_add(store: &Path, name: &str, role: &str, places: &[&str], lang: &str) {
    let mut cmd = Command::new(bin());
    cmd.arg("--store").arg(store).args(["user", "add", name, "--role", role, "--lang", lang, "--password-stdin"]);
    for p in places {
        cmd.args(["--place", p]);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "user add {name}: {}", String::from_utf8_lossy(&out.stderr));
}

fn cli(store: &Path, args: &[&str]) -> String {
    let out = Command::new(bin()).arg("--store").arg(store).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A browser: keeps its cookies, follows no redirects.
struct Browser {
    base: String,
    agent: ureq::Agent,
    cookies: HashMap<String, String>,
    /// The Set-Cookie lines of the last answer.
    set: Vec<String>,
}

struct Answer {
    status: u16,
    location: String,
    body: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        let agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
        Browser { base: base.to_string(), agent, cookies: HashMap::new(), set: Vec::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn take(&mut self, r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
        let mut r = r.unwrap();
        self.set = r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(String::from).collect();
        for c in &self.set {
            let kv = c.split(';').next().unwrap();
            let (k, v) = kv.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        Answer { status: r.status().as_u16(), location, body: r.body_mut().read_to_string().unwrap_or_default() }
    }

    fn get(&mut self, path: &str) -> Answer {
        let r = self.agent.get(format!("{}{path}", self.base)).header("Cookie", &self.cookie_header()).call();
        self.take(r)
    }

    fn csrf(&mut self) -> String {
        if !self.cookies.contains_key("hoptac_csrf") {
            self.get("/api/v1/csrf");
        }
        self.cookies["hoptac_csrf"].clone()
    }

    /// A form post carrying the CSRF token (unless `csrf` is false).
    fn form(&mut self, path: &str, fields: &[(&str, &str)], csrf: bool) -> Answer {
        let token = self.csrf();
        let mut q = form_urlencoded::Serializer::new(String::new());
        if csrf {
            q.append_pair("_csrf", &token);
        }
        for (k, v) in fields {
            q.append_pair(k, v);
        }
        let r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", &self.cookie_header())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(q.finish());
        self.take(r)
    }

    fn send(&mut self, path: &str, content_type: &str, body: &[u8]) -> Answer {
        let token = self.csrf();
        let r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", &self.cookie_header())
            .header("X-CSRF-Token", &token)
            .header("Content-Type", content_type)
            .send(body);
        self.take(r)
    }

    fn sign_in(&mut self, name: &str, password: &str) -> Answer {
        self.get("/signin");
        self.form("/signin", &[("name", name), ("password", password), ("next", "/review")], true)
    }

    fn session(&self) -> Option<String> {
        self.cookies.get("hoptac_session").cloned()
    }
}

fn bearer(base: &str, token: &str, path: &str) -> u16 {
    reply(agent().get(format!("{base}{path}")).header("Authorization", &format!("Bearer {token}")).call()).status
}

/// A store from the seeds and examples, with accounts.
fn shared_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("shared.db");
    ingest(&store, &[seeds(), root().join("examples/documents")]);
    (dir, store)
}

#[test]
fn sign_in_sessions_cookies_throttling_tokens_and_disabled_accounts() {
    let (_d, store) = shared_store();
    user_add(&store, "somsak", "reviewer", &["Attapeu"], "lo");
    user_add(&store, "lan", "editor", &["VN-28"], "vi");
    assert!(cli(&store, &["user", "list"]).contains("somsak"));
    let s = serve_store(&store, false, &[]);

    // Wrong password and unknown account: one answer, in about the same time.
    let mut b = Browser::new(&s.base);
    let times = |name: &str| {
        let mut v: Vec<Duration> = (0..3)
            .map(|_| {
                let t = Instant::now();
                let a = Browser::new(&s.base).sign_in(name, "not the password at all");
                assert_eq!(a.status, 401, "{name}");
                t.elapsed()
            })
            .collect();
        v.sort();
        v[1]
    };
    let (known, unknown) = (times("lan"), times("nobody-here"));
    let ratio = known.as_secs_f64() / unknown.as_secs_f64();
    assert!((0.33..3.0).contains(&ratio), "known {known:?} vs unknown {unknown:?}");
    let wrong = b.sign_in("lan", "not the password at all");
    let unknown = Browser::new(&s.base).sign_in("nobody-here", "not the password at all");
    let msg = |a: &Answer| {
        a.body.split("role=\"alert\"").nth(1).unwrap_or("").split("</div>").next().unwrap_or("").to_string()
    };
    assert_eq!(msg(&wrong), msg(&unknown), "the same words");
    assert!(b.session().is_none());

    // CSRF on the sign-in form too.
    let a = Browser::new(&s.base).form("/signin", &[("name", "somsak"), ("password", PASSWORD)], false);
    assert_eq!(a.status, 403, "no token");

    // Session fixation: a session id planted before sign-in is not the one after, and is worth nothing.
    let mut b = Browser::new(&s.base);
    b.cookies.insert("hoptac_session".into(), "a".repeat(64));
    let a = b.sign_in("somsak", PASSWORD);
    assert_eq!((a.status, a.location.as_str()), (303, "/review"), "{}", a.body);
    let sid = b.session().expect("a session cookie");
    assert_ne!(sid, "a".repeat(64));
    let line = b.set.iter().find(|c| c.starts_with("hoptac_session=")).unwrap().clone();
    assert!(line.contains("HttpOnly") && line.contains("SameSite=Strict") && line.contains("Path=/"), "{line}");
    assert!(!line.contains("Secure"), "plain HTTP: no Secure flag (the browser would drop it)");
    assert!(b.set.iter().any(|c| c.starts_with("hoptac_csrf=")), "a new CSRF token at sign-in");
    let me = b.get("/api/v1/me");
    let me: Value = serde_json::from_str(&me.body).unwrap();
    assert_eq!((me["name"].as_str(), me["via"].as_str()), (Some("somsak"), Some("session")));
    // Their language comes with them.
    let page = b.get("/review");
    assert!(page.body.contains("lang=\"lo\""), "the account's language");
    // Over TLS (as the proxy says) the cookie is Secure.
    let mut tls = Browser::new(&s.base);
    tls.get("/signin");
    let token = tls.csrf();
    let r = tls
        .agent
        .post(format!("{}/signin", s.base))
        .header("Cookie", &tls.cookie_header())
        .header("X-Forwarded-Proto", "https")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!(
            "_csrf={token}&name=lan&password={}",
            form_urlencoded::byte_serialize(PASSWORD.as_bytes()).collect::<String>()
        ));
    tls.take(r);
    assert!(tls.set.iter().any(|c| c.starts_with("hoptac_session=") && c.ends_with("; Secure")), "{:?}", tls.set);

    // Sign-out ends the session: the old cookie is worth nothing.
    let a = b.form("/signout", &[], true);
    assert_eq!(a.status, 303);
    let mut stale = Browser::new(&s.base);
    stale.cookies.insert("hoptac_session".into(), sid.clone());
    assert_eq!(stale.get("/api/v1/me").status, 401);

    // An idle session ends after 30 minutes, any session after 12 hours.
    let mut b = Browser::new(&s.base);
    b.sign_in("somsak", PASSWORD);
    assert_eq!(b.get("/api/v1/me").status, 200);
    let db = rusqlite::Connection::open(&store).unwrap();
    db.busy_timeout(Duration::from_secs(10)).unwrap();
    db.execute("UPDATE sessions SET seen_at = seen_at - 31 * 60", []).unwrap();
    assert_eq!(b.get("/api/v1/me").status, 401, "idle");
    b.sign_in("somsak", PASSWORD);
    db.execute("UPDATE sessions SET created_at = created_at - 13 * 3600", []).unwrap();
    assert_eq!(b.get("/api/v1/me").status, 401, "absolute");

    // API tokens: made on the account page, scoped to the account, revoked there.
    let mut b = Browser::new(&s.base);
    b.sign_in("lan", PASSWORD);
    let page = b.form("/account/tokens", &[("name", "nightly import")], true);
    assert_eq!(page.status, 200);
    let token = page.body.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(token.len(), 64);
    assert_eq!(bearer(&s.base, &token, "/api/v1/me"), 200);
    // A token writes without a CSRF token (no cookie is involved), as its account may.
    let r = reply(
        agent()
            .post(format!("{}/api/v1/documents?name=lan.txt", s.base))
            .header("Authorization", &format!("Bearer {token}"))
            .send("Hội nghị hợp tác lần thứ V giữa Kon Tum và Sê Kông năm 2024.".as_bytes()),
    );
    assert!(r.status == 201 || r.status == 200, "{} {}", r.status, r.body);
    let id = page.body.split("/account/tokens/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let a = b.form(&format!("/account/tokens/{id}/revoke"), &[], true);
    assert_eq!(a.status, 303);
    assert_eq!(bearer(&s.base, &token, "/api/v1/me"), 401, "revoked");
    assert_eq!(bearer(&s.base, &"0".repeat(64), "/api/v1/me"), 401, "unknown");

    // Disabled from the command line while signed in: out at once, and sign-in refused.
    let mut b = Browser::new(&s.base);
    b.sign_in("lan", PASSWORD);
    let (_, token) = {
        let page = b.form("/account/tokens", &[("name", "t2")], true);
        ((), page.body.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string())
    };
    cli(&store, &["user", "disable", "lan"]);
    assert_eq!(b.get("/api/v1/me").status, 401, "the session ended");
    assert_eq!(bearer(&s.base, &token, "/api/v1/me"), 401, "the token stopped");
    assert_eq!(Browser::new(&s.base).sign_in("lan", PASSWORD).status, 403);
    cli(&store, &["user", "enable", "lan"]);

    // Throttling: five failures lock the account for a while, even for the right password.
    for _ in 0..5 {
        assert_eq!(Browser::new(&s.base).sign_in("somsak", "guess guess guess").status, 401);
    }
    let a = Browser::new(&s.base).sign_in("somsak", PASSWORD);
    assert_eq!(a.status, 429, "{}", a.body);
    assert!(a.body.contains("15"), "says how long");

    // A one-time link from the command line sets a new password (once); old sessions end.
    let out = cli(&store, &["user", "reset-password", "lan", "--url", &s.base]);
    let link = out.split_whitespace().find(|w| w.contains("/reset/")).expect("a link").to_string();
    let path = link.trim_start_matches(&s.base).to_string();
    let mut r = Browser::new(&s.base);
    let page = r.get(&path);
    assert!(page.status == 200 && page.body.contains("lan"), "{}", page.status);
    let a = r.form(&path, &[("new", "short"), ("confirm", "short")], true);
    assert_eq!(a.status, 422, "the rules still hold");
    let a = r.form(&path, &[("new", "câu mật khẩu mới của Lan"), ("confirm", "câu mật khẩu mới của Lan")], true);
    assert_eq!((a.status, a.location.as_str()), (303, "/signin?done=reset"));
    assert_eq!(r.get(&path).status, 410, "used once");
    assert_eq!(Browser::new(&s.base).sign_in("lan", "câu mật khẩu mới của Lan").status, 303);
    assert!(
        !std::fs::read_to_string(&s.log).unwrap().contains(path.trim_start_matches("/reset/")),
        "the code is not logged"
    );
    // Roles from the command line.
    assert!(cli(&store, &["user", "roles", "lan", "--grant", "reviewer@Sê Kông"]).contains("reviewer@LA-XE"));
    assert!(cli(&store, &["user", "roles", "lan", "--revoke", "reviewer@LA-XE"]).trim().ends_with("editor@VN-28"));

    // The admin sees all of it in the audit log.
    let log: Vec<(String, String)> = db
        .prepare("SELECT kind, account FROM audit")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for kind in [
        "sign_in",
        "sign_in_failed",
        "sign_in_throttled",
        "sign_out",
        "token_created",
        "token_revoked",
        "account_disabled",
        "write",
    ] {
        assert!(log.iter().any(|(k, _)| k == kind), "{kind} audited");
    }
    let passwords: i64 =
        db.query_row("SELECT count(*) FROM audit WHERE detail LIKE '%mật khẩu%'", [], |r| r.get(0)).unwrap();
    assert_eq!(passwords, 0, "no password in the audit log");
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(!log.contains(PASSWORD) && !log.contains(&sid), "no password or session id in the server log");
}

#[test]
fn a_private_server_needs_an_account_to_read_and_every_form_its_csrf_token() {
    let (_d, store) = shared_store();
    user_add(&store, "root", "admin", &[], "en");
    user_add(&store, "reader", "reader", &["Attapeu"], "lo");
    let s = serve_store(&store, false, &["--private"]);
    let mut anon = Browser::new(&s.base);
    let a = anon.get("/partnerships/4");
    assert_eq!((a.status, a.location.as_str()), (303, "/signin?next=%2Fpartnerships%2F4"));
    assert_eq!(anon.get("/api/v1/partnerships").status, 401);
    assert_eq!(anon.get("/signin").status, 200, "the way in stays open");
    assert_eq!(anon.get("/assets/style.css").status, 200);
    let mut b = Browser::new(&s.base);
    let a = b.sign_in("reader", PASSWORD);
    assert_eq!(a.status, 303);
    assert_eq!(b.get("/partnerships/4").status, 200, "a reader reads");
    assert_eq!(b.get("/api/v1/partnerships").status, 200);

    // Every form, signed in as an admin (who may do anything), is refused without its token.
    let mut admin = Browser::new(&s.base);
    assert_eq!(admin.sign_in("root", PASSWORD).status, 303);
    for e in ENDPOINTS.iter().filter(|e| e.method == "POST") {
        let path = e
            .path
            .replace("{kind}", "event")
            .replace("{id}", "1")
            .replace("{name}", "reader")
            .replace("{code}", "x")
            .replace("{token}", "x");
        let r = admin
            .agent
            .post(format!("{}{path}", s.base))
            .header("Cookie", &admin.cookie_header())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send("decision=accept&name=x");
        let a = admin.take(r);
        assert_eq!(a.status, 403, "POST {path} without a CSRF token");
        assert!(
            a.body.contains("CSRF") || a.body.contains("csrf") || a.body.contains("form has expired"),
            "POST {path}: {}",
            a.body
        );
    }
    // The admin's pages: the accounts, one person, the audit log.
    let page = admin.get("/admin");
    assert!(page.body.contains("/admin/users/reader"));
    let page = admin.get("/admin/audit?kind=sign_in");
    assert!(page.body.contains("reader") && page.body.contains("root"));
    let a =
        admin.form("/admin/users", &[("name", "khamla"), ("role", "editor"), ("place", "ອັດຕະປື"), ("lang", "lo")], true);
    assert_eq!(a.status, 200);
    let link = a.body.split("id=\"reset-link\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(link.contains("/reset/"), "{link}");
    let a = admin.form("/admin/users/root/disable", &[], true);
    assert_eq!(a.status, 422, "the last admin stays");
    let a = admin.form("/admin/users/reader/roles", &[("role", "reviewer"), ("place", "Attapeu")], true);
    assert_eq!(a.status, 303);
    let page = admin.get("/admin/users/reader");
    assert!(page.body.contains("Attapeu") && page.body.contains("reviewer"), "the role shows");
    let theirs = page.body.split("<table class=\"audit\">").nth(1).unwrap_or("");
    assert!(theirs.contains("role granted") && theirs.contains("signed in"), "what was done to them and by them");
    let log = admin.get("/admin/audit");
    for what in ["role granted", "account made", "signed in"] {
        assert!(log.body.contains(what), "{what} in the audit log");
    }
}

/// What the test expects of each route: who may, and whether the place matters.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Anyone,
    Account,
    /// The least role; `true`: only for a partnership of one's own place.
    Role(Role, bool),
}

const EXPECTED: &[(&str, &str, Expect)] = &[
    ("GET", "/signin", Expect::Anyone),
    ("POST", "/signin", Expect::Anyone),
    ("GET", "/reset/{code}", Expect::Anyone),
    ("POST", "/reset/{code}", Expect::Anyone),
    ("GET", "/assets/style.css", Expect::Anyone),
    ("GET", "/assets/app.js", Expect::Anyone),
    ("GET", "/assets/icon.svg", Expect::Anyone),
    ("GET", "/favicon.ico", Expect::Anyone),
    ("GET", "/healthz", Expect::Anyone),
    ("GET", "/api/v1/csrf", Expect::Anyone),
    ("GET", "/api/v1/openapi.json", Expect::Anyone),
    ("POST", "/signout", Expect::Account),
    ("GET", "/account", Expect::Account),
    ("POST", "/account/password", Expect::Account),
    ("POST", "/account/lang", Expect::Account),
    ("POST", "/account/tokens", Expect::Account),
    ("POST", "/account/tokens/{id}/revoke", Expect::Account),
    ("GET", "/api/v1/me", Expect::Account),
    ("GET", "/upload", Expect::Role(Role::Editor, false)),
    ("POST", "/upload", Expect::Role(Role::Editor, false)),
    ("POST", "/upload/{token}", Expect::Role(Role::Editor, true)),
    ("GET", "/new/{kind}", Expect::Role(Role::Editor, false)),
    ("POST", "/new/{kind}", Expect::Role(Role::Editor, true)),
    ("GET", "/facts/{kind}/{id}/edit", Expect::Role(Role::Reviewer, false)),
    ("POST", "/facts/{kind}/{id}/edit", Expect::Role(Role::Reviewer, true)),
    ("POST", "/review/{kind}/{id}", Expect::Role(Role::Reviewer, true)),
    ("POST", "/api/v1/documents", Expect::Role(Role::Editor, true)),
    ("POST", "/api/v1/facts", Expect::Role(Role::Editor, true)),
    ("POST", "/api/v1/facts/{kind}/{id}/review", Expect::Role(Role::Reviewer, true)),
    ("GET", "/admin", Expect::Role(Role::Admin, false)),
    ("GET", "/admin/audit", Expect::Role(Role::Admin, false)),
    ("POST", "/admin/users", Expect::Role(Role::Admin, false)),
    ("GET", "/admin/users/{name}", Expect::Role(Role::Admin, false)),
    ("POST", "/admin/users/{name}/disable", Expect::Role(Role::Admin, false)),
    ("POST", "/admin/users/{name}/enable", Expect::Role(Role::Admin, false)),
    ("POST", "/admin/users/{name}/roles", Expect::Role(Role::Admin, false)),
    ("POST", "/admin/users/{name}/reset", Expect::Role(Role::Admin, false)),
];

#[test]
fn the_permission_table_lists_every_route_that_needs_more_than_reading() {
    // Each entry of the server's table is expected here, and the other way round: a new
    // route without an entry (or with a different one) fails here.
    for e in ENDPOINTS {
        let mine = EXPECTED.iter().find(|(m, p, _)| *m == e.method && *p == e.path);
        let Some((_, _, want)) = mine else { panic!("{} {} has no expectation in this test", e.method, e.path) };
        let agrees = match (e.needs, want) {
            (Needs::Anyone, Expect::Anyone) | (Needs::Account, Expect::Account) => true,
            (Needs::Role(a), Expect::Role(r, _)) => a.needs() == *r,
            _ => false,
        };
        assert!(agrees, "{} {}: server {:?}, test {want:?}", e.method, e.path, e.needs);
    }
    for (m, p, _) in EXPECTED {
        assert!(ENDPOINTS.iter().any(|e| e.method == *m && e.path == *p), "{m} {p} is not in the server's table");
    }
    // Every writing route the router serves is in the table: the router's source lists them.
    let lib = include_str!("../../hoptac-web/src/lib.rs");
    let (api_start, api_end) =
        (lib.find("let api = Router::new()").unwrap(), lib.find(".fallback(api::not_found)").unwrap());
    let posts = |src: &str, prefix: &str| -> Vec<String> {
        src.split(".route(\"")
            .skip(1)
            .filter_map(|part| {
                let path = &part[..part.find('"')?];
                let line = &part[..part.find('\n').unwrap_or(part.len())];
                line.contains("post(").then(|| format!("{prefix}{path}"))
            })
            .collect()
    };
    let served: Vec<String> =
        posts(&lib[api_start..api_end], "/api/v1").into_iter().chain(posts(&lib[api_end..], "")).collect();
    assert!(served.len() >= 15, "{served:?}");
    for full in served {
        assert!(
            ENDPOINTS.iter().any(|e| e.method == "POST" && e.path == full),
            "POST {full} is served but has no permission entry"
        );
    }
}

/// One request of the matrix as a person of `role` (none: nobody signed in), on a partnership
/// of their place (`own`) or another. Returns the status.
struct Fixture {
    own_fact: (String, i64),
    other_fact: (String, i64),
}

fn doc_text(own: bool, n: usize) -> String {
    if own {
        format!(
            "Ngày 3/3/2026, Hội nghị hợp tác lần thứ {} giữa tỉnh Kon Tum và tỉnh Attapư được tổ chức tại Kon Tum.",
            40 + n
        )
    } else {
        format!("Ngày 3/3/2026, Hội nghị hợp tác lần thứ {} giữa tỉnh Hà Tĩnh và tỉnh Bolikhămxay được tổ chức tại Hà Tĩnh.", 40 + n)
    }
}

fn multipart(name: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "hoptacboundary7";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body.into_bytes())
}

fn request(b: &mut Browser, fx: &Fixture, method: &str, path: &str, own: bool, n: usize) -> Answer {
    let (kind, id) = if own { fx.own_fact.clone() } else { fx.other_fact.clone() };
    let (a, bb) = if own { ("VN-28", "LA-AT") } else { ("VN-23", "LA-BL") };
    let concrete = path
        .replace("{kind}", if path.starts_with("/new") { "event" } else { &kind })
        .replace("{id}", &if path.contains("tokens") { "999999".to_string() } else { id.to_string() })
        .replace("{code}", &"0".repeat(64))
        .replace("{name}", "target");
    if method == "GET" {
        return b.get(&concrete);
    }
    let event = [("party_a", a), ("party_b", bb), ("kind", "conference"), ("date", "2027-03"), ("status", "planned")];
    match path {
        "/signin" => b.form(path, &[("name", "nobody"), ("password", "x")], true),
        "/reset/{code}" => b.form(&concrete, &[("new", "x"), ("confirm", "x")], true),
        "/account/password" => b.form(path, &[("old", "wrong"), ("new", "x"), ("confirm", "y")], true),
        "/account/lang" => b.form(path, &[("lang", "en")], true),
        "/account/tokens" => b.form(path, &[("name", "matrix")], true),
        "/new/{kind}" => b.form(&concrete, &event, true),
        "/facts/{kind}/{id}/edit" => b.form(&concrete, &event, true),
        "/review/{kind}/{id}" => b.form(&concrete, &[("decision", "accept")], true),
        "/upload" => {
            let (ct, body) = multipart("m.txt", &doc_text(own, n));
            let token = b.csrf();
            b.send(&format!("/upload?_csrf={token}"), &ct, &body)
        }
        "/upload/{token}" => {
            // A preview first (as this person), then its confirmation.
            let (ct, body) = multipart("m.txt", &doc_text(own, n));
            let token = b.csrf();
            let preview = b.send(&format!("/upload?_csrf={token}"), &ct, &body);
            let Some(up) =
                preview.body.split("action=\"/upload/").nth(1).map(|s| s.split('"').next().unwrap().to_string())
            else {
                return preview;
            };
            b.form(&format!("/upload/{up}"), &[], true)
        }
        "/api/v1/documents" => {
            b.send(&format!("/api/v1/documents?name=m{n}.txt"), "text/plain", doc_text(own, n).as_bytes())
        }
        "/api/v1/facts" => {
            let mut v = json!({"type": "event"});
            for (k, x) in event {
                v[k] = json!(x);
            }
            b.send(path, "application/json", v.to_string().as_bytes())
        }
        "/api/v1/facts/{kind}/{id}/review" => b.send(&concrete, "application/json", br#"{"decision":"accept"}"#),
        "/admin/users" => {
            let name = format!("made{n}");
            b.form(path, &[("name", &name), ("role", "reader"), ("place", "Attapeu"), ("lang", "lo")], true)
        }
        "/admin/users/{name}/roles" => b.form(&concrete, &[("role", "reader"), ("place", "")], true),
        _ => b.form(&concrete, &[], true),
    }
}

#[test]
fn permission_matrix_every_route_by_every_role_and_place() {
    let (_d, store) = shared_store();
    permission_matrix(&store, &[]);
}

/// The same matrix on a PostgreSQL store (a database made for the test): every page and API
/// route, the account and admin pages included, on the other backend.
#[test]
fn permission_matrix_on_postgres() {
    let Some(db) = PgDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let out = Command::new(bin())
        .args(["--store", &db.url, "--index"])
        .arg(&index)
        .args(["ingest", "--quiet"])
        .arg(seeds())
        .arg(root().join("examples/documents"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    permission_matrix(Path::new(&db.url), &["--index", index.to_str().unwrap()]);
}

fn permission_matrix(store: &Path, serve_args: &[&str]) {
    let store = store.to_path_buf();
    // Each role held for Attapeu (a Lao province); "target" is the account admins act on.
    for role in ["reader", "editor", "reviewer", "admin"] {
        user_add(&store, role, role, &["Attapeu"], "lo");
    }
    user_add(&store, "target", "reader", &[], "vi");
    let s = serve_store(&store, false, serve_args);
    // A pending fact of Kon Tum–Attapeu (theirs) and one of Hà Tĩnh–Bolikhamxai (not theirs).
    let queue = s.get("/api/v1/review?limit=500").json();
    let find = |parties: &[&str]| {
        let it = queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["parties"] == json!(parties) && i["fact_type"] != "person")
            .unwrap_or_else(|| panic!("a pending fact of {parties:?}"));
        (it["fact_type"].as_str().unwrap().to_string(), it["id"].as_i64().unwrap())
    };
    let fx = Fixture { own_fact: find(&["LA-AT", "VN-28"]), other_fact: find(&["LA-BL", "VN-23"]) };
    let documents_before = s.documents();

    let mut n = 0;
    let mut failures = Vec::new();
    for who in [None, Some(Role::Reader), Some(Role::Editor), Some(Role::Reviewer), Some(Role::Admin)] {
        let mut b = Browser::new(&s.base);
        if let Some(r) = who {
            assert_eq!(b.sign_in(r.as_str(), PASSWORD).status, 303);
        }
        // Sign-out last: it ends the session the rest use.
        let mut order: Vec<&(&str, &str, Expect)> = EXPECTED.iter().filter(|e| e.1 != "/signout").collect();
        order.extend(EXPECTED.iter().filter(|e| e.1 == "/signout"));
        for (method, path, expect) in order {
            for own in [true, false] {
                n += 1;
                let a = request(&mut b, &fx, method, path, own, n);
                let allowed = match (expect, who) {
                    (Expect::Anyone, _) => true,
                    (_, None) => false,
                    (Expect::Account, Some(_)) => true,
                    (Expect::Role(need, scoped), Some(r)) => r >= *need && (!scoped || own || r == Role::Admin),
                };
                let refused_to_sign_in = a.status == 401 || (a.status == 303 && a.location.starts_with("/signin"));
                let refused = a.status == 403 || refused_to_sign_in;
                let ok = if allowed {
                    // Sign-in with a wrong password is an allowed request answered 401.
                    !refused || (*path == "/signin" && a.status == 401)
                } else {
                    refused && (who.is_some() || refused_to_sign_in)
                };
                if !ok {
                    failures.push(format!(
                        "{method} {path} as {:?} on {} place: {} (expected {})",
                        who.map(|r| r.as_str()),
                        if own { "own" } else { "another" },
                        a.status,
                        if allowed { "allowed" } else { "refused" },
                    ));
                }
                if let (true, true, Some(r)) = (*path == "/signout", own, who) {
                    // Signed out now: sign in again for the "another place" half.
                    b.sign_in(r.as_str(), PASSWORD);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {n} requests wrong:\n{}", failures.len(), failures.join("\n"));
    // Documents were stored only by those allowed: editors and up, for their own place (twice
    // each: page and API) and admins for both.
    assert!(s.documents() > documents_before);
    // A Quảng Ngãi reviewer decides Kon Tum facts (Kon Tum merged into Quảng Ngãi).
    user_add(&store, "qn", "reviewer", &["Quảng Ngãi"], "vi");
    let mut b = Browser::new(&s.base);
    b.sign_in("qn", PASSWORD);
    let kt = queue["items"].as_array().unwrap().iter().find(|i| i["parties"] == json!(["LA-XE", "VN-28"])).unwrap();
    let a =
        b.form(&format!("/review/{}/{}", kt["fact_type"].as_str().unwrap(), kt["id"]), &[("decision", "accept")], true);
    assert_eq!(a.status, 303, "{}", a.body);
    let a = b.form(&format!("/review/{}/{}", fx.other_fact.0, fx.other_fact.1), &[("decision", "reject")], true);
    assert_eq!(a.status, 403);
    // A reviewer's queue holds only their partnerships' facts.
    let mut b = Browser::new(&s.base);
    b.sign_in("reviewer", PASSWORD);
    let mine = b.get("/review");
    assert!(!mine.body.contains(&format!("/review/{}/{}", fx.other_fact.0, fx.other_fact.1)));
}
