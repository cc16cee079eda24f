//! Records a makerspace production flow against a running vf-node and prints the
//! resulting quantities: steel sheet in, work, water pumps out, pumps delivered.
//!
//! ```text
//! cargo run -p vf-examples --bin makerspace -- --url http://127.0.0.1:8080/graphql --token "$TOKEN"
//! ```

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::{Value, json};

const DOCUMENT: &str = include_str!("../graphql/makerspace.graphql");

/// Records the makerspace flow.
#[derive(Parser)]
struct Args {
    /// The node's GraphQL endpoint.
    #[arg(long, env = "NODE_URL", default_value = "http://127.0.0.1:8080/graphql")]
    url: String,
    /// A bearer token with `write` scope (`vf-node token --scope write`).
    #[arg(long, env = "NODE_TOKEN")]
    token: String,
}

struct Client {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Client {
    async fn run(&self, operation: &str, variables: Value) -> anyhow::Result<Value> {
        let body = json!({ "query": DOCUMENT, "operationName": operation, "variables": variables });
        let resp: Value = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.url))?
            .json()
            .await
            .context("the node did not answer with JSON")?;
        if let Some(errors) = resp.get("errors") {
            bail!("{operation} failed: {errors}");
        }
        Ok(resp["data"].clone())
    }

    async fn my_agent(&self) -> anyhow::Result<String> {
        let body = json!({ "query": "{ myAgent { id name } }" });
        let resp: Value = self.http.post(&self.url).bearer_auth(&self.token).json(&body).send().await?.json().await?;
        resp["data"]["myAgent"]["id"].as_str().map(str::to_owned).context("myAgent is not set: is the token valid?")
    }
}

fn id(v: &Value, path: &[&str]) -> anyhow::Result<String> {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().map(str::to_owned).with_context(|| format!("no id at {}", path.join(".")))
}

fn show(label: &str, r: &Value) {
    let q = |k: &str| {
        let m = &r[k];
        format!("{} {}", m["hasNumericalValue"].as_str().unwrap_or("-"), m["hasUnit"]["symbol"].as_str().unwrap_or(""))
    };
    println!(
        "{label:<28} accounting {:<14} onhand {:<14} accountable: {}",
        q("accountingQuantity"),
        q("onhandQuantity"),
        r["primaryAccountable"]["name"].as_str().unwrap_or("-")
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let c = Client { http: reqwest::Client::new(), url: args.url, token: args.token };

    let lab = c.my_agent().await?;
    let kg =
        id(&c.run("CreateUnit", json!({"label": "kilogram", "symbol": "kg"})).await?, &["createUnit", "unit", "id"])?;
    let each = id(&c.run("CreateUnit", json!({"label": "one", "symbol": "ea"})).await?, &["createUnit", "unit", "id"])?;
    let hour = id(&c.run("CreateUnit", json!({"label": "hour", "symbol": "h"})).await?, &["createUnit", "unit", "id"])?;
    let amina = id(&c.run("CreatePerson", json!({"name": "Amina Odhiambo"})).await?, &["createPerson", "agent", "id"])?;
    let coop = id(
        &c.run("CreateOrganization", json!({"name": "Kisumu Farmers' Cooperative", "note": "buys pumps"})).await?,
        &["createOrganization", "agent", "id"],
    )?;
    let shop = id(
        &c.run("CreatePlace", json!({"name": "Fab lab workshop", "lat": "-0.0917", "long": "34.7680"})).await?,
        &["createSpatialThing", "spatialThing", "id"],
    )?;
    let steel = id(
        &c.run("CreateResourceSpecification", json!({"name": "Steel sheet", "unit": kg})).await?,
        &["createResourceSpecification", "resourceSpecification", "id"],
    )?;
    let pump = id(
        &c.run("CreateResourceSpecification", json!({"name": "Water pump", "unit": each})).await?,
        &["createResourceSpecification", "resourceSpecification", "id"],
    )?;
    let assembly = id(
        &c.run("CreateProcessSpecification", json!({"name": "Pump assembly"})).await?,
        &["createProcessSpecification", "processSpecification", "id"],
    )?;
    let now = "2026-03-02T09:00:00Z";

    // 50 kg of steel sheet counted into inventory.
    let raised = c
        .run("RecordEvent", json!({
            "event": {"action": "raise", "provider": lab, "receiver": lab, "hasPointInTime": now,
                      "resourceQuantity": {"hasNumericalValue": "50", "hasUnit": kg}, "resourceConformsTo": steel, "atLocation": shop},
            "newResource": {"name": "Steel sheet stock", "currentLocation": shop}
        }))
        .await?;
    let stock = id(&raised, &["createEconomicEvent", "economicResource", "id"])?;

    let batch = id(
        &c.run("CreateProcess", json!({"name": "Assemble pumps, batch 1", "basedOn": assembly, "start": now})).await?,
        &["createProcess", "process", "id"],
    )?;
    c.run(
        "RecordEvent",
        json!({"event": {"action": "consume", "provider": lab, "receiver": lab, "inputOf": batch,
        "hasPointInTime": "2026-03-02T10:00:00Z", "resourceInventoriedAs": stock,
        "resourceQuantity": {"hasNumericalValue": 12.5, "hasUnit": kg}}}),
    )
    .await?;
    c.run(
        "RecordEvent",
        json!({"event": {"action": "work", "provider": amina, "receiver": lab, "inputOf": batch,
        "hasBeginning": "2026-03-02T09:00:00Z", "hasEnd": "2026-03-02T15:00:00Z",
        "effortQuantity": {"hasNumericalValue": "6", "hasUnit": hour}}}),
    )
    .await?;
    let produced = c
        .run(
            "RecordEvent",
            json!({
                "event": {"action": "produce", "provider": lab, "receiver": lab, "outputOf": batch, "atLocation": shop,
                          "hasPointInTime": "2026-03-02T16:00:00Z", "resourceConformsTo": pump,
                          "resourceQuantity": {"hasNumericalValue": 5, "hasUnit": each}},
                "newResource": {"name": "Water pumps, batch 1", "trackingIdentifier": "PUMP-2026-001"}
            }),
        )
        .await?;
    let pumps = id(&produced, &["createEconomicEvent", "economicResource", "id"])?;
    let delivered = c
        .run("RecordEvent", json!({
            "event": {"action": "transfer", "provider": lab, "receiver": coop, "hasPointInTime": "2026-03-03T12:00:00Z",
                      "resourceInventoriedAs": pumps, "resourceQuantity": {"hasNumericalValue": 2, "hasUnit": each}},
            "newResource": {"name": "Water pumps at Kisumu"}
        }))
        .await?;
    let at_coop = id(&delivered, &["createEconomicEvent", "economicResource", "id"])?;

    println!("Makerspace flow recorded. Resulting resources:");
    for (label, rid) in
        [("steel sheet stock", &stock), ("pumps at the fab lab", &pumps), ("pumps at the cooperative", &at_coop)]
    {
        let r = c.run("Resource", json!({"id": rid})).await?;
        show(label, &r["economicResource"]);
    }
    Ok(())
}
