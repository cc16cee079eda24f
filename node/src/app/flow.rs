//! Which way value flows through an event, for track and trace: an event takes from one
//! resource or process and gives to another (ValueFlows "Track and trace").

use valueflows_model as vf;

/// The resource an event adds to: the to-resource of a transfer or move, or the resource
/// of an output or increment (produce, raise, dropoff, modify, separate).
pub fn into_resource(e: &vf::EconomicEvent) -> Option<vf::ResourceId> {
    if e.to_resource_inventoried_as.is_some() {
        return e.to_resource_inventoried_as;
    }
    let fx = e.action.effects();
    let adds = e.output_of.is_some()
        || matches!(fx.accounting_effect, vf::QuantityEffect::Increment)
        || matches!(fx.onhand_effect, vf::QuantityEffect::Increment);
    if adds { e.resource_inventoried_as } else { None }
}

/// The resource an event takes from (or uses, or cites): the resource of an input,
/// a transfer's source, a lower.
pub fn from_resource(e: &vf::EconomicEvent) -> Option<vf::ResourceId> {
    match (e.resource_inventoried_as, into_resource(e)) {
        (Some(r), Some(into)) if r == into => None,
        (r, _) => r,
    }
}
