//! Whole-store copies: rows of each table out in key order, and in, with their ids, in one
//! transaction (see `hoptac_store::transfer`).

use hoptac_store::transfer::{Cell, Importer, Table};
use hoptac_store::{Result, StoreError};
use rusqlite::types::Value;
use rusqlite::Transaction;

use crate::rows::e;
use crate::SqliteStore;

fn cell(v: Value) -> Cell {
    match v {
        Value::Null => Cell::Null,
        Value::Integer(i) => Cell::Int(i),
        Value::Real(f) => Cell::Float(f),
        Value::Text(s) => Cell::Text(s),
        Value::Blob(b) => Cell::Text(String::from_utf8_lossy(&b).into_owned()),
    }
}

fn value(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Int(i) => Value::Integer(*i),
        Cell::Float(f) => Value::Real(*f),
        Cell::Text(s) => Value::Text(s.clone()),
    }
}

pub(crate) fn export_rows(s: &SqliteStore, t: &Table, offset: usize, limit: usize) -> Result<Vec<Vec<Cell>>> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    let key = cols[..t.key].join(", ");
    let sql = format!("SELECT {} FROM {} ORDER BY {key} LIMIT ?1 OFFSET ?2", cols.join(", "), t.name);
    let mut stmt = s.conn.prepare_cached(&sql).map_err(e)?;
    let rows = stmt
        .query_map([limit as i64, offset as i64], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i).map(cell)).collect())
        .map_err(e)?;
    rows.collect::<rusqlite::Result<Vec<Vec<Cell>>>>().map_err(e)
}

pub(crate) struct SqliteImporter<'c> {
    tx: Transaction<'c>,
}

pub(crate) fn import(s: &mut SqliteStore) -> Result<Box<dyn Importer + '_>> {
    let tx = s.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(e)?;
    let documents: i64 = tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).map_err(e)?;
    let accounts: i64 = tx.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0)).map_err(e)?;
    if documents > 0 || accounts > 0 {
        return Err(StoreError::Invalid(format!(
            "the target store is not empty ({documents} documents, {accounts} accounts): copy into a new one"
        )));
    }
    // The gazetteer's places were written when the store was opened; the copy brings its own.
    tx.execute("DELETE FROM places", []).map_err(e)?;
    Ok(Box::new(SqliteImporter { tx }))
}

impl Importer for SqliteImporter<'_> {
    fn rows(&mut self, t: &Table, rows: &[Vec<Cell>]) -> Result<()> {
        let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", t.name, cols.join(", "), marks.join(", "));
        let mut stmt = self.tx.prepare_cached(&sql).map_err(e)?;
        for row in rows {
            let mut values: Vec<Value> = row.iter().map(value).collect();
            if t.name == "figures" {
                // set at the end: a result may come before the commitment it fulfils
                if let Some(i) = cols.iter().position(|c| *c == "fulfils") {
                    values[i] = Value::Null;
                }
            }
            stmt.execute(rusqlite::params_from_iter(values)).map_err(e)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, fulfils: &[(i64, i64)]) -> Result<()> {
        {
            let mut stmt = self.tx.prepare("UPDATE figures SET fulfils = ?2 WHERE id = ?1").map_err(e)?;
            for (result, commitment) in fulfils {
                stmt.execute([result, commitment]).map_err(e)?;
            }
        }
        // Nothing copied is in this store's index yet; and the gazetteer is written again at
        // the next open if it differs.
        self.tx.execute("UPDATE documents SET indexed = 0", []).map_err(e)?;
        // People copied in (their rows have no trigger, schema 14), and facts (nor have theirs
        // when added, schema 16): every version raised.
        self.tx.execute(crate::PEOPLE_CHANGED, []).map_err(e)?;
        self.tx
            .execute(
                // (`WHERE true`: without a WHERE, SQLite reads ON CONFLICT as a join's ON)
                "INSERT INTO partnership_versions SELECT id, 1 FROM partnerships WHERE true
                 ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1",
                [],
            )
            .map_err(e)?;
        self.tx.execute("DELETE FROM meta WHERE key = 'gazetteer'", []).map_err(e)?;
        self.tx.commit().map_err(e)
    }
}
