//! The `hoptac` command line.

mod extract_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "hoptac", version, about = "System of record for Vietnam–Laos twinned-locality cooperation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read articles or minutes and print one hoptac.extract/1 record per file (JSON Lines).
    Extract(extract_cmd::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("hoptac: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
