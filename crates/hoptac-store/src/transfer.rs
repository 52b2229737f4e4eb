//! Copying a whole store from one backend to another (`hoptac copy`): every table of the record
//! and the accounts, row by row with their ids, in an order that keeps references valid, and a
//! checksum of each table on both sides to show nothing was lost or changed.

use crate::Result;

/// A column's kind, as both backends can hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// 64-bit integer (ids, times, offsets).
    Int,
    /// A year or another small integer.
    Small,
    /// Double precision.
    Float,
    /// Single precision (confidence).
    Real,
    Text,
    Bool,
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

impl Cell {
    /// The same value, whatever backend read it: integers and booleans as integers, reals
    /// rounded to what single precision holds.
    fn canonical(&self, ty: Ty) -> String {
        match (self, ty) {
            (Cell::Null, _) => "\u{0}".into(),
            (Cell::Int(i), _) => i.to_string(),
            (Cell::Float(f), Ty::Real) => format!("{:e}", *f as f32),
            (Cell::Float(f), _) => format!("{f:e}"),
            (Cell::Text(s), _) => format!("{:?}", s),
        }
    }
}

/// A table and its columns; the first `key` columns order its rows.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Ty)],
    pub key: usize,
}

use Ty::*;

/// Every table a store holds, parents before children.
pub const TABLES: &[Table] = &[
    Table {
        name: "places",
        columns: &[
            ("id", Text),
            ("level", Text),
            ("name", Text),
            ("name_en", Text),
            ("name_lo", Text),
            ("valid_from", Text),
            ("valid_to", Text),
            ("successor", Text),
        ],
        key: 1,
    },
    Table { name: "partnerships", columns: &[("id", Int), ("key", Text)], key: 1 },
    Table { name: "partnership_parties", columns: &[("partnership_id", Int), ("place_id", Text)], key: 2 },
    Table {
        name: "documents",
        columns: &[
            ("id", Int),
            ("hash", Text),
            ("source", Text),
            ("title", Text),
            ("published", Text),
            ("language", Text),
            ("encoding", Text),
            ("text", Text),
            ("article_end", Int),
            ("ingested_at", Text),
        ],
        key: 1,
    },
    Table {
        name: "events",
        columns: &[
            ("id", Int),
            ("partnership_id", Int),
            ("kind", Text),
            ("ordinal", Int),
            ("date", Text),
            ("year", Small),
            ("place_id", Text),
            ("status", Text),
            ("review", Text),
            ("confidence", Real),
        ],
        key: 1,
    },
    Table {
        name: "agreements",
        columns: &[
            ("id", Int),
            ("partnership_id", Int),
            ("kind", Text),
            ("signed", Text),
            ("signed_year", Small),
            ("period_first", Small),
            ("period_last", Small),
            ("review", Text),
            ("confidence", Real),
        ],
        key: 1,
    },
    Table {
        name: "figures",
        columns: &[
            ("id", Int),
            ("partnership_id", Int),
            ("kind", Text),
            ("unit", Text),
            ("value", Float),
            ("from_places", Text),
            ("to_places", Text),
            ("period_first", Small),
            ("period_last", Small),
            ("year", Small),
            ("quantity", Text),
            ("fulfils", Int),
            ("review", Text),
            ("confidence", Real),
            ("per_year", Small),
        ],
        key: 1,
    },
    Table { name: "organisations", columns: &[("id", Int), ("name", Text)], key: 1 },
    Table {
        name: "people",
        columns: &[("id", Int), ("key", Text), ("name", Text), ("country", Text), ("place_id", Text)],
        key: 1,
    },
    Table {
        name: "roles",
        columns: &[
            ("person_id", Int),
            ("title", Text),
            ("office", Text),
            ("organisation_id", Int),
            ("first_seen", Text),
            ("last_seen", Text),
        ],
        key: 2,
    },
    Table {
        name: "evidence",
        columns: &[
            ("id", Int),
            ("fact_type", Text),
            ("fact_id", Int),
            ("document_id", Int),
            ("span_start", Int),
            ("span_end", Int),
            ("sentence", Text),
            ("claim", Text),
            ("sentence_start", Int),
            ("sentence_end", Int),
        ],
        key: 1,
    },
    Table {
        name: "reviews",
        columns: &[
            ("id", Int),
            ("fact_type", Text),
            ("fact_id", Int),
            ("decision", Text),
            ("reviewer", Text),
            ("at", Text),
            ("note", Text),
            ("before", Text),
            ("after", Text),
        ],
        key: 1,
    },
    Table {
        name: "accounts",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("lang", Text),
            ("password", Text),
            ("disabled", Bool),
            ("created_at", Int),
            ("reset_hash", Text),
            ("reset_expires", Int),
        ],
        key: 1,
    },
    Table { name: "grants", columns: &[("account", Int), ("role", Text), ("place", Text)], key: 3 },
    Table {
        name: "sessions",
        columns: &[("hash", Text), ("account", Int), ("created_at", Int), ("seen_at", Int), ("address", Text)],
        key: 1,
    },
    Table {
        name: "api_tokens",
        columns: &[
            ("id", Int),
            ("account", Int),
            ("name", Text),
            ("hash", Text),
            ("created_at", Int),
            ("used_at", Int),
            ("revoked_at", Int),
        ],
        key: 1,
    },
    Table {
        name: "audit",
        columns: &[
            ("id", Int),
            ("at", Int),
            ("account", Text),
            ("subject", Text),
            ("address", Text),
            ("kind", Text),
            ("detail", Text),
        ],
        key: 1,
    },
];

/// Rows are read and written this many at a time.
pub const PAGE: usize = 2000;

/// Writing a copied store: rows of each table in [`TABLES`] order, all in one transaction.
pub trait Importer {
    fn rows(&mut self, table: &Table, rows: &[Vec<Cell>]) -> Result<()>;
    /// Set the references that may point forward (a result to the commitment it fulfils),
    /// make new ids continue after the copied ones, and commit.
    fn finish(self: Box<Self>, fulfils: &[(i64, i64)]) -> Result<()>;
}

/// A table's checksum: its row count and a hash of its rows in key order, the same whatever
/// backend holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub rows: u64,
    pub digest: u64,
}

/// Fold one page of rows into a running checksum (FNV-1a over the canonical form).
pub fn fold(sum: &mut Checksum, table: &Table, rows: &[Vec<Cell>]) {
    for row in rows {
        sum.rows += 1;
        for (cell, (_, ty)) in row.iter().zip(table.columns) {
            for b in cell.canonical(*ty).bytes().chain([0x1f]) {
                sum.digest ^= u64::from(b);
                sum.digest = sum.digest.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        sum.digest ^= 0x1e;
        sum.digest = sum.digest.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

impl Default for Checksum {
    fn default() -> Self {
        Checksum { rows: 0, digest: 0xcbf2_9ce4_8422_2325 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_see_every_value_and_their_order_within_rows() {
        let t = &TABLES[1]; // partnerships
        let rows =
            |a: &str, b: &str| vec![vec![Cell::Int(1), Cell::Text(a.into())], vec![Cell::Int(2), Cell::Text(b.into())]];
        let sum = |rs: &[Vec<Cell>]| {
            let mut s = Checksum::default();
            fold(&mut s, t, rs);
            s
        };
        assert_eq!(sum(&rows("LA-XE,VN-28", "LA-AT,VN-28")), sum(&rows("LA-XE,VN-28", "LA-AT,VN-28")));
        assert_ne!(sum(&rows("LA-XE,VN-28", "LA-AT,VN-28")), sum(&rows("LA-XE,VN-28", "LA-AT,VN-29")));
        assert_ne!(sum(&rows("a", "")), sum(&rows("", "a")), "values stay in their columns");
        assert_eq!(sum(&rows("a", "b")).rows, 2);
        // A real read back from single precision is the same value.
        assert_eq!(Cell::Float(0.9f32 as f64).canonical(Ty::Real), Cell::Float(0.9).canonical(Ty::Real));
        // Every table orders its rows by a key it has.
        for t in TABLES {
            assert!(t.key >= 1 && t.key <= t.columns.len(), "{}", t.name);
        }
    }
}
