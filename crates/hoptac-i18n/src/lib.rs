//! hoptac in three languages: the message catalogues (Fluent files in `i18n/`, compiled in) that
//! the web pages, the reports and the exports share, the choice of language, and records as
//! people read them (`labels`: kinds and statuses, place names in the language's spelling, numbers
//! with the language's separators).

pub mod labels;

pub use labels::{number, Labels};

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Vi,
    Lo,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Vi, Lang::Lo, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::Lo => "lo",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let primary = s.split(['-', '_']).next().unwrap_or("");
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first supported language of an `Accept-Language` header, by quality.
    pub fn from_accept(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            if let Some(l) = Lang::parse(tag) {
                if best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::Vi => include_str!("../i18n/vi.ftl"),
            Lang::Lo => include_str!("../i18n/lo.ftl"),
            Lang::En => include_str!("../i18n/en.ftl"),
        }
    }
}

/// One language's messages.
pub struct Catalog {
    pub lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl Catalog {
    fn load(lang: Lang) -> Result<Catalog, String> {
        let resource = FluentResource::try_new(lang.source().to_string())
            .map_err(|(_, errs)| format!("{}.ftl: {errs:?}", lang.code()))?;
        let id: LanguageIdentifier = lang.code().parse().map_err(|e| format!("{}: {e}", lang.code()))?;
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks around arguments: they would show up in HTML and tests.
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).map_err(|errs| format!("{}.ftl: {errs:?}", lang.code()))?;
        Ok(Catalog { lang, bundle })
    }

    /// The message `key`; the key itself when the catalogue lacks it (a test keeps them complete).
    pub fn get(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with arguments.
    pub fn with(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, FluentValue::from(v.clone()));
        }
        self.format(key, Some(&fa))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        self.bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }

    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    pub fn lang(&self) -> &'static str {
        self.lang.code()
    }
}

/// All catalogues, loaded once.
pub struct Catalogs {
    by_lang: HashMap<Lang, Catalog>,
}

impl Catalogs {
    pub fn load() -> Result<Catalogs, String> {
        let mut by_lang = HashMap::new();
        for l in Lang::ALL {
            by_lang.insert(l, Catalog::load(l)?);
        }
        Ok(Catalogs { by_lang })
    }

    pub fn get(&self, lang: Lang) -> &Catalog {
        // Every language is loaded by `load`; Vietnamese is the fallback of the type system only.
        self.by_lang.get(&lang).or_else(|| self.by_lang.get(&Lang::Vi)).expect("catalogues are loaded at start")
    }
}

/// The keys of a catalogue file, in order.
pub fn keys(lang: Lang) -> Vec<String> {
    lang.source()
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_has_every_key() {
        let en = keys(Lang::En);
        assert!(en.len() > 100);
        let catalogs = Catalogs::load().unwrap();
        for l in Lang::ALL {
            assert_eq!(keys(l), en, "{}.ftl must have the keys of en.ftl, in the same order", l.code());
            for k in &en {
                assert!(catalogs.get(l).has(k), "{}: {k}", l.code());
                assert_ne!(catalogs.get(l).get(k), "", "{}: {k} is empty", l.code());
            }
        }
    }

    #[test]
    fn language_choice() {
        assert_eq!(Lang::from_accept("fr-FR, lo;q=0.8, en;q=0.5"), Some(Lang::Lo));
        assert_eq!(Lang::from_accept("en-GB,en;q=0.9,vi;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept("de"), None);
        let c = Catalogs::load().unwrap();
        assert_eq!(c.get(Lang::En).with("search-results", &[("total", "3".into())]), "3 results");
        assert_eq!(c.get(Lang::Lo).get("nav-search"), "ຄົ້ນຫາ");
        assert_eq!(c.get(Lang::Vi).get("no-such-key"), "no-such-key");
    }
}
