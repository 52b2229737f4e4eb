//! `hoptac user`: the accounts of a shared server, managed on the machine that holds the store.
//! The first admin is made here (there is no default password anywhere): `hoptac user add NAME
//! --role admin` prints a one-time link with which the person sets their own password.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use hoptac_app::accounts::{self, AccountError};
use hoptac_app::backend::Location;
use hoptac_extract::Gazetteer;
use hoptac_store::access::{Grant, Role};
use hoptac_store::accounts::{Account, AuditKind};
use hoptac_store::Backend;

#[derive(Debug, ClapArgs)]
pub struct Args {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Make an account: `--role` for each `--place` (or everywhere, without a place).
    Add {
        name: String,
        /// reader, editor, reviewer or admin.
        #[arg(long)]
        role: String,
        /// A place the role holds for (id or any spelling: VN-28, "Kon Tum", ອັດຕະປື); repeatable.
        #[arg(long = "place", value_name = "PLACE")]
        places: Vec<String>,
        /// The language of the person's pages.
        #[arg(long, default_value = "vi")]
        lang: String,
        /// Read the password from the first line of standard input (scripts) instead of
        /// printing a one-time link for the person to set it.
        #[arg(long)]
        password_stdin: bool,
        /// The server's address as people reach it, for the link.
        #[arg(long, default_value = "http://127.0.0.1:8080", value_name = "URL")]
        url: String,
    },
    /// Every account with its roles and state.
    List,
    /// Stop an account at once: its sessions end, its tokens stop working.
    Disable { name: String },
    /// Let a disabled account in again.
    Enable { name: String },
    /// Print a one-time link (valid 24 hours) with which the person sets a new password; with
    /// `--password-stdin`, set it here.
    ResetPassword {
        name: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "http://127.0.0.1:8080", value_name = "URL")]
        url: String,
    },
    /// Show an account's roles, or change them: `--grant reviewer@Attapeu`, `--revoke editor`.
    Roles {
        name: String,
        #[arg(long, value_name = "ROLE[@PLACE]")]
        grant: Vec<String>,
        #[arg(long, value_name = "ROLE[@PLACE]")]
        revoke: Vec<String>,
    },
}

/// Who acts from the command line, as the audit log names them.
fn operator() -> String {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "unknown".into());
    format!("cli:{user}")
}

fn place_of(g: &Gazetteer) -> impl Fn(&str) -> Result<hoptac_core::PlaceId, String> + '_ {
    move |p: &str| hoptac_app::places::resolve(g, p).map_err(|e| e.to_string())
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

fn find(store: &dyn Backend, name: &str) -> Result<Account> {
    store.account_by_name(name)?.ok_or_else(|| AccountError::NoSuchAccount(name.to_string()).into())
}

fn reset_link(url: &str, code: &str) -> String {
    format!("{}/reset/{code}", url.trim_end_matches('/'))
}

fn describe(a: &Account) -> String {
    if a.grants.is_empty() {
        "no role".into()
    } else {
        accounts::describe_grants(&a.grants)
    }
}

pub fn run(loc: &Location, args: Args) -> Result<ExitCode> {
    let g = Gazetteer::builtin();
    let who = operator();
    match args.command {
        UserCommand::List => {
            if !loc.is_present() {
                bail!("{}: no store here (run `hoptac ingest` or `hoptac user add` first)", loc.display());
            }
            let store = loc.open_read_only()?;
            let mut t = Table::new();
            t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
            t.set_header(["account", "roles", "language", "state", "last sign-in"]);
            for a in store.accounts()? {
                let state = match (a.disabled, a.password.is_some()) {
                    (true, _) => "disabled",
                    (false, false) => "no password yet",
                    (false, true) => "active",
                };
                let last = store
                    .last_audit(AuditKind::SignIn, &a.name)?
                    .and_then(|t| jiff::Timestamp::from_second(t).ok())
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "never".into());
                t.add_row([a.name.clone(), describe(&a), a.lang.clone(), state.into(), last]);
            }
            outln!("{t}");
        }
        UserCommand::Add { name, role, places, lang, password_stdin, url } => {
            let role = Role::parse(&role)
                .with_context(|| format!("{role:?}: the roles are reader, editor, reviewer, admin"))?;
            let grants: Vec<Grant> = if places.is_empty() {
                vec![Grant { role, place: None }]
            } else {
                places
                    .iter()
                    .map(|p| Ok(Grant { role, place: Some(place_of(g)(p).map_err(anyhow::Error::msg)?) }))
                    .collect::<Result<_>>()?
            };
            let mut store = loc.open()?;
            accounts::create_account(&mut *store, &name, &lang, &grants, &who, "")?;
            let account = find(&*store, &name)?;
            if password_stdin {
                accounts::set_password(&mut *store, &account, &read_password()?, &who, "")?;
                outln!("account {name} made ({}); its password is set", describe(&account));
            } else {
                let code = accounts::issue_reset(&mut *store, &account, &who, "")?;
                outln!("account {name} made ({})", describe(&account));
                outln!("give {name} this one-time link to set a password (valid 24 hours):");
                outln!("  {}", reset_link(&url, &code));
            }
        }
        UserCommand::Disable { name } => {
            let mut store = loc.open()?;
            let a = find(&*store, &name)?;
            accounts::set_disabled(&mut *store, &a, true, &who, "")?;
            outln!("account {name} disabled: its sessions have ended and its tokens no longer work");
        }
        UserCommand::Enable { name } => {
            let mut store = loc.open()?;
            let a = find(&*store, &name)?;
            accounts::set_disabled(&mut *store, &a, false, &who, "")?;
            outln!("account {name} enabled");
        }
        UserCommand::ResetPassword { name, password_stdin, url } => {
            let mut store = loc.open()?;
            let a = find(&*store, &name)?;
            if password_stdin {
                accounts::set_password(&mut *store, &a, &read_password()?, &who, "")?;
                outln!("password of {name} set; its sessions have ended");
            } else {
                let code = accounts::issue_reset(&mut *store, &a, &who, "")?;
                outln!("give {name} this one-time link to set a new password (valid 24 hours):");
                outln!("  {}", reset_link(&url, &code));
            }
        }
        UserCommand::Roles { name, grant, revoke } => {
            if grant.is_empty() && revoke.is_empty() {
                if !loc.is_present() {
                    bail!("{}: no store here", loc.display());
                }
                let store = loc.open_read_only()?;
                let a = find(&*store, &name)?;
                outln!("{name}: {}", describe(&a));
                return Ok(ExitCode::SUCCESS);
            }
            let mut store = loc.open()?;
            let a = find(&*store, &name)?;
            let mut grants = a.grants.clone();
            for s in &revoke {
                let r = accounts::parse_grant(s, place_of(g))?;
                if !grants.contains(&r) {
                    bail!("{name} does not hold {s}");
                }
                grants.retain(|x| *x != r);
            }
            for s in &grant {
                let n = accounts::parse_grant(s, place_of(g))?;
                if !grants.contains(&n) {
                    grants.push(n);
                }
            }
            accounts::set_grants(&mut *store, &a, &grants, &who, "")?;
            let a = find(&*store, &name)?;
            outln!("{name}: {}", describe(&a));
        }
    }
    Ok(ExitCode::SUCCESS)
}
