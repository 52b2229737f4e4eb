//! Extraction throughput: `cargo bench -p hoptac --bench extract_throughput [-- MEGABYTES [DIR...]]`.
//!
//! Measures decode + normalise + extract on one core and on all cores, and prints MB/s and the
//! process's peak resident memory, over two corpora of at least MEGABYTES (default 50):
//! - *generated*: articles in the genre made from templates over the gazetteer's names, dense in
//!   facts (every paragraph has figures, dates, people);
//! - *collected*: the `.txt` files in each DIR (real articles, e.g. `../shared/corpus/seeds` and
//!   `examples/documents`), repeated until the size is reached.
//!
//! Each figure is the best of three runs. Not a test: it prints figures.

use std::time::Instant;

use hoptac_extract::Extractor;
use hoptac_text::{decode, normalize};
use rayon::prelude::*;

/// A small deterministic generator (xorshift64*), so every run measures the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

const VN: [&str; 10] = [
    "Điện Biên",
    "Sơn La",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Bình",
    "Quảng Trị",
    "Thừa Thiên Huế",
    "Quảng Nam",
    "Kon Tum",
];
const LA: [&str; 10] = [
    "Phông Xa Lỳ",
    "Luông Pha Băng",
    "Hủa Phăn",
    "Xiêng Khoảng",
    "Bolikhămxay",
    "Khăm Muộn",
    "Savannakhẹt",
    "Salavan",
    "Sê Kông",
    "Attapư",
];
const VN_DISTRICTS: [&str; 6] = ["Đăk Glei", "Kỳ Sơn", "Hướng Hóa", "Nam Giang", "A Lưới", "Mường Lát"];
const LA_DISTRICTS: [&str; 6] = ["Xan Xay", "Đăk Chưng", "Noọng Hét", "Sê Pôn", "Ka Lừm", "Phu Vông"];
const ROMAN: [&str; 8] = ["XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX"];

fn article(r: &mut Rng) -> String {
    let (v, l) = (*r.pick(&VN), *r.pick(&LA));
    let (vd, ld) = (*r.pick(&VN_DISTRICTS), *r.pick(&LA_DISTRICTS));
    let year = r.range(2015, 2025);
    let (d, m) = (r.range(1, 28), r.range(1, 12));
    let ord = *r.pick(&ROMAN);
    let mut s =
        format!("Tỉnh {v} và tỉnh {l} tăng cường hợp tác toàn diện\n\nThứ Hai, {d:02}/{m:02}/{year}, 10:15\n\n");
    s += &format!(
        "Sáng {d}/{m}, tại thành phố Đông Hà, đoàn đại biểu cấp cao tỉnh {v} và đoàn đại biểu tỉnh {l} (Lào) đã tiến hành hội đàm và ký kết biên bản hợp tác năm {year}.\n\n"
    );
    for _ in 0..r.range(3, 8) {
        let para = match r.range(0, 6) {
            0 => format!(
                "Phát biểu tại hội đàm, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh {v} Nguyễn Văn An cho biết năm qua hai tỉnh đã phối hợp chặt chẽ trong công tác quản lý, bảo vệ biên giới, giữ gìn an ninh trật tự."
            ),
            1 => format!(
                "Tỉnh {v} đã hỗ trợ {} suất học bổng cho lưu học sinh tỉnh {l}; cử {} giáo viên sang dạy tiếng Việt và trao {} triệu đồng xây dựng trường học tại huyện {ld}.",
                r.range(5, 40),
                r.range(1, 9),
                r.range(100, 900)
            ),
            2 => format!(
                "Hội nghị hợp tác lần thứ {ord} giữa huyện {vd} (tỉnh {v}) và huyện {ld} (tỉnh {l}) sẽ được tổ chức tại huyện {ld} vào năm {}.",
                year + 1
            ),
            3 => format!(
                "Lực lượng chức năng hai bên đã quy tập được {} hài cốt liệt sĩ quân tình nguyện và chuyên gia Việt Nam hy sinh tại Lào; tuyến biên giới giữa hai tỉnh dài {} km.",
                r.range(10, 200),
                r.range(50, 400)
            ),
            4 => format!(
                "Hai tỉnh thống nhất trong năm {} tổ chức Hội nghị sơ kết tại tỉnh {v}; năm {} tổ chức Hội nghị tổng kết và ký kết Bản ghi nhớ hợp tác giai đoạn mới tại tỉnh {l}.",
                year + 1,
                year + 3
            ),
            5 => format!(
                "Đồng chí Khăm Phăn Vi Lay, Ủy viên Trung ương Đảng Nhân dân Cách mạng Lào, Bí thư Tỉnh ủy, Tỉnh trưởng tỉnh {l} đánh giá cao kết quả thực hiện Bản ghi nhớ hợp tác giai đoạn {year}-{} giữa hai tỉnh nhân kỷ niệm 62 năm thiết lập quan hệ ngoại giao Việt Nam - Lào (5/9/1962 – 5/9/2024).",
                year + 5
            ),
            _ => "Các bên nhất trí tiếp tục tạo điều kiện thuận lợi cho doanh nghiệp đầu tư, kinh doanh, xuất nhập khẩu hàng hóa qua các cửa khẩu; đẩy mạnh giao lưu văn hóa, thể thao và trao đổi kinh nghiệm trong công tác xây dựng Đảng, chính quyền.".to_string(),
        };
        s += &para;
        s += "\n\n";
    }
    s += "MINH AN\n\nBài liên quan\nTin khác trong ngày\n";
    s
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

    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut docs: Vec<Vec<u8>> = Vec::new();
    let mut total = 0usize;
    while total < target {
        let a = article(&mut rng).into_bytes();
        total += a.len();
        docs.push(a);
    }
    measure(&extractor, "generated", &docs);
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
        measure(&extractor, "collected", &docs);
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

fn measure(extractor: &Extractor, name: &str, docs: &[Vec<u8>]) {
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
    let threads = rayon::current_num_threads();
    let (all, facts) = best(&|| docs.par_iter().map(|d| run(extractor, d)).sum());
    println!(
        "{threads} cores: {:.2} s, {:.1} MB/s, {:.0} documents/s ({facts} facts)",
        all,
        mb / all,
        docs.len() as f64 / all
    );
}
