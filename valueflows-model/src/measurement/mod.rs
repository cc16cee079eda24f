//! Units of measure, quantities (a decimal number with a unit) and durations.

pub mod duration;
pub mod measure;
pub mod unit;

pub use duration::{Duration, TimeUnit};
pub use measure::Measure;
pub use unit::Unit;
