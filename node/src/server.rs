//! The HTTP server loop: hyper connections (HTTP/1 with a header read timeout, HTTP/2, and
//! upgrades for WebSockets), the client's address on every request, and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// Serves `router` on `listener` until `shutdown` resolves, then waits for the requests
/// under way to be answered. An HTTP/1 client gets `header_timeout` to send each request's
/// headers (and no longer to idle between requests); its connection is then closed.
pub async fn run(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    // WebSockets over HTTP/2 (RFC 8441) need the extended CONNECT method.
    builder.http2().enable_connect_protocol();
    let graceful = GracefulShutdown::new();
    // Tells connections that have not sent a request yet to go: clients open spare
    // connections they may never use, and shutdown must not wait for them to speak.
    let (stopping, stop) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    if !is_connection_error(&e) {
                        // Out of file descriptors, most likely: let some close.
                        tracing::error!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router.clone().map_request(move |mut req: axum::http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req.map(Body::new)
        });
        let (builder, watcher, mut stop) = (builder.clone(), graceful.watcher(), stop.clone());
        tokio::spawn(async move {
            let spoke = tokio::select! {
                spoke = first_bytes(&stream, header_timeout) => spoke,
                _ = stop.wait_for(|stopping| *stopping) => false,
            };
            if !spoke {
                tracing::debug!(%peer, "a connection sent no request in time");
                return;
            }
            let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(e) = watcher.watch(conn).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    graceful.shutdown().await;
}

/// Waits, at most `limit`, until the client has sent enough to tell HTTP/1 from HTTP/2 by;
/// false when it did not (or closed). The server reads nothing before that, so the HTTP/1
/// header timeout, which starts when headers are read, cannot cover it.
async fn first_bytes(stream: &TcpStream, limit: Duration) -> bool {
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let mut buf = [0u8; PREFACE.len()];
    let seen = async {
        loop {
            let n = stream.peek(&mut buf).await?;
            if n == 0 {
                return Ok::<_, std::io::Error>(false);
            }
            if n == PREFACE.len() || buf[..n] != PREFACE[..n] {
                return Ok(true);
            }
            // Part of the HTTP/2 preface: peeking again at once would see the same bytes.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    matches!(tokio::time::timeout(limit, seen).await, Ok(Ok(true)))
}

/// Errors of one connection (the client gave up during the handshake), not of the listener.
fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

/// The address a request came from, as the server loop records it in its extensions.
pub fn peer(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}
