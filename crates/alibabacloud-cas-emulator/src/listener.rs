//! A TCP listener whose connections can be broken from a request handler.
//!
//! [`Fault::CloseBeforeAnswer`](crate::Fault::CloseBeforeAnswer) has to drop a connection
//! without sending a single byte, which is below what an axum handler controls. Each accepted
//! stream is wrapped in [`FaultIo`], which shares a switch with the [`ConnHandle`] that handlers
//! receive as their connect info: once the switch is thrown, every write fails, so hyper gives
//! up on the connection and drops the socket before the status line goes out.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Wraps a [`TcpListener`].
pub(crate) struct FaultListener(pub TcpListener);

impl Listener for FaultListener {
    type Io = FaultIo;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, remote) = Listener::accept(&mut self.0).await;
        let _ = stream.set_nodelay(true);
        let broken = Arc::new(AtomicBool::new(false));
        let io = FaultIo {
            stream,
            broken: broken.clone(),
        };
        (io, ConnHandle { remote, broken })
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle {
            remote: self.0.local_addr()?,
            broken: Arc::new(AtomicBool::new(false)),
        })
    }
}

/// One connection, as a handler sees it.
#[derive(Debug, Clone)]
pub(crate) struct ConnHandle {
    remote: SocketAddr,
    broken: Arc<AtomicBool>,
}

impl ConnHandle {
    /// From now on every write on the connection fails and reads see the end of the stream.
    pub fn break_connection(&self) {
        tracing::debug!(remote = %self.remote, "breaking the connection");
        self.broken.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that fails once its connection was broken.
pub(crate) struct FaultIo {
    stream: TcpStream,
    broken: Arc<AtomicBool>,
}

impl FaultIo {
    fn is_broken(&self) -> bool {
        self.broken.load(Ordering::SeqCst)
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
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.is_broken() {
            return Poll::Ready(Err(broken_pipe()));
        }
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
