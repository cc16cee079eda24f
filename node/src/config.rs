//! The node's typed configuration: defaults < TOML file < `VF_` environment variables
//! (`__` nests: `VF_API__MAX_PAGE_SIZE=200`) < command-line flags. Unknown keys are errors,
//! and so are values the node would refuse at start ([`Config::check`]). [`Config::masked`]
//! shows a configuration with its secrets hidden.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything a node needs to start.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the key, the config written by `init` and the SQLite database live.
    pub data_dir: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    pub listen: String,
    /// `postgres://...` or `sqlite://...`; the SQLite file in `data_dir` when unset.
    pub database_url: Option<String>,
    /// Name of the node's own Organization agent, used by `init`.
    pub name: Option<String>,
    /// Storage tuning.
    pub storage: StorageConfig,
    /// Token and access rules.
    pub auth: AuthConfig,
    /// GraphQL API limits and developer features.
    pub api: ApiConfig,
    /// Logging.
    pub log: LogConfig,
    /// Replication with peer nodes.
    pub federation: FederationConfig,
    /// The Prometheus endpoint, `/metrics`.
    pub metrics: MetricsConfig,
}

/// The Prometheus endpoint, `/metrics`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Serve `/metrics` only to a bearer token with scope `admin`. Off by default: like
    /// `/health`, the page answers whoever reaches the listen address.
    pub require_admin: bool,
}

/// Replication with peer nodes: where to pull from, whose records to accept.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FederationConfig {
    /// Base URLs of the peers to pull from (`http://10.0.0.2:8080`).
    pub peers: Vec<String>,
    /// Origins (`did:key`s) whose feeds this node accepts; every other origin is ignored.
    pub follow: Vec<String>,
    /// Seconds between sync rounds with a peer when nothing wakes the node earlier (jittered).
    pub interval_secs: u64,
    /// Ops asked for per page.
    pub page_ops: u64,
    /// Seconds a peer request may take.
    pub request_timeout_secs: u64,
    /// Longest wait between retries of a failing peer, in seconds.
    pub max_backoff_secs: u64,
    /// With peers configured, local writes wait at start until a peer has answered and the
    /// node holds what that peer holds of its own feed (a node restored from an older copy
    /// must not write a second branch of its feed), or until this many seconds passed.
    /// 0 opens writes at once.
    pub catch_up_secs: u64,
    /// Replicas on one PostgreSQL database: seconds a replica's hold on a peer's pull task
    /// lasts unless renewed (it renews at every round and page); another replica takes the
    /// task over when it lapses.
    pub lease_secs: u64,
}

impl Default for FederationConfig {
    fn default() -> Self {
        FederationConfig {
            peers: Vec::new(),
            follow: Vec::new(),
            interval_secs: 30,
            page_ops: 500,
            request_timeout_secs: 20,
            max_backoff_secs: 300,
            catch_up_secs: 60,
            lease_secs: 30,
        }
    }
}

/// Storage tuning.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    /// SQLite `synchronous` level: `full` fsyncs the WAL at every commit (durable across
    /// power loss); `normal` only at checkpoints (durable across a process crash).
    pub sqlite_synchronous: SqliteSync,
    /// Connection pool size (readers; writes go through one writer).
    pub max_connections: u32,
    /// Most writes committed together in one transaction (group commit).
    pub write_batch: usize,
    /// Keep hot records in memory. With several replicas on one database, a replica's reads
    /// may lag another replica's write by milliseconds (`docs/deploy.md`).
    pub record_cache: bool,
}

/// SQLite `synchronous` level.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSync {
    /// fsync at every commit.
    Full,
    /// fsync at checkpoints.
    Normal,
}

/// Token and access rules.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Queries without a token are allowed.
    pub open_reads: bool,
    /// Lifetime of tokens issued by `vf-node token` when no `--ttl` is given.
    pub token_ttl_secs: u64,
    /// Token signing keys given here instead of the files of `token-keys/` in the data
    /// directory: `KID:SECRET` entries (`vf-node token-key generate`) separated by spaces
    /// or commas. The newest signs; the others only verify.
    pub token_key: Option<Secret>,
}

/// A configuration value that must not be shown: `Debug` prints `***`. It is serialized
/// as is; [`Config::masked`] hides it by its key's name.
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Secret {
        Secret(s)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(MASK)
    }
}

/// GraphQL API limits.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    /// Page size when a client gives neither `first` nor `last`.
    pub default_page_size: u64,
    /// Largest `first`/`last` accepted.
    pub max_page_size: u64,
    /// Deepest query accepted.
    pub max_depth: usize,
    /// Most complex query accepted (async-graphql's complexity count).
    pub max_complexity: usize,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Most aliased fields in one operation, fragments counted where they are spread.
    pub max_aliases: usize,
    /// Longest a GraphQL request may take, from its arrival to its answer, in seconds. A
    /// body still arriving then is refused with 408, a request still running with 503.
    pub request_timeout_secs: u64,
    /// Longest an HTTP/1 client may take to send a request's headers, in seconds; also how
    /// long an idle keep-alive connection stays open. Its connection is then closed.
    pub header_read_timeout_secs: u64,
    /// Most GraphQL requests running at once; more wait up to `in_flight_wait_ms`, then are
    /// refused with 503.
    pub max_in_flight: usize,
    /// How long a GraphQL request waits for a free slot when `max_in_flight` run, in ms.
    pub in_flight_wait_ms: u64,
    /// GraphQL requests allowed per client per minute (the token's agent, else the client
    /// address); 0 turns the rate limit off.
    pub rate_limit_per_minute: u32,
    /// Requests a client may send at once beyond its steady rate.
    pub rate_limit_burst: u32,
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<String>,
    /// Most records one `track` or `trace` returns; a larger flow is refused with `LIMIT`.
    pub max_trace_items: usize,
    /// Schema introspection allowed.
    pub introspection: bool,
    /// GraphiQL served on `GET /graphql`.
    pub graphiql: bool,
    /// Origins browsers may call the API from (CORS); `*` allows any. Tokens travel in
    /// the `Authorization` header, never in cookies, so any origin is the default.
    pub cors_allow_origins: Vec<String>,
    /// Most subscriptions open at once on one WebSocket connection.
    pub max_subscriptions_per_connection: usize,
    /// Most subscriptions open at once on the node.
    pub max_subscriptions: usize,
    /// Committed writes kept for a subscriber that falls behind; one that falls further
    /// behind is told how many it missed and its subscription ends.
    pub subscription_buffer: usize,
}

/// Logging.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// A tracing filter (`info`, `vf_node=debug,info`).
    pub level: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./vf-data"),
            listen: "127.0.0.1:8080".to_owned(),
            database_url: None,
            name: None,
            storage: StorageConfig::default(),
            auth: AuthConfig::default(),
            api: ApiConfig::default(),
            log: LogConfig::default(),
            federation: FederationConfig::default(),
            metrics: MetricsConfig::default(),
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig { sqlite_synchronous: SqliteSync::Full, max_connections: 8, write_batch: 256, record_cache: true }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig { open_reads: true, token_ttl_secs: 30 * 24 * 3600, token_key: None }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            default_page_size: 50,
            max_page_size: 1000,
            max_depth: 24,
            max_complexity: 20_000,
            max_body_bytes: 1024 * 1024,
            max_aliases: 50,
            request_timeout_secs: 30,
            header_read_timeout_secs: 30,
            max_in_flight: 64,
            in_flight_wait_ms: 500,
            rate_limit_per_minute: 0,
            rate_limit_burst: 60,
            trusted_proxies: Vec::new(),
            max_trace_items: 10_000,
            introspection: true,
            graphiql: true,
            cors_allow_origins: vec!["*".to_owned()],
            max_subscriptions_per_connection: 32,
            max_subscriptions: 1024,
            subscription_buffer: 1024,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: "text".to_owned(), level: "info".to_owned() }
    }
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The file or an environment variable is not valid configuration.
    #[error("invalid configuration ({origin}): {message}")]
    Invalid {
        /// Where the bad value came from.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// Name of the config file `init` writes into the data directory.
pub const CONFIG_FILE: &str = "vf-node.toml";

impl Config {
    /// A node for tests: port 0, a SQLite file in `data_dir` unless `database_url` is set.
    pub fn ephemeral(data_dir: &Path) -> Config {
        Config {
            data_dir: data_dir.to_path_buf(),
            listen: "127.0.0.1:0".to_owned(),
            name: Some("Test node".to_owned()),
            ..Config::default()
        }
    }

    /// Loads defaults, then `file` (if any), then `VF_*` variables from `env`. An error names
    /// the file, or the first variable that is wrong by itself.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut table = toml::Table::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
            table = text
                .parse::<toml::Table>()
                .map_err(|e| ConfigError::Invalid { origin: path.display().to_string(), message: e.to_string() })?;
        }
        let from_file = table.clone();
        // `DATABASE_URL` first, so that `VF_DATABASE_URL` wins whatever the environment's order.
        let mut env: Vec<(String, String)> = env.into_iter().collect();
        env.sort_by_key(|(k, _)| k != "DATABASE_URL");
        let mut vars = Vec::new();
        for (key, value) in env {
            let name = if key == "DATABASE_URL" {
                "database_url".to_owned()
            } else if let Some(rest) = key.strip_prefix("VF_") {
                rest.to_lowercase()
            } else {
                continue;
            };
            let path: Vec<String> = name.split("__").map(str::to_owned).collect();
            let value = env_value(&value);
            set_path(&mut table, &path, value.clone())
                .map_err(|message| ConfigError::Invalid { origin: format!("environment variable {key}"), message })?;
            vars.push((key, path, value));
        }
        Config::deserialize(toml::Value::Table(table)).map_err(|e| {
            // The layers together are wrong: name the file if it is wrong alone, else the
            // first variable that is wrong over the file.
            let file_error = || Config::deserialize(toml::Value::Table(from_file.clone())).err();
            if let (Some(path), Some(e)) = (file, file_error()) {
                return ConfigError::Invalid { origin: path.display().to_string(), message: e.to_string() };
            }
            for (key, path, value) in &vars {
                let mut one = from_file.clone();
                if set_path(&mut one, path, value.clone()).is_ok()
                    && let Err(e) = Config::deserialize(toml::Value::Table(one))
                {
                    return ConfigError::Invalid {
                        origin: format!("environment variable {key}"),
                        message: e.to_string(),
                    };
                }
            }
            ConfigError::Invalid { origin: "file and environment".to_owned(), message: e.to_string() }
        })
    }

    /// Refuses values that parse but that the node would refuse or misread at start.
    pub fn check(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, message: String| Err(ConfigError::Invalid { origin: key.to_owned(), message });
        if !["text", "json"].contains(&self.log.format.as_str()) {
            return bad("log.format", format!("`{}`: use `text` or `json`", self.log.format));
        }
        if self.storage.max_connections == 0 {
            return bad("storage.max_connections", "the pool needs at least one connection".to_owned());
        }
        if self.storage.write_batch == 0 {
            return bad("storage.write_batch", "a batch holds at least one write".to_owned());
        }
        if self.federation.lease_secs < 2 {
            return bad("federation.lease_secs", "a pull lease lasts at least 2 seconds".to_owned());
        }
        let api = &self.api;
        if api.request_timeout_secs == 0 {
            return bad("api.request_timeout_secs", "a request needs at least one second".to_owned());
        }
        if api.header_read_timeout_secs == 0 {
            return bad("api.header_read_timeout_secs", "headers need at least one second".to_owned());
        }
        if api.max_in_flight == 0 {
            return bad("api.max_in_flight", "at least one request must be able to run".to_owned());
        }
        if api.rate_limit_per_minute > 0 && api.rate_limit_burst == 0 {
            return bad("api.rate_limit_burst", "with a rate limit, a client needs a burst of at least 1".to_owned());
        }
        for p in &api.trusted_proxies {
            if crate::limits::proxy_range(p).is_none() {
                return bad("api.trusted_proxies", format!("`{p}` is neither an IP address nor a CIDR range"));
            }
        }
        for p in &self.federation.peers {
            if let Err(e) = crate::sync::peer_url(p) {
                return bad("federation.peers", e);
            }
        }
        for f in &self.federation.follow {
            if let Err(e) = valueflows_federation::Did::parse(f) {
                return bad("federation.follow", format!("`{f}`: {e}"));
            }
        }
        Ok(())
    }

    /// The configuration as TOML with every secret replaced by `***`: passwords in URLs
    /// (`postgres://user:***@host/db`, `?password=***`), and any value whose key names a
    /// token, secret, password or key.
    pub fn masked(&self) -> Result<toml::Table, toml::ser::Error> {
        let mut table = toml::Table::try_from(self)?;
        for (key, value) in table.iter_mut() {
            mask(key, value);
        }
        Ok(table)
    }

    /// The database URL in effect: the configured one, or SQLite in the data directory.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("vf-node.db").display()),
        }
    }
}

/// Reads an environment value as TOML when it is a number or boolean, else as a string.
fn env_value(raw: &str) -> toml::Value {
    if let Ok(i) = raw.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    if let Ok(b) = raw.parse::<bool>() {
        return toml::Value::Boolean(b);
    }
    toml::Value::String(raw.to_owned())
}

fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) -> Result<(), String> {
    match path {
        [] => Err("empty key".to_owned()),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => set_path(t, rest, value),
                _ => Err(format!("`{first}` is not a section")),
            }
        }
    }
}

/// What a hidden secret shows.
pub const MASK: &str = "***";

/// Words that make a key's value a secret when its name is one of them or ends in `_word`.
const SECRET_KEYS: &[&str] = &["token", "secret", "password", "passphrase", "key", "credentials"];

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEYS.iter().any(|w| key == *w || key.strip_suffix(w).is_some_and(|head| head.ends_with('_')))
}

/// Hides the secrets in `value`, found under `key`.
fn mask(key: &str, value: &mut toml::Value) {
    match value {
        toml::Value::String(s) if is_secret_key(key) => *s = MASK.to_owned(),
        toml::Value::String(s) => *s = mask_url(s),
        toml::Value::Array(items) => items.iter_mut().for_each(|v| mask(key, v)),
        toml::Value::Table(t) => t.iter_mut().for_each(|(k, v)| mask(k, v)),
        _ => {}
    }
}

/// `url` with its password hidden: the one of `user:password@` and any query parameter
/// naming a password, token or secret. Other text comes back as it was.
pub fn mask_url(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else { return url.to_owned() };
    let (head, query) = match url[start..].find('?') {
        Some(q) => (&url[..start + q], Some(&url[start + q + 1..])),
        None => (url, None),
    };
    // The last `@` before the query ends the credentials, so that a password holding an
    // unescaped `/` or `@` is hidden whole (a path holding `@` may hide more than needed).
    let mut out = match head[start..].rfind('@') {
        Some(at) => {
            let creds = &head[start..start + at];
            match creds.find(':') {
                Some(colon) => format!("{}{MASK}{}", &head[..start + colon + 1], &head[start + at..]),
                None => head.to_owned(),
            }
        }
        None => head.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if ["pass", "secret", "token"].iter().any(|w| k.to_ascii_lowercase().contains(w)) => {
                    format!("{k}={MASK}")
                }
                _ => p.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn env_overrides_nested_keys() {
        let c =
            Config::load(None, env(&[("VF_API__MAX_PAGE_SIZE", "200"), ("VF_LISTEN", "0.0.0.0:9")])).expect("valid");
        assert_eq!(c.api.max_page_size, 200);
        assert_eq!(c.listen, "0.0.0.0:9");
        assert_eq!(c.api.default_page_size, 50);
    }

    #[test]
    fn unknown_key_is_an_error() {
        let err = Config::load(None, env(&[("VF_API__MAX_PAGESIZE", "2")])).expect_err("unknown key");
        assert!(err.to_string().contains("max_pagesize"), "{err}");
    }

    #[test]
    fn file_then_env() {
        let dir = std::env::temp_dir().join(format!("vf-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("c.toml");
        std::fs::write(&f, "listen = \"127.0.0.1:1\"\n[auth]\nopen_reads = false\n").expect("write");
        let c = Config::load(Some(&f), env(&[("VF_LISTEN", "127.0.0.1:2")])).expect("valid");
        assert_eq!(c.listen, "127.0.0.1:2");
        assert!(!c.auth.open_reads);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn vf_database_url_wins_over_database_url() {
        for pairs in [
            [("VF_DATABASE_URL", "postgres://vf/x"), ("DATABASE_URL", "postgres://plain/y")],
            [("DATABASE_URL", "postgres://plain/y"), ("VF_DATABASE_URL", "postgres://vf/x")],
        ] {
            let c = Config::load(None, env(&pairs)).expect("valid");
            assert_eq!(c.effective_database_url(), "postgres://vf/x");
        }
    }

    #[test]
    fn an_error_names_the_variable_at_fault() {
        let err = Config::load(None, env(&[("VF_LISTEN", "127.0.0.1:1"), ("VF_API__MAX_DEPTH", "deep")]))
            .expect_err("not a number");
        let text = err.to_string();
        assert!(text.contains("VF_API__MAX_DEPTH") && text.contains("max_depth"), "{text}");
        let err = Config::load(None, env(&[("VF_STORAGE__NO_SUCH", "1")])).expect_err("unknown key");
        assert!(err.to_string().contains("VF_STORAGE__NO_SUCH"), "{err}");
    }

    #[test]
    fn check_refuses_values_the_node_cannot_use() {
        assert!(Config::default().check().is_ok());
        type Spoil = fn(&mut Config);
        let cases: [(&str, Spoil); 10] = [
            ("log.format", |c| c.log.format = "xml".to_owned()),
            ("api.request_timeout_secs", |c| c.api.request_timeout_secs = 0),
            ("api.header_read_timeout_secs", |c| c.api.header_read_timeout_secs = 0),
            ("api.max_in_flight", |c| c.api.max_in_flight = 0),
            ("api.rate_limit_burst", |c| {
                c.api.rate_limit_per_minute = 60;
                c.api.rate_limit_burst = 0;
            }),
            ("api.trusted_proxies", |c| c.api.trusted_proxies = vec!["10.0.0.0/33".to_owned()]),
            ("storage.max_connections", |c| c.storage.max_connections = 0),
            ("storage.write_batch", |c| c.storage.write_batch = 0),
            ("federation.peers", |c| c.federation.peers = vec!["ftp://peer.example".to_owned()]),
            ("federation.follow", |c| c.federation.follow = vec!["did:web:example.org".to_owned()]),
        ];
        for (key, spoil) in cases {
            let mut c = Config::default();
            spoil(&mut c);
            let err = c.check().expect_err(key);
            assert!(err.to_string().contains(key), "{key}: {err}");
        }
    }

    #[test]
    fn urls_lose_their_passwords_and_nothing_else() {
        for (url, shown) in [
            ("postgres://vf:s3cret@db.example:5432/ledger", "postgres://vf:***@db.example:5432/ledger"),
            (
                "postgres://vf:p/a@ss@db.example/ledger?sslmode=require",
                "postgres://vf:***@db.example/ledger?sslmode=require",
            ),
            (
                "postgres://vf@db.example/ledger?password=s3cret&sslmode=require",
                "postgres://vf@db.example/ledger?password=***&sslmode=require",
            ),
            ("https://ops:pw@peer.example/?access_token=t0k", "https://ops:***@peer.example/?access_token=***"),
            ("sqlite://./vf-data/vf-node.db?mode=rwc", "sqlite://./vf-data/vf-node.db?mode=rwc"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("Kisumu Fab Lab", "Kisumu Fab Lab"),
        ] {
            assert_eq!(mask_url(url), shown, "{url}");
        }
    }

    #[test]
    fn masked_hides_urls_and_values_under_secret_keys() {
        let c = Config {
            database_url: Some("postgres://vf:s3cret@db.example/ledger".to_owned()),
            federation: FederationConfig {
                peers: vec!["https://ops:pw@peer.example".to_owned(), "http://10.0.0.2:8080".to_owned()],
                ..FederationConfig::default()
            },
            ..Config::default()
        };
        let t = c.masked().expect("serializes");
        assert_eq!(t["database_url"].as_str(), Some("postgres://vf:***@db.example/ledger"));
        let peers: Vec<&str> =
            t["federation"]["peers"].as_array().expect("peers").iter().filter_map(|v| v.as_str()).collect();
        assert_eq!(peers, ["https://ops:***@peer.example", "http://10.0.0.2:8080"]);
        assert_eq!(t["auth"]["token_ttl_secs"].as_integer(), Some(30 * 24 * 3600), "a number is no secret");
        // Keys the configuration may grow: hidden by their names.
        let mut v: toml::Value = toml::from_str(
            "[otel]\napi_token = \"t0k\"\nheaders = { authorization_secret = \"x\", x_key = \"k\" }\nkeys = [\"a\"]\n\
             monkey = \"banana\"\ntoken_ttl = \"1h\"",
        )
        .expect("toml");
        mask("", &mut v);
        let otel = &v["otel"];
        assert_eq!(otel["api_token"].as_str(), Some(MASK));
        assert_eq!(otel["headers"]["authorization_secret"].as_str(), Some(MASK));
        assert_eq!(otel["headers"]["x_key"].as_str(), Some(MASK));
        assert_eq!(otel["monkey"].as_str(), Some("banana"), "a word ending in `key` is not a key");
        assert_eq!(otel["token_ttl"].as_str(), Some("1h"), "only keys ending in the word");
        assert_eq!(otel["keys"][0].as_str(), Some("a"));
    }

    #[test]
    fn the_token_key_is_masked_and_never_debug_printed() {
        let c =
            Config::load(None, env(&[("VF_AUTH__TOKEN_KEY", "20261115T101500Z-3fa9c2d1:c2VjcmV0")])).expect("valid");
        assert_eq!(c.auth.token_key.as_ref().map(Secret::expose), Some("20261115T101500Z-3fa9c2d1:c2VjcmV0"));
        let t = c.masked().expect("serializes");
        assert_eq!(t["auth"]["token_key"].as_str(), Some(MASK));
        let shown = format!("{c:?}");
        assert!(!shown.contains("c2VjcmV0") && shown.contains("token_key: Some(***)"), "{shown}");
    }

    #[test]
    fn database_url_env_names_the_database() {
        let c = Config::load(None, env(&[("DATABASE_URL", "postgres://x/y")])).expect("valid");
        assert_eq!(c.effective_database_url(), "postgres://x/y");
    }
}
