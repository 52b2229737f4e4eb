//! `hoptac extract FILE...`: every file is read, decoded, normalised and extracted on its own,
//! in parallel; records are printed in the order the files were given. A file that cannot be
//! read is reported on standard error with the reason, the others are still processed, and the
//! exit status is 1 when any failed.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use hoptac_app::input::{InputError, DEFAULT_MAX_BYTES};
use hoptac_extract::Extractor;
use rayon::prelude::*;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Documents (articles, minutes): plain text, HTML (.html, .htm) or Markdown (.md); UTF-8, UTF-16 with
    /// BOM or Windows-1258.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Pretty-print each record (not JSON Lines).
    #[arg(long)]
    pretty: bool,
    /// Write records to this file instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let extractor = Extractor::new();
    let results: Vec<Result<String, InputError>> = args
        .files
        .par_iter()
        .map(|path| {
            let (text, encoding) = hoptac_app::input::read_any(path, args.max_bytes)?;
            let record = extractor.extract(&path.to_string_lossy(), &text, encoding);
            let json = if args.pretty { serde_json::to_string_pretty(&record) } else { serde_json::to_string(&record) };
            // Serialising our own record cannot fail; report it like an I/O error if it ever does.
            json.map_err(|e| InputError::Io(io::Error::other(e)))
        })
        .collect();
    let sink: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(File::create(p).with_context(|| format!("cannot create {}", p.display()))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    let mut failed = 0usize;
    for (path, result) in args.files.iter().zip(results) {
        match result {
            Ok(json) => writeln!(out, "{json}").context("cannot write output")?,
            Err(e) => {
                failed += 1;
                eprintln!("hoptac: error: {}: {e}", path.display());
            }
        }
    }
    out.flush().context("cannot write output")?;
    if failed > 0 {
        eprintln!("hoptac: {failed} of {} file(s) failed", args.files.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
