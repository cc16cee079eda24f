//! The OTLP/HTTP exporter, configured by the standard `OTEL_*` environment variables: a
//! batch processor on its own thread posts protobuf-encoded spans to the collector.

use anyhow::Context as _;
use opentelemetry::KeyValue;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing_subscriber::registry::LookupSpan;

/// The service name when neither `OTEL_SERVICE_NAME` nor `OTEL_RESOURCE_ATTRIBUTES` gives one.
const SERVICE_NAME: &str = "vf-node";

/// A running exporter.
pub(super) struct Export {
    provider: SdkTracerProvider,
    endpoint: String,
}

/// The value of an environment variable, when set and not blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl Export {
    /// The exporter the environment asks for: none unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, and none when `OTEL_SDK_DISABLED=true`
    /// or `OTEL_TRACES_EXPORTER=none`. Settings this node cannot honour are errors.
    pub(super) fn from_env() -> anyhow::Result<Option<Export>> {
        if var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return Ok(None);
        }
        match var("OTEL_TRACES_EXPORTER").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("otlp") => {}
            Some("none") => return Ok(None),
            Some(other) => {
                anyhow::bail!("OTEL_TRACES_EXPORTER=`{other}`: this node exports traces over `otlp` only (or `none`)")
            }
        }
        let endpoint = match (var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), var("OTEL_EXPORTER_OTLP_ENDPOINT")) {
            (Some(url), _) => url,
            (None, Some(base)) => format!("{}/v1/traces", base.trim_end_matches('/')),
            (None, None) => return Ok(None),
        };
        for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            if let Some(p) = var(name) {
                anyhow::ensure!(p == "http/protobuf", "{name}=`{p}`: this node exports OTLP over `http/protobuf` only");
                break;
            }
        }
        reqwest::Url::parse(&endpoint).with_context(|| format!("the OTLP endpoint `{endpoint}` is not a URL"))?;
        // The exporter's HTTP client is built now, and rustls needs its provider first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The exporter reads the endpoint, headers, timeout and compression variables itself.
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(Protocol::HttpBinary)
            .build()
            .context("cannot set up the OTLP exporter")?;
        // The sampler comes from OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (default:
        // parentbased_always_on); the batch from the OTEL_BSP_* variables.
        let provider = SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource()).build();
        Ok(Some(Export { provider, endpoint: crate::config::mask_url(&endpoint) }))
    }

    /// Where spans go (any password in the URL masked).
    pub(super) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The `tracing` layer that turns spans into OpenTelemetry spans. Thread ids, source
    /// locations and busy/idle times are left out: they cost on every span and tell little here.
    pub(super) fn layer<S>(&self) -> tracing_opentelemetry::OpenTelemetryLayer<S, SdkTracer>
    where
        S: tracing::Subscriber + for<'a> LookupSpan<'a>,
    {
        tracing_opentelemetry::layer()
            .with_tracer(self.provider.tracer("vf-node"))
            .with_threads(false)
            .with_location(false)
            .with_target(false)
            .with_tracked_inactivity(false)
            .with_context_activation(false)
    }

    /// Exports what is queued, then stops. Blocks (at most five seconds) while the batch
    /// thread sends.
    pub(super) fn shutdown(self) {
        if let Err(e) = self.provider.shutdown() {
            tracing::warn!(error = %e, "the last spans could not be exported");
        }
    }
}

/// The service: `vf-node` and the node's version, unless `OTEL_SERVICE_NAME` or
/// `OTEL_RESOURCE_ATTRIBUTES` say otherwise, with whatever else the latter holds.
fn resource() -> Resource {
    let defaults =
        [KeyValue::new("service.name", SERVICE_NAME), KeyValue::new("service.version", env!("CARGO_PKG_VERSION"))];
    // The SDK's detectors read the variables; their placeholder name (`unknown_service:...`)
    // does not replace ours.
    let detected = Resource::builder().build();
    let from_env = detected
        .iter()
        .filter(|(k, v)| !(k.as_str() == "service.name" && v.as_str().starts_with("unknown_service")))
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect::<Vec<_>>();
    Resource::builder_empty().with_attributes(defaults).with_attributes(from_env).build()
}
