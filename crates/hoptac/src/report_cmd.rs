//! `hoptac report` (a partnership's review report: Markdown, HTML, DOCX, PDF) and `hoptac export`
//! (its tables, or every partnership's, as CSV or XLSX). Files are written whole or not at all.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use hoptac_app::backend::Location;
use hoptac_app::places::resolve;
use hoptac_extract::Gazetteer;
use hoptac_i18n::{Catalogs, Labels, Lang};
use hoptac_report::{export, Format, Options};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Two (or more) places, by id or any spelling: "Kon Tum" "Attapư", VN-28 LA-AT.
    #[arg(required = true, num_args = 2..)]
    places: Vec<String>,
    /// md, html, docx or pdf (default: from the -o file's extension, else md).
    #[arg(long)]
    format: Option<String>,
    /// Where to write it (default: standard output, when it is not a terminal or the format is text).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// vi, lo or en.
    #[arg(long, default_value = "vi")]
    lang: String,
    /// First year of the period reported on.
    #[arg(long)]
    from: Option<i16>,
    /// Last year of the period reported on.
    #[arg(long)]
    to: Option<i16>,
    /// Leave out facts no person has confirmed (they are otherwise marked *).
    #[arg(long)]
    confirmed_only: bool,
    /// The date statuses are computed for (default: today).
    #[arg(long)]
    today: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Places whose partnerships to export (any spelling); none: every partnership.
    places: Vec<String>,
    /// csv or xlsx (default: from the -o file's extension, else csv).
    #[arg(long)]
    format: Option<String>,
    /// One table (meetings, agreements, commitments, people); CSV to standard output needs one.
    #[arg(long)]
    table: Option<String>,
    /// A file (XLSX, or CSV of one table) or a folder (CSV: one file per table).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Language of the labels: vi, lo or en.
    #[arg(long, default_value = "vi")]
    lang: String,
    #[arg(long)]
    today: Option<String>,
}

fn lang(s: &str) -> Result<Lang> {
    Lang::parse(s).with_context(|| format!("--lang {s:?}: expected vi, lo or en"))
}

/// Write a file whole: to a temporary file beside it, then renamed over it.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("{}: cannot write here", dir.display()))?;
    tmp.write_all(bytes).with_context(|| format!("{}: writing failed", path.display()))?;
    tmp.persist(path).with_context(|| format!("{}: cannot replace it", path.display()))?;
    Ok(())
}

fn emit(output: Option<&Path>, bytes: &[u8], binary: bool) -> Result<()> {
    match output {
        Some(p) => {
            write_whole(p, bytes)?;
            eprintln!("wrote {} ({} bytes)", p.display(), bytes.len());
        }
        None => {
            if binary && std::io::stdout().is_terminal() {
                bail!("this format is binary: write it to a file with -o FILE");
            }
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).context("writing to standard output")?;
            out.flush().context("writing to standard output")?;
        }
    }
    Ok(())
}

fn extension(p: Option<&Path>) -> Option<String> {
    p.and_then(|p| p.extension()).map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// The dossier of the partnerships of `places` (any spelling; none: every partnership) on `today`.
fn read_dossier(
    loc: &Location,
    places: &[String],
    today: Option<&str>,
) -> Result<(hoptac_store::dossier::Dossier, jiff::civil::Date)> {
    let store = loc.open_read_only()?;
    let g = Gazetteer::builtin();
    let wanted = places.iter().map(|p| resolve(g, p)).collect::<Result<Vec<_>, _>>()?;
    let today = crate::query_cmd::today(today)?;
    Ok((hoptac_store::dossier::build(store.reader(), &wanted, today)?, today))
}

pub fn report(loc: &Location, args: ReportArgs) -> Result<ExitCode> {
    let format_name = args.format.clone().or_else(|| extension(args.output.as_deref())).unwrap_or_else(|| "md".into());
    let format = Format::parse(&format_name)
        .with_context(|| format!("format {format_name:?}: expected md, html, docx or pdf"))?;
    if let (Some(f), Some(t)) = (args.from, args.to) {
        if f > t {
            bail!("--from {f} is after --to {t}");
        }
    }
    let lang = lang(&args.lang)?;
    let (d, today) = read_dossier(loc, &args.places, args.today.as_deref())?;
    let g = Gazetteer::builtin();
    if d.partnerships.is_empty() {
        bail!("the store holds no partnership between {}", args.places.join(" and "));
    }
    let catalogs = Catalogs::load().map_err(anyhow::Error::msg)?;
    let labels = Labels { t: catalogs.get(lang), gazetteer: g, lang };
    let options = Options { lang, from: args.from, to: args.to, confirmed_only: args.confirmed_only, today };
    let bytes = hoptac_report::make(&d, &labels, &options, format)?;
    emit(args.output.as_deref(), &bytes, matches!(format, Format::Docx | Format::Pdf))?;
    Ok(ExitCode::SUCCESS)
}

pub fn export(loc: &Location, args: ExportArgs) -> Result<ExitCode> {
    let format = args.format.clone().or_else(|| extension(args.output.as_deref())).unwrap_or_else(|| "csv".into());
    if format != "csv" && format != "xlsx" {
        bail!("format {format:?}: expected csv or xlsx");
    }
    if let Some(t) = &args.table {
        if !export::TABLES.contains(&t.as_str()) {
            bail!("--table {t:?}: expected one of {}", export::TABLES.join(", "));
        }
    }
    let lang = lang(&args.lang)?;
    let (d, _) = read_dossier(loc, &args.places, args.today.as_deref())?;
    let g = Gazetteer::builtin();
    let catalogs = Catalogs::load().map_err(anyhow::Error::msg)?;
    let labels = Labels { t: catalogs.get(lang), gazetteer: g, lang };
    let mut sheets = export::sheets(&d, &labels);
    if let Some(t) = &args.table {
        sheets.retain(|s| s.name == t);
    }
    if format == "xlsx" {
        return emit(args.output.as_deref(), &export::xlsx(&sheets)?, true).map(|_| ExitCode::SUCCESS);
    }
    match (&args.output, sheets.as_slice()) {
        (Some(dir), _) if dir.is_dir() => {
            for s in &sheets {
                emit(Some(&dir.join(format!("{}.csv", s.name))), &export::csv(s)?, false)?;
            }
        }
        (out, [one]) => emit(out.as_deref(), &export::csv(one)?, false)?,
        (_, _) => bail!("CSV holds one table: name it with --table, or give -o an existing folder for all four"),
    }
    Ok(ExitCode::SUCCESS)
}
