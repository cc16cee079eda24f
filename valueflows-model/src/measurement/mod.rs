//! Units of measure and quantities (a decimal number with a unit).

pub mod measure;
pub mod unit;

pub use measure::Measure;
pub use unit::Unit;
