//! The appreciation module: an economic event given in loose appreciation of another,
//! without commitments or expectations (gift economies).

#[allow(clippy::module_inception)]
pub mod appreciation;

pub use appreciation::Appreciation;
