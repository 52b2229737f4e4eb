//! Store throughput and search latency:
//! `cargo bench -p hoptac --bench store_throughput [-- DOCUMENTS] [--keep DIR]`.
//!
//! Generates DOCUMENTS articles in the genre (default 100,000) as files, runs the real
//! `hoptac ingest` on them into a fresh store (reading, decoding, extraction on all cores, one
//! writer with a transaction per document, merging, search indexing) and prints documents/s and
//! MB/s end to end; then measures search latency (p50, p99) over that store's index, in process,
//! for plain queries and queries with place, year and kind filters, and the latency of building
//! a dossier. Not a test: it prints figures.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{article, Rng};
use hoptac_core::PlaceId;
use hoptac_search::{SearchIndex, SearchQuery};
use hoptac_sqlite::SqliteStore;
use hoptac_store::Reader;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        dir_size(&path)
                    } else {
                        e.metadata().map(|m| m.len()).unwrap_or(0)
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    // `--keep DIR`: work in DIR and leave the documents and the store there (for profiling).
    let keep = args.iter().position(|a| a == "--keep").and_then(|i| args.get(i + 1)).map(std::path::PathBuf::from);
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let docs = work.join("docs");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut bytes = 0u64;
    let t = Instant::now();
    for i in 0..n {
        let sub = docs.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).expect("mkdir");
        }
        let text = article(&mut rng);
        bytes += text.len() as u64;
        std::fs::write(sub.join(format!("a{i:06}.txt")), text).expect("write");
    }
    println!("generated {n} documents, {:.1} MB, in {:.1} s", bytes as f64 / 1e6, t.elapsed().as_secs_f64());

    let store = work.join("bench.db");
    let _ = std::fs::remove_file(&store);
    let _ = std::fs::remove_dir_all(work.join("bench.db.index"));
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .arg("--store")
        .arg(&store)
        .args(["ingest", "--quiet"])
        .arg(&docs)
        .output()
        .expect("run hoptac ingest");
    let secs = t.elapsed().as_secs_f64();
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
    print!("hoptac: {}", String::from_utf8_lossy(&out.stdout));
    println!(
        "ingest end to end ({} threads): {n} documents in {secs:.1} s = {:.0} documents/s, {:.2} MB/s; store {:.0} MB, index {:.0} MB",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        n as f64 / secs,
        bytes as f64 / 1e6 / secs,
        std::fs::metadata(&store).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        dir_size(&work.join("bench.db.index")) as f64 / 1e6
    );

    let index = SearchIndex::open_read_only(&work.join("bench.db.index")).expect("index");
    let words = [
        "hai cot",
        "học bổng",
        "hoi nghi hop tac",
        "\"ban ghi nho\"",
        "bien gioi",
        "Savannakhet",
        "giao vien",
        "Khăm Muộn",
        "hoà bình",
        "doanh nghiep",
        "Noong Het",
        "so ket",
    ];
    let filters: [(&str, SearchQuery); 4] = [
        ("plain", SearchQuery { limit: 10, ..Default::default() }),
        ("place", SearchQuery { places: vec!["VN-28".into(), "VN-29".into()], limit: 10, ..Default::default() }),
        ("years", SearchQuery { years: Some((2018, 2020)), limit: 10, ..Default::default() }),
        ("kind", SearchQuery { kinds: vec!["conference".into()], limit: 10, ..Default::default() }),
    ];
    for w in &words {
        let _ = index.search(&SearchQuery { text: w.to_string(), limit: 10, ..Default::default() });
    }
    let mut all = Vec::new();
    for (name, base) in &filters {
        let mut lat = Vec::new();
        for round in 0..50 {
            for w in &words {
                let q = SearchQuery { text: w.to_string(), ..base.clone() };
                let t = Instant::now();
                let r = index.search(&q).expect("search");
                lat.push(t.elapsed());
                if round == 0 && w == &words[0] && *name == "plain" {
                    println!("  ({:?} matches {} entries)", w, r.total);
                }
            }
        }
        lat.sort();
        println!(
            "search latency, {name:<5} filter: p50 {}, p99 {}, max {} over {} queries",
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.99)),
            ms(*lat.last().unwrap_or(&Duration::ZERO)),
            lat.len()
        );
        all.extend(lat);
    }
    all.sort();
    println!(
        "search latency, all: p50 {}, p99 {} over {} queries",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        all.len()
    );

    let s = SqliteStore::open_read_only(&store).expect("store");
    let partnerships = s.partnerships().expect("partnerships");
    let province_pairs: Vec<_> = partnerships
        .iter()
        .filter(|p| p.parties.len() == 2 && p.parties.iter().all(|x| !x.0.contains(':')))
        .take(20)
        .collect();
    let mut lat = Vec::new();
    for p in &province_pairs {
        let wanted: Vec<PlaceId> = p.parties.clone();
        let t = Instant::now();
        let d = hoptac_store::dossier::build(&s, &wanted, jiff::civil::date(2026, 11, 23)).expect("dossier");
        lat.push(t.elapsed());
        std::hint::black_box(d);
    }
    lat.sort();
    println!(
        "dossier build (province pairs, {} partnerships in store): p50 {}, max {} over {}",
        partnerships.len(),
        ms(percentile(&lat, 0.5)),
        ms(*lat.last().unwrap_or(&Duration::ZERO)),
        lat.len()
    );
}
