//! The agreement module: agreements among agents, which economic events realize
//! (`EconomicEvent::realization_of`).

#[allow(clippy::module_inception)]
pub mod agreement;

pub use agreement::Agreement;
