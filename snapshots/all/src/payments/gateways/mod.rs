//! The payment providers, each behind the [`Gateway`] trait.
//!
//! Each provider module holds that provider's protocol as free functions
//! (how it signs, what it sends, how it wants to be answered; the spec's
//! worked examples are their unit tests), and ends with `impl Gateway` for
//! its configuration: the configuration *is* the adapter. Nothing here
//! touches the database.
//!
//! Adding a provider: a module with its configuration struct (read from the
//! environment) and `impl Gateway` for it; a [`Provider`] variant; a field
//! in [`Gateways`], read in [`Gateways::from_env`] and returned by
//! [`Gateways::adapter`]; and a route in `payments/routes.rs` that passes its
//! notifications to the adapter and answers the way the provider wants. The
//! compiler then lists the other places that name every provider (its
//! settings, its notification path, its label at the till).

mod adapter;
pub mod error;
pub mod momo;
pub mod sepay;
pub mod stripe;
pub mod vnpay;

#[cfg(test)]
mod mock;

use std::{sync::Arc, time::Duration};

pub use adapter::{
    Attempt, Gateway, GatewayFuture, Handover, Inbound, RefundCall, RemoteStatus, Verified,
};
pub use error::GatewayError;
use momo::MomoConfig;
use sepay::SepayConfig;
use stripe::StripeConfig;
use vnpay::VnpayConfig;

use super::model::Provider;

/// How long a call to a gateway may take before the till gives up on it.
/// MoMo's create asks for longer and sets its own timeout on that request.
const HTTP_TIMEOUT: Duration = Duration::from_secs(15);

/// Where VNPay and MoMo send the customer's browser back, below the public
/// base URL, followed by `/vnpay` or `/momo`.
pub const RETURN_PATH: &str = "/payments/return";

/// The gateways this app is configured for; one without configuration is
/// simply not offered.
#[derive(Debug, Clone)]
pub struct Gateways {
    pub sepay: Option<Arc<SepayConfig>>,
    pub vnpay: Option<Arc<VnpayConfig>>,
    pub momo: Option<Arc<MomoConfig>>,
    pub stripe: Option<Arc<StripeConfig>>,
    /// Where customers and gateways reach this app from outside, e.g.
    /// `https://shop.example.vn`, without a trailing slash. VNPay and MoMo
    /// send the customer back there, and MoMo its notifications.
    pub public_base_url: Option<Arc<str>>,
    /// One client for every call to a gateway, so connections are reused.
    pub http: reqwest::Client,
}

impl Default for Gateways {
    fn default() -> Self {
        Self {
            sepay: None,
            vnpay: None,
            momo: None,
            stripe: None,
            public_base_url: None,
            http: http_client(),
        }
    }
}

/// A setting as `lookup` finds it, trimmed; `None` when it is missing or
/// blank, so an empty line in `.env` counts as unset.
fn setting(lookup: impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// A setting from the process environment, as [`setting`] reads it.
fn env_setting(name: &str) -> Option<String> {
    setting(|name| std::env::var(name).ok(), name)
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(HTTP_TIMEOUT)
        .build()
        .expect("the TLS backend is compiled in, so an HTTP client can be built")
}

impl Gateways {
    /// Reads every gateway's settings, and `PUBLIC_BASE_URL`, from the
    /// environment.
    pub fn from_env() -> Self {
        Self {
            sepay: SepayConfig::from_env().map(Arc::new),
            vnpay: VnpayConfig::from_env().map(Arc::new),
            momo: MomoConfig::from_env().map(Arc::new),
            stripe: StripeConfig::from_env().map(Arc::new),
            public_base_url: env_setting("PUBLIC_BASE_URL").and_then(|url| public_base_url(&url)),
            ..Self::default()
        }
    }

    /// The same gateways, reached from outside at `url`.
    pub fn with_public_base_url(self, url: &str) -> Self {
        Self {
            public_base_url: public_base_url(url),
            ..self
        }
    }

    /// The adapter of `provider`, when the app is configured for it. It may
    /// not be [offered](Self::offers) for new payments, yet still refund
    /// those it took.
    pub fn adapter(&self, provider: Provider) -> Option<&dyn Gateway> {
        match provider {
            Provider::VietQr => self.sepay.as_deref().map(|config| config as &dyn Gateway),
            Provider::VnPay => self.vnpay.as_deref().map(|config| config as &dyn Gateway),
            Provider::MoMo => self.momo.as_deref().map(|config| config as &dyn Gateway),
            Provider::Stripe => self.stripe.as_deref().map(|config| config as &dyn Gateway),
        }
    }

    /// Whether payments by `provider` can be taken. VNPay and MoMo also need
    /// the public base URL, to send the customer back to.
    pub fn offers(&self, provider: Provider) -> bool {
        let reachable = self.public_base_url.is_some();
        match provider {
            Provider::VietQr => self.sepay.is_some(),
            Provider::VnPay => self.vnpay.is_some() && reachable,
            Provider::MoMo => self.momo.is_some() && reachable,
            Provider::Stripe => self.stripe.is_some(),
        }
    }

    /// Says at start which gateways are offered, where each sends its
    /// notifications, and what the others lack.
    pub fn log_summary(&self) {
        for provider in Provider::ALL {
            let notifications = notification_path(provider);
            if !self.offers(provider) {
                tracing::info!(
                    method = provider.as_str(),
                    needs = needs(provider),
                    "payment method not offered: not configured"
                );
            } else if let Some(endpoint) = self.endpoint(provider) {
                tracing::info!(
                    method = provider.as_str(),
                    endpoint,
                    notifications,
                    "payment method offered"
                );
            } else {
                tracing::info!(
                    method = provider.as_str(),
                    notifications,
                    "payment method offered"
                );
            }
        }
    }

    /// Where the app sends customers or calls the gateway (its sandbox or
    /// production), for gateways the app talks to.
    fn endpoint(&self, provider: Provider) -> Option<&str> {
        match provider {
            Provider::VietQr => None,
            Provider::VnPay => self.vnpay.as_deref().map(|c| c.pay_url.as_str()),
            Provider::MoMo => self.momo.as_deref().map(|c| c.endpoint.as_str()),
            Provider::Stripe => self.stripe.as_deref().map(|c| c.api_base.as_str()),
        }
    }
}

/// `PUBLIC_BASE_URL` as the app uses it: an http(s) URL without a trailing
/// slash, or nothing.
fn public_base_url(url: &str) -> Option<Arc<str>> {
    let url = url.trim().trim_end_matches('/');
    let usable = url.starts_with("https://") || url.starts_with("http://");
    if !usable && !url.is_empty() {
        tracing::warn!(url, "PUBLIC_BASE_URL is not an http(s) URL and is ignored");
    }
    usable.then(|| Arc::from(url))
}

/// Where each gateway's notifications arrive, below the public base URL.
pub fn notification_path(provider: Provider) -> &'static str {
    match provider {
        Provider::VietQr => "/api/payments/webhooks/sepay",
        Provider::VnPay => "/api/payments/ipn/vnpay",
        Provider::MoMo => "/api/payments/ipn/momo",
        Provider::Stripe => "/api/payments/webhooks/stripe",
    }
}

/// The settings a gateway needs before it is offered.
fn needs(provider: Provider) -> &'static str {
    match provider {
        Provider::VietQr => "SEPAY_API_KEY, SEPAY_BANK_CODE, SEPAY_ACCOUNT_NUMBER",
        Provider::VnPay => "VNPAY_TMN_CODE, VNPAY_HASH_SECRET, PUBLIC_BASE_URL",
        Provider::MoMo => "MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY, PUBLIC_BASE_URL",
        Provider::Stripe => "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vnpay() -> Arc<VnpayConfig> {
        Arc::new(VnpayConfig {
            tmn_code: "DEMO0001".into(),
            hash_secret: "secret".into(),
            pay_url: vnpay::SANDBOX_PAY_URL.into(),
            api_url: vnpay::SANDBOX_API_URL.into(),
        })
    }

    #[test]
    fn vnpay_is_offered_only_with_a_public_base_url() {
        let gateways = Gateways {
            vnpay: Some(vnpay()),
            ..Gateways::default()
        };
        assert!(!gateways.offers(Provider::VnPay));
        let gateways = gateways.with_public_base_url("https://shop.example.vn/");
        assert!(gateways.offers(Provider::VnPay));
        assert_eq!(
            gateways.public_base_url.as_deref(),
            Some("https://shop.example.vn")
        );
        assert!(!gateways.offers(Provider::MoMo));
    }

    #[test]
    fn each_provider_has_its_own_adapter_and_only_sepay_cannot_refund() {
        let gateways = Gateways {
            sepay: Some(Arc::new(SepayConfig {
                api_key: "key".into(),
                bank_bin: "970436".into(),
                account_number: "0123499999".into(),
                webhook_secret: None,
            })),
            vnpay: Some(vnpay()),
            momo: Some(Arc::new(MomoConfig {
                partner_code: "MOMOTEST0001".into(),
                access_key: "access".into(),
                secret_key: "secret".into(),
                endpoint: momo::SANDBOX_ENDPOINT.into(),
            })),
            stripe: Some(Arc::new(StripeConfig {
                secret_key: "sk_test_1".into(),
                webhook_secret: "whsec_1".into(),
                api_base: stripe::DEFAULT_API_BASE.into(),
            })),
            ..Gateways::default()
        };
        for provider in Provider::ALL {
            let adapter = gateways.adapter(provider).unwrap();
            assert_eq!(adapter.provider(), provider);
            assert_eq!(adapter.refunds(), provider != Provider::VietQr);
        }
        assert!(Gateways::default().adapter(Provider::Stripe).is_none());
    }

    #[test]
    fn a_base_url_that_is_not_http_is_ignored() {
        assert_eq!(public_base_url("shop.example.vn"), None);
        assert_eq!(public_base_url("  "), None);
        assert_eq!(
            public_base_url(" http://127.0.0.1:3000/ ").as_deref(),
            Some("http://127.0.0.1:3000")
        );
    }
}
