//! A page kept once for many members though its forms carry each one's
//! CSRF token: the body is cut where the token stands, the pieces are
//! compressed apart, and each answer joins them around its reader's token
//! without compressing again.
//!
//! Deflate allows it: a piece compressed on its own and ended with a sync
//! flush stops on a byte boundary without closing the stream, so pieces
//! follow one another; the token goes between them as a stored (not
//! compressed) block, and an empty final block closes the stream. The gzip
//! trailer's CRC-32 is computed per answer over the joined text (a few
//! microseconds for a page).

use axum::body::Bytes;
use flate2::{Compress, Compression, FlushCompress};

/// The gzip header: deflate, no name, no time, unknown system.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];
/// An empty stored block marked final: closes a stream left on a byte
/// boundary.
const FINAL_EMPTY_BLOCK: [u8; 5] = [0x01, 0x00, 0x00, 0xff, 0xff];
/// A stored block holds at most this many bytes.
const MAX_STORED: usize = u16::MAX as usize;

/// A body with the token taken out: `raw[0] token raw[1] token … raw[n]`.
pub struct Holed {
    raw: Vec<Bytes>,
    deflated: Vec<Bytes>,
}

impl Holed {
    /// Cuts `body` at every occurrence of `token`; `None` when the token is
    /// not there (or too long for a stored block).
    pub fn carve(body: &[u8], token: &[u8]) -> std::io::Result<Option<Holed>> {
        if token.is_empty() || token.len() > MAX_STORED {
            return Ok(None);
        }
        let mut raw = Vec::new();
        let mut rest = body;
        while let Some(at) = memchr::memmem::find(rest, token) {
            raw.push(Bytes::copy_from_slice(&rest[..at]));
            rest = &rest[at + token.len()..];
        }
        if raw.is_empty() {
            return Ok(None);
        }
        raw.push(Bytes::copy_from_slice(rest));
        let deflated = raw
            .iter()
            .map(|piece| deflate_flushed(piece).map(Bytes::from))
            .collect::<std::io::Result<_>>()?;
        Ok(Some(Holed { raw, deflated }))
    }

    /// Bytes kept, for the cache's weigher.
    pub fn weight(&self) -> usize {
        self.raw.iter().chain(&self.deflated).map(Bytes::len).sum()
    }

    /// The page with `token` in its holes.
    pub fn identity(&self, token: &[u8]) -> Bytes {
        let mut out = Vec::with_capacity(self.identity_len(token));
        for (i, piece) in self.raw.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(token);
            }
            out.extend_from_slice(piece);
        }
        Bytes::from(out)
    }

    /// The page with `token` in its holes, gzipped. The token must be of
    /// the length `carve` accepts.
    pub fn gzip(&self, token: &[u8]) -> Bytes {
        let compressed: usize = self.deflated.iter().map(Bytes::len).sum();
        let holes = self.raw.len() - 1;
        let mut out =
            Vec::with_capacity(GZIP_HEADER.len() + compressed + holes * (5 + token.len()) + 5 + 8);
        out.extend_from_slice(&GZIP_HEADER);
        let mut crc = crc32fast::Hasher::new();
        let length = u16::try_from(token.len()).unwrap_or(u16::MAX);
        for (i, (raw, deflated)) in self.raw.iter().zip(&self.deflated).enumerate() {
            if i > 0 {
                // A stored block, not final: header bits then padding to
                // the byte, LEN and its complement, the bytes.
                out.push(0x00);
                out.extend_from_slice(&length.to_le_bytes());
                out.extend_from_slice(&(!length).to_le_bytes());
                out.extend_from_slice(token);
                crc.update(token);
            }
            out.extend_from_slice(deflated);
            crc.update(raw);
        }
        out.extend_from_slice(&FINAL_EMPTY_BLOCK);
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        // ISIZE is the length modulo 2^32.
        let size = self.identity_len(token) as u64 as u32;
        out.extend_from_slice(&size.to_le_bytes());
        Bytes::from(out)
    }

    fn identity_len(&self, token: &[u8]) -> usize {
        self.raw.iter().map(Bytes::len).sum::<usize>() + (self.raw.len() - 1) * token.len()
    }
}

/// `data` as raw deflate ended by a sync flush: byte-aligned, not final.
fn deflate_flushed(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut compress = Compress::new(Compression::new(6), false);
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    loop {
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(1024));
        }
        let consumed = usize::try_from(compress.total_in()).unwrap_or(data.len());
        let input = data.get(consumed..).unwrap_or_default();
        compress
            .compress_vec(input, &mut out, FlushCompress::Sync)
            .map_err(std::io::Error::other)?;
        // The flush is complete once a call leaves output space unused.
        let all_in = usize::try_from(compress.total_in()).is_ok_and(|n| n == data.len());
        if all_in && out.len() < out.capacity() {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn every_reader_gets_the_page_with_their_own_token() {
        let page = format!(
            "<p>{}</p><input name=\"csrf\" value=\"nonce1.sig1\"><p>{}</p>\
             <input name=\"csrf\" value=\"nonce1.sig1\"><p>fin</p>",
            "Hola ".repeat(2000),
            "adiós ".repeat(3000)
        );
        let holed = Holed::carve(page.as_bytes(), b"nonce1.sig1")
            .unwrap()
            .unwrap();
        for token in ["nonce1.sig1", "otro.token", "x"] {
            let expected = page.replace("nonce1.sig1", token);
            assert_eq!(holed.identity(token.as_bytes()), expected.as_bytes());
            let gzip = holed.gzip(token.as_bytes());
            assert_eq!(gunzip(&gzip), expected.as_bytes());
            assert!(gzip.len() < page.len() / 10, "still compressed");
        }
    }

    #[test]
    fn pieces_that_are_empty_or_large_join_as_well() {
        let token = "t".repeat(100);
        let big: String = (0..200_000u32)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        let page = format!("{token}{big}{token}{token}");
        let holed = Holed::carve(page.as_bytes(), token.as_bytes())
            .unwrap()
            .unwrap();
        assert_eq!(
            gunzip(&holed.gzip(b"yo")),
            page.replace(&token, "yo").as_bytes()
        );
    }

    #[test]
    fn a_page_without_the_token_has_no_holes() {
        assert!(
            Holed::carve(b"<p>sin formulario</p>", b"nonce.sig")
                .unwrap()
                .is_none()
        );
        assert!(Holed::carve(b"<p>x</p>", b"").unwrap().is_none());
    }
}
