//! The claim module: claims for future economic events in return for an event that
//! already occurred, and the settlements by which events settle them.

#[allow(clippy::module_inception)]
pub mod claim;
pub mod claim_error;
pub mod settlement;

pub use claim::{Claim, Settled};
pub use claim_error::ClaimError;
pub use settlement::Settlement;
