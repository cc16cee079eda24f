//! The observation layer: processes, economic events, economic resources, the
//! rules an event must pass to be recorded, and the fold that derives a
//! resource's current state from its events.

pub mod anomaly;
pub mod economic_event;
pub mod economic_resource;
pub mod event_context;
pub mod event_error;
pub mod event_order;
pub mod event_rules;
pub mod process;
pub mod product_batch;
pub mod quantity_tally;
pub mod resource_state;
pub mod write_orders;

pub use anomaly::{Anomaly, QuantityKind};
pub use economic_event::{EconomicEvent, NewEconomicEvent};
pub use economic_resource::{EconomicResource, NewEconomicResource};
pub use event_context::{EventContext, Recorded, ResourceView};
pub use event_error::EventError;
pub use event_order::EventOrder;
pub use process::Process;
pub use product_batch::ProductBatch;
pub use quantity_tally::{QuantityTally, UnitTally};
pub use resource_state::{ResourceState, fold};
pub use write_orders::WriteOrders;
