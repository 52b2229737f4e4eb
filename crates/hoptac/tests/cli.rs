//! Integration tests: run the real `hoptac` binary on files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hoptac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoptac")).args(args).output().expect("run hoptac")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hoptac-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn texts_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    v.sort();
    v
}

#[test]
fn records_are_json_lines_in_input_order_with_evidence_spans() {
    let dir = repo().join("examples/documents");
    let files = texts_in(&dir);
    let args: Vec<String> =
        std::iter::once("extract".to_string()).chain(files.iter().map(|f| f.to_string_lossy().into_owned())).collect();
    let out = hoptac(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), files.len());
    for (rec, file) in lines.iter().zip(&files) {
        assert_eq!(rec["format"], "hoptac.extract/1");
        assert_eq!(rec["document"]["source"], file.to_string_lossy().as_ref());
        // every span points at the text it claims, in the normalised document
        let text = hoptac_text::normalize(&std::fs::read_to_string(file).unwrap());
        for f in rec["figures"].as_array().unwrap() {
            let (a, b) = (f["span"][0].as_u64().unwrap() as usize, f["span"][1].as_u64().unwrap() as usize);
            assert_eq!(&text[a..b], f["quantity"].as_str().unwrap());
            assert!(text.contains(f["evidence"].as_str().unwrap()));
        }
        for p in rec["places"].as_array().unwrap() {
            for m in p["mentions"].as_array().unwrap() {
                let (a, b) = (m[0].as_u64().unwrap() as usize, m[1].as_u64().unwrap() as usize);
                assert!(text.is_char_boundary(a) && text.is_char_boundary(b) && a < b);
            }
        }
    }
}

#[test]
fn bad_inputs_are_reported_and_the_rest_still_processed() {
    let dir = tmp("bad");
    let good = dir.join("good.txt");
    std::fs::write(&good, "Ngày 5/6/2024, tại tỉnh Sê Kông, đoàn tỉnh Kon Tum và tỉnh Sê Kông tổ chức hội đàm.")
        .unwrap();
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let binary = dir.join("photo.jpg");
    std::fs::write(&binary, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46]).unwrap();
    let latin1 = dir.join("latin1.txt");
    std::fs::write(&latin1, b"caf\xe9 cr\xe8me br\xfbl\xe9e, nothing Vietnamese in it at all").unwrap();
    let huge = dir.join("huge.txt");
    std::fs::File::create(&huge).unwrap().set_len(200 * 1024 * 1024).unwrap(); // sparse: no disk used
    let missing = dir.join("missing.txt");
    let subdir = dir.join("a-directory");
    std::fs::create_dir_all(&subdir).unwrap();

    let paths = [&empty, &good, &binary, &latin1, &huge, &missing, &subdir];
    let args: Vec<String> =
        std::iter::once("extract".to_string()).chain(paths.iter().map(|p| p.to_string_lossy().into_owned())).collect();
    let out = hoptac(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1), "non-zero exit when any input failed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (p, reason) in [
        (&empty, "empty file"),
        (&binary, "binary data"),
        (&latin1, "not UTF-8"),
        (&huge, "over the limit"),
        (&missing, "No such file"),
        (&subdir, "is a directory"),
    ] {
        let line = stderr.lines().find(|l| l.contains(&*p.to_string_lossy())).unwrap_or_else(|| panic!("{stderr}"));
        assert!(line.contains(reason), "{line}");
    }
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "the good file is still extracted");
    let rec: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(rec["events"][0]["kind"], "talks");
}

#[test]
fn windows_1258_documents_are_decoded() {
    let dir = tmp("cp1258");
    let file = dir.join("legacy.txt");
    // Windows-1258 writes tones as combining marks after the base letter.
    let text =
        "Ngày 16/11/2017, tại TP Kon Tum, Ủy ban Mặt trận ba tỉnh Kon Tum, Attapư và Sê Kông tổ chức Hội nghị sơ kết.";
    let decomposed: String = unicode_nfd(text);
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&decomposed);
    assert!(!unmappable);
    std::fs::write(&file, &bytes).unwrap();
    let out = hoptac(&["extract", &file.to_string_lossy()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rec["document"]["encoding"], "windows-1258");
    assert_eq!(rec["events"][0]["kind"], "midterm_review");
    assert_eq!(rec["events"][0]["place"], "VN-28:kontum");
}

/// The form Windows-1258 stores: vowel shapes precomposed (ê, ơ, ă …), tone marks combining.
fn unicode_nfd(s: &str) -> String {
    use unicode_normalization::char::{compose, is_combining_mark};
    use unicode_normalization::UnicodeNormalization;
    let tone = |c: char| matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}');
    let mut out = String::new();
    let mut base: Option<char> = None;
    let mut tones: Vec<char> = Vec::new();
    let flush = |base: &mut Option<char>, tones: &mut Vec<char>, out: &mut String| {
        if let Some(b) = base.take() {
            out.push(b);
        }
        out.extend(tones.drain(..));
    };
    for c in s.nfd() {
        if is_combining_mark(c) {
            if tone(c) {
                tones.push(c);
            } else if let Some(b) = base {
                base = Some(compose(b, c).unwrap_or(b));
            }
        } else {
            flush(&mut base, &mut tones, &mut out);
            base = Some(c);
        }
    }
    flush(&mut base, &mut tones, &mut out);
    out
}

#[test]
fn no_arguments_is_a_usage_error() {
    let out = hoptac(&["extract"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FILES"));
}

#[test]
fn output_file_option_writes_records() {
    let dir = tmp("out");
    let out_file = dir.join("records.jsonl");
    let doc = repo().join("examples/documents/kyson_nonghet_2024.txt");
    let out = hoptac(&["extract", "-o", &out_file.to_string_lossy(), &doc.to_string_lossy()]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let rec: serde_json::Value = serde_json::from_str(std::fs::read_to_string(&out_file).unwrap().trim()).unwrap();
    assert_eq!(rec["events"][0]["ordinal"], 12);
}
