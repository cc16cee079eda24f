//! The `vf-node` binary.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = valueflows_node::cli::Cli::parse();
    match valueflows_node::cli::run(cli).await {
        Ok(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            eprintln!("vf-node: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
