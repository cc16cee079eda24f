//! Token keys and revocation through the command line, against a real `serve`: rotation
//! and drop taken up on SIGHUP, tokens of a node upgraded from node-key signing, revocation
//! seen by a running node, keys from the environment, key files open to others refused,
//! and no token or key in the log.

use super::*;

const QUERY: &str = "{ units { edges { cursor } } }";

/// Runs `vf-node` with `env` set; waits for it to finish.
fn vf_node_env(args: &[&str], env: &[(&str, &str)]) -> Finished {
    let mut cmd = command(args);
    cmd.envs(env.iter().copied());
    run_to_completion(cmd, args)
}

/// The JOSE header of a JWT.
fn jwt_header(token: &str) -> Value {
    let head = token.split('.').next().expect("a JWT has a header");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(head).expect("the header is base64url");
    serde_json::from_slice(&bytes).expect("the header is JSON")
}

fn kid(token: &str) -> String {
    jwt_header(token)["kid"].as_str().unwrap_or_else(|| panic!("a kid in {token}")).to_owned()
}

/// True when `server` accepts `token`; false when it refuses it with 401 UNAUTHENTICATED.
fn accepted(server: &Server, token: &str) -> bool {
    let (resp, json) = server.graphql(QUERY, Some(token));
    match resp.status {
        200 if json.get("errors").is_none() => true,
        401 if first_error_code(&json) == Some("UNAUTHENTICATED") => false,
        _ => panic!("neither accepted nor refused cleanly: {resp:?}"),
    }
}

/// Sends SIGHUP to `server`.
fn hangup(server: &Server) {
    let pid = server.child.id().to_string();
    let kill = Command::new("kill").args(["-HUP", &pid]).status().expect("run kill");
    assert!(kill.success(), "kill -HUP {pid} failed: {kill}");
}

/// Polls until `server` accepts `token` (`want`) or refuses it.
fn wait_for(server: &Server, token: &str, want: bool) {
    let deadline = Instant::now() + COMMAND_DEADLINE;
    while accepted(server, token) != want {
        assert!(Instant::now() < deadline, "the token was never {}", if want { "accepted" } else { "refused" });
        std::thread::sleep(POLL);
    }
}

fn token_key(dir: &DataDir, args: &[&str]) -> Finished {
    let mut all = vec!["token-key"];
    all.extend(args);
    all.extend(["--data-dir", dir.arg()]);
    vf_node(&all)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn rotated_keys_sign_new_tokens_and_old_ones_work_until_dropped_on_sighup() {
    let dir = DataDir::new();
    dir.init(None);
    let old = dir.token("write", &[]);
    let old_kid = kid(&old);
    let keys_dir = dir.file("token-keys");
    #[cfg(unix)]
    assert_eq!(mode(&keys_dir.join(format!("{old_kid}.pem"))), 0o600, "a token key is private");
    let mut server = dir.serve();
    assert!(accepted(&server, &old));

    let rotated = token_key(&dir, &["rotate"]).expect_success("token-key rotate");
    let new_kid = rotated.stdout.trim().to_owned();
    assert!(new_kid > old_kid, "the new key is the newest: {new_kid} after {old_kid}");
    assert!(rotated.stderr.contains("SIGHUP"), "says how to take it up: {}", rotated.describe());
    #[cfg(unix)]
    assert_eq!(mode(&keys_dir.join(format!("{new_kid}.pem"))), 0o600);
    let list = token_key(&dir, &["list"]).expect_success("token-key list");
    assert_eq!(
        list.stdout_lines(),
        [format!("{new_kid} current"), format!("{old_kid} previous")],
        "{}",
        list.describe()
    );

    let new = dir.token("write", &[]);
    assert_eq!(kid(&new), new_kid, "new tokens name the new key");
    assert!(!accepted(&server, &new), "the running node does not hold the new key before SIGHUP");
    hangup(&server);
    wait_for(&server, &new, true);
    assert!(accepted(&server, &old), "the previous key still verifies");

    token_key(&dir, &["drop", &new_kid]).expect_refusal("rotate first");
    token_key(&dir, &["drop", "20990101T000000Z-00000000"]).expect_refusal("no token key");
    token_key(&dir, &["drop", &old_kid]).expect_success("token-key drop");
    assert!(accepted(&server, &old), "until the node reloads");
    hangup(&server);
    wait_for(&server, &old, false);
    assert!(accepted(&server, &new));
    let (resp, json) = server.graphql(CREATE_UNIT, Some(&new));
    assert_eq!(resp.status, 200);
    assert_no_errors(&json);

    // A bad key file makes the reload fail; the node keeps the keys it had.
    std::fs::write(keys_dir.join("20990101T000000Z-00000000.pem"), "garbage").expect("write");
    hangup(&server);
    std::thread::sleep(Duration::from_millis(300));
    assert!(accepted(&server, &new));
    server.stop_cleanly();
    let log = server.stderr();
    assert!(log.contains("token keys reloaded") && log.contains("token keys not reloaded"), "{log}");
}

#[test]
fn an_upgraded_node_accepts_its_node_key_tokens_until_legacy_is_dropped() {
    let dir = DataDir::new();
    let init = dir.init(None);
    // A data directory of a version that signed tokens with the node key: no token keys.
    std::fs::remove_dir_all(dir.file("token-keys")).expect("remove token-keys");
    let pem = std::fs::read_to_string(dir.file("node.key")).expect("node.key");
    let node_key = valueflows_federation::NodeKey::from_pkcs8_pem(&pem).expect("node key");
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({"iss": init.did, "sub": init.organization, "aud": "vf-node", "scope": "write",
        "iat": now - 5, "nbf": now - 5, "exp": now + 600, "jti": uuid::Uuid::now_v7().to_string()});
    let der = node_key.to_pkcs8_der().expect("der");
    let legacy = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA),
        &claims,
        &jsonwebtoken::EncodingKey::from_ed_der(&der),
    )
    .expect("a token as the earlier version issued it");
    assert!(jwt_header(&legacy).get("kid").is_none());

    let mut server = dir.serve();
    assert!(accepted(&server, &legacy), "tokens issued before the upgrade still work");
    let list = token_key(&dir, &["list"]).expect_success("token-key list");
    assert!(list.stdout.contains("legacy accepted"), "{}", list.describe());
    let new = dir.token("write", &[]);
    assert!(jwt_header(&new)["kid"].is_string(), "new tokens are signed with a token key");
    assert!(accepted(&server, &new));

    token_key(&dir, &["drop", "legacy"]).expect_success("drop legacy");
    token_key(&dir, &["drop", "legacy"]).expect_refusal("already");
    hangup(&server);
    wait_for(&server, &legacy, false);
    assert!(accepted(&server, &new));
    server.stop_cleanly();
}

#[test]
fn a_token_revoked_from_the_command_line_is_refused_by_the_running_node() {
    let dir = DataDir::new();
    dir.init(None);
    let server = dir.serve();
    let (first, second, third) = (dir.token("write", &[]), dir.token("write", &[]), dir.token("read", &[]));
    assert!(accepted(&server, &first) && accepted(&server, &second));

    let out = vf_node(&["token-revoke", "--data-dir", dir.arg(), "--token", &first]).expect_success("revoke");
    let jti = jwt_claims(&first)["jti"].as_str().expect("jti").to_owned();
    assert_eq!(out.stdout_lines()[0], format!("revoked {jti}"), "{}", out.describe());
    assert!(!out.stdout.contains(&first) && !out.stderr.contains(&first), "the token is not echoed");
    assert!(!accepted(&server, &first), "refused at once");
    assert!(accepted(&server, &second), "others are unaffected");

    let jti = jwt_claims(&second)["jti"].as_str().expect("jti").to_owned();
    let out = vf_node(&["token-revoke", "--data-dir", dir.arg(), "--id", &jti, "--expires-at", "2099-01-01T00:00:00Z"]);
    assert!(out.expect_success("revoke by id").stdout.contains("2099-01-01"));
    assert!(!accepted(&server, &second));
    assert!(accepted(&server, &third));

    let (_, json) = server.graphql("{ revokedTokens { id } }", Some(&dir.token("admin", &[])));
    assert_eq!(json.pointer("/data/revokedTokens").and_then(Value::as_array).map(Vec::len), Some(2), "{json}");

    vf_node(&["token-revoke", "--data-dir", dir.arg(), "--token", "not.a.token"]).expect_refusal("token");
    let out = vf_node(&["token-revoke", "--data-dir", dir.arg()]);
    assert_eq!(out.status.code(), Some(2), "one of --token and --id: {}", out.describe());
    let out = vf_node(&["token-revoke", "--data-dir", dir.arg(), "--token", &third, "--id", "x"]);
    assert_eq!(out.status.code(), Some(2), "not both: {}", out.describe());
    assert!(accepted(&server, &third));
}

#[cfg(unix)]
#[test]
fn key_files_open_to_others_are_refused_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let chmod = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    let dir = DataDir::new();
    let init = dir.init(None);
    let node_key = dir.file("node.key");
    chmod(&node_key, 0o644);
    for args in [
        vec!["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"],
        vec!["token", "--data-dir", dir.arg(), "--scope", "read"],
        vec!["id", "--data-dir", dir.arg()],
    ] {
        let out = vf_node(&args).expect_refusal("chmod 600");
        assert!(out.stderr.contains("node.key") && out.stderr.contains("644"), "{}", out.describe());
        assert!(!out.stdout.contains("listening on") && !out.stdout.contains(&init.did), "{}", out.describe());
        assert!(!out.stderr.contains("PRIVATE KEY"), "{}", out.describe());
    }
    chmod(&node_key, 0o600);
    let token = dir.token("read", &[]);
    let key_file = dir.file("token-keys").join(format!("{}.pem", kid(&token)));
    chmod(&key_file, 0o604);
    let out = vf_node(&["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"]).expect_refusal("chmod 600");
    assert!(out.stderr.contains(&kid(&token)), "names the file: {}", out.describe());
    chmod(&key_file, 0o400);
    let mut server = dir.serve();
    assert!(accepted(&server, &token), "read-only for the owner is private enough");
    server.stop_cleanly();
}

#[test]
fn keys_from_the_environment_sign_tokens_and_are_masked() {
    let entry = vf_node(&["token-key", "generate"]).expect_success("generate").stdout.trim().to_owned();
    let (kid_of_entry, secret) = entry.split_once(':').expect("KID:SECRET");
    let other = vf_node(&["token-key", "generate"]).expect_success("generate").stdout.trim().to_owned();
    assert_ne!(entry, other, "each key is new");
    let env_value = format!("{other} {entry}");
    let env = [("VF_AUTH__TOKEN_KEY", env_value.as_str())];
    let dir = DataDir::new();

    let config = vf_node_env(&["config", "--data-dir", dir.arg()], &env).expect_success("config");
    assert!(config.stdout.contains("token_key = \"***\""), "{}", config.describe());
    assert!(!config.stdout.contains(secret) && !config.stdout.contains(kid_of_entry), "{}", config.describe());

    vf_node_env(&["init", "--data-dir", dir.arg()], &env).expect_success("init");
    assert!(!dir.file("token-keys").join(format!("{kid_of_entry}.pem")).exists(), "no key file is written");
    let newest = std::cmp::max(kid_of_entry, other.split_once(':').expect(":").0).to_owned();
    let out = vf_node_env(&["token", "--data-dir", dir.arg(), "--scope", "write"], &env).expect_success("token");
    let token = out.stdout.trim().to_owned();
    assert_eq!(kid(&token), newest, "the newest configured key signs");
    let mut server = Server::start_with_env(&["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"], &env);
    assert!(accepted(&server, &token));
    let files = dir.token("write", &[]);
    assert!(!accepted(&server, &files), "the key files are not used while keys are configured");
    server.stop_cleanly();
    assert!(!server.stderr().contains(secret));

    let out = vf_node_env(&["token-key", "rotate", "--data-dir", dir.arg()], &env);
    out.expect_refusal("auth.token_key");
    let bad = [("VF_AUTH__TOKEN_KEY", "20261115T101500Z-00000000:bm90IGEga2V5")];
    let out = vf_node_env(&["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"], &bad);
    let out = out.expect_refusal("auth.token_key");
    assert!(!out.stderr.contains("bm90IGEga2V5"), "the secret is not echoed: {}", out.describe());
}

#[test]
fn tokens_and_keys_never_reach_the_log() {
    let dir = DataDir::new();
    dir.init(None);
    let token = dir.token("admin", &[]);
    let revoked = dir.token("write", &[]);
    let env = [("VF_LOG__LEVEL", "trace")];
    let mut server = Server::start_with_env(&["serve", "--data-dir", dir.arg(), "--listen", "127.0.0.1:0"], &env);
    assert!(accepted(&server, &token));
    let (_, json) = server.graphql(&format!("mutation {{ revokeToken(token: \"{revoked}\") {{ id }} }}"), Some(&token));
    assert_no_errors(&json);
    assert!(!accepted(&server, &revoked));
    let forged = format!("{}x", &token[..token.len() - 1]);
    assert!(!accepted(&server, &forged));
    server.graphql(CREATE_UNIT, Some(&token));
    hangup(&server);
    std::thread::sleep(Duration::from_millis(300));
    server.stop_cleanly();
    let log = server.stderr();
    assert!(log.contains("DEBUG") && log.contains("token keys reloaded"), "verbose logging ran: {log}");

    let mut secrets: Vec<String> = Vec::new();
    for t in [&token, &revoked] {
        secrets.push(t.to_string());
        secrets.push(t.rsplit('.').next().expect("signature").to_owned());
    }
    let mut key_files = vec![dir.file("node.key")];
    key_files.extend(
        std::fs::read_dir(dir.file("token-keys"))
            .expect("token-keys")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "pem")),
    );
    for file in key_files {
        let pem = std::fs::read_to_string(&file).expect("key");
        secrets.extend(pem.lines().filter(|l| !l.starts_with("-----")).map(str::to_owned));
    }
    for secret in secrets {
        assert!(!log.contains(&secret), "the log holds a secret ({} bytes of log)", log.len());
    }
}
