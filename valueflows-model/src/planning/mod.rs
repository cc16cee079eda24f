//! The planning layer: commitments and intents (planned flows), and the fulfillments and
//! satisfactions that link events and commitments to them, with the exact sums of how
//! much of each is done.

pub mod commitment;
pub mod fulfillment;
pub mod intent;
pub mod planned_flow;
pub mod planning_error;
pub mod progress;
pub mod satisfaction;

pub use commitment::Commitment;
pub use fulfillment::Fulfillment;
pub use intent::Intent;
pub use planning_error::PlanningError;
pub use satisfaction::{Satisfaction, SatisfierQuantities};
