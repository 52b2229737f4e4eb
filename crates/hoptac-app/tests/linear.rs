//! Work on a document stays linear in its size whatever its shape (ARCHITECTURE.md's
//! invariant): for each adversarial shape, a document eight times larger takes about eight
//! times as long to read and extract, not sixty-four. The shapes are those a probe or a careless
//! export produces: deep nesting, tags with many attributes, one endless line, thousands of
//! meetings, numbers, names or dates, a Lao run with no spaces.

use std::time::{Duration, Instant};

use hoptac_extract::Extractor;

/// Read (decode, convert the format, normalise) and extract, as an upload or an ingest does.
fn run(extractor: &Extractor, name: &str, bytes: &[u8]) -> usize {
    let (text, encoding) = match hoptac_app::input::read_bytes(name, bytes, u64::MAX) {
        Ok(x) => x,
        Err(_) => return 0,
    };
    let (_, record) = hoptac_app::prepare(extractor, name, text, encoding);
    record.events.len() + record.figures.len() + record.people.len()
}

fn best_of_two(extractor: &Extractor, name: &str, bytes: &[u8]) -> Duration {
    (0..2)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(run(extractor, name, bytes));
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// What it is, the file name it is read under, its size at the smaller of the two runs (large
/// enough to take milliseconds, so that timer noise does not decide), and how it is made.
type Shape = (&'static str, &'static str, usize, fn(usize) -> String);

const SHAPES: &[Shape] = &[
    ("nested tags", "x.html", 400, |n| {
        format!("{}Hội nghị tại Kon Tum.{}", "<div><p>".repeat(n), "</p></div>".repeat(n))
    }),
    ("attributes", "x.html", 4_000, |n| {
        format!("<p {}>Hội nghị.</p>", (0..n).map(|i| format!("data-{i}=\"x\" ")).collect::<String>())
    }),
    ("one endless line", "x.txt", 400, |n| "hợp tác Kon Tum Attapeu 200 triệu đồng ngày 5/3/2024 ".repeat(n)),
    ("meetings", "x.txt", 400, |n| {
        (1..=n)
            .map(|i| {
                format!(
                    "Ngày {}/{}/2024, Hội nghị lần thứ {i} giữa tỉnh Kon Tum và tỉnh Attapeu.\n\n",
                    i % 28 + 1,
                    i % 12 + 1
                )
            })
            .collect()
    }),
    ("figures", "x.txt", 400, |n| {
        (1..=n)
            .map(|i| {
                format!(
                    "Tỉnh Kon Tum trao {i} suất học bổng và {} triệu đồng cho tỉnh Sê Kông năm {}.\n\n",
                    i * 5,
                    2000 + i % 25
                )
            })
            .collect()
    }),
    ("people", "x.txt", 400, |n| {
        (1..=n)
            .map(|i| {
                format!(
                    "Đồng chí Nguyễn Văn {}, Phó Chủ tịch UBND tỉnh Kon Tum, tiếp đoàn.\n\n",
                    ["An", "Bình", "Cường", "Dũng"][i % 4]
                )
            })
            .collect()
    }),
    ("agreements", "x.txt", 400, |n| {
        (1..=n)
            .map(|i| {
                format!(
                    "Năm {}, hai tỉnh Kon Tum và Attapeu ký biên bản ghi nhớ hợp tác giai đoạn {}-{}.\n\n",
                    1990 + i % 40,
                    1990 + i % 40,
                    1995 + i % 40
                )
            })
            .collect()
    }),
    ("lao without spaces", "x.txt", 400, |n| "ແຂວງອັດຕະປືແລະແຂວງກອນຕຸມໄດ້ຈັດກອງປະຊຸມ".repeat(n)),
    ("markdown nesting", "x.md", 4_000, |n| format!("{} Hội nghị\n\n{}- mục\n", ">".repeat(n), "  ".repeat(n))),
];

#[test]
fn reading_and_extraction_stay_linear_on_adversarial_shapes() {
    let extractor = Extractor::new();
    let mut report = Vec::new();
    for (what, name, n, make) in SHAPES {
        let (small, large) = (make(*n), make(8 * n));
        let t_small = best_of_two(&extractor, name, small.as_bytes());
        let t_large = best_of_two(&extractor, name, large.as_bytes());
        let ratio = t_large.as_secs_f64() / t_small.as_secs_f64().max(1e-4);
        report.push(format!(
            "{what}: {} → {} bytes, {t_small:?} → {t_large:?} ({ratio:.1}×)",
            small.len(),
            large.len()
        ));
        assert!(ratio < 16.0, "{what}: 8× the input took {ratio:.1}× the time\n{}", report.join("\n"));
    }
    eprintln!("{}", report.join("\n"));
}
