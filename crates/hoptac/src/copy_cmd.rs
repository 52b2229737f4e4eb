//! `hoptac copy --from A --to B`: a whole store from one backend to another (an office's SQLite
//! file onto the province's PostgreSQL server, or back), with its ids, in one transaction, then
//! verified table by table (rows and checksums read back from both). `hoptac backup FILE`: a
//! copy of an SQLite store made while it is in use.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use hoptac_app::backend::{Kind, Location};
use hoptac_store::transfer::{fold, Cell, Checksum, Importer, Table, PAGE, TABLES};
use hoptac_store::Backend;

#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// The store to copy (a file or postgres://…).
    #[arg(long, value_name = "FILE|URL")]
    from: String,
    /// Where to: a new file, or an empty database.
    #[arg(long, value_name = "FILE|URL")]
    to: String,
}

/// Read a table page by page; its checksum.
fn each_page(store: &dyn Backend, t: &Table, mut f: impl FnMut(&[Vec<Cell>]) -> Result<()>) -> Result<Checksum> {
    let mut sum = Checksum::default();
    let mut offset = 0;
    loop {
        let rows = store.export_rows(t, offset, PAGE)?;
        fold(&mut sum, t, &rows);
        f(&rows)?;
        offset += rows.len();
        if rows.len() < PAGE {
            return Ok(sum);
        }
    }
}

/// Every table's row count and checksum.
fn checksums(store: &dyn Backend) -> Result<Vec<Checksum>> {
    TABLES.iter().map(|t| each_page(store, t, |_| Ok(()))).collect()
}

/// What [`copy_tables`] read: each table's checksum, and the figures' links to the commitments
/// they fulfil (written by [`Importer::finish`], once every figure is in).
#[derive(Default)]
struct Copied {
    sums: Vec<Checksum>,
    fulfils: Vec<(i64, i64)>,
}

/// Every table of `src` into `importer`.
fn copy_tables(src: &dyn Backend, importer: &mut dyn Importer) -> Result<Copied> {
    let (mut sums, mut fulfils) = (Vec::new(), Vec::new());
    for t in TABLES {
        let at = |name: &str| t.columns.iter().position(|(c, _)| *c == name);
        let sum = each_page(src, t, |rows| {
            if let (true, Some(id), Some(f)) = (t.name == "figures", at("id"), at("fulfils")) {
                fulfils.extend(rows.iter().filter_map(|r| match (&r[id], &r[f]) {
                    (Cell::Int(a), Cell::Int(b)) => Some((*a, *b)),
                    _ => None,
                }));
            }
            Ok(importer.rows(t, rows)?)
        })?;
        sums.push(sum);
    }
    Ok(Copied { sums, fulfils })
}

pub fn copy(args: CopyArgs) -> Result<ExitCode> {
    let from = Location::parse(&args.from, None);
    let to = Location::parse(&args.to, None);
    if !from.is_present() {
        bail!("{}: no store here", from.display());
    }
    if let Kind::File(p) = &to.kind {
        if p.exists() {
            bail!("{}: exists already; copy into a new file", p.display());
        }
    }
    let src = from.open_read_only()?;
    let mut dst = to.open().with_context(|| format!("cannot open {}", to.display()))?;
    let expected = {
        let mut importer = dst.import()?;
        // Every table read from one state of the source: a writer may commit meanwhile (a fact
        // added then would otherwise be copied without the document it came from).
        let mut copied = Ok(Default::default());
        src.in_read_snapshot(&mut || {
            copied = copy_tables(&*src, &mut *importer);
            Ok(())
        })?;
        let Copied { sums, fulfils } = copied?;
        importer.finish(&fulfils)?;
        sums
    };
    drop(dst);
    // Read back from the copy, as a reader would.
    let copied = checksums(&*to.open_read_only()?)?;
    let mut same = true;
    for ((t, a), b) in TABLES.iter().zip(&expected).zip(&copied) {
        let ok = a == b;
        same &= ok;
        outln!(
            "{:<8} {:<20} {:>8} rows{}",
            if ok { "ok" } else { "DIFFERS" },
            t.name,
            a.rows,
            if ok {
                String::new()
            } else {
                format!(" (copy: {} rows, checksum {:016x} vs {:016x})", b.rows, b.digest, a.digest)
            }
        );
    }
    if !same {
        eprintln!("hoptac: error: the copy at {} differs from {}; do not use it", to.display(), from.display());
        return Ok(ExitCode::from(1));
    }
    outln!(
        "{} copied to {}: every table's rows and checksums agree (its search index is built at its first ingest, reindex or serve)",
        from.display(),
        to.display()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist).
    to: PathBuf,
}

pub fn backup(loc: &Location, args: BackupArgs) -> Result<ExitCode> {
    let Kind::File(path) = &loc.kind else {
        bail!(
            "{}: a PostgreSQL store is backed up by the database server: pg_dump -Fc -f hoptac.dump DBNAME (see README)",
            loc.display()
        );
    };
    if !path.is_file() {
        bail!("{}: no store here", path.display());
    }
    if args.to.exists() {
        bail!("{}: exists already", args.to.display());
    }
    let store = hoptac_sqlite::SqliteStore::open_read_only(path)?;
    // The copy and the checks read one state of the store: a writer may commit meanwhile.
    let a = store.in_snapshot(|s| -> Result<_> {
        s.backup_to(&args.to, |_, _| {})?;
        checksums(s)
    })?;
    let copy = hoptac_sqlite::SqliteStore::open_read_only(&args.to)?;
    let b = checksums(&copy)?;
    if a != b {
        bail!("{}: the backup differs from the store; do not use it", args.to.display());
    }
    let docs = a.get(3).map(|c| c.rows).unwrap_or(0);
    outln!("{} backed up to {} ({docs} documents; every table checked)", path.display(), args.to.display());
    Ok(ExitCode::SUCCESS)
}
