//! The recipe layer: reusable blueprints of processes, their flows and exchanges, the rule
//! that a recipe never depends on its own output, and planning from a recipe (scaling it
//! to a wanted quantity).

pub mod recipe_error;
pub mod recipe_exchange;
pub mod recipe_flow;
pub mod recipe_graph;
pub mod recipe_process;
pub mod scaling;
pub mod scheduling;

pub use recipe_error::RecipeError;
pub use recipe_exchange::RecipeExchange;
pub use recipe_flow::RecipeFlow;
pub use recipe_graph::{RecipeGraph, find_cycle};
pub use recipe_process::RecipeProcess;
pub use scaling::{FlowSide, Scale, ScaledFlow, ScaledProcess, ScaledRecipe, plan_from_recipe};
pub use scheduling::{Span, schedule_back};
