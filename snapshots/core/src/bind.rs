//! Which addresses `serve` may listen on.
//!
//! The app has no login yet, so anyone who can reach it can use it. Until the
//! auth skill is added it listens on loopback only, unless the operator
//! accepts the risk explicitly.

use std::net::IpAddr;

/// The refusal, kept to one line so it reads well as the program's last words.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to listen on HOST={host} because this app has no login yet and anyone who \
     can reach it could use it; add the auth skill (`poscake add auth`) or set \
     ALLOW_PUBLIC_BIND=true to accept the risk"
)]
pub struct PublicBindRefused {
    host: String,
}

/// Allows loopback hosts always, and any host when `allow_public` is set.
pub fn check_host(host: &str, allow_public: bool) -> Result<(), PublicBindRefused> {
    if allow_public || is_loopback(host) {
        Ok(())
    } else {
        Err(PublicBindRefused {
            host: host.to_owned(),
        })
    }
}

/// Whether `host` names this machine only: `localhost`, 127.0.0.0/8 or ::1.
///
/// Other host names are refused because they may resolve to any address.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    // `to_canonical` turns an IPv4-mapped address such as ::ffff:127.0.0.1
    // back into IPv4, whose loopback test covers the whole /8.
    host.parse::<IpAddr>()
        .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: [&str; 6] = [
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "::ffff:127.0.0.1",
        "localhost",
        "LocalHost",
    ];
    const PUBLIC: [&str; 5] = ["0.0.0.0", "::", "192.168.1.5", "shop.example.com", ""];

    #[test]
    fn loopback_hosts_are_allowed() {
        for host in LOOPBACK {
            assert_eq!(check_host(host, false), Ok(()), "{host}");
        }
    }

    #[test]
    fn other_hosts_are_refused() {
        for host in PUBLIC {
            assert!(check_host(host, false).is_err(), "{host}");
        }
    }

    #[test]
    fn the_override_allows_any_host() {
        for host in PUBLIC.into_iter().chain(LOOPBACK) {
            assert_eq!(check_host(host, true), Ok(()), "{host}");
        }
    }

    #[test]
    fn the_refusal_is_one_line_and_says_what_to_do() {
        let message = check_host("0.0.0.0", false).unwrap_err().to_string();
        assert!(!message.contains('\n'), "{message}");
        assert!(
            message.starts_with("refusing to listen on HOST=0.0.0.0 because"),
            "{message}"
        );
        assert!(message.contains("poscake add auth"), "{message}");
        assert!(message.contains("ALLOW_PUBLIC_BIND=true"), "{message}");
    }
}
