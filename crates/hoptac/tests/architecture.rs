//! Holds ARCHITECTURE.md to the code: every crate it names exists, every crate exists in it, and
//! the inner crates (the store's domain included) pull in no async runtime, database driver or web framework.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

#[test]
fn architecture_names_exactly_the_workspace_crates() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut crates: Vec<String> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    for c in &crates {
        assert!(doc.contains(&format!("`{c}`")), "ARCHITECTURE.md does not describe crate {c}");
    }
    for word in doc.split('`').skip(1).step_by(2).filter(|w| w.starts_with("hoptac")) {
        let name = word.split(['/', ':', ' ']).next().unwrap_or(word);
        if name.contains('-') || name == "hoptac" {
            assert!(crates.iter().any(|c| c == name), "ARCHITECTURE.md names {name}, which does not exist");
        }
    }
}

#[test]
fn inner_crates_stay_free_of_io_frameworks() {
    for inner in ["hoptac-core", "hoptac-text", "hoptac-extract", "hoptac-store"] {
        let manifest = std::fs::read_to_string(root().join("crates").join(inner).join("Cargo.toml")).unwrap();
        for forbidden in ["tokio", "sqlx", "axum", "rusqlite", "postgres", "tantivy", "hyper"] {
            assert!(!manifest.contains(forbidden), "{inner} depends on {forbidden}");
        }
    }
    // The store's domain reaches a database only through its traits; each backend crate holds one driver.
    let store = std::fs::read_to_string(root().join("crates/hoptac-store/Cargo.toml")).unwrap();
    assert!(!store.contains("hoptac-extract"), "the store does not depend on extraction rules");
    let pg = std::fs::read_to_string(root().join("crates/hoptac-postgres/Cargo.toml")).unwrap();
    assert!(!pg.contains("rusqlite") && !pg.contains("hoptac-sqlite"), "one driver per backend");
    let search = std::fs::read_to_string(root().join("crates/hoptac-search/Cargo.toml")).unwrap();
    assert!(!search.contains("rusqlite") && !search.contains("hoptac-sqlite"), "the index does not know the database");
    let core = std::fs::read_to_string(root().join("crates/hoptac-core/Cargo.toml")).unwrap();
    assert!(!core.contains("hoptac-text") && !core.contains("hoptac-extract"), "the domain depends on nothing of ours");
}

/// In the web crate, the layer under the pages (authorisation, request reading, errors, shared
/// state, reads and writes) knows nothing of them; each page family has a file of its own.
#[test]
fn the_web_layer_under_the_pages_knows_nothing_of_them() {
    let src = root().join("crates/hoptac-web/src");
    for file in
        ["auth.rs", "guard.rs", "request.rs", "error.rs", "state.rs", "queries.rs", "actions.rs", "view.rs", "i18n.rs"]
    {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        assert!(!text.contains("pages::"), "{file} reaches into the pages");
    }
    for family in
        ["overview", "dossier", "records", "search", "review", "forms", "upload", "agenda", "account", "admin"]
    {
        assert!(src.join("pages").join(format!("{family}.rs")).is_file(), "no file for the {family} pages");
    }
}
