//! The HTTP transport: accept loop (plain or TLS), per-request context and logging, graceful
//! shutdown, the client's address, authentication of each request and routing to the
//! adapters ([`router`]). Nothing here knows a domain rule: errors become responses in
//! `crate::edge::error`, and every decision is a service's.

mod client_ip;
mod router;
pub mod tls;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use http::{HeaderValue, Request, Response};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tracing::Instrument;

use crate::app::App;
use crate::edge::Ctx;
use crate::edge::body::Body;
use crate::edge::error::AppError;

/// A running server: its bound address and the means to stop it.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets in-flight requests finish (up to the grace period), and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server stops by itself (it does not, unless the runtime ends).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }

    /// The sender that stops the server, for wiring to signals.
    pub fn take_stop(&mut self) -> Option<oneshot::Sender<()>> {
        self.stop.take()
    }
}

/// Starts serving on an already bound listener.
pub fn start(app: Arc<App>, listener: TcpListener, tls: Option<TlsAcceptor>) -> std::io::Result<Running> {
    let addr = listener.local_addr()?;
    let (stop_tx, stop_rx) = oneshot::channel();
    let grace = Duration::from_secs(app.config.server.shutdown_grace_seconds);
    let task = tokio::spawn(accept_loop(app, listener, tls, stop_rx, grace));
    Ok(Running {
        addr,
        stop: Some(stop_tx),
        task,
    })
}

async fn accept_loop(
    app: Arc<App>,
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    mut stop: oneshot::Receiver<()>,
    grace: Duration,
) {
    let graceful = GracefulShutdown::new();
    let request_seq = Arc::new(AtomicU64::new(0));
    let run_id = &uuid::Uuid::new_v4().simple().to_string()[..8];
    let run_id: Arc<str> = Arc::from(run_id);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let seq = request_seq.clone();
        let run_id = run_id.clone();
        let is_tls = tls.is_some();
        let header_timeout = Duration::from_secs(app.config.server.header_timeout_seconds.max(1));
        let service = service_fn(move |req: Request<Incoming>| {
            let n = seq.fetch_add(1, Ordering::Relaxed);
            let ctx = Ctx {
                client_ip: client_ip::client_ip(peer.ip(), req.headers(), &app.trusted_proxies),
                app: app.clone(),
                request_id: format!("{run_id}-{n}"),
                peer,
                tls: is_tls,
            };
            handle(ctx, req)
        });
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let mut builder = auto::Builder::new(TokioExecutor::new());
            // A client that sends no request head within the timeout — a new connection, or an
            // idle kept-alive one — is disconnected; HTTP/2 connections are pinged when idle.
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            builder
                .http2()
                .timer(TokioTimer::new())
                .keep_alive_interval(header_timeout)
                .keep_alive_timeout(header_timeout);
            // The first bytes (or the TLS handshake) must come within the timeout too: before
            // them the protocol is not known, so neither HTTP/1's nor HTTP/2's timers run yet.
            let mut first = [0u8; 1];
            if !matches!(
                tokio::time::timeout(header_timeout, stream.peek(&mut first)).await,
                Ok(Ok(1..))
            ) {
                tracing::debug!(%peer, "connection closed: nothing received within the timeout");
                return;
            }
            let result = match tls {
                Some(acceptor) => match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(tls_stream)) => {
                        let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls_stream), service);
                        watcher.watch(conn.into_owned()).await
                    }
                    Ok(Err(e)) => {
                        tracing::debug!(%peer, error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => {
                        tracing::debug!(%peer, "TLS handshake timed out");
                        return;
                    }
                },
                None => {
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    watcher.watch(conn.into_owned()).await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => tracing::info!("all connections closed"),
        _ = tokio::time::sleep(grace) => tracing::warn!("grace period over; closing remaining connections"),
    }
}

/// HTTP/2 names the host in the `:authority` pseudo-header and clients may omit `Host`
/// (RFC 9113 §8.3.1); the rest of the server reads `Host` (the Origin and Destination checks),
/// so it is filled in from the authority when missing.
fn host_from_authority<B>(req: &mut Request<B>) {
    if req.headers().contains_key(http::header::HOST) {
        return;
    }
    if let Some(value) = req
        .uri()
        .authority()
        .and_then(|a| HeaderValue::from_str(a.as_str()).ok())
    {
        req.headers_mut().insert(http::header::HOST, value);
    }
}

/// One request: a request id, a log line, and no panic escapes (it becomes a 500).
async fn handle(ctx: Ctx, mut req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    host_from_authority(&mut req);
    let span = tracing::info_span!("request", id = %ctx.request_id, method = %req.method(), path = %req.uri().path());
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let request_id = ctx.request_id.clone();
    let outcome = AssertUnwindSafe(router::route(&ctx, req))
        .catch_unwind()
        .instrument(span.clone())
        .await;
    let mut response = match outcome {
        Ok(Ok(resp)) => resp,
        Ok(Err(err)) => span.in_scope(|| err.into_response(&request_id)),
        Err(panic) => {
            let cause = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            span.in_scope(|| AppError::Internal(format!("handler panicked: {cause}")).into_response(&request_id))
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    // No response is ever to be sniffed into something else (user content above all).
    response
        .headers_mut()
        .insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    let elapsed = started.elapsed();
    ctx.app
        .metrics
        .request(method.as_str(), response.status().as_u16(), elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            ms = elapsed.as_millis() as u64,
            "done"
        )
    });
    Ok(response)
}
