//! Whole-store copies: rows of each table out in key order, and in, with their ids, in one
//! transaction; identities continue after the copied ids (see `hoptac_store::transfer`).

use hoptac_store::transfer::{Cell, Importer, Table, Ty};
use hoptac_store::{Result, StoreError};
use postgres::types::ToSql;
use postgres::Row;

use crate::rows::{col, e};
use crate::{Conn, PgStore, PgTx};

fn cell(r: &Row, i: usize, ty: Ty) -> Result<Cell> {
    Ok(match ty {
        Ty::Int => col::<Option<i64>>(r, i)?.map_or(Cell::Null, Cell::Int),
        Ty::Small => col::<Option<i16>>(r, i)?.map_or(Cell::Null, |v| Cell::Int(v.into())),
        Ty::Float => col::<Option<f64>>(r, i)?.map_or(Cell::Null, Cell::Float),
        Ty::Real => col::<Option<f32>>(r, i)?.map_or(Cell::Null, |v| Cell::Float(v.into())),
        Ty::Text => col::<Option<String>>(r, i)?.map_or(Cell::Null, Cell::Text),
        Ty::Bool => col::<Option<bool>>(r, i)?.map_or(Cell::Null, |b| Cell::Int(b.into())),
    })
}

fn param(c: &Cell, ty: Ty, column: &str) -> Result<Box<dyn ToSql + Sync>> {
    let wrong = || StoreError::Invalid(format!("column {column}: a {ty:?} cannot hold {c:?}"));
    Ok(match (ty, c) {
        (Ty::Int, Cell::Null) => Box::new(None::<i64>),
        (Ty::Small, Cell::Null) => Box::new(None::<i16>),
        (Ty::Float, Cell::Null) => Box::new(None::<f64>),
        (Ty::Real, Cell::Null) => Box::new(None::<f32>),
        (Ty::Text, Cell::Null) => Box::new(None::<String>),
        (Ty::Bool, Cell::Null) => Box::new(None::<bool>),
        (Ty::Int, Cell::Int(i)) => Box::new(*i),
        (Ty::Small, Cell::Int(i)) => Box::new(i16::try_from(*i).map_err(|_| wrong())?),
        (Ty::Float, Cell::Float(f)) => Box::new(*f),
        (Ty::Float, Cell::Int(i)) => Box::new(*i as f64),
        (Ty::Real, Cell::Float(f)) => Box::new(*f as f32),
        (Ty::Real, Cell::Int(i)) => Box::new(*i as f32),
        (Ty::Text, Cell::Text(s)) => Box::new(s.clone()),
        (Ty::Bool, Cell::Int(i)) => Box::new(*i != 0),
        _ => return Err(wrong()),
    })
}

pub(crate) fn export_rows(s: &PgStore, t: &Table, offset: usize, limit: usize) -> Result<Vec<Vec<Cell>>> {
    let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
    // Text keys in byte order, as SQLite orders them.
    let key: Vec<String> = t.columns[..t.key]
        .iter()
        .map(|(c, ty)| if *ty == Ty::Text { format!("{c} COLLATE \"C\"") } else { c.to_string() })
        .collect();
    let sql = format!("SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2", cols.join(", "), t.name, key.join(", "));
    s.rows(&sql, &[&(limit as i64), &(offset as i64)])?
        .iter()
        .map(|r| t.columns.iter().enumerate().map(|(i, (_, ty))| cell(r, i, *ty)).collect())
        .collect()
}

pub(crate) fn import(s: &mut PgStore) -> Result<Box<dyn Importer + '_>> {
    let PgStore { client, cache, .. } = s;
    let tx = client.get_mut().transaction().map_err(e)?;
    let t = PgTx::new(tx, cache);
    t.exec("SELECT pg_advisory_xact_lock($1)", &[&crate::LOCK_WRITE])?;
    let count = |table: &str| -> Result<i64> {
        Ok(t.opt_row(&format!("SELECT count(*) FROM {table}"), &[])?
            .map(|r| col::<i64>(&r, 0))
            .transpose()?
            .unwrap_or(0))
    };
    let (documents, accounts) = (count("documents")?, count("accounts")?);
    if documents > 0 || accounts > 0 {
        return Err(StoreError::Invalid(format!(
            "the target store is not empty ({documents} documents, {accounts} accounts): copy into a new one"
        )));
    }
    t.exec("DELETE FROM places", &[])?;
    Ok(Box::new(t))
}

impl Importer for PgTx<'_> {
    fn rows(&mut self, t: &Table, rows: &[Vec<Cell>]) -> Result<()> {
        let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        let sql = format!("INSERT INTO {} ({}) VALUES ({})", t.name, cols.join(", "), marks.join(", "));
        for row in rows {
            let mut params = Vec::with_capacity(cols.len());
            for (c, (name, ty)) in row.iter().zip(t.columns) {
                // set at the end: a result may come before the commitment it fulfils
                let c = if t.name == "figures" && *name == "fulfils" { &Cell::Null } else { c };
                params.push(param(c, *ty, name)?);
            }
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
            self.exec(&sql, &refs)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>, fulfils: &[(i64, i64)]) -> Result<()> {
        for (result, commitment) in fulfils {
            self.exec("UPDATE figures SET fulfils = $2 WHERE id = $1", &[result, commitment])?;
        }
        // New rows get ids after the copied ones.
        for t in [
            "documents",
            "partnerships",
            "events",
            "agreements",
            "figures",
            "organisations",
            "people",
            "evidence",
            "reviews",
            "accounts",
            "api_tokens",
            "audit",
        ] {
            self.exec(
                &format!("SELECT setval(pg_get_serial_sequence('{t}', 'id'), coalesce((SELECT max(id) FROM {t}), 0) + 1, false)"),
                &[],
            )?;
        }
        self.exec("UPDATE documents SET indexed = FALSE", &[])?;
        self.exec("INSERT INTO changes (document_id) SELECT id FROM documents ORDER BY id", &[])?;
        self.exec("DELETE FROM hoptac_meta WHERE key = 'gazetteer'", &[])?;
        self.exec("UPDATE hoptac_meta SET value = (value::bigint + 1)::text WHERE key = 'generation'", &[])?;
        self.tx.into_inner().commit().map_err(e)
    }
}
