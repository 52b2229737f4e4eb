//! Reading quality, scored by the project's scorer (`../shared/tools/score.py`) on the real
//! `hoptac extract`: the seed articles, the dev corpus per language (Vietnamese, English, Lao)
//! and the example documents written for this project. Each has a floor a little under what it
//! scores today, so a change that reads worse fails here. README shows the full table and the
//! command that prints it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared() -> PathBuf {
    repo().join("../shared")
}

/// Extract `texts`, score the records against the gold files in `gold_dir`: the scorer's JSON
/// (`types.<type>.f1`, `macro_f1`).
fn score(gold_dir: &Path, texts: &[PathBuf]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_hoptac")).arg("extract").args(texts).output().expect("run hoptac");
    assert!(out.status.success(), "extract failed: {}", String::from_utf8_lossy(&out.stderr));
    let dir = tempfile::tempdir().unwrap();
    let pred = dir.path().join("pred.jsonl");
    std::fs::write(&pred, &out.stdout).unwrap();
    let res = Command::new("python3")
        .arg(shared().join("tools/score.py"))
        .arg(gold_dir)
        .arg(&pred)
        .arg("--json")
        .output()
        .expect("run python3 score.py");
    assert!(res.status.success(), "scorer failed: {}", String::from_utf8_lossy(&res.stderr));
    let v: Value = serde_json::from_slice(&res.stdout).expect("scorer JSON");
    eprintln!("{}: {v}", gold_dir.display());
    v
}

/// The articles of a corpus with their gold files, by language (`document.language`).
fn corpus(dir: &Path) -> Vec<(String, PathBuf, PathBuf)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let gold = entry.unwrap().path();
        let Some(name) = gold.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".gold.json")) else {
            continue;
        };
        let g: Value = serde_json::from_str(&std::fs::read_to_string(&gold).unwrap()).unwrap();
        let lang = g["document"]["language"].as_str().unwrap_or("vi").to_string();
        out.push((lang, dir.join(format!("{name}.txt")), gold));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Score the part of a corpus in `lang` (all of it for `None`): its gold files gathered in a
/// directory of their own, as the scorer reads every gold file of the directory it is given.
fn score_language(dir: &Path, lang: Option<&str>) -> Value {
    let part: Vec<(String, PathBuf, PathBuf)> =
        corpus(dir).into_iter().filter(|(l, _, _)| lang.is_none_or(|x| x == l)).collect();
    assert!(!part.is_empty(), "no {lang:?} articles in {}", dir.display());
    let golds = tempfile::tempdir().unwrap();
    for (_, _, gold) in &part {
        std::fs::copy(gold, golds.path().join(gold.file_name().unwrap())).unwrap();
    }
    let texts: Vec<PathBuf> = part.into_iter().map(|(_, t, _)| t).collect();
    score(golds.path(), &texts)
}

fn f1(v: &Value, ty: &str) -> f64 {
    v["types"][ty]["f1"].as_f64().unwrap_or(0.0)
}

fn macro_f1(v: &Value) -> f64 {
    v["macro_f1"].as_f64().expect("macro_f1")
}

#[test]
fn seeds_read_as_their_gold() {
    let v = score_language(&shared().join("corpus/seeds"), None);
    assert!(macro_f1(&v) >= 0.98, "macro F1 on the seeds fell to {:.3}", macro_f1(&v));
}

#[test]
fn dev_corpus_floor_per_language() {
    let dev = shared().join("corpus/dev");
    for (lang, floor) in [("vi", 0.95), ("en", 0.92), ("lo", 0.90)] {
        let v = score_language(&dev, Some(lang));
        assert!(
            macro_f1(&v) >= floor,
            "{lang}: macro F1 on the dev corpus fell to {:.3} (floor {floor})",
            macro_f1(&v)
        );
    }
}

#[test]
fn dev_corpus_floor_overall_and_per_type() {
    let v = score_language(&shared().join("corpus/dev"), None);
    assert!(macro_f1(&v) >= 0.94, "macro F1 on the dev corpus fell to {:.3}", macro_f1(&v));
    for (ty, floor) in [("places", 0.95), ("people", 0.92), ("events", 0.88), ("agreements", 0.88), ("figures", 0.88)] {
        assert!(f1(&v, ty) >= floor, "{ty}: F1 on the dev corpus fell to {:.3} (floor {floor})", f1(&v, ty));
    }
}

#[test]
fn own_example_documents_read_as_their_gold() {
    let v = score_language(&repo().join("examples/documents"), None);
    assert!(macro_f1(&v) >= 0.97, "macro F1 on examples/documents fell to {:.3}", macro_f1(&v));
    for lang in ["vi", "en", "lo"] {
        let v = score_language(&repo().join("examples/documents"), Some(lang));
        assert!(macro_f1(&v) >= 0.95, "{lang}: macro F1 on examples/documents fell to {:.3}", macro_f1(&v));
    }
}
