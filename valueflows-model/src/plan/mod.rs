//! The plan module: a body of planned work with its deliverables.

#[allow(clippy::module_inception)]
pub mod plan;

pub use plan::Plan;
