//! Reading a response body with a cap, so a server cannot make the client allocate what it
//! likes (a 1 GiB body, an endless one).

use bytes::Bytes;

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The body is longer than the cap: announced by `Content-Length` (nothing was read), or
    /// found while reading (the read stopped at the cap).
    TooLarge {
        /// The announced length, when the answer had one.
        declared: Option<u64>,
    },
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads the whole body of `response`, refusing it unread when `Content-Length` announces more
/// than `cap` bytes and stopping as soon as more than `cap` bytes arrive.
///
/// A body that arrives in one chunk (the usual case for the service's small answers) is
/// returned as is, without a copy; only a body in several chunks is gathered into one buffer,
/// of the announced size when there is one, else doubled as it fills and never beyond the cap
/// (so at most one and a half times the cap is held while the buffer moves).
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Bytes, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|len| len > cap as u64) {
        return Err(BodyError::TooLarge { declared });
    }
    let mut first: Option<Bytes> = None;
    let mut gathered: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        total = total.saturating_add(chunk.len());
        if total > cap {
            return Err(BodyError::TooLarge { declared });
        }
        match first.take() {
            None if gathered.is_empty() => first = Some(chunk),
            earlier => {
                if gathered.is_empty() {
                    // Room for what was announced (never more than the cap), else double.
                    let want = declared.map_or(total.saturating_mul(2), |d| d as usize);
                    gathered.reserve_exact(want.clamp(total, cap));
                }
                if let Some(earlier) = earlier {
                    gathered.extend_from_slice(&earlier);
                }
                if gathered.capacity() < total {
                    // Double, but go straight to the cap rather than stop just short of it:
                    // a last small step would hold two buffers of nearly the cap at once.
                    let doubled = gathered.capacity().saturating_mul(2).max(total);
                    let grown = if doubled > cap - cap / 4 {
                        cap
                    } else {
                        doubled
                    };
                    gathered.reserve_exact(grown - gathered.len());
                }
                gathered.extend_from_slice(&chunk);
            }
        }
    }
    Ok(match first {
        Some(only) => only,
        None => Bytes::from(gathered),
    })
}
