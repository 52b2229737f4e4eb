//! `hoptac serve`: the web application and HTTP API. A shared server by default: anyone reads
//! (unless `--private`), people sign in with the accounts `hoptac user` made and act as their
//! roles allow. `--local` is single-user mode for a laptop (loopback only, no sign-in);
//! `--read-only` serves reads only; `--demo` serves a temporary store filled from the bundled
//! example documents.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use hoptac_app::backend::Location;
use hoptac_web::{AppState, Config, Limits, Mode};
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Single-user local mode: the person at this machine may review, correct and add records
    /// (only on a loopback address).
    #[arg(long)]
    local: bool,
    /// Reading needs an account too (default: anyone may read; writing always needs one).
    #[arg(long, conflicts_with_all = ["local", "demo", "read_only"])]
    private: bool,
    /// Serve reads only: no sign-in, no changes (a public mirror, a store on read-only media).
    #[arg(long, conflicts_with_all = ["local", "demo"])]
    read_only: bool,
    /// A reverse proxy (which terminates TLS) is in front: take the client's address from the
    /// last `X-Forwarded-For` entry, for the audit log and sign-in throttling.
    #[arg(long)]
    behind_proxy: bool,
    /// The name recorded with each decision in local mode (default: $USER).
    #[arg(long)]
    user: Option<String>,
    /// Serve a temporary store filled from the example documents (implies --local).
    #[arg(long)]
    demo: bool,
    /// The documents --demo ingests.
    #[arg(long, default_value = "examples/documents")]
    demo_dir: PathBuf,
    /// Largest document accepted by upload, in MB.
    #[arg(long, default_value_t = 8)]
    upload_limit_mb: usize,
    /// Logs as JSON lines (default: human-readable lines with key=value fields).
    #[arg(long)]
    log_json: bool,
    /// A host name this server answers for (besides its addresses and localhost); repeat for
    /// several. Requests naming any other host are refused (DNS rebinding).
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Connections served at once; more are answered 503.
    #[arg(long, default_value_t = 512)]
    max_connections: usize,
    /// Seconds a client has to send a request's headers (an idle connection is closed after
    /// as long).
    #[arg(long, default_value_t = 10)]
    header_timeout: u64,
    /// Seconds within which every request is answered (503 after).
    #[arg(long, default_value_t = 60)]
    request_timeout: u64,
    /// Seconds requests in flight get to finish after SIGTERM before the server stops anyway.
    #[arg(long, default_value_t = 10)]
    shutdown_timeout: u64,
}

fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tantivy=warn,rusqlite_migration=warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

pub fn run(store: &Location, args: Args) -> Result<ExitCode> {
    init_logs(args.log_json);
    let local = args.local || args.demo;
    if local && !args.addr.ip().is_loopback() {
        bail!("--local serves one person on this machine: listen on a loopback address (127.0.0.1), not {}", args.addr);
    }
    // The demo's store lives in a temporary directory removed when the server stops.
    let demo_dir =
        if args.demo { Some(tempfile::tempdir().context("cannot create a temporary directory")?) } else { None };
    let store: Location = match &demo_dir {
        Some(dir) => {
            let path = dir.path().join("demo.db");
            if !args.demo_dir.is_dir() {
                bail!(
                    "{}: no example documents here (run from the repository, or give --demo-dir)",
                    args.demo_dir.display()
                );
            }
            let loc = Location::file(&path);
            crate::ingest_cmd::ingest_paths(&loc, std::slice::from_ref(&args.demo_dir), true)?;
            loc
        }
        None => store.clone(),
    };
    let user = args.user.or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "local".into());
    let mode = if local {
        Mode::Local { user }
    } else if args.read_only {
        Mode::ReadOnly
    } else {
        Mode::Shared
    };
    if args.max_connections == 0 || args.header_timeout == 0 || args.request_timeout == 0 {
        bail!("--max-connections, --header-timeout and --request-timeout must be at least 1");
    }
    let limits = Limits {
        connections: args.max_connections,
        header_timeout: Duration::from_secs(args.header_timeout),
        request_timeout: Duration::from_secs(args.request_timeout),
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
    };
    let config = Config {
        addr: args.addr,
        store: store.clone(),
        mode,
        upload_limit: args.upload_limit_mb * 1_000_000,
        allowed_hosts: args.allow_host,
        limits,
        private: args.private,
        behind_proxy: args.behind_proxy,
    };
    let state = AppState::open(config).map_err(|e| anyhow::anyhow!(e))?;
    let writes = state.can_write();
    let how = match &state.config.mode {
        Mode::Local { .. } => "single-user local mode: writes allowed".to_string(),
        Mode::ReadOnly => "read-only".to_string(),
        Mode::Shared => format!(
            "shared: {} reads, accounts sign in to write{}",
            if args.private { "only signed-in accounts" } else { "anyone" },
            if args.behind_proxy { "; behind a proxy" } else { "" }
        ),
    };
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let addr = listener.local_addr().context("no local address")?;
        println!("hoptac: serving http://{addr}/ (store {}, {})", store.display(), how);
        tracing::info!(%addr, store = %store.display(), writes, "listening");
        hoptac_web::serve(Arc::new(state), listener, shutdown_signal()).await.context("server failed")
    })?;
    drop(demo_dir);
    Ok(ExitCode::SUCCESS)
}
