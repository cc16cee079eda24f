//! Which proposals are offers and which are requests: the stated ValueFlows 1.0 purpose,
//! else what their primary intents say (`vf::proposal::purpose`). Read from the index:
//! proposals' `purpose` facts, proposed intents' links, and intents' `provider` and
//! `receiver` references.

use std::collections::{BTreeMap, HashMap};

use sea_orm::ConnectionTrait;
use uuid::Uuid;
use valueflows_model as vf;

use super::kinds::kind;
use crate::error::AppError;
use crate::store::records;

/// Ids (ascending) of the live proposals whose purpose is `purpose`.
///
/// Costs three index reads over all live proposals with a stated purpose, all live
/// proposed intents and the intents they publish, whatever the page asked for.
pub async fn with_purpose<C: ConnectionTrait>(db: &C, purpose: vf::ProposalPurpose) -> Result<Vec<Uuid>, AppError> {
    let mut stated: HashMap<Uuid, Option<vf::ProposalPurpose>> = HashMap::new();
    for (id, _, value) in records::facts(db, &[kind::PROPOSAL], &["purpose"], None).await? {
        let p = match value.as_str() {
            "offer" => Some(vf::ProposalPurpose::Offer),
            "request" => Some(vf::ProposalPurpose::Request),
            _ => None,
        };
        stated.insert(id, p);
    }

    #[derive(Default)]
    struct Link {
        proposal: Option<Uuid>,
        intent: Option<Uuid>,
        reciprocal: bool,
    }
    let mut links: HashMap<Uuid, Link> = HashMap::new();
    let fields = ["publishedIn", "publishes", "reciprocal"];
    for (id, field, value) in records::facts(db, &[kind::PROPOSED_INTENT], &fields, None).await? {
        let l = links.entry(id).or_default();
        match field.as_str() {
            "publishedIn" => l.proposal = Uuid::parse_str(&value).ok(),
            "publishes" => l.intent = Uuid::parse_str(&value).ok(),
            _ => l.reciprocal = value == "true",
        }
    }
    let primary: Vec<(Uuid, Uuid)> = links
        .values()
        .filter(|l| !l.reciprocal)
        .filter_map(|l| Some((l.proposal?, l.intent?)))
        .filter(|(p, _)| !stated.contains_key(p))
        .collect();
    let mut intents: Vec<Uuid> = primary.iter().map(|(_, i)| *i).collect();
    intents.sort();
    intents.dedup();
    let mut sides: HashMap<Uuid, vf::IntentSides> = HashMap::new();
    for (id, field, _) in records::facts(db, &[kind::INTENT], &["provider", "receiver"], Some(&intents)).await? {
        let s = sides.entry(id).or_default();
        if field == "provider" {
            s.provider = true;
        } else {
            s.receiver = true;
        }
    }

    let mut by_proposal: BTreeMap<Uuid, Vec<vf::IntentSides>> = BTreeMap::new();
    for (p, i) in primary {
        by_proposal.entry(p).or_default().push(sides.get(&i).copied().unwrap_or_default());
    }
    let mut out: Vec<Uuid> = stated.iter().filter(|(_, p)| **p == Some(purpose)).map(|(id, _)| *id).collect();
    out.extend(
        by_proposal.into_iter().filter(|(_, s)| vf::proposal::classify(None, s) == Some(purpose)).map(|(id, _)| id),
    );
    out.sort();
    Ok(out)
}

/// Ids (ascending) of the live proposals `agent` takes part in: in its scope, or
/// publishing an intent the agent provides or receives.
pub async fn of_agent<C: ConnectionTrait>(db: &C, agent: Uuid) -> Result<Vec<Uuid>, AppError> {
    let who = [agent.to_string()];
    let mut out: Vec<Uuid> =
        records::ids_where(db, &[kind::PROPOSAL], "inScopeOf", &who).await?.into_iter().map(|(_, id)| id).collect();
    let mut intents: Vec<String> = Vec::new();
    for field in ["provider", "receiver"] {
        intents.extend(
            records::ids_where(db, &[kind::INTENT], field, &who).await?.into_iter().map(|(_, i)| i.to_string()),
        );
    }
    let links: Vec<Uuid> = records::ids_where(db, &[kind::PROPOSED_INTENT], "publishes", &intents)
        .await?
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    for (_, _, proposal) in records::facts(db, &[kind::PROPOSED_INTENT], &["publishedIn"], Some(&links)).await? {
        out.extend(Uuid::parse_str(&proposal).ok());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Ids (ascending) of the live proposals published to `agent`: through a `ProposedTo`, or
/// as part of a proposal list proposed to it.
pub async fn to_agent<C: ConnectionTrait>(db: &C, agent: Uuid) -> Result<Vec<Uuid>, AppError> {
    let who = agent.to_string();
    let mut out: Vec<Uuid> = records::linked_values(db, &["proposedTo"], &who, &["proposed"])
        .await?
        .iter()
        .filter_map(|v| Uuid::parse_str(v).ok())
        .collect();
    let lists: Vec<String> = records::ids_where(db, &[kind::PROPOSAL_LIST], "proposedTo", &[who])
        .await?
        .into_iter()
        .map(|(_, id)| id.to_string())
        .collect();
    out.extend(records::ids_where(db, &[kind::PROPOSAL], "listedIn", &lists).await?.into_iter().map(|(_, id)| id));
    out.sort();
    out.dedup();
    Ok(out)
}
