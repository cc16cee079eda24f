//! Locations: mappable places where agents live, events happen and resources are kept.

pub mod spatial_thing;

pub use spatial_thing::SpatialThing;
