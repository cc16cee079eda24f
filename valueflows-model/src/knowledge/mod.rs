//! The knowledge layer: kinds of resources and kinds of processes.

pub mod process_specification;
pub mod resource_specification;

pub use process_specification::ProcessSpecification;
pub use resource_specification::ResourceSpecification;
