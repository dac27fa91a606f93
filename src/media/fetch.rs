//! Fetching images from URLs as Pinterest's image proxy does, without becoming a door into the
//! network pinbox runs in: loopback, private, link-local and metadata addresses are refused after
//! DNS resolution and on every redirect, unless the operator allows named hosts or ranges.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use ipnet::IpNet;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What happens when fetching an image for a Pin fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchPolicy {
    /// Create the Pin anyway, pointing at the source URL with unknown dimensions.
    Try,
    /// Refuse the create with 400.
    Always,
    /// Never fetch: fully offline; Pins point at the source URL.
    Never,
}

impl FetchPolicy {
    pub fn parse(s: &str) -> Option<FetchPolicy> {
        match s {
            "try" => Some(FetchPolicy::Try),
            "always" => Some(FetchPolicy::Always),
            "never" => Some(FetchPolicy::Never),
            _ => None,
        }
    }
}

/// A host or address range the operator lets pinbox fetch from although it is private.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowRule {
    Host(String),
    Net(IpNet),
}

impl AllowRule {
    /// `10.0.0.0/8`, `127.0.0.1`, `::1` or a host name such as `images.internal`.
    pub fn parse(s: &str) -> Result<AllowRule, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("an empty allow rule".into());
        }
        if let Ok(net) = s.parse::<IpNet>() {
            return Ok(AllowRule::Net(net));
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(AllowRule::Net(IpNet::from(ip)));
        }
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return Ok(AllowRule::Host(s.to_ascii_lowercase()));
        }
        Err(format!(
            "'{s}' is neither a host name, an IP address nor a CIDR range"
        ))
    }
}

#[derive(Debug, Clone)]
pub struct FetchConfig {
    pub policy: FetchPolicy,
    pub timeout: Duration,
    pub max_bytes: usize,
    pub allow: Vec<AllowRule>,
}

impl Default for FetchConfig {
    fn default() -> FetchConfig {
        FetchConfig {
            policy: FetchPolicy::Try,
            timeout: Duration::from_secs(10),
            max_bytes: 20 * 1024 * 1024,
            allow: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("'{0}' is not an http or https URL")]
    InvalidUrl(String),
    #[error(
        "refused to fetch from {0}: it is a loopback, private, link-local or metadata address (an operator can allow it with --fetch-allow)"
    )]
    Blocked(String),
    #[error("the image server answered HTTP {0}")]
    Status(u16),
    #[error("the image is larger than {0} bytes")]
    TooLarge(usize),
    #[error("fetching timed out")]
    Timeout,
    #[error("fetching failed: {0}")]
    Network(String),
    #[error("fetching is switched off (--fetch-images never)")]
    Disabled,
}

/// Whether an address is one a shared server must not reach on a client's behalf. An IPv6
/// address that carries an IPv4 one (IPv4-mapped and -compatible, NAT64, 6to4, Teredo) is
/// judged by the IPv4 address it leads to, so no spelling of a refused address gets through.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xC0) == 64) // 100.64.0.0/10 carrier-grade NAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24 protocol assignments
                || (o[0] == 198 && (o[1] & 0xFE) == 18) // 198.18.0.0/15 benchmarking
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if embedded_ipv4(v6)
                .into_iter()
                .any(|v4| is_private(IpAddr::V4(v4)))
            {
                return true;
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xFE00) == 0xFC00 // unique local, includes fd00:ec2::254
                || (s[0] & 0xFFC0) == 0xFE80 // link-local
                || (s[0] & 0xFFC0) == 0xFEC0 // site-local (deprecated, still routed by some)
                || (s[0] == 0x64 && s[1] == 0xFF9B && s[2] == 0x0001) // 64:ff9b:1::/48 local NAT64
                || (s[0] == 0x2001 && s[1] == 0x0DB8) // documentation
                || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]) // 100::/64 discard-only
        }
    }
}

/// The IPv4 addresses an IPv6 address leads to: `::a.b.c.d` (IPv4-compatible, deprecated but
/// still routed by some stacks), `::ffff:a.b.c.d` (IPv4-mapped), `::ffff:0:a.b.c.d`
/// (IPv4-translated), `64:ff9b::a.b.c.d` (NAT64's well-known prefix), `2002:aabb:ccdd::/48`
/// (6to4) and Teredo's `2001:0::/32` (its server, and its client, stored inverted in the last
/// 32 bits).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Vec<std::net::Ipv4Addr> {
    use std::net::Ipv4Addr;
    let s = v6.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from(((hi as u32) << 16) | lo as u32);
    let last_32_bits = [
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0xFFFF],
        [0, 0, 0, 0, 0xFFFF, 0],
        [0x64, 0xFF9B, 0, 0, 0, 0],
    ];
    if last_32_bits.iter().any(|prefix| s[0..6] == prefix[..]) {
        vec![v4(s[6], s[7])]
    } else if s[0] == 0x2002 {
        vec![v4(s[1], s[2])]
    } else if s[0] == 0x2001 && s[1] == 0 {
        vec![v4(s[2], s[3]), v4(!s[6], !s[7])]
    } else {
        Vec::new()
    }
}

#[derive(Debug, Clone)]
struct Guard {
    allow: Arc<Vec<AllowRule>>,
}

impl Guard {
    fn host_allowed(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        self.allow
            .iter()
            .any(|r| matches!(r, AllowRule::Host(h) if *h == host))
    }

    fn addr_allowed(&self, ip: IpAddr) -> bool {
        !is_private(ip)
            || self
                .allow
                .iter()
                .any(|r| matches!(r, AllowRule::Net(n) if n.contains(&ip)))
    }

    /// Checks a URL's host when it is an IP literal (names are checked by the resolver).
    fn check_url(&self, url: &reqwest::Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl(url.to_string()));
        }
        match url.host() {
            None => Err(FetchError::InvalidUrl(url.to_string())),
            Some(url::Host::Ipv4(ip)) if !self.addr_allowed(IpAddr::V4(ip)) => {
                Err(FetchError::Blocked(ip.to_string()))
            }
            Some(url::Host::Ipv6(ip)) if !self.addr_allowed(IpAddr::V6(ip)) => {
                Err(FetchError::Blocked(ip.to_string()))
            }
            _ => Ok(()),
        }
    }
}

/// Carried through reqwest's error chain so a refusal can be told from a network failure.
#[derive(Debug)]
struct BlockedAddress(String);

impl std::fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "blocked address {}", self.0)
    }
}

impl std::error::Error for BlockedAddress {}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
                .collect();
            if guard.host_allowed(&host) {
                return Ok(Box::new(addrs.into_iter()) as Addrs);
            }
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| guard.addr_allowed(a.ip()))
                .collect();
            if allowed.is_empty() {
                let shown = addrs
                    .first()
                    .map(|a| format!("{host} ({})", a.ip()))
                    .unwrap_or(host);
                return Err(
                    Box::new(BlockedAddress(shown)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

pub struct Fetcher {
    client: reqwest::Client,
    guard: Guard,
    pub config: FetchConfig,
}

/// What image servers see, after the identifier Pinterest's own proxy sends (seed 002).
const USER_AGENT: &str =
    "Mozilla/5.0 (compatible; pinbox Image Proxy/1.0; like Pinterest Image Proxy/1.0)";
const MAX_REDIRECTS: usize = 5;

impl Fetcher {
    pub fn new(config: FetchConfig) -> Fetcher {
        let guard = Guard {
            allow: Arc::new(config.allow.clone()),
        };
        let redirect_guard = guard.clone();
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .dns_resolver(Arc::new(guard.clone()))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    return attempt.error("too many redirects");
                }
                match redirect_guard.check_url(attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(e) => attempt.error(e.to_string()),
                }
            }))
            .build()
            .expect("a TLS backend is compiled in");
        Fetcher {
            client,
            guard,
            config,
        }
    }

    pub async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        if self.config.policy == FetchPolicy::Never {
            return Err(FetchError::Disabled);
        }
        let parsed =
            reqwest::Url::parse(url).map_err(|_| FetchError::InvalidUrl(url.to_string()))?;
        self.guard.check_url(&parsed)?;
        let resp = self.client.get(parsed).send().await.map_err(classify)?;
        if !resp.status().is_success() {
            return Err(FetchError::Status(resp.status().as_u16()));
        }
        let max = self.config.max_bytes;
        if resp.content_length().is_some_and(|n| n as usize > max) {
            return Err(FetchError::TooLarge(max));
        }
        let mut body = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(classify)?;
            if body.len() + chunk.len() > max {
                return Err(FetchError::TooLarge(max));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn classify(e: reqwest::Error) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(b) = s.downcast_ref::<BlockedAddress>() {
            return FetchError::Blocked(b.0.clone());
        }
        let text = s.to_string();
        if let Some(rest) = text.strip_prefix("refused to fetch from ") {
            return FetchError::Blocked(rest.split(':').next().unwrap_or(rest).to_string());
        }
        source = s.source();
    }
    if e.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Network(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_metadata_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "fc00::1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn every_ipv6_form_of_a_refused_ipv4_address_is_refused() {
        for (ip, leads_to) in [
            ("::127.0.0.1", "IPv4-compatible loopback"),
            ("::10.0.0.1", "IPv4-compatible private"),
            ("::169.254.169.254", "IPv4-compatible metadata"),
            ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
            ("::ffff:169.254.169.254", "IPv4-mapped metadata"),
            ("::ffff:0:127.0.0.1", "IPv4-translated loopback"),
            ("64:ff9b::7f00:1", "NAT64 of 127.0.0.1"),
            ("64:ff9b::a9fe:a9fe", "NAT64 of 169.254.169.254"),
            ("64:ff9b:1::808:808", "local-use NAT64"),
            ("2002:7f00:1::1", "6to4 of 127.0.0.1"),
            ("2002:a00:1::1", "6to4 of 10.0.0.1"),
            ("2002:a9fe:a9fe::", "6to4 of 169.254.169.254"),
            // Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (80ff:fffe).
            (
                "2001:0:4136:e378:8000:63bf:80ff:fffe",
                "Teredo to client 127.0.0.1",
            ),
            (
                "2001:0:4136:e378:8000:63bf:f5ff:fffe",
                "Teredo to client 10.0.0.1",
            ),
            (
                "2001:0:a00:1:8000:63bf:f7f7:f7f7",
                "Teredo via server 10.0.0.1",
            ),
            ("fec0::1", "site-local"),
            ("100::1", "discard-only"),
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip} ({leads_to})");
        }
        for ip in [
            "::8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip} leads to 8.8.8.8");
        }
    }

    #[test]
    fn the_guard_refuses_ipv6_literals_that_lead_to_refused_addresses_without_connecting() {
        let guard = Guard {
            allow: Arc::new(Vec::new()),
        };
        for url in [
            "http://[::127.0.0.1]:9/x.png",
            "http://[::ffff:127.0.0.1]/x.png",
            "http://[2002:7f00:1::1]/x.png",
            "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/x.png",
            "http://[64:ff9b::a9fe:a9fe]/latest",
        ] {
            let parsed = reqwest::Url::parse(url).unwrap();
            assert!(
                matches!(guard.check_url(&parsed), Err(FetchError::Blocked(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn allow_rules_parse_hosts_addresses_and_ranges() {
        assert_eq!(
            AllowRule::parse("127.0.0.1").unwrap(),
            AllowRule::Net("127.0.0.1/32".parse().unwrap())
        );
        assert_eq!(
            AllowRule::parse("10.0.0.0/8").unwrap(),
            AllowRule::Net("10.0.0.0/8".parse().unwrap())
        );
        assert_eq!(
            AllowRule::parse("Images.Internal").unwrap(),
            AllowRule::Host("images.internal".into())
        );
        assert!(AllowRule::parse("bad host!").is_err());
    }

    #[tokio::test]
    async fn literal_private_addresses_are_refused_before_connecting() {
        let f = Fetcher::new(FetchConfig::default());
        assert!(matches!(
            f.fetch("http://127.0.0.1:9/x.png").await,
            Err(FetchError::Blocked(_))
        ));
        assert!(matches!(
            f.fetch("http://[::1]:9/x.png").await,
            Err(FetchError::Blocked(_))
        ));
        assert!(matches!(
            f.fetch("http://169.254.169.254/latest").await,
            Err(FetchError::Blocked(_))
        ));
        assert!(matches!(
            f.fetch("file:///etc/passwd").await,
            Err(FetchError::InvalidUrl(_))
        ));
        assert!(matches!(
            f.fetch("http://localhost:9/x.png").await,
            Err(FetchError::Blocked(_))
        ));
    }
}
