//! A real `hoptac serve` on loopback for the web and browser tests.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The binary under test: this build's, or the one `HOPTAC_TEST_BIN` names (to run the tests
/// against another build, e.g. to see a regression test fail on the build before its fix).
pub fn bin() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| std::env::var("HOPTAC_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_hoptac").to_string()))
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn seeds() -> PathBuf {
    root().join("../shared/corpus/seeds")
}

/// A running `hoptac serve`; killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    _dir: tempfile::TempDir,
    pub store: PathBuf,
    /// What the server wrote to stderr (its log).
    pub log: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn ingest(store: &Path, paths: &[PathBuf]) {
    let out = Command::new(bin()).arg("--store").arg(store).arg("ingest").arg("--quiet").args(paths).output().unwrap();
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
}

pub fn serve(local: bool) -> Server {
    serve_with(local, &[])
}

/// A server with more arguments (`--upload-limit-mb 1` …).
pub fn serve_with(local: bool, extra: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("web.db");
    ingest(&store, &[seeds(), root().join("examples/documents")]);
    start(dir, store, local, extra)
}

/// A server on a store that exists already (its log in a directory of its own).
pub fn serve_store(store: &Path, local: bool, extra: &[&str]) -> Server {
    start(tempfile::tempdir().unwrap(), store.to_path_buf(), local, extra)
}

fn start(dir: tempfile::TempDir, store: PathBuf, local: bool, extra: &[&str]) -> Server {
    let log = dir.path().join("serve.log");
    let mut cmd = Command::new(bin());
    cmd.arg("--store").arg(&store).args(["serve", "--addr", "127.0.0.1:0", "--user", "tester"]);
    if local {
        cmd.arg("--local");
    }
    cmd.args(extra);
    let mut child = cmd.stdout(Stdio::piped()).stderr(std::fs::File::create(&log).unwrap()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    if line.is_empty() {
        panic!("the server did not start: {}", std::fs::read_to_string(&log).unwrap_or_default());
    }
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, base, _dir: dir, store, log }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_string()
    }
}

pub fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut r = r.unwrap();
    let content_type = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    Reply { status: r.status().as_u16(), content_type, body: r.body_mut().read_to_string().unwrap_or_default() }
}

impl Server {
    /// host:port
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    pub fn get(&self, path: &str) -> Reply {
        reply(agent().get(format!("{}{path}", self.base)).call())
    }

    /// A CSRF token and the cookie that goes with it.
    pub fn token(&self) -> (String, String) {
        let mut r = agent().get(format!("{}/api/v1/csrf", self.base)).call().unwrap();
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("hoptac_csrf="))
            .map(|c| c.split(';').next().unwrap().to_string())
            .expect("a CSRF cookie");
        let v: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
        (v["token"].as_str().unwrap().to_string(), cookie)
    }

    pub fn post(&self, path: &str, body: &[u8]) -> Reply {
        let (token, cookie) = self.token();
        reply(
            agent()
                .post(format!("{}{path}", self.base))
                .header("X-CSRF-Token", &token)
                .header("Cookie", &cookie)
                .send(body),
        )
    }

    pub fn post_json(&self, path: &str, v: &Value) -> Reply {
        self.post(path, v.to_string().as_bytes())
    }

    pub fn documents(&self) -> u64 {
        self.get("/api/v1/documents").json()["total"].as_u64().unwrap()
    }
}

/// A PostgreSQL database made for one test and dropped after it, on the server at
/// `HOPTAC_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/test`). `None` where there is no
/// server (the caller says so and passes), unless `HOPTAC_PG=required` (CI), which fails.
pub struct PgDb {
    pub url: String,
    name: String,
    admin: String,
}

static NEXT_DB: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl PgDb {
    pub fn new() -> Option<PgDb> {
        let admin =
            std::env::var("HOPTAC_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let mut client = match postgres::Client::connect(&admin, postgres::NoTls) {
            Ok(c) => c,
            Err(e) => {
                let required = std::env::var("HOPTAC_PG").is_ok_and(|v| v == "required");
                assert!(!required, "HOPTAC_PG=required but PostgreSQL is not reachable at {admin}: {e}");
                eprintln!("PostgreSQL test NOT RUN: {admin}: {e}");
                return None;
            }
        };
        let n = NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("hoptac_t{}_{n}", std::process::id());
        client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Some(PgDb { url: format!("{base}/{name}"), name, admin })
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect")
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}
