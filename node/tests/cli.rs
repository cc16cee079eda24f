//! The `vf-node` command-line contract, tested by running the real binary.
//!
//! Every test gets its own temporary data directory, every server listens on a port the
//! system picks (`127.0.0.1:0`), and every wait polls with a deadline.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::Value;

/// Longest a one-shot command (`init`, `token`, ...) may take.
const COMMAND_DEADLINE: Duration = Duration::from_secs(60);
/// Longest `serve` may take to print `listening on`.
const STARTUP_DEADLINE: Duration = Duration::from_secs(60);
/// Longest `serve` may take to exit after SIGTERM.
const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(30);
/// Socket read and write timeout of the HTTP helper.
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Interval between two `try_wait` polls.
const POLL: Duration = Duration::from_millis(20);

const CREATE_UNIT: &str = r#"mutation { createUnit(unit: {label: "kilogram", symbol: "kg"}) { unit { id label } } }"#;

// ---------------------------------------------------------------------------------------
// Temporary directories and the node's data directory
// ---------------------------------------------------------------------------------------

/// A fresh directory, removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!("vf-node-cli-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&path).expect("create a temporary directory");
        TempDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A node's data directory (not created yet: `init` and `serve` must create it).
struct DataDir {
    tmp: TempDir,
    data: PathBuf,
}

impl DataDir {
    fn new() -> DataDir {
        let tmp = TempDir::new();
        let data = tmp.path().join("data");
        DataDir { tmp, data }
    }

    /// The directory as a command-line argument.
    fn arg(&self) -> &str {
        self.data.to_str().expect("temporary paths are UTF-8")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.data.join(name)
    }

    /// Writes `text` to a file next to (not inside) the data directory; returns its path.
    fn write_beside(&self, name: &str, text: &str) -> String {
        let path = self.tmp.path().join(name);
        std::fs::write(&path, text).expect("write a file in the temporary directory");
        path.to_str().expect("temporary paths are UTF-8").to_owned()
    }

    /// Runs `vf-node init`, which must succeed; returns what it printed.
    fn init(&self, name: Option<&str>) -> Init {
        let mut args = vec!["init", "--data-dir", self.arg()];
        if let Some(name) = name {
            args.extend(["--name", name]);
        }
        Init::from(vf_node(&args).expect_success("init"))
    }

    /// Runs `vf-node token`, which must succeed; returns the token.
    fn token(&self, scope: &str, extra: &[&str]) -> String {
        let mut args = vec!["token", "--data-dir", self.arg(), "--scope", scope];
        args.extend(extra);
        let out = vf_node(&args).expect_success("token");
        let lines = out.stdout_lines();
        assert_eq!(lines.len(), 1, "token must print exactly one line, printed:\n{}", out.stdout);
        lines[0].to_owned()
    }

    /// Starts `vf-node serve` on a free port.
    fn serve(&self) -> Server {
        Server::start(&["serve", "--data-dir", self.arg(), "--listen", "127.0.0.1:0"])
    }

    /// The names of the files in the data directory, SQLite's transient companions left out.
    fn files(&self) -> BTreeSet<String> {
        std::fs::read_dir(&self.data)
            .expect("read the data directory")
            .map(|e| e.expect("read a directory entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm") && !n.ends_with("-journal"))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------

/// The binary, with no configuration (node or OpenTelemetry) inherited from the environment
/// of the test run.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vf-node"));
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("VF_") || key.starts_with("OTEL_") || key == "DATABASE_URL" {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd.env_remove("RUST_LOG").args(args).stdin(Stdio::null());
    cmd
}

/// Drains a pipe on its own thread so the child never blocks on a full pipe.
fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Polls `child` until it exits or `deadline` passes.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("poll the child process") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(POLL);
    }
}

/// A finished run of the binary.
struct Finished {
    args: String,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    fn describe(&self) -> String {
        format!(
            "`vf-node {}` exited with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args, self.status, self.stdout, self.stderr
        )
    }

    fn expect_success(self, what: &str) -> Finished {
        assert!(self.status.success(), "{what} must succeed: {}", self.describe());
        self
    }

    /// Asserts a non-zero exit with a message on stderr that mentions `fragment`.
    fn expect_refusal(self, fragment: &str) -> Finished {
        assert!(!self.status.success(), "must fail: {}", self.describe());
        assert!(self.status.code().is_some(), "must exit, not die of a signal: {}", self.describe());
        assert!(
            self.stderr.to_lowercase().contains(&fragment.to_lowercase()),
            "stderr must explain the refusal (mention `{fragment}`): {}",
            self.describe()
        );
        self
    }

    fn stdout_lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }
}

/// Runs the binary to completion (killing it and failing after a deadline).
fn vf_node(args: &[&str]) -> Finished {
    run_to_completion(command(args), args)
}

/// Like [`vf_node`], in the working directory `cwd`.
fn vf_node_in(cwd: &Path, args: &[&str]) -> Finished {
    let mut cmd = command(args);
    cmd.current_dir(cwd);
    run_to_completion(cmd, args)
}

fn run_to_completion(mut cmd: Command, args: &[&str]) -> Finished {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start the vf-node binary");
    let stdout = drain(child.stdout.take().expect("stdout is piped"));
    let stderr = drain(child.stderr.take().expect("stderr is piped"));
    let status = wait_until(&mut child, Instant::now() + COMMAND_DEADLINE);
    let finished = |status| Finished {
        args: args.join(" "),
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    };
    match status {
        Some(status) => finished(status),
        None => {
            let _ = child.kill();
            let killed = child.wait().expect("reap the killed child");
            panic!("did not finish within {COMMAND_DEADLINE:?}: {}", finished(killed).describe())
        }
    }
}

/// What `init` printed.
struct Init {
    stdout: String,
    did: String,
    organization: String,
}

impl From<Finished> for Init {
    fn from(out: Finished) -> Init {
        let did = out.stdout.lines().last().expect("init prints something").to_owned();
        let organization = out
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("organization agent: "))
            .expect("init names the organization agent")
            .to_owned();
        Init { stdout: out.stdout, did, organization }
    }
}

fn assert_is_did_key(did: &str) {
    assert!(did.starts_with("did:key:z") && did.len() > "did:key:z".len(), "not a did:key: `{did}`");
    assert!(!did.contains(char::is_whitespace), "a DID has no whitespace: `{did}`");
}

// ---------------------------------------------------------------------------------------
// A running `serve`
// ---------------------------------------------------------------------------------------

/// A running `vf-node serve`; killed when dropped if still running.
struct Server {
    child: Child,
    addr: SocketAddr,
    did: String,
    stderr: Option<JoinHandle<String>>,
}

impl Server {
    /// Starts the binary with `args` and reads stdout until `listening on http://ADDR`.
    fn start(args: &[&str]) -> Server {
        Server::start_with_env(args, &[])
    }

    /// `start`, with `env` set for the process.
    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = command(args);
        cmd.envs(env.iter().copied());
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start vf-node serve");
        let lines = stdout_lines(child.stdout.take().expect("stdout is piped"));
        let stderr = Some(drain(child.stderr.take().expect("stderr is piped")));
        let mut server = Server { child, addr: SocketAddr::from(([127, 0, 0, 1], 0)), did: String::new(), stderr };
        let deadline = Instant::now() + STARTUP_DEADLINE;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(did) = line.strip_prefix("node ") {
                        server.did = did.to_owned();
                    }
                    if let Some(addr) = line.strip_prefix("listening on http://") {
                        server.addr = addr.trim().parse().expect("`listening on` names a socket address");
                        return server;
                    }
                    seen.push(line);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    server.fail(&format!("printed no `listening on` within {STARTUP_DEADLINE:?}"), &seen)
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => server.fail("exited before listening", &seen),
            }
        }
    }

    /// Stops the server and panics with what it wrote.
    fn fail(&mut self, why: &str, stdout: &[String]) -> ! {
        let _ = self.child.kill();
        let status = self.child.wait().expect("reap the server");
        panic!("serve {why} ({status})\n--- stdout ---\n{}\n--- stderr ---\n{}", stdout.join("\n"), self.stderr())
    }

    /// Everything the server wrote on stderr; call only once it has exited.
    fn stderr(&mut self) -> String {
        self.stderr.take().map(|h| h.join().expect("stderr reader")).unwrap_or_default()
    }

    fn get(&self, path: &str) -> HttpResponse {
        http(self.addr, &format!("GET {path} HTTP/1.1"), &[], None)
    }

    /// POSTs `query` to /graphql; returns the response and its body as JSON.
    fn graphql(&self, query: &str, token: Option<&str>) -> (HttpResponse, Value) {
        let body = serde_json::json!({ "query": query }).to_string();
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        let resp = http(self.addr, "POST /graphql HTTP/1.1", &headers, Some(&body));
        let json = serde_json::from_str(&resp.body)
            .unwrap_or_else(|e| panic!("the GraphQL response is not JSON ({e}): {resp:?}"));
        (resp, json)
    }

    /// Sends SIGTERM and waits (with a deadline) for the process to exit; returns its status.
    fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        let kill = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(kill.success(), "kill -TERM {pid} failed: {kill}");
        match wait_until(&mut self.child, Instant::now() + SHUTDOWN_DEADLINE) {
            Some(status) => status,
            None => self.fail(&format!("did not stop within {SHUTDOWN_DEADLINE:?} of SIGTERM"), &[]),
        }
    }

    /// Sends SIGTERM and asserts a clean exit.
    fn stop_cleanly(&mut self) {
        let status = self.terminate();
        assert!(status.success(), "serve must exit 0 on SIGTERM, got {status}; stderr:\n{}", self.stderr());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Sends stdout's lines over a channel; the channel closes when stdout does.
fn stdout_lines(stdout: ChildStdout) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // The receiver goes away once `listening on` is read; keep draining anyway.
            let _ = tx.send(line);
        }
    });
    rx
}

// ---------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct HttpResponse {
    status: u16,
    /// Header lines, names lower-cased.
    headers: Vec<(String, String)>,
    body: String,
}

/// Sends one request with `Connection: close` and reads the whole response.
fn http(addr: SocketAddr, request_line: &str, headers: &[(&str, &str)], body: Option<&str>) -> HttpResponse {
    let mut stream = TcpStream::connect_timeout(&addr, HTTP_TIMEOUT).expect("connect to the node");
    stream.set_read_timeout(Some(HTTP_TIMEOUT)).expect("set read timeout");
    stream.set_write_timeout(Some(HTTP_TIMEOUT)).expect("set write timeout");
    let mut request = format!("{request_line}\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("Connection: close\r\n\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response has a blank line after its head");
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("a status line");
    let mut parts = status_line.splitn(3, ' ');
    assert_eq!(parts.next(), Some("HTTP/1.1"), "status line: {status_line}");
    let status = parts.next().and_then(|s| s.parse().ok()).expect("a numeric status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    HttpResponse { status, headers, body: String::from_utf8(body).expect("a UTF-8 body") }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let eol = raw.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size_text = String::from_utf8_lossy(&raw[..eol]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).expect("a hexadecimal chunk size");
        raw = &raw[eol + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// The `extensions.code` of the first GraphQL error, if any.
fn first_error_code(json: &Value) -> Option<&str> {
    json.pointer("/errors/0/extensions/code").and_then(Value::as_str)
}

fn assert_no_errors(json: &Value) {
    assert!(json.get("errors").is_none_or(|e| e.as_array().is_some_and(Vec::is_empty)), "unexpected errors: {json}");
}

/// The claims of a JWT, decoded without checking the signature.
fn jwt_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).expect("the payload is base64url");
    serde_json::from_slice(&bytes).expect("the payload is JSON")
}

// ---------------------------------------------------------------------------------------
// init
// ---------------------------------------------------------------------------------------

#[test]
fn init_creates_a_private_key_a_config_file_and_prints_the_did_last() {
    let dir = DataDir::new();
    let init = dir.init(Some("Acme Cooperative"));

    assert_is_did_key(&init.did);
    uuid::Uuid::parse_str(&init.organization).expect("the organization agent id is a UUID");

    let key = dir.file("node.key");
    assert!(key.is_file(), "init must create node.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("stat node.key").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "node.key must be readable by its owner only, is {mode:o}");
    }

    let config = std::fs::read_to_string(dir.file("vf-node.toml")).expect("init must create vf-node.toml");
    assert!(config.contains("Acme Cooperative"), "the config file records the name:\n{config}");
}

#[test]
fn init_is_idempotent_and_prints_the_did_last() {
    let dir = DataDir::new();
    let first = dir.init(Some("Acme Cooperative"));
    let files = dir.files();
    let key = std::fs::read(dir.file("node.key")).expect("read node.key");
    let config = std::fs::read(dir.file("vf-node.toml")).expect("read vf-node.toml");

    let second = dir.init(Some("Acme Cooperative"));

    assert_eq!(second.did, first.did, "the DID must not change\nfirst:\n{}\nsecond:\n{}", first.stdout, second.stdout);
    assert_eq!(second.organization, first.organization, "no second organization agent");
    assert_eq!(dir.files(), files, "no new files");
    assert_eq!(std::fs::read(dir.file("node.key")).expect("read node.key"), key, "the key is kept");
    assert_eq!(std::fs::read(dir.file("vf-node.toml")).expect("read vf-node.toml"), config, "the config is kept");
}

#[test]
fn init_refuses_a_missing_config_file() {
    let dir = DataDir::new();
    let out = vf_node(&["init", "--data-dir", dir.arg(), "--config", "/nonexistent/file.toml"]);
    out.expect_refusal("/nonexistent/file.toml");
}

#[test]
fn a_config_file_with_an_unknown_key_is_refused() {
    let dir = DataDir::new();
    let config = dir.write_beside("bad.toml", "no_such_key = 1\n");
    let out = vf_node(&["init", "--data-dir", dir.arg(), "--config", &config]);
    out.expect_refusal("no_such_key");
}

#[test]
fn a_data_dir_in_the_config_file_is_used_unless_a_flag_names_another() {
    let dir = DataDir::new();
    let config = dir.write_beside("node.toml", &format!("data_dir = {}\n", toml_string(dir.arg())));
    // Run inside the temporary directory, so a node wrongly put in `./vf-data` lands there too.
    let init = vf_node_in(dir.tmp.path(), &["init", "--config", &config]).expect_success("init --config");
    assert!(dir.file("node.key").is_file(), "the file's data_dir is used: {}", init.describe());
    assert!(!dir.tmp.path().join("vf-data").exists(), "not the default data directory: {}", init.describe());

    let other = dir.tmp.path().join("other");
    let other_arg = other.to_str().expect("temporary paths are UTF-8");
    vf_node_in(dir.tmp.path(), &["init", "--config", &config, "--data-dir", other_arg]).expect_success("init");
    assert!(other.join("node.key").is_file(), "--data-dir wins over the file");
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

// ---------------------------------------------------------------------------------------
// serve
// ---------------------------------------------------------------------------------------

#[test]
fn serve_answers_health_ready_and_graphql_then_stops_cleanly_on_sigterm() {
    let dir = DataDir::new();
    let mut server = dir.serve();
    assert_ne!(server.addr.port(), 0, "the printed address names the port actually bound");

    let health = server.get("/health");
    assert_eq!(health.status, 200, "{health:?}");
    assert_eq!(health.body.trim(), "ok");

    let ready = server.get("/ready");
    assert_eq!(ready.status, 200, "{ready:?}");

    let (resp, json) = server.graphql("{ actions { id } }", None);
    assert_eq!(resp.status, 200, "{resp:?}");
    assert!(
        resp.headers.iter().any(|(n, v)| n == "content-type" && v.starts_with("application/")),
        "a JSON content type: {resp:?}"
    );
    assert!(resp.body.contains("\"transferCustody\""), "{}", resp.body);
    assert_no_errors(&json);

    let get = server.get("/graphql?query=%7B%20actions%20%7B%20id%20%7D%20%7D");
    assert_eq!(get.status, 200, "{get:?}");
    assert!(get.body.contains("\"transferCustody\""), "{}", get.body);

    server.stop_cleanly();
}

#[test]
fn serve_initialises_a_fresh_data_dir_with_the_did_that_init_then_reports() {
    let dir = DataDir::new();
    let mut server = dir.serve();
    assert!(dir.file("node.key").is_file(), "serve must create the key");
    assert!(dir.file("vf-node.toml").is_file(), "serve must create the config file");
    assert_is_did_key(&server.did);
    server.stop_cleanly();

    let init = dir.init(None);
    assert_eq!(init.did, server.did, "init on a served data directory finds the same node");
}

#[test]
fn id_prints_the_did_that_init_then_reports() {
    let dir = DataDir::new();
    let id = vf_node(&["id", "--data-dir", dir.arg()]).expect_success("id");
    let did = id.stdout.trim().to_owned();
    assert_is_did_key(&did);
    assert_eq!(dir.init(None).did, did, "the key `id` made is the node's key");
}

#[test]
fn serve_refuses_a_peer_that_is_no_url_and_a_follow_that_is_no_did() {
    let dir = DataDir::new();
    let out = vf_node(&["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0", "--peer", "not a url"]);
    out.expect_refusal("federation.peers");
    let out =
        vf_node(&["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0", "--follow", "did:web:example.org"]);
    out.expect_refusal("federation.follow");
}

#[test]
fn serve_refuses_an_unparseable_listen_address() {
    let dir = DataDir::new();
    let out = vf_node(&["serve", "--data-dir", dir.arg(), "--listen", "not-an-address"]);
    let out = out.expect_refusal("not-an-address");
    assert!(!out.stdout.contains("listening on"), "{}", out.describe());
}

// ---------------------------------------------------------------------------------------
// token
// ---------------------------------------------------------------------------------------

#[test]
fn token_prints_one_jwt_line_for_the_nodes_organization() {
    let dir = DataDir::new();
    let init = dir.init(Some("Acme Cooperative"));
    let token = dir.token("write", &["--ttl", "600"]);

    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT has three parts: `{token}`");
    for part in &parts {
        assert!(
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "each part is base64url: `{token}`"
        );
    }

    let claims = jwt_claims(&token);
    assert_eq!(claims["sub"], Value::from(init.organization.as_str()), "{claims}");
    assert_eq!(claims["iss"], Value::from(init.did.as_str()), "{claims}");
    assert_eq!(claims["scope"], "write", "{claims}");
    let lifetime = claims["exp"].as_i64().zip(claims["iat"].as_i64()).map(|(exp, iat)| exp - iat);
    assert_eq!(lifetime, Some(600), "--ttl sets the lifetime: {claims}");
}

#[test]
fn write_token_may_mutate_and_read_token_is_forbidden() {
    let dir = DataDir::new();
    dir.init(Some("Acme Cooperative"));
    let server = dir.serve();
    // Issued while the node runs on the same data directory.
    let write = dir.token("write", &[]);
    let read = dir.token("read", &[]);

    let (resp, json) = server.graphql(CREATE_UNIT, Some(&write));
    assert_eq!(resp.status, 200, "{resp:?}");
    assert_no_errors(&json);
    assert_eq!(json.pointer("/data/createUnit/unit/label"), Some(&Value::from("kilogram")), "{json}");
    assert!(json.pointer("/data/createUnit/unit/id").and_then(Value::as_str).is_some(), "{json}");

    let (_, json) = server.graphql(CREATE_UNIT, Some(&read));
    assert_eq!(first_error_code(&json), Some("FORBIDDEN"), "a read token may not mutate: {json}");
    assert!(json.pointer("/data/createUnit").is_none_or(Value::is_null), "nothing was created: {json}");
}

#[test]
fn token_without_agent_speaks_for_the_organization_named_at_init() {
    let dir = DataDir::new();
    let init = dir.init(Some("Acme Cooperative"));
    let token = dir.token("read", &[]);
    let server = dir.serve();

    let (_, json) = server.graphql("{ myAgent { id name } }", Some(&token));
    assert_no_errors(&json);
    assert_eq!(json.pointer("/data/myAgent/name"), Some(&Value::from("Acme Cooperative")), "{json}");
    assert_eq!(json.pointer("/data/myAgent/id"), Some(&Value::from(init.organization.as_str())), "{json}");
}

#[test]
fn token_with_agent_speaks_for_that_agent() {
    let dir = DataDir::new();
    let init = dir.init(Some("Acme Cooperative"));
    let simple = uuid::Uuid::parse_str(&init.organization).expect("a UUID").simple().to_string();
    let token = dir.token("read", &["--agent", &simple]);
    assert_eq!(jwt_claims(&token)["sub"], Value::from(init.organization.as_str()));

    let server = dir.serve();
    let (_, json) = server.graphql("{ myAgent { id name } }", Some(&token));
    assert_eq!(json.pointer("/data/myAgent/id"), Some(&Value::from(init.organization.as_str())), "{json}");
}

#[test]
fn token_refuses_an_unknown_scope() {
    let dir = DataDir::new();
    let out = vf_node(&["token", "--data-dir", dir.arg(), "--scope", "god"]);
    assert!(out.expect_refusal("--scope").stdout.is_empty(), "no token is printed");
}

#[test]
fn token_refuses_an_agent_that_is_not_a_uuid() {
    let dir = DataDir::new();
    dir.init(None);
    let out = vf_node(&["token", "--data-dir", dir.arg(), "--scope", "read", "--agent", "not-a-uuid"]);
    assert!(out.expect_refusal("--agent").stdout.is_empty(), "no token is printed");
}

#[test]
fn token_refuses_a_uuid_that_names_no_agent() {
    let dir = DataDir::new();
    dir.init(None);
    let stranger = uuid::Uuid::now_v7().to_string();
    let out = vf_node(&["token", "--data-dir", dir.arg(), "--scope", "read", "--agent", &stranger]);
    let out = out.expect_refusal(&stranger);
    assert!(out.stdout.is_empty(), "no token is printed: {}", out.describe());
}

#[test]
fn token_refuses_a_zero_ttl() {
    let dir = DataDir::new();
    let out = vf_node(&["token", "--data-dir", dir.arg(), "--scope", "read", "--ttl", "0"]);
    assert!(out.expect_refusal("--ttl").stdout.is_empty(), "no token is printed");
}

// ---------------------------------------------------------------------------------------
// config
// ---------------------------------------------------------------------------------------

/// Runs `vf-node config` with `env` set; returns the run.
fn config_with_env(args: &[&str], env: &[(&str, &str)]) -> Finished {
    let mut full = vec!["config"];
    full.extend(args);
    let mut cmd = command(&full);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_to_completion(cmd, &full)
}

/// The printed configuration, read back as the node reads a config file.
fn printed_config(out: &Finished) -> valueflows_node::Config {
    toml::from_str(&out.stdout).unwrap_or_else(|e| panic!("not a config file ({e}): {}", out.describe()))
}

#[test]
fn config_prints_each_layer_over_the_one_before() {
    let dir = DataDir::new();
    let file = dir.write_beside(
        "node.toml",
        "listen = \"127.0.0.1:1001\"\nname = \"From the file\"\n\
         [api]\nmax_page_size = 111\nmax_depth = 11\n[log]\nlevel = \"debug\"\n",
    );
    let args =
        ["--data-dir", dir.arg(), "--config", &file, "--listen", "127.0.0.1:3003", "--peer", "http://10.0.0.2:8080"];
    let env = [("VF_LISTEN", "127.0.0.1:2002"), ("VF_API__MAX_PAGE_SIZE", "222"), ("VF_AUTH__OPEN_READS", "false")];
    let out = config_with_env(&args, &env).expect_success("config");
    let cfg = printed_config(&out);
    assert_eq!(cfg.listen, "127.0.0.1:3003", "a flag wins over the environment and the file");
    assert_eq!(cfg.api.max_page_size, 222, "the environment wins over the file");
    assert!(!cfg.auth.open_reads, "the environment wins over the default");
    assert_eq!(cfg.api.max_depth, 11, "the file wins over the default");
    assert_eq!(cfg.log.level, "debug");
    assert_eq!(cfg.name.as_deref(), Some("From the file"));
    assert_eq!(cfg.api.default_page_size, 50, "defaults fill the rest");
    assert_eq!(cfg.federation.peers, ["http://10.0.0.2:8080"]);
    assert_eq!(cfg.data_dir, dir.data);
    assert!(out.stdout.contains("# database_url is unset: SQLite at "), "{}", out.stdout);
    assert!(!dir.data.exists(), "config only reads: {}", out.describe());

    // Without flags, the environment is on top.
    let out = config_with_env(&["--data-dir", dir.arg(), "--config", &file], &env).expect_success("config");
    assert_eq!(printed_config(&out).listen, "127.0.0.1:2002");
}

#[test]
fn config_masks_passwords() {
    let dir = DataDir::new();
    let url = "postgres://vf:db-pw-1@db.example:5432/ledger?sslmode=require&password=db-pw-2";
    let args = ["--data-dir", dir.arg(), "--peer", "https://ops:peer-pw@peer.example"];
    let out = config_with_env(&args, &[("DATABASE_URL", url)]).expect_success("config");
    for secret in ["db-pw-1", "db-pw-2", "peer-pw"] {
        assert!(!out.stdout.contains(secret), "`{secret}` printed: {}", out.stdout);
    }
    let cfg = printed_config(&out);
    assert_eq!(
        cfg.database_url.as_deref(),
        Some("postgres://vf:***@db.example:5432/ledger?sslmode=require&password=***")
    );
    assert_eq!(cfg.federation.peers, ["https://ops:***@peer.example"]);
    assert!(!out.stdout.contains("database_url is unset"), "{}", out.stdout);
}

#[test]
fn config_refuses_unknown_keys_and_bad_values_naming_where_they_are() {
    let dir = DataDir::new();
    let file = dir.write_beside("typo.toml", "[api]\nmax_pagesize = 5\n");
    let out = config_with_env(&["--data-dir", dir.arg(), "--config", &file], &[]).expect_refusal("max_pagesize");
    assert!(out.stderr.contains("typo.toml") && out.stdout.is_empty(), "{}", out.describe());
    config_with_env(&["--data-dir", dir.arg()], &[("VF_STORAGE__NO_SUCH_KEY", "1")])
        .expect_refusal("VF_STORAGE__NO_SUCH_KEY");
    let out = config_with_env(&["--data-dir", dir.arg()], &[("VF_API__MAX_DEPTH", "deep")]);
    let out = out.expect_refusal("VF_API__MAX_DEPTH");
    assert!(out.stderr.contains("api.max_depth"), "{}", out.describe());
    let file = dir.write_beside("sync.toml", "[storage]\nsqlite_synchronous = \"sometimes\"\n");
    config_with_env(&["--data-dir", dir.arg(), "--config", &file], &[]).expect_refusal("sometimes");
    config_with_env(&["--data-dir", dir.arg(), "--peer", "not a url"], &[]).expect_refusal("federation.peers");
    config_with_env(&["--data-dir", dir.arg()], &[("VF_LOG__FORMAT", "xml")]).expect_refusal("log.format");
    config_with_env(&["--data-dir", dir.arg(), "--config", "/nonexistent/vf.toml"], &[])
        .expect_refusal("/nonexistent/vf.toml");
}

// ---------------------------------------------------------------------------------------
// schema, rebuild, and the command line itself
// ---------------------------------------------------------------------------------------

#[test]
fn schema_prints_the_checked_in_sdl() {
    let out = vf_node(&["schema"]).expect_success("schema");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/valueflows.graphql");
    let file = std::fs::read_to_string(&path).expect("read schema/valueflows.graphql");
    assert!(out.stdout.contains("type EconomicEvent"), "{}", out.stdout);
    assert!(out.stdout == file, "`vf-node schema` differs from {}", path.display());
}

#[test]
fn rebuild_reports_unchanged_on_a_consistent_node() {
    let dir = DataDir::new();
    dir.init(None);

    let out = vf_node(&["rebuild", "--data-dir", dir.arg()]).expect_success("rebuild");
    assert!(out.stdout_lines().iter().any(|l| l.starts_with("unchanged")), "{}", out.describe());

    let check = vf_node(&["rebuild", "--data-dir", dir.arg(), "--check"]).expect_success("rebuild --check");
    assert_eq!(check.status.code(), Some(0));
    assert!(check.stdout_lines().iter().any(|l| l.starts_with("unchanged")), "{}", check.describe());
}

#[test]
fn an_unknown_subcommand_is_refused() {
    let out = vf_node(&["frobnicate"]);
    out.expect_refusal("frobnicate");
}

// ---------------------------------------------------------------------------------------
// kill -9 during replication
// ---------------------------------------------------------------------------------------

#[path = "cli/kill.rs"]
mod kill;

// ---------------------------------------------------------------------------------------
// token keys, revocation, key files
// ---------------------------------------------------------------------------------------

#[path = "cli/auth.rs"]
mod auth;

// ---------------------------------------------------------------------------------------
// traces and request logs
// ---------------------------------------------------------------------------------------

#[path = "cli/telemetry.rs"]
mod telemetry;
