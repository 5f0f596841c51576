//! Who is at the other end: the peer's address, or, when the peer is a
//! reverse proxy named with `--trusted-proxy`, the address it says it was
//! talking to (`X-Forwarded-For`). Nobody else may set it, so a client cannot
//! pick a fresh address for each try against the log-in limits.

use crate::AppState;
use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, request::Parts},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use std::{
    convert::Infallible,
    net::{IpAddr, Ipv4Addr, SocketAddr},
    str::FromStr,
};

/// A network whose peers may say who the client is: `10.0.0.0/8`, or one
/// address such as `127.0.0.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy(IpNet);

#[derive(Debug, thiserror::Error)]
#[error("--trusted-proxy must be an address or a CIDR range such as 10.0.0.0/8, not {0:?}")]
pub struct TrustedProxyError(String);

impl FromStr for TrustedProxy {
    type Err = TrustedProxyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        text.parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map(|net| Self(net.trunc()))
            .map_err(|_| TrustedProxyError(text.to_owned()))
    }
}

impl TrustedProxy {
    fn contains(&self, address: &IpAddr) -> bool {
        self.0.contains(&canonical(*address))
    }
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:a.b.c.d`) as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address, as the limits key it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client behind `peer`: `peer` itself unless it is a trusted proxy; then
/// the right-most address of `X-Forwarded-For` that is not a trusted proxy
/// (each proxy appends the address it saw, so those further left are only
/// claims of the client's).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    let mut client = canonical(peer);
    if !is_trusted(&client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.into_iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>() else {
            break;
        };
        client = canonical(address);
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// Middleware: puts the `ClientAddr` in the request's extensions.
pub async fn identify(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    let client = client_address(peer, request.headers(), &app.config.trusted_proxies);
    request.extensions_mut().insert(ClientAddr(client));
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientAddr>()
            .copied()
            .unwrap_or(ClientAddr(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn only_trusted_proxies_say_who_the_client_is() {
        let proxy: TrustedProxy = "10.0.0.0/8".parse().unwrap();
        let local: TrustedProxy = "127.0.0.1".parse().unwrap();
        let peer: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        let claim = forwarded("203.0.113.9, 192.0.2.4");
        assert_eq!(
            client_address(stranger, &claim, &[proxy]),
            stranger,
            "an untrusted peer's header is ignored"
        );
        assert_eq!(
            client_address(peer, &claim, &[proxy]).to_string(),
            "192.0.2.4",
            "the right-most address the proxy saw"
        );
        assert_eq!(
            client_address(peer, &forwarded("203.0.113.9, 10.9.9.9"), &[proxy]).to_string(),
            "203.0.113.9",
            "chained proxies are skipped"
        );
        assert_eq!(
            client_address(peer, &forwarded("nonsense"), &[proxy]),
            peer,
            "an unreadable header leaves the proxy's own address"
        );
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(
            client_address(mapped, &forwarded("192.0.2.1"), &[local]).to_string(),
            "192.0.2.1"
        );
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy".parse::<TrustedProxy>().is_err());
    }
}
