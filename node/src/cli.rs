//! The `vf-node` command line: `init`, `id`, `serve`, `config`, `token`, `token-key`,
//! `token-revoke`, `schema`, `rebuild`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::app::App;
use crate::app::tokens::Revoke;
use crate::auth::{Keyring, Scope};
use crate::config::{CONFIG_FILE, Config};
use crate::node::Node;

/// A ValueFlows ledger node.
#[derive(Parser, Debug)]
#[command(name = "vf-node", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the node (key, config, its own Organization agent); prints its DID last.
    Init {
        #[command(flatten)]
        common: Common,
        /// Name of the node's Organization agent.
        #[arg(long)]
        name: Option<String>,
    },
    /// Print the node's DID (creating its key on first use), to give to peers that follow it.
    Id {
        /// Data directory (where the key is).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Run the node (initialising it first if needed).
    Serve {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        flags: ServeFlags,
    },
    /// Print the configuration `serve` would run with, as TOML, secrets masked.
    Config {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        flags: ServeFlags,
    },
    /// Print a bearer token signed by the node.
    Token {
        #[command(flatten)]
        common: Common,
        /// `read`, `write` or `admin`.
        #[arg(long)]
        scope: String,
        /// The agent the token speaks for (default: the node's own Organization).
        #[arg(long)]
        agent: Option<String>,
        /// Lifetime in seconds.
        #[arg(long)]
        ttl: Option<u64>,
    },
    /// Manage the keys tokens are signed with: rotate, list, drop, generate.
    #[command(subcommand)]
    TokenKey(TokenKeyCommand),
    /// Revoke a token (by the token itself, or by its id): every node on this database
    /// refuses it from then on.
    TokenRevoke {
        #[command(flatten)]
        common: Common,
        /// The token to revoke.
        #[arg(long, conflicts_with_all = ["id", "expires_at"], required_unless_present = "id")]
        token: Option<String>,
        /// The id (`jti`) of the token to revoke.
        #[arg(long)]
        id: Option<String>,
        /// When the token expires (RFC 3339), with `--id`: the revocation is forgotten then.
        #[arg(long, requires = "id")]
        expires_at: Option<String>,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Recompute all derived resource state from the stored records and report differences.
    Rebuild {
        #[command(flatten)]
        common: Common,
        /// Only report; change nothing. Exits with status 3 when stored state differs.
        #[arg(long)]
        check: bool,
    },
}

/// `vf-node token-key ...`: the token signing keys in `token-keys/` of the data directory.
#[derive(Subcommand, Debug)]
enum TokenKeyCommand {
    /// Add a new key that signs tokens from now on; the previous keys still verify.
    /// Prints the new key's id. Running nodes use it after SIGHUP or a restart.
    Rotate {
        #[command(flatten)]
        common: Common,
    },
    /// List the keys (ids only): the current one, the previous ones, and whether tokens
    /// signed with the node key (from before token keys) are accepted.
    List {
        #[command(flatten)]
        common: Common,
    },
    /// Drop a previous key: tokens it signed are refused (after SIGHUP or a restart).
    /// `legacy` stops accepting tokens signed with the node key.
    Drop {
        #[command(flatten)]
        common: Common,
        /// The key id, or `legacy`.
        kid: String,
    },
    /// Print a new key as an `auth.token_key` entry (`KID:SECRET`), for keys given in the
    /// configuration or environment instead of files. Writes nothing.
    Generate,
}

#[derive(Args, Debug, Clone)]
struct Common {
    /// Data directory (key, config, SQLite database).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// `postgres://...` or `sqlite://...` (default: SQLite in the data directory).
    #[arg(long)]
    database_url: Option<String>,
    /// A TOML config file (default: `vf-node.toml` in the data directory, if present).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// The flags of `serve` beyond the common ones.
#[derive(Args, Debug, Clone)]
struct ServeFlags {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long)]
    listen: Option<String>,
    /// Name of the node's Organization agent, used on first start.
    #[arg(long)]
    name: Option<String>,
    /// Base URL of a peer to pull feeds from (repeatable; added to `federation.peers`).
    #[arg(long = "peer", value_name = "URL")]
    peers: Vec<String>,
    /// DID of an origin whose feed to accept (repeatable; added to `federation.follow`).
    #[arg(long = "follow", value_name = "DID")]
    follow: Vec<String>,
}

impl ServeFlags {
    /// `common`'s configuration with these flags over it, checked.
    fn config(self, common: &Common) -> anyhow::Result<Config> {
        let mut cfg = common.config()?;
        cfg.federation.peers.extend(self.peers);
        cfg.federation.follow.extend(self.follow);
        if let Some(l) = self.listen {
            cfg.listen = l;
        }
        if self.name.is_some() {
            cfg.name = self.name;
        }
        cfg.check()?;
        Ok(cfg)
    }
}

impl Common {
    /// Defaults < file < environment < these flags, checked.
    fn config(&self) -> anyhow::Result<Config> {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let data_dir = self.data_dir.clone().or_else(|| std::env::var_os("VF_DATA_DIR").map(PathBuf::from));
        let file = match &self.config {
            Some(f) => Some(f.clone()),
            None => {
                let dir = data_dir.clone().unwrap_or_else(|| Config::default().data_dir);
                Some(dir.join(CONFIG_FILE)).filter(|p| p.exists())
            }
        };
        let mut cfg = Config::load(file.as_deref(), env)?;
        // The flag or VF_DATA_DIR; else, with `--config`, the file's `data_dir`; else the default
        // (whose own config file must not move the data directory elsewhere).
        match data_dir {
            Some(dir) => cfg.data_dir = dir,
            None if self.config.is_none() => cfg.data_dir = Config::default().data_dir,
            None => {}
        }
        if let Some(url) = &self.database_url {
            cfg.database_url = Some(url.clone());
        }
        cfg.check()?;
        Ok(cfg)
    }
}

/// What `vf-node config` prints: the configuration as TOML, secrets masked, under a header.
fn effective_toml(cfg: &Config) -> anyhow::Result<String> {
    let mut text = String::from(
        "# vf-node configuration in effect: defaults < config file < VF_ environment < flags.\n\
         # Secrets are shown as `***`.\n",
    );
    if std::env::var_os("RUST_LOG").is_some() {
        text.push_str("# RUST_LOG is set: it replaces log.level.\n");
    }
    if cfg.database_url.is_none() {
        text.push_str(&format!("# database_url is unset: SQLite at {}\n", cfg.data_dir.join("vf-node.db").display()));
    }
    text.push_str(&toml::to_string(&cfg.masked()?)?);
    Ok(text)
}

/// Writes the data directory's config file on first init.
fn write_config_file(cfg: &Config) -> anyhow::Result<()> {
    std::fs::create_dir_all(&cfg.data_dir)
        .with_context(|| format!("cannot create data directory {}", cfg.data_dir.display()))?;
    let path = cfg.data_dir.join(CONFIG_FILE);
    if path.exists() {
        return Ok(());
    }
    let mut text =
        String::from("# vf-node configuration. Keys: see README.md; environment variables VF_* override them.\n");
    if let Some(name) = &cfg.name {
        text.push_str(&format!("name = {}\n", toml::Value::String(name.clone())));
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Init { common, name } => {
            let mut cfg = common.config()?;
            if name.is_some() {
                cfg.name = name;
            }
            write_config_file(&cfg)?;
            let app = App::open(cfg).await?;
            println!("data directory: {}", app.config().data_dir.display());
            println!("organization agent: {}", app.self_agent());
            println!("{}", app.did());
            Ok(0)
        }
        Command::Id { data_dir } => {
            let dir = data_dir
                .or_else(|| std::env::var_os("VF_DATA_DIR").map(PathBuf::from))
                .unwrap_or_else(|| Config::default().data_dir);
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create data directory {}", dir.display()))?;
            println!("{}", crate::app::load_or_create_key(&dir)?.did());
            Ok(0)
        }
        Command::Serve { common, flags } => {
            let cfg = flags.config(&common)?;
            let telemetry = crate::telemetry::init(&cfg.log)?;
            // Bind first: a bad or busy address fails before anything is created.
            let listen = cfg.listen.clone();
            let listener =
                tokio::net::TcpListener::bind(&listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            write_config_file(&cfg)?;
            let node = Node::build(cfg).await?;
            let addr = listener.local_addr()?;
            let shutdown = shutdown_signal()?;
            reload_on_hangup(node.app().clone())?;
            println!("node {}", node.app().did());
            println!("listening on http://{addr}");
            println!("GraphQL endpoint: http://{addr}/graphql");
            tracing::info!(%addr, did = %node.app().did(), "serving");
            let served = node.serve(listener, shutdown).await;
            tracing::info!("stopped");
            // Spans still queued (the shutdown's own included) go out before the process ends.
            telemetry.shutdown();
            served?;
            Ok(0)
        }
        Command::Config { common, flags } => {
            print!("{}", effective_toml(&flags.config(&common)?)?);
            Ok(0)
        }
        Command::Token { common, scope, agent, ttl } => {
            let scope = Scope::parse(&scope)
                .ok_or_else(|| anyhow::anyhow!("--scope must be read, write or admin, not `{scope}`"))?;
            let cfg = common.config()?;
            let ttl = ttl.unwrap_or(cfg.auth.token_ttl_secs);
            if ttl == 0 {
                anyhow::bail!("--ttl must be at least 1 second");
            }
            let app = App::open(cfg).await?;
            let agent = match agent {
                None => app.self_agent(),
                Some(a) => {
                    let id = valueflows_model::AgentId::parse(&a).map_err(|e| anyhow::anyhow!("--agent: {e}"))?;
                    let m = crate::store::records::get(app.store().db(), id.uuid()).await?;
                    match m {
                        Some(m) if !m.deleted && crate::app::kinds::kind::AGENTS.contains(&m.kind.as_str()) => id,
                        _ => anyhow::bail!("--agent: no agent {a} on this node"),
                    }
                }
            };
            let token = app.authority().issue(agent, scope, ttl, chrono::Utc::now().timestamp())?;
            println!("{token}");
            Ok(0)
        }
        Command::TokenKey(cmd) => token_key(cmd),
        Command::TokenRevoke { common, token, id, expires_at } => {
            let what = match (token, id) {
                (Some(token), _) => Revoke::Token(token),
                (None, Some(id)) => {
                    let expires_at = expires_at
                        .map(|t| valueflows_model::Timestamp::parse(&t))
                        .transpose()
                        .map_err(|e| anyhow::anyhow!("--expires-at: {e}"))?;
                    Revoke::Id { id, expires_at }
                }
                (None, None) => anyhow::bail!("give --token or --id"),
            };
            let app = App::open(common.config()?).await?;
            let row = app.revoke_token(what, None).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("revoked {}", row.jti);
            match &row.expires_at {
                Some(t) => println!("until {t}"),
                None => println!("until forever (no expiry given)"),
            }
            Ok(0)
        }
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(0)
        }
        Command::Rebuild { common, check } => {
            let app = App::open(common.config()?).await?;
            let report = app.rebuild(!check).await?;
            println!("resources: {}", report.resources);
            if report.changed.is_empty() {
                println!("unchanged: stored state equals the fold of the stored events");
                Ok(0)
            } else {
                for id in &report.changed {
                    println!("differed: {id}");
                }
                if check {
                    println!("changed: {} resource(s) differ (not written: --check)", report.changed.len());
                    Ok(3)
                } else {
                    println!("changed: {} resource(s) rewritten from their events", report.changed.len());
                    Ok(0)
                }
            }
        }
    }
}

/// `vf-node token-key ...`.
fn token_key(cmd: TokenKeyCommand) -> anyhow::Result<i32> {
    use crate::auth::keys;
    // Keys given in the configuration are changed there, not in files.
    let files_only = |common: &Common| -> anyhow::Result<Config> {
        let cfg = common.config()?;
        if cfg.auth.token_key.is_some() {
            anyhow::bail!(
                "the token keys come from auth.token_key (configuration or VF_AUTH__TOKEN_KEY): change them there;                  `vf-node token-key generate` prints a new entry"
            );
        }
        Ok(cfg)
    };
    match cmd {
        TokenKeyCommand::Rotate { common } => {
            let cfg = files_only(&common)?;
            let key = keys::rotate(&cfg.data_dir)?;
            println!("{}", key.kid());
            eprintln!(
                "new tokens are signed with {}; copy {} to every replica, then send SIGHUP to (or restart) each node",
                key.kid(),
                keys::key_dir(&cfg.data_dir).join(format!("{}.pem", key.kid())).display()
            );
            Ok(0)
        }
        TokenKeyCommand::List { common } => {
            let cfg = common.config()?;
            let configured = cfg.auth.token_key.as_ref().map(crate::config::Secret::expose);
            let ring = Keyring::load(&cfg.data_dir, configured)?;
            let current = ring.current().map(|k| k.kid().to_owned());
            for k in ring.keys().iter().rev() {
                let role = if Some(k.kid()) == current.as_deref() { "current" } else { "previous" };
                println!("{} {role}", k.kid());
            }
            if let Some(before) = ring.legacy_before() {
                let at = chrono::DateTime::from_timestamp(before, 0).unwrap_or_default();
                println!("{} accepted: tokens signed with the node key issued up to {}", keys::LEGACY, at.to_rfc3339());
            }
            Ok(0)
        }
        TokenKeyCommand::Drop { common, kid } => {
            let cfg = if kid == keys::LEGACY { common.config()? } else { files_only(&common)? };
            keys::drop_key(&cfg.data_dir, &kid)?;
            println!("dropped {kid}");
            eprintln!("send SIGHUP to (or restart) every node for it to take effect");
            Ok(0)
        }
        TokenKeyCommand::Generate => {
            println!("{}", keys::TokenKey::generate(chrono::Utc::now()).to_entry()?);
            Ok(0)
        }
    }
}

/// On SIGHUP, reads the token keys again (after `token-key rotate` or `drop`, or new key
/// files copied in). A failed reload is logged and keeps the keys in use.
fn reload_on_hangup(app: App) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            .context("cannot install the SIGHUP handler")?;
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                match app.reload_token_keys() {
                    Ok(summary) => tracing::info!(keys = %summary, "token keys reloaded"),
                    Err(e) => {
                        tracing::error!(error = %format!("{e:#}"), "token keys not reloaded; the previous ones stay in use")
                    }
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = app;
    Ok(())
}

/// Installs the SIGTERM and Ctrl-C handlers now (so a signal that comes right after
/// start-up is not lost) and returns the future that resolves on the first of them.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot install the SIGTERM handler")?;
    #[cfg(unix)]
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("cannot install the SIGINT handler")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing in-flight requests");
    })
}
