//! Which store a command works on: an SQLite file (the default, `hoptac.db`) or a PostgreSQL
//! database (`postgres://…`), each with its search index in a directory of its own. Every command
//! and the server open stores here and use them through [`Backend`] only.

use std::path::{Path, PathBuf};

use hoptac_postgres::PgStore;
use hoptac_sqlite::SqliteStore;
use hoptac_store::{Backend, StoreError};

/// Where the store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File(PathBuf),
    Postgres(String),
}

/// A store and the directory of its search index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub kind: Kind,
    /// The index directory, when given (`--index`, `HOPTAC_INDEX`); otherwise beside the file,
    /// or for a database `NAME.index` in the working directory.
    index: Option<PathBuf>,
}

impl Location {
    /// `postgres://…` or `postgresql://…` names a database; anything else a file.
    pub fn parse(store: &str, index: Option<PathBuf>) -> Location {
        let kind = if hoptac_postgres::is_url(store) {
            Kind::Postgres(store.to_string())
        } else {
            Kind::File(PathBuf::from(store))
        };
        Location { kind, index }
    }

    pub fn file(path: &Path) -> Location {
        Location { kind: Kind::File(path.to_path_buf()), index: None }
    }

    /// Where the search index is.
    pub fn index_dir(&self) -> PathBuf {
        if let Some(dir) = &self.index {
            return dir.clone();
        }
        match &self.kind {
            Kind::File(p) => crate::index::index_dir(p),
            Kind::Postgres(url) => {
                // The database's name, as the last path segment of the URL (query left off).
                let tail = url.rsplit('/').next().unwrap_or("hoptac");
                let db = tail.split('?').next().filter(|d| !d.is_empty()).unwrap_or("hoptac");
                let safe: String =
                    db.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
                PathBuf::from(format!("{safe}.index"))
            }
        }
    }

    /// For messages: the path, or the address without its password.
    pub fn display(&self) -> String {
        match &self.kind {
            Kind::File(p) => p.display().to_string(),
            Kind::Postgres(url) => hoptac_postgres::redact(url),
        }
    }

    /// Is there (as far as can be told without connecting) a store to read?
    pub fn is_present(&self) -> bool {
        match &self.kind {
            Kind::File(p) => p.is_file(),
            Kind::Postgres(_) => true,
        }
    }

    /// Open for writing (creating the store, or bringing its schema up to date).
    pub fn open(&self) -> Result<Box<dyn Backend>, StoreError> {
        Ok(match &self.kind {
            Kind::File(p) => Box::new(SqliteStore::open(p)?),
            Kind::Postgres(url) => Box::new(PgStore::open(url)?),
        })
    }

    /// Open for reading only: nothing is created, migrated or written.
    pub fn open_read_only(&self) -> Result<Box<dyn Backend>, StoreError> {
        Ok(match &self.kind {
            Kind::File(p) => Box::new(SqliteStore::open_read_only(p)?),
            Kind::Postgres(url) => Box::new(PgStore::open_read_only(url)?),
        })
    }

    /// The SQLite file, if that is what it is.
    pub fn file_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::File(p) => Some(p),
            Kind::Postgres(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_are_files_or_databases_each_with_its_index() {
        let f = Location::parse("office/kontum.db", None);
        assert_eq!(f.index_dir(), PathBuf::from("office/kontum.db.index"));
        assert_eq!(f.display(), "office/kontum.db");
        let pg = Location::parse("postgres://hoptac:s3cret@db.kontum.lan:5432/hoptac_kt?sslmode=disable", None);
        assert!(matches!(pg.kind, Kind::Postgres(_)));
        assert_eq!(pg.index_dir(), PathBuf::from("hoptac_kt.index"));
        assert!(!pg.display().contains("s3cret"), "{}", pg.display());
        let given = Location::parse("postgresql://h/db", Some(PathBuf::from("/srv/hoptac/index")));
        assert_eq!(given.index_dir(), PathBuf::from("/srv/hoptac/index"));
    }
}
