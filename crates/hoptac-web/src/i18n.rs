//! The message catalogues live in `hoptac-i18n` (the reports use them too); the choice of
//! language for a request is `?lang=`, then the `lang` cookie, then `Accept-Language`, then
//! Vietnamese (`request`).

pub use hoptac_i18n::{keys, Catalog, Catalogs, Lang};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_code_uses_exists() {
        let en = keys(Lang::En);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        let mut used = Vec::new();
        for sub in ["src", "src/pages", "templates", "../hoptac-report/src"] {
            for entry in std::fs::read_dir(format!("{dir}{sub}")).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    continue;
                }
                let text = std::fs::read_to_string(path).unwrap();
                for needle in ["t.get(\"", "t.with(\""] {
                    for (i, _) in text.match_indices(needle) {
                        let rest = &text[i + needle.len()..];
                        let key = &rest[..rest.find('"').unwrap()];
                        used.push(key.to_string());
                    }
                }
            }
        }
        assert!(used.len() > 50, "found {} uses", used.len());
        for k in used {
            assert!(en.contains(&k), "the code uses {k:?}, which en.ftl lacks");
        }
    }
}
