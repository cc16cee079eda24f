//! Token signing keys, apart from the node's identity key so that they can be rotated
//! without changing the node's DID. The newest key signs new tokens; older ones still
//! verify until they are dropped. Kept as private files in `token-keys/` of the data
//! directory, or given in the configuration (`auth.token_key`).

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};
use valueflows_federation::NodeKey;

/// The directory of token keys inside the data directory.
pub const KEY_DIR: &str = "token-keys";
/// The file that keeps tokens signed with the node key (before token keys) accepted.
pub const LEGACY_FILE: &str = "legacy-node-key";
/// What `drop` takes to stop accepting tokens signed with the node key.
pub const LEGACY: &str = "legacy";
const KEY_EXT: &str = "pem";
const PEM_BEGIN: &str = "-----BEGIN PRIVATE KEY-----";
const PEM_END: &str = "-----END PRIVATE KEY-----";
/// `kid` timestamps: sortable, so the newest key has the greatest `kid`.
const KID_TIME: &str = "%Y%m%dT%H%M%SZ";

/// One token signing key and its id (`kid`): `20261115T101500Z-3fa9c2d1`, its creation
/// time then the first bytes of the SHA-256 of its public key.
pub struct TokenKey {
    kid: String,
    key: NodeKey,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl TokenKey {
    /// A fresh key created at `now`.
    pub fn generate(now: DateTime<Utc>) -> TokenKey {
        let key = NodeKey::generate();
        TokenKey { kid: kid_for(now, &key), key }
    }

    /// The key's id, carried in the header of the tokens it signs.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// When the key was created (from its `kid`).
    pub fn created(&self) -> Option<DateTime<Utc>> {
        let stamp = self.kid.split('-').next()?;
        NaiveDateTime::parse_from_str(stamp, KID_TIME).ok().map(|t| t.and_utc())
    }

    /// The signing key.
    pub(crate) fn key(&self) -> &NodeKey {
        &self.key
    }

    /// Parses a key as `auth.token_key` holds it: `KID:SECRET`, the secret being the
    /// base64 of the key's PKCS#8 form.
    pub fn from_entry(entry: &str) -> anyhow::Result<TokenKey> {
        let (kid, secret) = entry
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("a token key entry is `KID:SECRET` (see `vf-node token-key generate`)"))?;
        // PEM wants its base64 in lines of 64 characters.
        let lines: Vec<String> =
            secret.as_bytes().chunks(64).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
        let pem = format!("{PEM_BEGIN}\n{}\n{PEM_END}\n", lines.join("\n"));
        let key =
            NodeKey::from_pkcs8_pem(&pem).map_err(|_| anyhow::anyhow!("token key {kid}: the secret is not a key"))?;
        TokenKey::checked(kid, key)
    }

    /// The key as an `auth.token_key` entry, `KID:SECRET`. Holds the secret.
    pub fn to_entry(&self) -> anyhow::Result<String> {
        let pem = self.key.to_pkcs8_pem().context("cannot encode the token key")?;
        let secret: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        Ok(format!("{}:{secret}", self.kid))
    }

    /// A key named `kid`, which must be well formed and name this key.
    fn checked(kid: &str, key: NodeKey) -> anyhow::Result<TokenKey> {
        let created = kid
            .split_once('-')
            .and_then(|(stamp, _)| NaiveDateTime::parse_from_str(stamp, KID_TIME).ok())
            .ok_or_else(|| anyhow::anyhow!("`{kid}` is not a token key id (like 20261115T101500Z-3fa9c2d1)"))?;
        if kid_for(created.and_utc(), &key) != kid {
            bail!("token key {kid}: the key does not match its id");
        }
        Ok(TokenKey { kid: kid.to_owned(), key })
    }
}

fn kid_for(created: DateTime<Utc>, key: &NodeKey) -> String {
    let digest = Sha256::digest(key.public_key_bytes());
    let thumb: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("{}-{thumb}", created.format(KID_TIME))
}

/// The keys a node signs and checks tokens with.
#[derive(Debug, Default)]
pub struct Keyring {
    /// In `kid` order: the last one signs.
    keys: Vec<TokenKey>,
    /// Tokens without `kid`, signed with the node key and issued at or before this time
    /// (Unix seconds), are still accepted: those issued before token keys existed.
    legacy_before: Option<i64>,
}

impl Keyring {
    /// A ring of `keys` (any order), accepting legacy tokens issued up to `legacy_before`.
    pub fn new(mut keys: Vec<TokenKey>, legacy_before: Option<i64>) -> Keyring {
        keys.sort_by(|a, b| a.kid.cmp(&b.kid));
        keys.dedup_by(|a, b| a.kid == b.kid);
        Keyring { keys, legacy_before }
    }

    /// The key that signs new tokens: the newest.
    pub fn current(&self) -> Option<&TokenKey> {
        self.keys.last()
    }

    /// Every key, oldest first.
    pub fn keys(&self) -> &[TokenKey] {
        &self.keys
    }

    /// Until when (issue time, Unix seconds) tokens signed with the node key are accepted.
    pub fn legacy_before(&self) -> Option<i64> {
        self.legacy_before
    }

    /// Loads the keys: from `configured` (the `auth.token_key` setting) when set, else the
    /// files of `data_dir/token-keys`, each of which must be private to its owner.
    pub fn load(data_dir: &Path, configured: Option<&str>) -> anyhow::Result<Keyring> {
        let dir = data_dir.join(KEY_DIR);
        let legacy = read_legacy(&dir)?;
        let keys = match configured {
            Some(text) => {
                let keys = text
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|e| !e.is_empty())
                    .map(TokenKey::from_entry)
                    .collect::<anyhow::Result<Vec<_>>>()
                    .context("auth.token_key")?;
                if keys.is_empty() {
                    bail!("auth.token_key is set but holds no key");
                }
                keys
            }
            None => read_key_files(&dir)?,
        };
        Ok(Keyring::new(keys, legacy))
    }

    /// Loads the keys, first creating a key in `data_dir/token-keys` when no key is
    /// configured and none is there. `initialised` says the node existed before this start
    /// (and so may have issued tokens with its node key): then, when the directory is
    /// created (with only that file when the keys are configured), tokens issued until now
    /// with the node key stay accepted.
    pub fn open(data_dir: &Path, configured: Option<&str>, initialised: bool) -> anyhow::Result<Keyring> {
        let dir = data_dir.join(KEY_DIR);
        if !dir.exists() && (configured.is_none() || initialised) {
            create_dir(data_dir, configured.is_none(), initialised)?;
            if configured.is_none() && initialised {
                // Right after an upgrade; but also a replica started without the other
                // replicas' keys, which would then refuse each other's tokens.
                tracing::warn!(
                    dir = %dir.display(),
                    "made a first token key for a node that already existed; if other replicas serve \
                     this node, give them all the same token-keys directory"
                );
            }
        }
        let ring = Keyring::load(data_dir, configured)?;
        if ring.keys.is_empty() {
            // Every key file was removed: start again with one (no legacy acceptance).
            rotate(data_dir)?;
            return Keyring::load(data_dir, configured);
        }
        Ok(ring)
    }

    /// A one-line description for logs: the current `kid`, how many others, legacy or not.
    pub fn summary(&self) -> String {
        let current = self.current().map_or("none", TokenKey::kid);
        let legacy = if self.legacy_before.is_some() { ", node-key tokens accepted" } else { "" };
        format!("current {current}, {} previous{legacy}", self.keys.len().saturating_sub(1))
    }
}

/// Creates `token-keys` with a first key when `with_key` and the legacy file when `legacy`,
/// atomically: another process starting at the same time sees it whole or not at all.
fn create_dir(data_dir: &Path, with_key: bool, legacy: bool) -> anyhow::Result<()> {
    let dir = data_dir.join(KEY_DIR);
    let tmp = data_dir.join(format!(".{KEY_DIR}-{}", uuid::Uuid::now_v7().simple()));
    private_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let now = Utc::now();
    let key = with_key.then(|| TokenKey::generate(now));
    let built = key
        .as_ref()
        .map_or(Ok(()), |key| write_key(&tmp, key))
        .and_then(|()| if legacy { write_legacy(&tmp, now.timestamp()) } else { Ok(()) });
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&tmp, &dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another process made it first: use theirs.
        if !dir.is_dir() {
            return Err(e).with_context(|| format!("cannot create {}", dir.display()));
        }
    }
    Ok(())
}

/// Adds a new key to `data_dir/token-keys`, newer than every key there, and returns it.
/// The previous keys stay: tokens they signed are accepted until their keys are dropped.
pub fn rotate(data_dir: &Path) -> anyhow::Result<TokenKey> {
    let dir = data_dir.join(KEY_DIR);
    if !dir.exists() {
        private_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let existing = read_key_files(&dir)?;
    let mut now = Utc::now();
    let mut key = TokenKey::generate(now);
    // A rotation within the same second as the last must still make the newest key.
    while existing.iter().any(|k| k.kid >= key.kid) {
        now += chrono::Duration::seconds(1);
        key = TokenKey::generate(now);
    }
    write_key(&dir, &key)?;
    Ok(key)
}

/// Removes a previous key (tokens it signed are refused from then on), or with
/// [`LEGACY`] stops accepting tokens signed with the node key. The current key cannot be
/// dropped: rotate first.
pub fn drop_key(data_dir: &Path, kid: &str) -> anyhow::Result<()> {
    let dir = data_dir.join(KEY_DIR);
    if kid == LEGACY {
        let path = dir.join(LEGACY_FILE);
        if !path.exists() {
            bail!("tokens signed with the node key are not accepted already");
        }
        return std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()));
    }
    let keys = read_key_files(&dir)?;
    if !keys.iter().any(|k| k.kid == kid) {
        bail!("no token key {kid} in {}", dir.display());
    }
    if keys.last().is_some_and(|k| k.kid == kid) {
        bail!("{kid} is the current token key; rotate first, then drop it");
    }
    let path = dir.join(format!("{kid}.{KEY_EXT}"));
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))
}

fn read_key_files(dir: &Path) -> anyhow::Result<Vec<TokenKey>> {
    let mut keys = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(keys),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    for entry in entries {
        let path = entry.with_context(|| format!("cannot read {}", dir.display()))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some(KEY_EXT) {
            continue;
        }
        let kid = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        keys.push(read_key(&path, &kid)?);
    }
    keys.sort_by(|a, b| a.kid.cmp(&b.kid));
    Ok(keys)
}

fn read_key(path: &Path, kid: &str) -> anyhow::Result<TokenKey> {
    check_private(path)?;
    let pem = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let key = NodeKey::from_pkcs8_pem(&pem).map_err(|_| anyhow::anyhow!("{} is not a valid key", path.display()))?;
    TokenKey::checked(kid, key).with_context(|| path.display().to_string())
}

fn write_key(dir: &Path, key: &TokenKey) -> anyhow::Result<()> {
    let path = dir.join(format!("{}.{KEY_EXT}", key.kid));
    let pem = key.key.to_pkcs8_pem().context("cannot encode the token key")?;
    write_private(&path, pem.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

fn read_legacy(dir: &Path) -> anyhow::Result<Option<i64>> {
    let path = dir.join(LEGACY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or_default();
    let at = DateTime::parse_from_rfc3339(line)
        .with_context(|| format!("{}: expected an RFC 3339 time, found `{line}`", path.display()))?;
    Ok(Some(at.timestamp()))
}

fn write_legacy(dir: &Path, before: i64) -> anyhow::Result<()> {
    let at = DateTime::from_timestamp(before, 0).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let text = format!(
        "# Tokens signed with the node key (no kid) and issued at or before this time are accepted.\n\
         # `vf-node token-key drop legacy` stops that.\n{at}\n"
    );
    let path = dir.join(LEGACY_FILE);
    write_private(&path, text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))
}

/// Where the token keys of `data_dir` are kept.
pub fn key_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_DIR)
}

/// Creates a file readable and writable by its owner only (0600); fails if it exists.
#[cfg(unix)]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Creates a file; fails if it exists.
#[cfg(not(unix))]
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(unix)]
fn private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
fn private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir(path)
}

/// Fails when the key file at `path` may be read or written by its group or others.
#[cfg(unix)]
pub fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.permissions().mode();
    if mode & 0o077 != 0 {
        bail!(
            "{} is open to its group or others (mode {:o}); a key must be private to its owner: \
             run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

/// File modes are not checked on this platform.
#[cfg(not(unix))]
pub fn check_private(_path: &Path) -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().expect("dir")
    }

    #[test]
    fn a_new_node_gets_one_private_key_and_no_legacy_acceptance() {
        let dir = tmp();
        let ring = Keyring::open(dir.path(), None, false).expect("open");
        assert_eq!(ring.keys().len(), 1);
        assert_eq!(ring.legacy_before(), None);
        let kid = ring.current().expect("current").kid().to_owned();
        let file = dir.path().join(KEY_DIR).join(format!("{kid}.pem"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).expect("stat").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{kid}");
            let dmode = std::fs::metadata(dir.path().join(KEY_DIR)).expect("stat").permissions().mode() & 0o777;
            assert_eq!(dmode, 0o700);
        }
        let again = Keyring::open(dir.path(), None, true).expect("reopen");
        assert_eq!(again.current().map(TokenKey::kid), Some(kid.as_str()), "the key is kept");
        assert_eq!(again.legacy_before(), None, "an existing ring gains no legacy acceptance");
    }

    #[test]
    fn an_upgraded_node_accepts_tokens_issued_before_its_first_token_key() {
        let dir = tmp();
        let before = Utc::now().timestamp();
        let ring = Keyring::open(dir.path(), None, true).expect("open");
        let until = ring.legacy_before().expect("legacy accepted");
        assert!(until >= before && until <= Utc::now().timestamp(), "{until}");
        drop_key(dir.path(), LEGACY).expect("drop legacy");
        assert_eq!(Keyring::load(dir.path(), None).expect("load").legacy_before(), None);
        assert!(drop_key(dir.path(), LEGACY).is_err(), "already dropped");
    }

    #[test]
    fn rotation_makes_a_newer_current_key_and_keeps_the_old_one_until_dropped() {
        let dir = tmp();
        let first = Keyring::open(dir.path(), None, false).expect("open").current().expect("key").kid().to_owned();
        let second = rotate(dir.path()).expect("rotate").kid().to_owned();
        let third = rotate(dir.path()).expect("rotate").kid().to_owned();
        assert!(first < second && second < third, "{first} {second} {third}");
        let ring = Keyring::load(dir.path(), None).expect("load");
        let kids: Vec<&str> = ring.keys().iter().map(TokenKey::kid).collect();
        assert_eq!(kids, [first.as_str(), second.as_str(), third.as_str()]);
        assert_eq!(ring.current().map(TokenKey::kid), Some(third.as_str()));
        let err = drop_key(dir.path(), &third).expect_err("the current key stays");
        assert!(err.to_string().contains("rotate first"), "{err}");
        drop_key(dir.path(), &first).expect("drop");
        let kids: Vec<String> =
            Keyring::load(dir.path(), None).expect("load").keys().iter().map(|k| k.kid().to_owned()).collect();
        assert_eq!(kids, [second, third]);
        assert!(drop_key(dir.path(), &first).is_err(), "gone already");
    }

    #[test]
    fn configured_keys_replace_the_files_and_the_newest_signs() {
        let dir = tmp();
        let old = TokenKey::generate(Utc::now() - chrono::Duration::days(1));
        let new = TokenKey::generate(Utc::now());
        let text = format!("{} , {}", new.to_entry().expect("entry"), old.to_entry().expect("entry"));
        let ring = Keyring::open(dir.path(), Some(&text), false).expect("open");
        assert_eq!(ring.current().map(TokenKey::kid), Some(new.kid()));
        assert_eq!(ring.keys().len(), 2);
        assert_eq!(ring.legacy_before(), None);
        assert!(!dir.path().join(KEY_DIR).exists(), "no files are made for configured keys");
        // An upgraded node with configured keys still accepts its node-key tokens.
        let ring = Keyring::open(dir.path(), Some(&text), true).expect("open");
        assert!(ring.legacy_before().is_some());
        let files: Vec<_> = std::fs::read_dir(dir.path().join(KEY_DIR)).expect("dir").collect();
        assert_eq!(files.len(), 1, "the legacy file only");
        let tampered = format!("{}:{}", old.kid(), new.to_entry().expect("entry").split_once(':').expect(":").1);
        let err = Keyring::load(dir.path(), Some(&tampered)).expect_err("kid of another key");
        assert!(format!("{err:#}").contains("does not match"), "{err:#}");
        assert!(Keyring::load(dir.path(), Some(" ")).is_err(), "an empty setting is refused");
        assert!(Keyring::load(dir.path(), Some("nonsense")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_open_to_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tmp();
        let ring = Keyring::open(dir.path(), None, false).expect("open");
        let kid = ring.current().expect("key").kid().to_owned();
        let file = dir.path().join(KEY_DIR).join(format!("{kid}.pem"));
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        let err = Keyring::load(dir.path(), None).expect_err("group-readable");
        let text = format!("{err:#}");
        assert!(text.contains("chmod 600") && text.contains(&kid) && text.contains("640"), "{text}");
        assert!(!text.contains("PRIVATE KEY"), "no key material in the message: {text}");
    }

    #[test]
    fn a_renamed_key_file_is_refused() {
        let dir = tmp();
        let ring = Keyring::open(dir.path(), None, false).expect("open");
        let kid = ring.current().expect("key").kid().to_owned();
        let keys = dir.path().join(KEY_DIR);
        std::fs::rename(keys.join(format!("{kid}.pem")), keys.join("20990101T000000Z-00000000.pem")).expect("mv");
        let err = Keyring::load(dir.path(), None).expect_err("mismatched kid");
        assert!(format!("{err:#}").contains("does not match"), "{err:#}");
    }

    #[test]
    fn debug_shows_the_kid_only() {
        let key = TokenKey::generate(Utc::now());
        let entry = key.to_entry().expect("entry");
        let secret = entry.split_once(':').expect(":").1;
        let one = format!("{key:?}");
        let shown = format!("{one} {:?}", Keyring::new(vec![key], None));
        assert!(!shown.contains(secret), "{shown}");
    }
}
