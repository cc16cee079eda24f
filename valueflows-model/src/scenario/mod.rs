//! Scenarios: collections of processes for budgeting, analysis and plan refinement, and
//! their definitions.

#[allow(clippy::module_inception)]
pub mod scenario;
pub mod scenario_definition;

pub use scenario::{Scenario, may_refine};
pub use scenario_definition::ScenarioDefinition;
