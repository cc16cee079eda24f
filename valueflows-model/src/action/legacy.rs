//! The vf-graphql 0.9 view of an action: its `resourceEffect` and `onhandEffect`
//! fields, whose values are only `increment`, `decrement`, `decrementIncrement` and `noEffect`.

use super::Action;
use super::effects::QuantityEffect;

/// Maps a 1.0 quantity effect to the 0.9 vocabulary. 0.9 has no `incrementTo`:
/// it becomes `"increment"` (the event adds to a resource, the to-resource);
/// `notApplicable` becomes `"noEffect"`.
fn legacy(effect: QuantityEffect) -> &'static str {
    match effect {
        QuantityEffect::Increment | QuantityEffect::IncrementTo => "increment",
        QuantityEffect::Decrement => "decrement",
        QuantityEffect::DecrementIncrement => "decrementIncrement",
        QuantityEffect::NotApplicable => "noEffect",
    }
}

impl Action {
    /// The vf-graphql 0.9 `resourceEffect` (effect on the accounting quantity):
    /// `increment`, `decrement`, `decrementIncrement` or `noEffect`.
    /// 1.0's `incrementTo` maps to `increment` and `notApplicable` to `noEffect`.
    pub fn legacy_resource_effect(self) -> &'static str {
        legacy(self.effects().accounting_effect)
    }

    /// The vf-graphql 0.9 `onhandEffect`, mapped as [`Action::legacy_resource_effect`].
    pub fn legacy_onhand_effect(self) -> &'static str {
        legacy(self.effects().onhand_effect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_applicable_maps_to_no_effect() {
        assert_eq!(Action::Work.legacy_resource_effect(), "noEffect");
        assert_eq!(Action::Use.legacy_onhand_effect(), "noEffect");
    }

    #[test]
    fn increment_to_maps_to_increment() {
        assert_eq!(Action::Copy.legacy_resource_effect(), "increment");
        assert_eq!(Action::Copy.legacy_onhand_effect(), "increment");
    }

    #[test]
    fn transfer_all_rights_moves_accounting_but_not_onhand() {
        assert_eq!(Action::TransferAllRights.legacy_resource_effect(), "decrementIncrement");
        assert_eq!(Action::TransferAllRights.legacy_onhand_effect(), "noEffect");
        assert_eq!(Action::Consume.legacy_onhand_effect(), "decrement");
    }
}
