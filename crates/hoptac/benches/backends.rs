//! SQLite beside PostgreSQL on the same generated corpus:
//! `cargo bench -p hoptac --bench backends [-- DOCUMENTS] [--pg URL]`.
//!
//! For each backend, in one run: the real `hoptac ingest` of DOCUMENTS generated articles
//! (default 5,000) into a fresh store (MB/s end to end); two ingests at once, each of half the
//! corpus, into another fresh store (MB/s of the pair); then a server on the first store
//! answering 400 searches, one at a time, each a new query asked with `Cache-Control: no-cache`
//! (p50, p99 over HTTP on loopback: the backend's part is the per-request store check). The
//! PostgreSQL server is `--pg` (default `postgres://postgres@127.0.0.1:5432/test`); databases are
//! made for the run and dropped after. Not a test: it prints figures.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{article, start_server, Rng};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

struct Db {
    admin: String,
    name: String,
    url: String,
}

impl Db {
    fn new(admin: &str, name: &str) -> Db {
        let mut c = postgres::Client::connect(admin, postgres::NoTls).expect("PostgreSQL (give --pg URL)");
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("drop");
        c.batch_execute(&format!("CREATE DATABASE {name}")).expect("create");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
        Db { admin: admin.to_string(), name: name.to_string(), url: format!("{base}/{name}") }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// `hoptac --store STORE --index INDEX ingest DIRS…` (several at once); seconds for all.
fn ingest(store: &str, runs: &[(&Path, PathBuf)]) -> f64 {
    let t = Instant::now();
    let children: Vec<_> = runs
        .iter()
        .map(|(docs, index)| {
            Command::new(env!("CARGO_BIN_EXE_hoptac"))
                .args(["--store", store, "--index"])
                .arg(index)
                .args(["ingest", "--quiet"])
                .arg(docs)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("ingest")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    t.elapsed().as_secs_f64()
}

fn searches(store: &str, index: &Path) -> (Duration, Duration) {
    let (mut server, addr) = start_server(Path::new(store), &["--index", index.to_str().expect("path")]);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let words = [
        "hoi nghi",
        "hai cot",
        "hoc bong",
        "bien gioi",
        "Attapeu",
        "Kon Tum",
        "hop tac",
        "giao vien",
        "XIX",
        "Sê Kông",
    ];
    let mut lat = Vec::new();
    for i in 0..400 {
        let q = format!("{} {}", words[i % words.len()], 2015 + i % 11);
        let url = format!(
            "http://{addr}/api/v1/search?q={}",
            form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let t = Instant::now();
        let r = agent.get(&url).header("Cache-Control", "no-cache").call().expect("search");
        assert_eq!(r.status().as_u16(), 200);
        lat.push(t.elapsed());
    }
    let _ = server.kill();
    let _ = server.wait();
    lat.sort();
    (percentile(&lat, 0.5), percentile(&lat, 0.99))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(5_000);
    let admin = args
        .iter()
        .position(|a| a == "--pg")
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into());
    let tmp = tempfile::tempdir().expect("temp dir");
    let (all, half_a, half_b) = (tmp.path().join("all"), tmp.path().join("a"), tmp.path().join("b"));
    for d in [&all, &half_a, &half_b] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let mut rng = Rng(0x005E_ED0F_B4C6);
    let mut bytes = 0u64;
    for i in 0..n {
        let text = article(&mut rng);
        bytes += text.len() as u64;
        std::fs::write(all.join(format!("g{i:06}.txt")), &text).expect("write");
        let half = if i % 2 == 0 { &half_a } else { &half_b };
        std::fs::write(half.join(format!("g{i:06}.txt")), &text).expect("write");
    }
    let mb = bytes as f64 / 1e6;
    println!("corpus: {n} generated articles, {mb:.1} MB; 2 cores; each figure from the same run\n");
    println!("{:<12} {:>18} {:>26} {:>22}", "backend", "ingest", "two ingests at once", "search p50 / p99");
    let ix = |name: &str| tmp.path().join(format!("{name}.index"));
    // SQLite
    let file = tmp.path().join("one.db").display().to_string();
    let one = ingest(&file, &[(&all, ix("sqlite-one"))]);
    let pair_file = tmp.path().join("pair.db").display().to_string();
    let pair = ingest(&pair_file, &[(&half_a, ix("sqlite-pa")), (&half_b, ix("sqlite-pb"))]);
    let (p50, p99) = searches(&file, &ix("sqlite-one"));
    println!(
        "{:<12} {:>10.2} MB/s ({:>4.1} s) {:>16.2} MB/s ({:>4.1} s) {:>12} / {}",
        "SQLite",
        mb / one,
        one,
        mb / pair,
        pair,
        ms(p50),
        ms(p99)
    );
    // PostgreSQL
    let db = Db::new(&admin, "hoptac_bench_one");
    let one = ingest(&db.url, &[(&all, ix("pg-one"))]);
    let db2 = Db::new(&admin, "hoptac_bench_pair");
    let pair = ingest(&db2.url, &[(&half_a, ix("pg-pa")), (&half_b, ix("pg-pb"))]);
    let (p50, p99) = searches(&db.url, &ix("pg-server"));
    println!(
        "{:<12} {:>10.2} MB/s ({:>4.1} s) {:>16.2} MB/s ({:>4.1} s) {:>12} / {}",
        "PostgreSQL",
        mb / one,
        one,
        mb / pair,
        pair,
        ms(p50),
        ms(p99)
    );
}
