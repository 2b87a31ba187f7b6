//! Sign-in settings, read from flags or the environment.

use std::time::Duration;

use clap::{builder::BoolishValueParser, ArgAction, Args};

/// How sessions behave.
#[derive(Debug, Clone, Args)]
pub struct AuthConfig {
    /// Mark the session cookie Secure (only sent over HTTPS); set this when the
    /// app is served over HTTPS, directly or behind a proxy.
    #[arg(
        long,
        env = "COOKIE_SECURE",
        default_value_t = false,
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new(),
        global = true
    )]
    pub cookie_secure: bool,

    /// Minutes without a request after which a session ends.
    #[arg(
        long,
        env = "SESSION_IDLE_MINUTES",
        default_value_t = 120,
        global = true
    )]
    pub session_idle_minutes: u64,

    /// Hours after sign-in after which a session ends however active it is.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 12, global = true)]
    pub session_max_hours: u64,
}

impl AuthConfig {
    pub fn settings(&self) -> AuthSettings {
        AuthSettings {
            cookie_secure: self.cookie_secure,
            idle: Duration::from_secs(self.session_idle_minutes.max(1) * 60),
            lifetime: Duration::from_secs(self.session_max_hours.max(1) * 3_600),
        }
    }
}

/// The settings the running app uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSettings {
    pub cookie_secure: bool,
    pub idle: Duration,
    pub lifetime: Duration,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            cookie_secure: false,
            idle: Duration::from_secs(120 * 60),
            lifetime: Duration::from_secs(12 * 3_600),
        }
    }
}

impl AuthSettings {
    /// The cookie's name. With HTTPS the `__Host-` prefix makes the browser
    /// refuse a cookie set by another subdomain or over plain HTTP.
    pub fn cookie_name(&self) -> &'static str {
        if self.cookie_secure {
            "__Host-session"
        } else {
            "session"
        }
    }
}
