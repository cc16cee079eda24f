//! End-to-end suites: real nodes over HTTP, each suite run on SQLite and on PostgreSQL.

mod acknowledgement;
mod auth;
mod bad_input;
mod clients;
mod concurrency;
mod convergence;
mod exchange;
mod faults;
mod federation;
mod flow;
mod history;
mod hostile;
mod http;
mod lifecycle;
mod limits;
mod metrics;
mod ownership;
mod pagination;
mod planning;
mod recipe;
mod replicas;
mod subscriptions;
mod tokens;
mod trace;
mod vf1;

/// Runs `$suite(node)` on a SQLite node and on a PostgreSQL node (skipped with a message
/// when no PostgreSQL server is reachable outside CI).
#[macro_export]
macro_rules! on_both {
    ($($suite:ident),* $(,)?) => {
        $(
            mod $suite {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let node = vf_tests::TestNode::sqlite().await;
                    super::$suite(&node).await;
                    node.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(node) = vf_tests::TestNode::postgres().await {
                        super::$suite(&node).await;
                        node.stop().await;
                    }
                }
            }
        )*
    };
}
