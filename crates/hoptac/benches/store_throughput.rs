//! Store throughput and search latency:
//! `cargo bench -p hoptac --bench store_throughput [-- DOCUMENTS] [--keep DIR]`.
//!
//! Generates DOCUMENTS articles in the genre (default 100,000) as files, runs the real
//! `hoptac ingest` on all but the last thousand into a fresh store (reading, decoding,
//! extraction on all cores, one writer, merging, search indexing) and prints documents/s, MB/s
//! and the process's peak memory (resident, and its heap alone: the resident size counts the
//! pages of the files SQLite and tantivy map); in the same run, what a user could use instead
//! on the same files: a SQLite FTS5 table filled in one transaction, and a plain tantivy index
//! (one text field, stored, the default tokenizer), with the ratios. Then the cost per document
//! as the store grows: the last thousand into the full store against a thousand into an empty
//! one, the median of three runs each way (the others: the same files with a line added).
//! Then search latency (p50, p99) over the store's index, in process, for plain queries and
//! queries with place, year and kind filters, and the latency of building a dossier.
//! Not a test: it prints figures. With `--keep DIR --search-only`, only the search and dossier
//! latencies are measured, over the store and index a kept run left in DIR (a store of a million
//! documents takes most of an hour to build; its queries take seconds).

mod common;

use std::path::{Path, PathBuf};
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

/// How many times the cost per document as the store grows is measured (each way).
const GROWTH_RUNS: usize = 3;

/// The `k`th set of the held-out documents: the files themselves (`k` = 0), or copies under
/// `work/later{k}` with a line of their own added, so that the store takes them as new documents.
fn variant(work: &Path, dirs: &[PathBuf], k: usize) -> Vec<PathBuf> {
    if k == 0 {
        return dirs.to_vec();
    }
    let root = work.join(format!("later{k}"));
    let _ = std::fs::remove_dir_all(&root);
    dirs.iter()
        .map(|d| {
            let to = root.join(d.file_name().expect("a directory of documents"));
            std::fs::create_dir_all(&to).expect("mkdir");
            for f in files_in(d) {
                let mut text = std::fs::read_to_string(&f).expect("read a generated document");
                text.push_str(&format!("\n\n(bản {k})\n"));
                std::fs::write(to.join(f.file_name().expect("a file")), text).expect("write");
            }
            to
        })
        .collect()
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    v.sort();
    v
}

struct Ingest {
    secs: f64,
    peak_mb: f64,
    /// The largest heap (anonymous resident memory) seen, sampling every 20 ms: the peak less
    /// the pages of the files SQLite and tantivy map, which the system takes back at will.
    heap_mb: f64,
    stdout: String,
}

/// The largest resident size of any child this process has waited for, in MB.
fn children_peak_mb() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) };
    ru.ru_maxrss as f64 / 1024.0
}

/// A process's anonymous resident memory now, in MB (`RssAnon` of /proc/PID/status).
fn heap_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("RssAnon:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `hoptac ingest` of `dirs` into `store`, as a user runs it.
fn ingest(store: &Path, dirs: &[PathBuf]) -> Ingest {
    let t = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .arg("--store")
        .arg(store)
        .args(["ingest", "--quiet"])
        .args(dirs)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run hoptac ingest");
    let pid = child.id();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut most: f64 = 0.0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                most = most.max(heap_mb(pid).unwrap_or(0.0));
                std::thread::sleep(Duration::from_millis(20));
            }
            most
        })
    };
    let out = child.wait_with_output().expect("wait for hoptac ingest");
    let secs = t.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let heap_mb = sampler.join().unwrap_or(0.0);
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
    Ingest { secs, peak_mb: children_peak_mb(), heap_mb, stdout: String::from_utf8_lossy(&out.stdout).into_owned() }
}

/// What a user could do instead: every file into an FTS5 table, in one transaction. Seconds.
fn fts5_baseline(db: &Path, dirs: &[PathBuf]) -> f64 {
    let _ = std::fs::remove_file(db);
    let t = Instant::now();
    let mut conn = rusqlite::Connection::open(db).expect("fts5 db");
    conn.execute_batch("PRAGMA journal_mode = WAL; CREATE VIRTUAL TABLE docs USING fts5(path, body);").expect("fts5");
    let tx = conn.transaction().expect("tx");
    {
        let mut ins = tx.prepare("INSERT INTO docs (path, body) VALUES (?1, ?2)").expect("prepare");
        for d in dirs {
            for f in files_in(d) {
                let body = std::fs::read_to_string(&f).expect("read");
                ins.execute(rusqlite::params![f.to_string_lossy(), body]).expect("insert");
            }
        }
    }
    tx.commit().expect("commit");
    t.elapsed().as_secs_f64()
}

/// Or plain tantivy: one stored text field and the path, the default tokenizer. Seconds.
fn tantivy_baseline(dir: &Path, dirs: &[PathBuf]) -> f64 {
    use tantivy::schema::{Schema, STORED, STRING, TEXT};
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("mkdir");
    let t = Instant::now();
    let mut b = Schema::builder();
    let path = b.add_text_field("path", STRING | STORED);
    let body = b.add_text_field("body", TEXT | STORED);
    let index = tantivy::Index::create_in_dir(dir, b.build()).expect("index");
    let mut w: tantivy::IndexWriter = index.writer(64 * 1024 * 1024).expect("writer");
    for d in dirs {
        for f in files_in(d) {
            let text = std::fs::read_to_string(&f).expect("read");
            w.add_document(tantivy::doc!(path => f.to_string_lossy().into_owned(), body => text)).expect("add");
        }
    }
    w.commit().expect("commit");
    w.wait_merging_threads().expect("merge");
    t.elapsed().as_secs_f64()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    // `--keep DIR`: work in DIR and leave the documents and the store there (for profiling).
    let keep = args.iter().position(|a| a == "--keep").and_then(|i| args.get(i + 1)).map(std::path::PathBuf::from);
    let tmp = tempfile::tempdir().expect("temp dir");
    let work = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    if args.iter().any(|a| a == "--search-only") {
        assert!(keep.is_some(), "--search-only measures a kept run: give --keep DIR");
        latencies(&work, &work.join("bench.db"));
        return;
    }
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

    // The main run takes every thousand but the last (or all, for fewer than 2,000).
    let dirs: Vec<PathBuf> = (0..n.div_ceil(1000)).map(|k| docs.join(format!("{k:03}"))).collect();
    let split = if dirs.len() >= 2 { dirs.len() - 1 } else { dirs.len() };
    let (main_dirs, last_dirs) = dirs.split_at(split);
    let main_bytes: u64 = main_dirs.iter().map(|d| dir_size(d)).sum();
    let main_docs = main_dirs.iter().map(|d| files_in(d).len()).sum::<usize>();
    let mb = main_bytes as f64 / 1e6;

    let store = work.join("bench.db");
    let fresh: Vec<String> = (0..GROWTH_RUNS).map(|k| format!("fresh{k}.db")).collect();
    for name in ["bench.db", "fresh.db"].into_iter().chain(fresh.iter().map(String::as_str)) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(work.join(format!("{name}{suffix}")));
        }
        let _ = std::fs::remove_dir_all(work.join(format!("{name}.index")));
    }
    let fts = fts5_baseline(&work.join("fts5.db"), main_dirs);
    let run = ingest(&store, main_dirs);
    let tv = tantivy_baseline(&work.join("tantivy"), main_dirs);
    print!("hoptac: {}", run.stdout);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("ingest of {main_docs} documents, {mb:.1} MB, {threads} cores:");
    println!(
        "  hoptac ingest:         {:6.1} s  {:6.2} MB/s  {:5.0} documents/s  peak {:.0} MB, heap {:.0} MB  (store {:.0} MB, index {:.0} MB)",
        run.secs,
        mb / run.secs,
        main_docs as f64 / run.secs,
        run.peak_mb,
        run.heap_mb,
        std::fs::metadata(&store).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        dir_size(&work.join("bench.db.index")) as f64 / 1e6
    );
    println!(
        "  SQLite FTS5, one tx:   {:6.1} s  {:6.2} MB/s  → hoptac is {:.2}× its speed (reads and indexes the text only)",
        fts,
        mb / fts,
        fts / run.secs
    );
    println!(
        "  plain tantivy:         {:6.1} s  {:6.2} MB/s  → hoptac is {:.2}× its speed",
        tv,
        mb / tv,
        tv / run.secs
    );
    if !last_dirs.is_empty() {
        // Three runs each way, as one run swings by half on this machine: the last thousand, then
        // the same files with a line added (other documents, the same facts), each into the full
        // store in turn and into an empty store of its own.
        let sets: Vec<Vec<PathBuf>> = (0..GROWTH_RUNS).map(|k| variant(&work, last_dirs, k)).collect();
        let docs = sets[0].iter().map(|d| files_in(d).len()).sum::<usize>().max(1) as f64;
        let (mut later, mut first) = (Vec::new(), Vec::new());
        for (k, set) in sets.iter().enumerate() {
            later.push(ingest(&store, set).secs * 1e3 / docs);
            first.push(ingest(&work.join(format!("fresh{k}.db")), set).secs * 1e3 / docs);
        }
        let runs = |v: &[f64]| v.iter().map(|ms| format!("{ms:.2}")).collect::<Vec<_>>().join(", ");
        let (a, b) = (median(&first), median(&later));
        println!(
            "  per document as the store grows: {a:.2} ms into an empty store, {b:.2} ms into one of {main_docs} ({:+.0}%; medians of {GROWTH_RUNS}: {} / {})",
            (b / a - 1.0) * 100.0,
            runs(&first),
            runs(&later),
        );
    }

    latencies(&work, &store);
}

/// Search latency over the index in `work` and the time to build dossiers from `store`.
fn latencies(work: &Path, store: &Path) {
    let index = SearchIndex::open_read_only(&work.join("bench.db.index")).expect("index");
    // The documents' passages are cut from the text the store keeps, as the CLI and server do.
    let texts = SqliteStore::open_read_only(store).expect("store");
    let bodies = hoptac_app::index::StoreBodies(&texts);
    println!("index: {} entries", index.num_entries());
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
        let _ = index.search(&SearchQuery { text: w.to_string(), limit: 10, ..Default::default() }, &bodies);
    }
    let mut all = Vec::new();
    // Each query's median and how many entries it matches, to tell which are slow.
    let mut each: Vec<(Duration, String, String)> = Vec::new();
    for (name, base) in &filters {
        let mut lat = Vec::new();
        let mut per_word = vec![Vec::new(); words.len()];
        let mut matches = vec![String::new(); words.len()];
        for round in 0..50 {
            for (i, w) in words.iter().enumerate() {
                let q = SearchQuery { text: w.to_string(), ..base.clone() };
                let t = Instant::now();
                let r = index.search(&q, &bodies).expect("search");
                lat.push(t.elapsed());
                per_word[i].push(t.elapsed());
                matches[i] = format!("{}{}", if r.total_exact { "" } else { "at least " }, r.total);
                if round == 0 && w == &words[0] && *name == "plain" {
                    println!("  ({:?} matches {} entries)", w, matches[i]);
                }
            }
        }
        for (i, mut l) in per_word.into_iter().enumerate() {
            l.sort();
            each.push((percentile(&l, 0.5), format!("{:?} ({name})", words[i]), std::mem::take(&mut matches[i])));
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
    each.sort_by_key(|b| std::cmp::Reverse(b.0));
    for (median, query, matches) in each.iter().take(6) {
        println!("  slowest: {query}: median {}, {matches} entries match", ms(*median));
    }
    // The same queries with every match scored and counted, as tantivy's `TopDocs` and `Count`
    // do (and as hoptac did before it skipped what cannot enter the hits).
    let mut every = Vec::new();
    for _ in 0..5 {
        for (_, base) in &filters {
            for w in &words {
                let q = SearchQuery { text: w.to_string(), count_up_to: Some(usize::MAX), ..base.clone() };
                let t = Instant::now();
                std::hint::black_box(index.search(&q, &bodies).expect("search"));
                every.push(t.elapsed());
            }
        }
    }
    every.sort();
    println!(
        "search latency, every match counted: p50 {}, p99 {} over {} queries → skipping is {:.1}× faster at p99",
        ms(percentile(&every, 0.5)),
        ms(percentile(&every, 0.99)),
        every.len(),
        percentile(&every, 0.99).as_secs_f64() / percentile(&all, 0.99).as_secs_f64().max(1e-9)
    );

    let s = SqliteStore::open_read_only(store).expect("store");
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
