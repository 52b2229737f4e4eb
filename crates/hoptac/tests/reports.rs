//! `hoptac report` and `hoptac export` on a store of the seed articles and the bundled examples:
//! every format is read back (the DOCX's XML, the PDF through `pdftotext`, the XLSX's cells, the
//! CSV), in Vietnamese, Lao and English; bad requests fail with the reason and leave no file.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{bin, ingest, root, seeds};

/// One store for the whole file (ingest takes a few seconds).
fn store() -> &'static Path {
    static STORE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = STORE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        ingest(&path, &[seeds(), root().join("examples/documents")]);
        (dir, path)
    });
    path
}

fn hoptac(args: &[&str]) -> Output {
    Command::new(bin()).arg("--store").arg(store()).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> Vec<u8> {
    let out = hoptac(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn unzip(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut s).unwrap();
    s
}

/// Text of a PDF by poppler's pdftotext; None where it is not installed (CI installs it and sets
/// HOPTAC_PDF=required).
fn pdftotext(pdf: &Path) -> Option<String> {
    match Command::new("pdftotext").args(["-layout"]).arg(pdf).arg("-").output() {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).unwrap()),
        _ if std::env::var("HOPTAC_PDF").as_deref() == Ok("required") => panic!("pdftotext is required"),
        _ => None,
    }
}

const TODAY: &str = "2026-11-30";

#[test]
fn markdown_report_has_every_section_with_sources() {
    let md = String::from_utf8(ok(&["report", "Kon Tum", "Attapư", "--format", "md", "--today", TODAY])).unwrap();
    for heading in ["# Báo cáo kết quả hợp tác", "## I. ", "## II. ", "## III. ", "## IV. ", "## V. ", "## Nguồn"]
    {
        assert!(md.contains(heading), "{heading} missing:\n{md}");
    }
    // Meetings with ordinals in Roman numerals, dates the Vietnamese way, hosts by name.
    assert!(md.contains("| IX | Hội nghị | 12/03/2024 |"), "{md}");
    // Every cited note exists and quotes a sentence.
    let cited: Vec<&str> = md.match_indices("[^").map(|(i, _)| &md[i..i + md[i..].find(']').unwrap() + 1]).collect();
    assert!(cited.len() > 10);
    for c in cited {
        assert!(md.contains(&format!("{c}: ")), "note {c} is cited but not written");
    }
    assert!(md.contains("* đang chờ kiểm tra"), "facts awaiting review are marked");
    let confirmed =
        String::from_utf8(ok(&["report", "Kon Tum", "Attapư", "--confirmed-only", "--today", TODAY])).unwrap();
    assert!(confirmed.contains("Chỉ gồm các nội dung đã được cán bộ xác nhận"));
    assert!(!confirmed.contains("| IX |"), "nothing is confirmed in a fresh store");
}

#[test]
fn the_period_limits_what_is_reported() {
    let all = String::from_utf8(ok(&["report", "Kon Tum", "Attapư", "--lang", "en", "--today", TODAY])).unwrap();
    let y2023 = String::from_utf8(ok(&[
        "report", "Kon Tum", "Attapư", "--lang", "en", "--from", "2023", "--to", "2023", "--today", TODAY,
    ]))
    .unwrap();
    assert!(y2023.contains("Period: 2023–2023"));
    assert!(all.contains("12/03/2024") || all.contains("2024-03-12"));
    assert!(!y2023.contains("2024-03-12"), "a 2024 meeting is outside 2023");
    assert!(y2023.contains("2023-09-20"), "the 2023 talks are inside it");
}

#[test]
fn docx_reads_back_with_headings_tables_and_footnotes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.docx");
    ok(&["report", "Kon Tum", "Attapư", "-o", path.to_str().unwrap(), "--today", TODAY]);
    let bytes = std::fs::read(&path).unwrap();
    let doc = unzip(&bytes, "word/document.xml");
    assert!(doc.contains("BÁO CÁO KẾT QUẢ HỢP TÁC"));
    assert!(doc.contains(r#"w:val="Heading2""#), "sections are Word headings");
    assert!(doc.contains("<w:tbl>"), "tables are Word tables");
    assert!(doc.contains("Sa Mặc Khi Xay"));
    assert!(doc.contains("<w:drawing>"), "the map and charts are pictures");
    let notes = unzip(&bytes, "word/footnotes.xml");
    assert!(notes.matches("<w:footnote ").count() > 10, "each source is a footnote");
    assert!(notes.contains("“"), "notes quote their sentence");
    // A Lao report names the Lao font for complex script runs.
    let lo = dir.path().join("lo.docx");
    ok(&["report", "Kon Tum", "Attapư", "--lang", "lo", "-o", lo.to_str().unwrap(), "--today", TODAY]);
    let doc = unzip(&std::fs::read(&lo).unwrap(), "word/document.xml");
    assert!(doc.contains("ບົດລາຍງານຜົນການຮ່ວມມື") && doc.contains("ອັດຕະປື"));
}

#[test]
fn pdf_reads_back_in_vietnamese_and_lao() {
    let dir = tempfile::tempdir().unwrap();
    for (lang, words) in [
        ("vi", &["BÁO CÁO KẾT QUẢ HỢP TÁC", "Kon Tum", "Cam kết và kết quả thực hiện"][..]),
        ("lo", &["ບົດລາຍງານຜົນການຮ່ວມມື", "ອັດຕະປື", "ຄະນະຜູ້ແທນ ແລະ ບຸກຄົນທີ່ໄດ້ພົບ"][..]),
        ("en", &["REVIEW REPORT ON COOPERATION", "Attapeu", "Commitments and results"][..]),
    ] {
        let path = dir.path().join(format!("{lang}.pdf"));
        ok(&["report", "Kon Tum", "Attapư", "--lang", lang, "-o", path.to_str().unwrap(), "--today", TODAY]);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{lang}");
        let Some(text) = pdftotext(&path) else { continue };
        for w in words {
            assert!(text.contains(w), "{lang}: {w:?} not in the PDF's text:\n{text}");
        }
    }
    if let Ok(out) = Command::new("pdffonts").arg(dir.path().join("lo.pdf")).output() {
        let fonts = String::from_utf8_lossy(&out.stdout);
        assert!(fonts.lines().skip(2).all(|l| l.contains(" yes ")), "every font embedded:\n{fonts}");
    }
}

#[test]
fn html_report_is_one_file_with_map_and_charts() {
    let html = String::from_utf8(ok(&["report", "Kon Tum", "Attapư", "--format", "html", "--today", TODAY])).unwrap();
    assert!(html.starts_with("<!doctype html><html lang=\"vi\">"));
    assert!(html.contains("class=\"map\"") && html.contains("data-iso=\"LA-AT\""));
    assert!(html.contains("class=\"chart\""));
    assert!(html.contains("id=\"note-1\"") && html.contains("href=\"#note-1\""));
}

#[test]
fn exports_read_back() {
    let dir = tempfile::tempdir().unwrap();
    // XLSX: four sheets, the header row and Lao labels as cells.
    let xlsx = dir.path().join("all.xlsx");
    ok(&["export", "--lang", "lo", "-o", xlsx.to_str().unwrap()]);
    let bytes = std::fs::read(&xlsx).unwrap();
    let book = unzip(&bytes, "xl/workbook.xml");
    for s in ["meetings", "agreements", "commitments", "people"] {
        assert!(book.contains(&format!("name=\"{s}\"")), "sheet {s}");
    }
    let strings = unzip(&bytes, "xl/sharedStrings.xml");
    assert!(strings.contains("ອັດຕະປື") && strings.contains("kind_label") && strings.contains("ກອງປະຊຸມ"));
    let commitments = unzip(&bytes, "xl/worksheets/sheet3.xml");
    assert!(commitments.contains("<v>500000000</v>"), "money stays a number");
    // CSV of one table, for one partnership.
    let csv_bytes = ok(&["export", "Kon Tum", "Attapư", "--table", "meetings", "--format", "csv"]);
    assert!(csv_bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark for Excel");
    let mut rd = csv::Reader::from_reader(&csv_bytes[3..]);
    let headers = rd.headers().unwrap().clone();
    assert_eq!(&headers[2], "kind");
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| &r[4] == "9" && &r[2] == "conference"), "conference IX");
    assert!(rows.iter().all(|r| r[1].contains("Kon Tum")), "only the partnership's meetings");
    // Every table into a folder.
    ok(&["export", "Quảng Nam", "Sê Kông", "-o", dir.path().to_str().unwrap()]);
    for t in ["meetings", "agreements", "commitments", "people"] {
        assert!(dir.path().join(format!("{t}.csv")).is_file(), "{t}.csv");
    }
}

#[test]
fn bad_requests_fail_with_the_reason_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["report", "Kon Tum", "Attapư", "--format", "odt"], "expected md, html, docx or pdf"),
        (&["report", "Kon Tum", "Attapư", "--from", "2025", "--to", "2021"], "is after"),
        (&["report", "Kon Tum", "Attapư", "--lang", "fr"], "expected vi, lo or en"),
        (&["report", "Điện Biên", "Attapư"], "no partnership"),
        (&["export", "--format", "csv"], "CSV holds one table"),
    ];
    for (args, why) in cases {
        let out = hoptac(args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{args:?}: {err}");
    }
    let missing = dir.path().join("no/such/dir/r.pdf");
    let out = hoptac(&["report", "Kon Tum", "Attapư", "-o", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/dir"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file left behind");
}

#[test]
fn the_server_hands_out_reports_and_exports() {
    let server = common::serve_store(store(), false, &[]);
    let agent = common::agent();
    let get = |path: &str| {
        let mut r = agent.get(format!("{}{path}", server.base)).call().unwrap();
        let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let cd = r.headers().get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        (r.status().as_u16(), ct, cd, r.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap())
    };
    let list = server.get("/api/v1/partnerships").json();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["parties"].as_array().unwrap().iter().any(|x| x == "LA-AT"))
        .map(|p| p["id"].as_i64().unwrap())
        .unwrap();
    let page = server.get(&format!("/partnerships/{id}"));
    assert!(page.body.contains("id=\"report-form\"") && page.body.contains("class=\"smallmap\""));
    let (status, ct, cd, body) = get(&format!("/partnerships/{id}/report?format=pdf&lang=lo"));
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(cd.starts_with("attachment; filename=\"hoptac-report-") && cd.ends_with("-lo.pdf\""), "{cd}");
    assert!(body.starts_with(b"%PDF-"));
    let (status, _, _, body) = get(&format!("/api/v1/partnerships/{id}/report?format=docx&from=2024&to=2024"));
    assert_eq!(status, 200);
    assert!(unzip(&body, "word/document.xml").contains("2024–2024"));
    let (status, _, _, body) = get(&format!("/partnerships/{id}/export?format=xlsx"));
    assert_eq!(status, 200);
    assert!(unzip(&body, "xl/workbook.xml").contains("name=\"commitments\""));
    let (status, ct, _, body) = get("/api/v1/export?format=csv&table=people&lang=en");
    assert_eq!((status, ct.as_str()), (200, "text/csv; charset=utf-8"));
    assert!(String::from_utf8(body).unwrap().contains("name,country"));
    for bad in [
        format!("/api/v1/partnerships/{id}/report?format=exe"),
        format!("/api/v1/partnerships/{id}/report?from=20x4"),
        "/api/v1/export?format=csv".to_string(),
    ] {
        assert_eq!(server.get(&bad).status, 400, "{bad}");
    }
    assert_eq!(server.get("/api/v1/partnerships/999999/report").status, 404);
    // The overview's map is drawn from the province shapes and shows the archipelagos.
    let overview = server.get("/?lang=vi");
    assert!(overview.body.contains("data-iso=\"VN-28\"") && overview.body.contains("Quần đảo Trường Sa"));
    // …and each partnership's gaps beside it (Kon Tum–Sekong's 2023–2024 scholarships are late).
    assert!(overview.body.contains("cam kết quá hạn"), "overdue commitments flagged on the overview");
}
