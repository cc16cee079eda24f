//! The effect vocabularies of ValueFlows 1.0: how an action's events relate to
//! processes, quantities and resources. Spellings are the ontology's.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Action;

/// A value that is not in an effect vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} value {text:?}")]
pub struct UnknownEffect {
    /// Which vocabulary, e.g. `"onhandEffect"`.
    pub vocabulary: &'static str,
    /// The rejected text (cut to 80 characters).
    pub text: String,
}

macro_rules! effect_enum {
    ($(#[$doc:meta])* $name:ident, $vocab:literal { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The ontology spelling, e.g. `"notApplicable"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Parses the ontology spelling (exact).
            pub fn parse(s: &str) -> Result<$name, UnknownEffect> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownEffect { vocabulary: $vocab, text: s.chars().take(80).collect() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

effect_enum!(
    /// Whether events with the action relate to processes (`inputOutput`).
    InputOutput, "inputOutput" {
        /// Can be an input of a process.
        Input => "input",
        /// Can be an output of a process.
        Output => "output",
        /// An output of a process that can at the same time be an input of another.
        OutputInput => "outputInput",
        /// Not related to a process.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// Whether an event may create a new resource, and on which side (`createResource`).
    CreateResource, "createResource" {
        /// May create the `resourceInventoriedAs`.
        Optional => "optional",
        /// May create the `toResourceInventoriedAs`.
        OptionalTo => "optionalTo",
        /// Never creates a resource.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// Which quantities make sense on the event (`eventQuantity`).
    EventQuantity, "eventQuantity" {
        /// Only `resourceQuantity`.
        Resource => "resource",
        /// Only `effortQuantity`.
        Effort => "effort",
        /// Both `resourceQuantity` and `effortQuantity`.
        Both => "both",
    }
);

effect_enum!(
    /// How the event's `resourceQuantity` changes a resource quantity
    /// (`accountingEffect` and `onhandEffect`).
    QuantityEffect, "quantityEffect" {
        /// Add to the `resourceInventoriedAs`.
        Increment => "increment",
        /// Subtract from the `resourceInventoriedAs`.
        Decrement => "decrement",
        /// Subtract from the `resourceInventoriedAs`, add to the `toResourceInventoriedAs`.
        DecrementIncrement => "decrementIncrement",
        /// Add to the `toResourceInventoriedAs`, leave the `resourceInventoriedAs` as is.
        IncrementTo => "incrementTo",
        /// No effect.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// How the event changes a resource's `currentLocation` (`locationEffect`).
    LocationEffect, "locationEffect" {
        /// Set only on a resource the event creates.
        New => "new",
        /// Set on the `resourceInventoriedAs`.
        Update => "update",
        /// Set on the `toResourceInventoriedAs`.
        UpdateTo => "updateTo",
        /// No effect.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// How the event changes a resource's `containedIn` (`containedEffect`).
    ContainedEffect, "containedEffect" {
        /// Set the `resourceInventoriedAs`'s container.
        Update => "update",
        /// Set the `toResourceInventoriedAs`'s container (no 1.0 action uses it).
        UpdateTo => "updateTo",
        /// Clear the `resourceInventoriedAs`'s container.
        Remove => "remove",
        /// No effect.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// How the event changes a resource's `primaryAccountable` (`accountableEffect`).
    AccountableEffect, "accountableEffect" {
        /// The receiver becomes accountable for the resource the event creates or adds to.
        New => "new",
        /// The receiver becomes accountable for the `toResourceInventoriedAs`.
        UpdateTo => "updateTo",
        /// No effect.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// How the event changes a resource's `stage` (`stageEffect`).
    StageEffect, "stageEffect" {
        /// The stage becomes the process specification of the process the event is output of.
        Update => "update",
        /// No effect.
        NotApplicable => "notApplicable",
    }
);

effect_enum!(
    /// How the event changes a resource's `state` (`stateEffect`).
    StateEffect, "stateEffect" {
        /// The event's `state` is set on the `resourceInventoriedAs`.
        Update => "update",
        /// The event's `state` is set on the `toResourceInventoriedAs`.
        UpdateTo => "updateTo",
        /// No effect.
        NotApplicable => "notApplicable",
    }
);

/// The eleven behaviour properties of an action, as the ValueFlows 1.0 ontology defines them.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionEffects {
    /// Relation to processes.
    pub input_output: InputOutput,
    /// The action whose events are the matching input/output of the same process and
    /// resource; `None` is the ontology's `notApplicable`.
    pub pairs_with: Option<Action>,
    /// Whether the event may create a resource.
    pub create_resource: CreateResource,
    /// Which quantities the event carries.
    pub event_quantity: EventQuantity,
    /// Effect on `accountingQuantity`.
    pub accounting_effect: QuantityEffect,
    /// Effect on `onhandQuantity`.
    pub onhand_effect: QuantityEffect,
    /// Effect on `currentLocation`.
    pub location_effect: LocationEffect,
    /// Effect on `containedIn`.
    pub contained_effect: ContainedEffect,
    /// Effect on `primaryAccountable`.
    pub accountable_effect: AccountableEffect,
    /// Effect on `stage`.
    pub stage_effect: StageEffect,
    /// Effect on `state`.
    pub state_effect: StateEffect,
}

impl ActionEffects {
    /// The ontology spelling of `pairsWith` (`"notApplicable"` when there is none).
    pub fn pairs_with_str(&self) -> &'static str {
        self.pairs_with.map_or("notApplicable", Action::id)
    }

    /// True when the event changes a quantity of its `resourceInventoriedAs`.
    pub fn changes_from_quantity(&self) -> bool {
        [self.accounting_effect, self.onhand_effect].iter().any(|e| {
            matches!(e, QuantityEffect::Increment | QuantityEffect::Decrement | QuantityEffect::DecrementIncrement)
        })
    }

    /// True when the event changes a quantity of its `toResourceInventoriedAs`.
    pub fn changes_to_quantity(&self) -> bool {
        [self.accounting_effect, self.onhand_effect]
            .iter()
            .any(|e| matches!(e, QuantityEffect::DecrementIncrement | QuantityEffect::IncrementTo))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_effect_value_round_trips_through_its_spelling() {
        for v in QuantityEffect::ALL {
            assert_eq!(QuantityEffect::parse(v.as_str()), Ok(*v));
        }
        for v in LocationEffect::ALL {
            assert_eq!(LocationEffect::parse(v.as_str()), Ok(*v));
        }
        for v in ContainedEffect::ALL {
            assert_eq!(ContainedEffect::parse(v.as_str()), Ok(*v));
        }
        for v in InputOutput::ALL {
            assert_eq!(InputOutput::parse(v.as_str()), Ok(*v));
        }
    }

    #[test]
    fn spellings_are_the_ontology_camel_case() {
        assert_eq!(QuantityEffect::DecrementIncrement.as_str(), "decrementIncrement");
        assert_eq!(QuantityEffect::IncrementTo.as_str(), "incrementTo");
        assert_eq!(LocationEffect::UpdateTo.as_str(), "updateTo");
        assert_eq!(InputOutput::OutputInput.as_str(), "outputInput");
        assert_eq!(CreateResource::OptionalTo.as_str(), "optionalTo");
        assert_eq!(StageEffect::NotApplicable.as_str(), "notApplicable");
    }

    #[test]
    fn unknown_effect_value_is_rejected() {
        let err = StateEffect::parse("sideways").expect_err("unknown");
        assert!(err.to_string().contains("stateEffect"));
    }

    #[test]
    fn effects_serialize_as_their_spelling() {
        let json = serde_json::to_string(&QuantityEffect::DecrementIncrement).expect("serialize");
        assert_eq!(json, "\"decrementIncrement\"");
    }
}
