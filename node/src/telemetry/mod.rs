//! Logs and traces through `tracing`: text or JSON lines on stderr, filtered by the configured
//! level (`RUST_LOG` wins when set), and, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the
//! node's spans exported as OpenTelemetry traces over OTLP/HTTP.

mod export;
pub mod graphql;
pub mod propagation;
pub mod request;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogConfig;

/// What `init` installed; [`Telemetry::shutdown`] flushes the spans not yet exported.
#[must_use = "call shutdown() before the process exits, or the last spans are lost"]
pub struct Telemetry {
    export: Option<export::Export>,
}

impl Telemetry {
    /// Exports the spans still queued and stops the exporter (waits at most a few seconds).
    pub fn shutdown(self) {
        if let Some(export) = self.export {
            export.shutdown();
        }
    }
}

/// Installs the global subscriber: the log lines, and the OTLP exporter when the standard
/// `OTEL_*` variables ask for one. A second call installs nothing and exports nothing.
pub fn init(cfg: &LogConfig) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&cfg.level));
    let json = cfg.format == "json";
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = if json { fmt.json().boxed() } else { fmt.boxed() };
    let export = export::Export::from_env()?;
    // The log filter does not decide what is exported: the node's own spans, its database
    // spans included, go to the exporter whatever `log.level` says; other crates' only
    // from WARN up.
    let traces = export.as_ref().map(|e| {
        let spans = Targets::new().with_target("valueflows_node", LevelFilter::DEBUG).with_default(LevelFilter::WARN);
        e.layer().with_filter(spans)
    });
    let installed = tracing_subscriber::registry().with(fmt.with_filter(filter)).with(traces).try_init().is_ok();
    match export {
        Some(export) if !installed => {
            export.shutdown();
            Ok(Telemetry { export: None })
        }
        Some(export) => {
            tracing::info!(endpoint = %export.endpoint(), "exporting traces over OTLP/HTTP");
            Ok(Telemetry { export: Some(export) })
        }
        None => Ok(Telemetry { export: None }),
    }
}
