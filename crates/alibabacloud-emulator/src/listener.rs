//! The accept loop, and a TCP stream whose connection can be broken from a request handler.
//!
//! [`Fault::CloseBeforeAnswer`](crate::Fault::CloseBeforeAnswer) has to drop a connection
//! without sending a single byte, which is below what an axum handler controls. Each accepted
//! stream is wrapped in [`FaultIo`], which shares a switch with the [`ConnHandle`] that handlers
//! receive as their connect info: once the switch is thrown, every write fails, so hyper gives
//! up on the connection and drops the socket before the status line goes out.
//!
//! The loop serves HTTP/1.1 with hyper directly (not `axum::serve`) so that it can set a
//! header-read timeout: a client that opens a connection and sends nothing, or half a request
//! head, is cut off after [`EmulatorConfig::header_read_timeout`](crate::EmulatorConfig).
//! Requests whose head is too big for hyper (a URI over 64 KiB, headers over its buffer) are
//! answered by hyper itself with a bare 414 or 431; [`FaultIo`] replaces those answers with the
//! service's JSON error envelope on their way out.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

use crate::response::Envelope;

/// Serves `router` on `listener` until `stop` fires (or its sender is dropped), then lets the
/// connections finish their in-flight requests and returns once they are all closed.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    envelope: Arc<Envelope>,
    mut stop: oneshot::Receiver<()>,
) -> io::Result<()> {
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let (open_tx, open_rx) = watch::channel(());
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let broken = Arc::new(AtomicBool::new(false));
        let handle = ConnHandle {
            remote,
            broken: broken.clone(),
        };
        let io = FaultIo {
            stream,
            broken,
            envelope: envelope.clone(),
            replacement: None,
        };
        let router = router.clone();
        let mut shutdown = shutdown_rx.clone();
        let open = open_rx.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |request: hyper::Request<hyper::body::Incoming>| {
                    let mut request = request.map(axum::body::Body::new);
                    request.extensions_mut().insert(ConnectInfo(handle.clone()));
                    let mut router = router.clone();
                    tower_service::Service::call(&mut router, request)
                },
            );
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout);
            let connection = builder.serve_connection(TokioIo::new(io), service);
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, "connection ended");
                    }
                }
                () = async { let _ = shutdown.wait_for(|stopping| *stopping).await; } => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.as_mut().await;
                }
            }
            drop(open);
        });
    }
    drop(listener);
    shutdown_tx.send_replace(true);
    drop(open_rx);
    open_tx.closed().await;
    Ok(())
}

/// One connection, as a handler sees it.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    remote: SocketAddr,
    broken: Arc<AtomicBool>,
}

impl ConnHandle {
    /// A handle for a request that came through no socket (the in-process transport): it
    /// records whether a fault broke the "connection".
    pub fn detached(broken: Arc<AtomicBool>) -> Self {
        ConnHandle {
            remote: SocketAddr::from(([127, 0, 0, 1], 0)),
            broken,
        }
    }

    /// From now on every write on the connection fails and reads see the end of the stream.
    pub fn break_connection(&self) {
        tracing::debug!(remote = %self.remote, "breaking the connection");
        self.broken.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream that fails once its connection was broken, and that turns hyper's own bare
/// 414 and 431 answers into the service's error envelope.
pub(crate) struct FaultIo {
    stream: TcpStream,
    broken: Arc<AtomicBool>,
    /// Whose error envelope replaces hyper's bare answers.
    envelope: Arc<Envelope>,
    /// An envelope answer replacing hyper's, and how much of it was written.
    replacement: Option<(Vec<u8>, usize)>,
}

impl FaultIo {
    fn is_broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
    }

    /// Replaces `head` when it is hyper's bare answer to a request head it could not take.
    /// Returns whether it did.
    fn replace_bare_error(&mut self, head: &[u8]) -> bool {
        if self.replacement.is_some() {
            return true;
        }
        let Some(envelope) = crate::response::envelope_for_bare_error(&self.envelope, head) else {
            return false;
        };
        self.replacement = Some((envelope, 0));
        true
    }

    /// Writes what is left of the replacement answer.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacement {
            if *written >= bytes.len() {
                break;
            }
            match Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

fn broken_pipe() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "injected fault: connection closed",
    )
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.is_broken() {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.is_broken() {
            return Poll::Ready(Err(broken_pipe()));
        }
        if self.replace_bare_error(buf) {
            // hyper's answer is swallowed whole; the envelope goes out instead.
            return match self.poll_replacement(cx) {
                Poll::Ready(Ok(())) | Poll::Pending => Poll::Ready(Ok(buf.len())),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            };
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.is_broken() {
            return Poll::Ready(Err(broken_pipe()));
        }
        let first = bufs.iter().find(|b| !b.is_empty()).map(|b| &b[..]);
        if first.is_some_and(|head| self.replace_bare_error(head)) {
            let total = bufs.iter().map(|b| b.len()).sum();
            return match self.poll_replacement(cx) {
                Poll::Ready(Ok(())) | Poll::Pending => Poll::Ready(Ok(total)),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            };
        }
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_broken() {
            return Poll::Ready(Err(broken_pipe()));
        }
        match self.poll_replacement(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.stream).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.poll_replacement(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut self.stream).poll_shutdown(cx),
            other => other,
        }
    }
}
