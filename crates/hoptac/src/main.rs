//! The `hoptac` command line.

/// `println!` for command output: a closed pipe (`hoptac search … | head`) becomes an error the
/// command returns, not a panic.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)?
    }};
}

/// `print!` likewise.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($t)*)?
    }};
}

mod check_cmd;
mod copy_cmd;
mod extract_cmd;
mod ingest_cmd;
mod query_cmd;
mod reindex_cmd;
mod report_cmd;
mod serve_cmd;
mod user_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: the server and the ingest pipeline allocate many small, short-lived values from
/// several threads; it serves them faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in mimalloc 3's `mi_option_e`, which
/// libmimalloc-sys does not name): milliseconds before freed memory goes back to the system.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the allocator before it goes back to the system, in
/// milliseconds (mimalloc's default is a second). An ingest frees tens of megabytes at each
/// commit of the search index and builds as many again within the second: held a second, they
/// added 50–70 MB to its peak (19,000 documents, before the index had a thread of its own:
/// 250–265 MB → 185–205 MB). Given back at once (0 ms), the extraction threads fault the same
/// pages in again: 20,000 documents took 4.01–4.44 s (1.2–1.4 s of it in the kernel) against
/// 3.70–4.17 s (0.9–1.0 s) with 50 ms, whose peak is 175–184 MB against 151–181 MB.
const PURGE_DELAY_MS: std::ffi::c_long = 50;

/// mimalloc's `mi_option_allow_thp` (its place in mimalloc 3's `mi_option_e`).
#[cfg(target_os = "linux")]
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// No transparent huge pages for this process (Linux). mimalloc asks for them for the memory it
/// takes from the system, and a huge page is resident, and zeroed, whole (2 MB) once any of it is
/// touched: an ingest's memory is many short-lived allocations over several threads, which
/// leave huge pages partly used. Without them, 20,000 documents peaked at 142–162 MB against
/// 161–182 MB, in the same CPU time (four alternating runs each, `MIMALLOC_ALLOW_THP=0` / `1`).
/// What the user sets in `MIMALLOC_ALLOW_THP` stands.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os("MIMALLOC_ALLOW_THP").is_some() {
            return;
        }
        // SAFETY: sets one integer option of the allocator (read when it next maps memory), and
        // the process's "no transparent huge pages" flag (integer arguments only; on a kernel
        // without it the call fails and changes nothing), from the main thread before any other
        // thread is started. Pages already mapped huge stay so; later faults take small pages.
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

fn return_freed_memory_soon() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return; // the user's choice
    }
    // SAFETY: sets one integer option of the allocator, from the main thread before any other
    // thread is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

#[derive(Debug, Parser)]
#[command(name = "hoptac", version, about = "System of record for Vietnam–Laos twinned-locality cooperation")]
struct Cli {
    /// The store (an SQLite file; its search index lives beside it in FILE.index/).
    /// The store: an SQLite file, or a PostgreSQL database (postgres://user@host/db).
    #[arg(long, global = true, env = "HOPTAC_STORE", default_value = "hoptac.db", value_name = "FILE|URL")]
    store: String,
    /// The search index's directory (default: beside the file; for a database, NAME.index here).
    #[arg(long, global = true, env = "HOPTAC_INDEX", value_name = "DIR")]
    index: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read articles or minutes and print one hoptac.extract/1 record per file (JSON Lines).
    Extract(extract_cmd::Args),
    /// Store documents and what they say, merging facts reported by several documents.
    Ingest(ingest_cmd::Args),
    /// Full-text search over documents and facts.
    Search(query_cmd::SearchArgs),
    /// A partnership's agreements, meetings, commitments, people and sources.
    Dossier(query_cmd::DossierArgs),
    /// Upcoming planned meetings and commitments falling due (--ics writes a calendar file).
    Agenda(query_cmd::AgendaArgs),
    /// A partnership's review report (báo cáo sơ kết, tổng kết) as Markdown, HTML, DOCX or PDF.
    Report(report_cmd::ReportArgs),
    /// Meetings, agreements, commitments and people as CSV or XLSX, for some places or all.
    Export(report_cmd::ExportArgs),
    /// Rebuild the search index from the store.
    Reindex,
    /// Check the store and its index in full and say what to do about any damage (reads only).
    Check,
    /// The web application and HTTP API (read-only unless --local; --demo for a quick look).
    Serve(serve_cmd::Args),
    /// Accounts of a shared server: add, list, disable, enable, reset-password, roles.
    User(user_cmd::Args),
    /// Copy a whole store to another backend (SQLite file ⇄ PostgreSQL), verified table by table.
    Copy(copy_cmd::CopyArgs),
    /// Back up an SQLite store while it is in use.
    Backup(copy_cmd::BackupArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let store = hoptac_app::backend::Location::parse(&cli.store, cli.index);
    let result = match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
        Command::Ingest(args) => {
            return_freed_memory_soon();
            no_transparent_huge_pages();
            ingest_cmd::run(&store, args)
        }
        Command::Search(args) => query_cmd::search(&store, args),
        Command::Dossier(args) => query_cmd::dossier(&store, args),
        Command::Agenda(args) => query_cmd::agenda(&store, args),
        Command::Report(args) => report_cmd::report(&store, args),
        Command::Export(args) => report_cmd::export(&store, args),
        Command::Reindex => reindex_cmd::run(&store),
        Command::Check => check_cmd::run(&store),
        Command::Serve(args) => serve_cmd::run(&store, args),
        Command::User(args) => user_cmd::run(&store, args),
        Command::Copy(args) => copy_cmd::copy(args),
        Command::Backup(args) => copy_cmd::backup(&store, args),
    };
    match result {
        Ok(code) => code,
        // The reader of our output has gone (`| head`): nothing more to say to anyone.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hoptac: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
