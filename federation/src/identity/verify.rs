//! Ed25519 signature verification against a `did:key`, under the ZIP 215 rules.
//!
//! ZIP 215 (<https://zips.z.cash/zip-0215>) fixes what a valid signature is so that checking
//! signatures one at a time and in a batch always agree: `S` must be canonical (`S < L`), `R`
//! must decode to a curve point, and the cofactored equation `[8][S]B = [8]R + [8][k]A` must
//! hold. That agreement is what lets a receiver check a whole page in one batch: whether an op
//! is accepted can never depend on which other ops shared its page. The key itself is held to
//! more than ZIP 215 asks: a `did:key` is refused when its key is weak (small order) or not
//! canonically encoded ([`Did::parse`]).

use ed25519_zebra::{Signature, VerificationKeyBytes, batch};

use super::did::Did;
use super::errors::SignatureError;

/// Length of an ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// Fewest signatures worth a batch: below it, the batch's set-up costs more than it saves.
const MIN_BATCH: usize = 4;

/// Verifies that `sig` is `did`'s ed25519 signature over `msg` (ZIP 215 rules).
pub fn verify_signature(did: &Did, msg: &[u8], sig: &[u8]) -> Result<(), SignatureError> {
    let sig = <[u8; SIGNATURE_LEN]>::try_from(sig)
        .map_err(|_| SignatureError::Malformed(format!("expected {SIGNATURE_LEN} bytes, got {}", sig.len())))?;
    let key = did.verification_key()?;
    key.verify(&Signature::from(sig), msg).map_err(|_| SignatureError::Invalid)
}

/// Verifies many signatures of one signer, `did`, each over its message; returns a result
/// per item, in order, exactly what [`verify_signature`] would return for each.
///
/// All items are first checked in one batch. When the batch holds, every item is valid;
/// when it fails, each is checked on its own to say which. A batch accepts an invalid
/// signature only with probability 2^-128 (its coefficients are random 128-bit scalars),
/// and, the equation being cofactored, never because of a small-order component.
pub fn verify_signatures(did: &Did, items: &[(&[u8], &[u8; SIGNATURE_LEN])]) -> Vec<Result<(), SignatureError>> {
    let key = match did.verification_key() {
        Ok(key) => key,
        Err(e) => return items.iter().map(|_| Err(SignatureError::from(e.clone()))).collect(),
    };
    if items.len() >= MIN_BATCH {
        let bytes = VerificationKeyBytes::from(key);
        let mut check = batch::Verifier::new();
        for (msg, sig) in items {
            check.queue((bytes, Signature::from(**sig), *msg));
        }
        if check.verify(rand::thread_rng()).is_ok() {
            return items.iter().map(|_| Ok(())).collect();
        }
    }
    items
        .iter()
        .map(|(msg, sig)| key.verify(&Signature::from(**sig), msg).map_err(|_| SignatureError::Invalid))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NodeKey;

    #[test]
    fn signature_round_trip_verifies() {
        let key = NodeKey::generate();
        let sig = key.sign(b"hello");
        assert_eq!(verify_signature(&key.did(), b"hello", &sig), Ok(()));
    }

    #[test]
    fn signature_over_other_message_fails() {
        let key = NodeKey::generate();
        let sig = key.sign(b"hello");
        let err = verify_signature(&key.did(), b"hellO", &sig).expect_err("must fail");
        assert_eq!(err, SignatureError::Invalid);
        assert_eq!(err.code(), "INVALID_SIGNATURE");
    }

    #[test]
    fn signature_by_other_key_fails() {
        let sig = NodeKey::generate().sign(b"hello");
        let other = NodeKey::generate().did();
        assert_eq!(verify_signature(&other, b"hello", &sig), Err(SignatureError::Invalid));
    }

    #[test]
    fn short_signature_is_malformed() {
        let key = NodeKey::generate();
        let err = verify_signature(&key.did(), b"x", &[0u8; 63]).expect_err("must fail");
        assert_eq!(err.code(), "MALFORMED_SIGNATURE");
    }

    #[test]
    fn non_canonical_s_is_rejected() {
        let key = NodeKey::generate();
        let mut sig = key.sign(b"x");
        // Setting the top bits of S makes it >= the group order.
        sig[63] |= 0xf0;
        assert!(verify_signature(&key.did(), b"x", &sig).is_err());
        assert_eq!(verify_signatures(&key.did(), &[(b"x".as_slice(), &sig); 8]), vec![Err(SignatureError::Invalid); 8]);
    }

    /// Messages and signatures by `key`; `bad` items get a signature over another message.
    fn signed(key: &NodeKey, n: usize, bad: &[usize]) -> Vec<(Vec<u8>, [u8; SIGNATURE_LEN])> {
        (0..n)
            .map(|i| {
                let msg = format!("op {i}").into_bytes();
                let sig = if bad.contains(&i) { key.sign(b"another op") } else { key.sign(&msg) };
                (msg, sig)
            })
            .collect()
    }

    fn batch_of(items: &[(Vec<u8>, [u8; SIGNATURE_LEN])]) -> Vec<(&[u8], &[u8; SIGNATURE_LEN])> {
        items.iter().map(|(m, s)| (m.as_slice(), s)).collect()
    }

    #[test]
    fn a_batch_agrees_with_checking_each_signature() {
        let key = NodeKey::generate();
        for (n, bad) in [(0, vec![]), (1, vec![]), (3, vec![1]), (64, vec![]), (64, vec![0]), (64, vec![17, 63])] {
            let items = signed(&key, n, &bad);
            let one_by_one: Vec<_> = items.iter().map(|(m, s)| verify_signature(&key.did(), m, s)).collect();
            let batched = verify_signatures(&key.did(), &batch_of(&items));
            assert_eq!(batched, one_by_one, "{n} signatures, bad at {bad:?}");
            for (i, r) in batched.iter().enumerate() {
                assert_eq!(r.is_ok(), !bad.contains(&i), "item {i} of {n}");
            }
        }
    }

    #[test]
    fn another_signers_batch_fails_every_item() {
        let items = signed(&NodeKey::generate(), 8, &[]);
        let other = NodeKey::generate().did();
        assert!(verify_signatures(&other, &batch_of(&items)).iter().all(|r| *r == Err(SignatureError::Invalid)));
    }

    /// A signature whose `R` carries a small-order component: `R' = R + T` with `T` of order 8,
    /// and `S` made to fit `R'`'s challenge. The cofactored equation holds, so ZIP 215 accepts
    /// it, one at a time and in any batch alike; a cofactorless check would accept it only for
    /// some random coefficients, which is why batches here are cofactored.
    #[test]
    fn a_torsion_component_in_r_is_judged_the_same_alone_and_in_a_batch() {
        use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT as B, EIGHT_TORSION};
        use curve25519_dalek::scalar::Scalar;
        use sha2::{Digest, Sha512};

        let secret = Scalar::from_bytes_mod_order([7u8; 32]);
        let public = (B * secret).compress();
        let did = Did::from_public_key(&public.to_bytes());
        let msg = b"a crafted op";
        let r = Scalar::from_bytes_mod_order([9u8; 32]);
        let big_r = (B * r + EIGHT_TORSION[1]).compress();
        let k = Scalar::from_hash(
            Sha512::new().chain_update(big_r.as_bytes()).chain_update(public.as_bytes()).chain_update(msg),
        );
        let s = r + k * secret;
        let mut sig = [0u8; SIGNATURE_LEN];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice(s.as_bytes());

        assert_eq!(verify_signature(&did, msg, &sig), Ok(()));
        for _ in 0..16 {
            let items = vec![(msg.as_slice(), &sig); 8];
            assert_eq!(verify_signatures(&did, &items), vec![Ok(()); 8]);
        }
    }
}
