//! The property tests run long: `cargo bench -p hoptac --bench fuzz [-- --seconds S]`.
//!
//! For S seconds (default 120) it makes documents — pieces of the genre shuffled, mutated bytes,
//! the adversarial shapes of `hoptac-app/tests/linear.rs` at random sizes, as text, HTML and
//! Markdown — and reads and extracts each as an upload would; and it makes search queries of
//! arbitrary characters and runs them on an index of the seeds. It counts panics (there must be
//! none), and reports the slowest work per byte for documents over 4 KB and the slowest query.
//! Exit 1 on a panic, on more than 20 µs per byte, or on a query over a second. Not a test.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::{Duration, Instant};

use common::{article, Rng};
use hoptac_extract::Extractor;

fn arg<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok())
}

const PIECES: &[&str] = &[
    "Ngày 23/11/2024, ",
    "tại tỉnh Kon Tum ",
    "Hội nghị lần thứ XVII ",
    "giữa Attapư và Sê Kông ",
    "ký biên bản ghi nhớ ",
    "giai đoạn 2021-2025 ",
    "trao 585 triệu đồng ",
    "10 suất học bổng ",
    "đồng chí Nguyễn Văn A, Phó Chủ tịch UBND tỉnh, ",
    "ແຂວງອັດຕະປື ",
    "ກອງປະຊຸມຄັ້ງທີ XII ",
    "ວັນທີ 5 ມີນາ 2024 ",
    "200 ລ້ານດົ້ງ ",
    "On 12 March 2024, ",
    "the 18th conference ",
    "in Dak Glei district ",
    "signed a memorandum ",
    "<div>",
    "</div>",
    "<p class=\"x\">",
    "&amp;",
    "\n\n",
    ". ",
    "(",
    ")",
    "lần thứ ",
    "sẽ tổ chức ",
    "năm 2026 ",
    "1.000.000 ",
    "½",
    "\u{300}",
    "\u{0}",
    "\r",
];

fn shape(rng: &mut Rng) -> (String, &'static str) {
    let n = rng.range(1, 20_000) as usize;
    match rng.next() % 6 {
        0 => (format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n)), "x.html"),
        1 => (format!("<p {}>x</p>", "a=\"1\" ".repeat(n)), "x.html"),
        2 => ("hợp tác Kon Tum 200 triệu đồng ".repeat(n), "x.txt"),
        3 => (
            (1..=n)
                .map(|i| format!("Hội nghị lần thứ {i} giữa Kon Tum và Attapeu ngày {}/3/2024.\n", i % 28 + 1))
                .collect(),
            "x.txt",
        ),
        4 => ("ແຂວງອັດຕະປືແລະແຂວງກອນຕຸມ".repeat(n), "x.txt"),
        _ => (format!("{}x\n{}- y\n", ">".repeat(n), "  ".repeat(n)), "x.md"),
    }
}

fn document(rng: &mut Rng) -> (Vec<u8>, &'static str) {
    match rng.next() % 4 {
        0 => {
            let n = rng.range(1, 400);
            let text: String = (0..n).map(|_| *rng.pick(PIECES)).collect();
            let name = *rng.pick(&["a.txt", "a.html", "a.md"]);
            (text.into_bytes(), name)
        }
        1 => {
            // a real-looking article with bytes flipped, cut and repeated
            let mut b = article(rng).into_bytes();
            for _ in 0..rng.range(1, 20) {
                let at = (rng.next() as usize) % b.len().max(1);
                match rng.next() % 3 {
                    0 => b[at] = rng.next() as u8,
                    1 => b.truncate(at.max(1)),
                    _ => {
                        let piece = b[at..].to_vec();
                        b.extend(piece);
                    }
                }
            }
            (b, "a.txt")
        }
        2 => {
            let (t, name) = shape(rng);
            (t.into_bytes(), name)
        }
        _ => ((0..rng.range(1, 8_000)).map(|_| rng.next() as u8).collect(), "a.txt"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let secs: u64 = arg(&args, "--seconds").unwrap_or(120);
    let extractor = Extractor::new();
    let mut rng = Rng(0xF0CC_A5E5);
    // An index of the seeds for the queries.
    let tmp = tempfile::tempdir().expect("temp dir");
    let store = tmp.path().join("f.db");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .arg("--store")
        .arg(&store)
        .args(["ingest", "--quiet"])
        .arg(root.join("../shared/corpus/seeds"))
        .output()
        .expect("ingest");
    assert!(out.status.success());
    let index = hoptac_search::SearchIndex::open_read_only(&hoptac_app::index::index_dir(&store)).expect("index");
    let (mut docs, mut bytes, mut panics, mut refused) = (0u64, 0u64, 0u64, 0u64);
    let mut worst: (f64, usize, String) = (0.0, 0, String::new());
    let (mut queries, mut slowest_query) = (0u64, Duration::ZERO);
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(secs) {
        let (doc, name) = document(&mut rng);
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| match hoptac_app::input::read_bytes(name, &doc, 64 << 20) {
            Ok((text, encoding)) => {
                hoptac_app::prepare(&extractor, name, text, encoding);
                true
            }
            Err(_) => false,
        }));
        let took = t.elapsed();
        docs += 1;
        bytes += doc.len() as u64;
        match result {
            Err(_) => {
                panics += 1;
                // Kept for the regression test it calls for.
                let path = std::env::temp_dir().join(format!("hoptac-fuzz-panic-{panics}-{name}"));
                if std::fs::write(&path, &doc).is_ok() {
                    println!("the document that panicked is in {}", path.display());
                }
            }
            Ok(false) => refused += 1,
            Ok(true) => {}
        }
        if doc.len() > 4096 {
            let per_byte = took.as_secs_f64() * 1e9 / doc.len() as f64;
            if per_byte > worst.0 {
                worst = (per_byte, doc.len(), String::from_utf8_lossy(&doc[..doc.len().min(60)]).into_owned());
            }
        }
        // and a query of arbitrary characters
        let n = rng.range(0, 1_500) as usize;
        let text: String = (0..n)
            .map(|_| {
                *rng.pick(&[
                    '(', ')', '[', ']', '"', '+', '-', ':', '*', '~', '^', ' ', 'a', 'h', 'ộ', 'ອ', '1', '\\', '{',
                ])
            })
            .collect();
        let q = hoptac_search::SearchQuery { text, limit: 10, ..Default::default() };
        let t = Instant::now();
        if catch_unwind(AssertUnwindSafe(|| index.search(&q, &hoptac_search::NoBodies))).is_err() {
            panics += 1;
        }
        slowest_query = slowest_query.max(t.elapsed());
        queries += 1;
    }
    println!(
        "{secs} s: {docs} documents ({:.1} MB; {refused} refused as unreadable), {queries} queries, {panics} panics",
        bytes as f64 / 1e6
    );
    println!(
        "slowest per byte over 4 KB: {:.0} ns/byte ({} bytes, starting {:?}); slowest query {:.1} ms",
        worst.0,
        worst.1,
        worst.2,
        slowest_query.as_secs_f64() * 1e3
    );
    if panics > 0 || worst.0 > 20_000.0 || slowest_query > Duration::from_secs(1) {
        println!("FAILED");
        std::process::exit(1);
    }
}
