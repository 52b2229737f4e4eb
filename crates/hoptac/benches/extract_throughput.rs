//! Extraction throughput: `cargo bench -p hoptac --bench extract_throughput [-- MEGABYTES [DIR...]]`.
//!
//! Measures decode + normalise + extract on one core and on all cores, and prints MB/s and the
//! process's peak resident memory, over two corpora of at least MEGABYTES (default 50):
//! - *generated*: articles in the genre made from templates over the gazetteer's names, dense in
//!   facts (every paragraph has figures, dates, people);
//! - *collected*: the `.txt` files in each DIR (real articles, e.g. `../shared/corpus/seeds` and
//!   `examples/documents`), repeated until the size is reached.
//!
//! Beside each, the floor a user could compare it with: the same bytes read, checked as UTF-8,
//! NFC-normalised and scanned once by one Aho-Corasick automaton of every gazetteer spelling
//! (what finding place names alone costs), on one core.
//!
//! Each figure is the best of three runs. The allocator is the one `hoptac` ships with.
//! `--profile generated|collected` extracts only that corpus, on one core, for ten seconds
//! (for `perf record`), and prints only its speed.
//! Not a test: it prints figures.

use std::time::Instant;

use aho_corasick::{AhoCorasick, MatchKind};

use hoptac_extract::Extractor;
use hoptac_text::{decode, normalize};
use rayon::prelude::*;

mod common;

use common::{article, Rng};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The floor: UTF-8 check, NFC, one scan for every spelling of every place. Matches found.
fn floor(spellings: &AhoCorasick, doc: &[u8]) -> usize {
    let Ok(text) = std::str::from_utf8(doc) else { return 0 };
    let text = normalize(text);
    spellings.find_iter(&text).count()
}

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn run(extractor: &Extractor, doc: &[u8]) -> usize {
    let Ok(d) = decode(doc) else { return 0 };
    let text = normalize(&d.text);
    let rec = extractor.extract("bench.txt", &text, d.encoding);
    rec.events.len() + rec.figures.len() + rec.places.len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let target_mb: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(50);
    let target = target_mb * 1024 * 1024;
    let extractor = Extractor::new(); // the gazetteer and automata load here, outside the timings
    let profile = args.iter().position(|a| a == "--profile").and_then(|i| args.get(i + 1)).cloned();
    if profile.as_deref().is_some_and(|p| p != "generated" && p != "collected") {
        return eprintln!("--profile: no such corpus (generated, or collected with directories given)");
    }
    let args: Vec<String> =
        args.iter().filter(|a| *a != "--profile" && Some(*a) != profile.as_ref()).cloned().collect();

    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut docs: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    while total < target {
        let a = article(&mut rng).into_bytes();
        total += a.len();
        docs.push(a);
    }
    if profile.as_deref() == Some("generated") {
        return spin(&extractor, &docs);
    }
    if profile.is_none() {
        measure(&extractor, "generated", &docs);
    }
    drop(docs);

    let mut real: Vec<Vec<u8>> = Vec::new();
    for dir in args.iter().filter(|a| a.parse::<usize>().is_err()) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            eprintln!("cannot read {dir}");
            continue;
        };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt") {
                if let Ok(b) = std::fs::read(e.path()) {
                    real.push(b);
                }
            }
        }
    }
    if !real.is_empty() {
        let one: usize = real.iter().map(Vec::len).sum();
        let copies = target.div_ceil(one.max(1));
        let docs: Vec<Vec<u8>> = (0..copies).flat_map(|_| real.iter().cloned()).collect();
        if profile.is_some() {
            return spin(&extractor, &docs);
        }
        measure(&extractor, "collected", &docs);
    }
    if profile.is_some() {
        return eprintln!("--profile collected: no directories of .txt files given");
    }
    // one large document (a compilation of minutes, say): merging inside a document must stay linear
    let mut big = String::new();
    let mut i = 0u64;
    while big.len() < 20 * 1024 * 1024 {
        i += 1;
        let (d, m, y, o, n) = (1 + i % 28, 1 + i % 12, 1990 + i % 40, 1 + i % 300, 1 + (i * 7919) % 1_000_000);
        big += &format!(
            "Ngày {d}/{m}/{y}, tại tỉnh Sê Kông, tỉnh Kon Tum tổ chức Hội nghị hợp tác lần thứ {o} và trao {n} suất học bổng cho tỉnh Sê Kông; ông Nguyễn Văn A{i}, Bí thư Tỉnh ủy phát biểu.\n"
        );
    }
    let t = Instant::now();
    let facts = run(&extractor, big.as_bytes());
    let s = t.elapsed().as_secs_f64();
    println!(
        "one document of {:.1} MB: {:.2} s, {:.1} MB/s ({facts} records)",
        big.len() as f64 / 1048576.0,
        s,
        big.len() as f64 / 1048576.0 / s
    );
    if let Some(peak) = peak_rss_mb() {
        println!("peak memory (VmHWM): {peak:.0} MB, corpus held in memory included");
    }
}

/// Extraction of `docs` over and over on one core for ten seconds: a steady state to profile.
fn spin(extractor: &Extractor, docs: &[Vec<u8>]) {
    let t = Instant::now();
    let (mut facts, mut bytes) = (0, 0usize);
    while t.elapsed().as_secs() < 10 {
        for d in docs {
            facts += run(extractor, d);
            bytes += d.len();
        }
    }
    let mb_s = bytes as f64 / (1024.0 * 1024.0) / t.elapsed().as_secs_f64();
    eprintln!("{mb_s:.2} MB/s, {facts} facts");
}

fn measure(extractor: &Extractor, name: &str, docs: &[Vec<u8>]) {
    let spellings: Vec<&str> = extractor.gazetteer().places().iter().flat_map(|p| p.names()).collect();
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .ascii_case_insensitive(true)
        .build(&spellings)
        .expect("automaton");
    let total: usize = docs.iter().map(Vec::len).sum();
    let mb = total as f64 / (1024.0 * 1024.0);
    println!("corpus {name}: {} documents, {:.1} MB", docs.len(), mb);

    // best of three runs: this machine's timings vary from run to run
    let best = |f: &dyn Fn() -> usize| -> (f64, usize) {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let n = f();
                (t.elapsed().as_secs_f64(), n)
            })
            .fold((f64::INFINITY, 0), |a, b| if b.0 < a.0 { b } else { a })
    };
    let (single, facts) = best(&|| docs.iter().map(|d| run(extractor, d)).sum());
    println!(
        "one core:  {:.2} s, {:.1} MB/s, {:.0} documents/s ({facts} facts)",
        single,
        mb / single,
        docs.len() as f64 / single
    );
    let (fl, found) = best(&|| docs.iter().map(|d| floor(&ac, d)).sum());
    println!(
        "floor, one core (UTF-8, NFC, one Aho-Corasick scan of {} spellings): {:.2} s, {:.1} MB/s ({found} matches); extraction takes {:.1}× the floor",
        spellings.len(),
        fl,
        mb / fl,
        single / fl
    );
    let threads = rayon::current_num_threads();
    let (all, facts) = best(&|| docs.par_iter().map(|d| run(extractor, d)).sum());
    println!(
        "{threads} cores: {:.2} s, {:.1} MB/s, {:.0} documents/s ({facts} facts)",
        all,
        mb / all,
        docs.len() as f64 / all
    );
}
