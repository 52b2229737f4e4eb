//! Documents in the genre, generated from templates over the gazetteer's names, and a server
//! to measure (shared by the benchmarks).
#![allow(dead_code)] // each benchmark uses part of it

/// A small deterministic generator (xorshift64*), so every run measures the same corpus.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() % xs.len() as u64) as usize]
    }
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
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

pub fn article(r: &mut Rng) -> String {
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

/// `hoptac --store STORE serve --addr 127.0.0.1:0 EXTRA…` with warnings-only logs; returns the
/// process and the `host:port` it printed.
pub fn start_server(store: &std::path::Path, extra: &[&str]) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .arg("--store")
        .arg(store)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start hoptac serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout")).read_line(&mut line).expect("server address");
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .expect("address")
        .trim_end_matches('/')
        .to_string();
    (server, addr)
}

/// A store in `dir` built by `hoptac ingest` from the seeds, the example documents and `n`
/// generated articles (from `seed`); prints the ingest's summary and how long it took.
///
/// With `HOPTAC_BENCH_KEEP=DIR` the store is built in DIR (named by `n`) and kept, and a store
/// already there is used as it is: for measuring one change after another on the same data.
pub fn build_store(dir: &std::path::Path, n: usize, seed: u64) -> std::path::PathBuf {
    let kept = std::env::var_os("HOPTAC_BENCH_KEEP").map(|d| std::path::PathBuf::from(d).join(format!("store-{n}")));
    if let Some(k) = &kept {
        if k.join("bench.db").is_file() {
            println!("store: {} (kept)", k.join("bench.db").display());
            return k.join("bench.db");
        }
    }
    let dir = kept.as_deref().unwrap_or(dir);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let mut rng = Rng(seed);
    for i in 0..n {
        std::fs::write(docs.join(format!("g{i:06}.txt")), article(&mut rng)).expect("write");
    }
    let store = dir.join("bench.db");
    let t = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoptac"))
        .arg("--store")
        .arg(&store)
        .args(["ingest", "--quiet"])
        .arg(root.join("../shared/corpus/seeds"))
        .arg(root.join("examples/documents"))
        .arg(&docs)
        .output()
        .expect("run hoptac ingest");
    assert!(out.status.success(), "ingest failed: {}", String::from_utf8_lossy(&out.stderr));
    println!("store: {} (built in {:.1} s)", String::from_utf8_lossy(&out.stdout).trim(), t.elapsed().as_secs_f64());
    store
}
