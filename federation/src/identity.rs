//! Node identity: ed25519 node keys, `did:key` identifiers and signature checks.
//!
//! A node signs with a [`NodeKey`]; everyone else knows it by its [`Did`].

mod did;
mod errors;
mod node_key;
mod verify;

pub use did::Did;
pub use errors::{DidError, KeyError, SignatureError};
pub use node_key::NodeKey;
pub use verify::{SIGNATURE_LEN, verify_signature, verify_signatures};
