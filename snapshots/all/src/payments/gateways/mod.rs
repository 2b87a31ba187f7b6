//! The gateways' own protocols: how each signs, what each sends, and how each
//! wants to be answered. Nothing here touches the database.

pub mod error;
pub mod momo;
pub mod sepay;
pub mod stripe;
pub mod vnpay;

use std::sync::Arc;

pub use error::GatewayError;
use sepay::SepayConfig;

use super::model::Provider;

/// The gateways this app is configured for; one without configuration is
/// simply not offered.
#[derive(Debug, Clone, Default)]
pub struct Gateways {
    pub sepay: Option<Arc<SepayConfig>>,
}

impl Gateways {
    /// Reads every gateway's settings from the environment.
    pub fn from_env() -> Self {
        Self {
            sepay: SepayConfig::from_env().map(Arc::new),
        }
    }

    /// Whether payments by `provider` can be taken.
    pub fn offers(&self, provider: Provider) -> bool {
        match provider {
            Provider::VietQr => self.sepay.is_some(),
            Provider::VnPay | Provider::MoMo | Provider::Stripe => false,
        }
    }

    /// Says at start which gateways are offered and what the others lack.
    pub fn log_summary(&self) {
        for provider in Provider::ALL {
            if self.offers(provider) {
                tracing::info!(method = provider.as_str(), "payment method offered");
            } else {
                tracing::info!(
                    method = provider.as_str(),
                    needs = needs(provider),
                    "payment method not offered: not configured"
                );
            }
        }
    }
}

/// The settings a gateway needs before it is offered.
fn needs(provider: Provider) -> &'static str {
    match provider {
        Provider::VietQr => "SEPAY_API_KEY, SEPAY_BANK_CODE, SEPAY_ACCOUNT_NUMBER",
        Provider::VnPay => "VNPAY_TMN_CODE, VNPAY_HASH_SECRET",
        Provider::MoMo => "MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY",
        Provider::Stripe => "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET",
    }
}
