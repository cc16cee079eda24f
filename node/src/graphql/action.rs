//! The action module: the fixed list of ValueFlows actions and their effects.

use async_graphql::{Context, ID, Object};
use valueflows_model as vf;

use super::error::GqlResult;
use crate::error::AppError;

/// An action verb defining the kind of event, commitment, or intent.
/// Ids are the ValueFlows 1.0 ids (`transferCustody`); kebab-case ids are accepted on input.
#[derive(Clone, Copy)]
pub struct Action(pub vf::Action);

#[Object]
impl Action {
    async fn id(&self) -> ID {
        ID(self.0.id().to_owned())
    }
    async fn label(&self) -> String {
        self.0.label().to_owned()
    }
    /// The accounting effect of an economic event on a resource, increment, decrement, no effect, or decrement resource and increment 'to' resource.
    async fn resource_effect(&self) -> String {
        self.0.legacy_resource_effect().to_owned()
    }
    /// The onhand effect of an economic event on a resource, increment, decrement, no effect, or decrement resource and increment 'to' resource.
    async fn onhand_effect(&self) -> String {
        self.0.legacy_onhand_effect().to_owned()
    }
    /// Whether the action is an input to or an output of a process (ValueFlows 1.0 values).
    async fn input_output(&self) -> Option<String> {
        Some(self.0.effects().input_output.as_str().to_owned())
    }
    /// The action that should be included on the other direction of the process, for example accept with modify.
    async fn pairs_with(&self) -> Option<String> {
        Some(self.0.effects().pairs_with.map_or("notApplicable", vf::Action::id).to_owned())
    }
    /// ValueFlows 1.0: the accounting effect (`increment`, `decrement`, `decrementIncrement`, `incrementTo`, `notApplicable`).
    async fn accounting_effect(&self) -> String {
        self.0.effects().accounting_effect.as_str().to_owned()
    }
    /// ValueFlows 1.0: whether the event may create a resource (`optional`, `optionalTo`, `notApplicable`).
    async fn create_resource(&self) -> String {
        self.0.effects().create_resource.as_str().to_owned()
    }
    /// ValueFlows 1.0: which quantity the event carries (`resource`, `effort`, `both`).
    async fn event_quantity(&self) -> String {
        self.0.effects().event_quantity.as_str().to_owned()
    }
    /// ValueFlows 1.0: the effect on the resource's current location.
    async fn location_effect(&self) -> String {
        self.0.effects().location_effect.as_str().to_owned()
    }
    /// ValueFlows 1.0: the effect on containment.
    async fn contained_effect(&self) -> String {
        self.0.effects().contained_effect.as_str().to_owned()
    }
    /// ValueFlows 1.0: the effect on the primary accountable agent.
    async fn accountable_effect(&self) -> String {
        self.0.effects().accountable_effect.as_str().to_owned()
    }
    /// ValueFlows 1.0: the effect on the resource's stage.
    async fn stage_effect(&self) -> String {
        self.0.effects().stage_effect.as_str().to_owned()
    }
    /// ValueFlows 1.0: the effect on the resource's state.
    async fn state_effect(&self) -> String {
        self.0.effects().state_effect.as_str().to_owned()
    }
}

/// Action queries.
#[derive(Default)]
pub struct ActionQuery;

#[Object]
impl ActionQuery {
    /// One action by id (`produce`, `transferCustody`, or a kebab-case alias).
    async fn action(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<Action>> {
        super::require_read(ctx)?;
        Ok(vf::Action::parse(id.as_str()).ok().map(Action))
    }

    /// Every action ValueFlows 1.0 defines.
    async fn actions(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Action>>> {
        super::require_read(ctx)?;
        Ok(Some(vf::Action::ALL.iter().copied().map(Action).collect()))
    }
}

/// An action id of an input (`transferCustody`, or its kebab-case alias).
pub fn parse_action(field: &str, id: &str) -> Result<vf::Action, AppError> {
    vf::Action::parse(id).map_err(|e| AppError::invalid(field, e.to_string()))
}
