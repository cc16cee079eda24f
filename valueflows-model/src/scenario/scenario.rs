//! A scenario: a logical collection of processes (and plans) for budgeting, analysis or
//! plan refinement, often over an accounting period.

use serde::{Deserialize, Serialize};

use crate::ids::{AgentId, ScenarioDefinitionId, ScenarioId};
use crate::time::Timestamp;
use crate::validation::{RecordError, check_interval, check_name, check_opt_text};

/// An estimated or analytical collection of higher level processes (vf-graphql `Scenario`;
/// ValueFlows 1.0 no longer has scenarios).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    /// Its id.
    pub id: ScenarioId,
    /// Display name.
    pub name: String,
    /// When it begins, often the beginning of an accounting period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_beginning: Option<Timestamp>,
    /// When it ends, often the end of an accounting period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_end: Option<Timestamp>,
    /// The kind of scenario (a yearly budget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defined_as: Option<ScenarioDefinitionId>,
    /// The scenario this one refines, often as time moves closer or for more detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refinement_of: Option<ScenarioId>,
    /// Agents within whose scope the scenario is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_scope_of: Vec<AgentId>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Scenario {
    /// Name not blank, `hasBeginning <= hasEnd`, not a refinement of itself, note within the limit.
    pub fn validate(&self) -> Result<(), RecordError> {
        check_name("name", &self.name)?;
        check_interval(self.has_beginning, self.has_end)?;
        if self.refinement_of == Some(self.id) {
            return Err(RecordError::SelfReference { field: "refinementOf" });
        }
        check_opt_text("note", self.note.as_deref())
    }
}

/// Whether `scenario` may refine `target`, given how each scenario refines another
/// (`refines(s)` is the scenario `s` refines, if any): false when `target` is `scenario`
/// or already, through the chain of refinements, a refinement of it.
///
/// `refines` is asked at most once per scenario on the chain, and a chain that loops
/// (which this rule keeps from being stored) ends the walk.
pub fn may_refine(
    scenario: ScenarioId,
    target: ScenarioId,
    mut refines: impl FnMut(ScenarioId) -> Option<ScenarioId>,
) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    let mut at = Some(target);
    while let Some(s) = at {
        if s == scenario {
            return false;
        }
        if !seen.insert(s) {
            return true;
        }
        at = refines(s);
    }
    true
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn sid(n: u128) -> ScenarioId {
        ScenarioId::new(uuid::Uuid::from_u128(n))
    }

    fn scenario() -> Scenario {
        Scenario {
            id: sid(1),
            name: "Budget 2027".into(),
            has_beginning: Timestamp::parse("2027-01-01").ok(),
            has_end: Timestamp::parse("2027-12-31").ok(),
            defined_as: None,
            refinement_of: None,
            in_scope_of: vec![],
            note: None,
        }
    }

    #[test]
    fn scenario_ending_before_it_begins_is_rejected() {
        let s = Scenario { has_end: Timestamp::parse("2026-12-31").ok(), ..scenario() };
        assert_eq!(s.validate().map_err(|e| e.field()), Err(Some("hasEnd")));
        assert_eq!(scenario().validate(), Ok(()));
    }

    #[test]
    fn scenario_refining_itself_is_rejected() {
        let s = Scenario { refinement_of: Some(sid(1)), ..scenario() };
        assert_eq!(s.validate().map_err(|e| e.field()), Err(Some("refinementOf")));
    }

    #[test]
    fn refining_a_refinement_of_oneself_is_refused() {
        // 3 refines 2, 2 refines 1: 1 may not refine 3, nor 2, but 4 may refine 3.
        let chain: HashMap<ScenarioId, ScenarioId> = HashMap::from([(sid(3), sid(2)), (sid(2), sid(1))]);
        let refines = |s: ScenarioId| chain.get(&s).copied();
        assert!(!may_refine(sid(1), sid(3), refines));
        assert!(!may_refine(sid(1), sid(2), refines));
        assert!(!may_refine(sid(1), sid(1), refines));
        assert!(may_refine(sid(4), sid(3), refines));
        assert!(may_refine(sid(3), sid(1), refines));
    }

    #[test]
    fn a_looping_chain_ends_the_walk() {
        let chain: HashMap<ScenarioId, ScenarioId> = HashMap::from([(sid(2), sid(3)), (sid(3), sid(2))]);
        assert!(may_refine(sid(9), sid(2), |s| chain.get(&s).copied()));
    }
}
