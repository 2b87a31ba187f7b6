//! Choosing the providers from the environment when the app starts. A setup
//! that is half done or invalid stops the start with a message naming the
//! variable, rather than failing every delivery later.

use std::{path::Path, sync::Arc};

use anyhow::{bail, Context};
use lettre::message::Mailbox;

use super::{
    email::{Resend, ResendConfig, SendGrid, SendGridConfig, Smtp, SmtpConfig},
    push::{Fcm, FcmConfig, ServiceAccount},
    sms::{Twilio, TwilioConfig, Vonage, VonageConfig},
    Channel, Channels, Sender,
};

/// What a provider, if configured, becomes.
type Provider = Option<Arc<dyn Sender>>;

impl Channels {
    /// The providers the process environment configures; see
    /// [`Channels::from_lookup`].
    pub fn from_env() -> anyhow::Result<Channels> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The providers configured by the variables `lookup` finds, so tests
    /// can try a setup without touching the process environment.
    ///
    /// Email: `SMTP_URL`, else `RESEND_API_KEY`, else `SENDGRID_API_KEY`,
    /// each with `MAIL_FROM`. SMS: Twilio, else Vonage. Push: FCM. Empty
    /// values count as unset, as an `.env` file leaves them.
    ///
    /// Must be called inside a Tokio runtime: the SMTP connection pool
    /// starts a task.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Channels> {
        let env = Env { lookup: &lookup };
        Ok(Channels {
            email: email(&env)?,
            sms: sms(&env)?,
            push: push(&env)?,
        })
    }

    /// Logs which provider serves each channel, or that it is off, so a
    /// missing variable shows at start rather than as silent channels.
    pub fn log_summary(&self) {
        for channel in [Channel::Email, Channel::Sms, Channel::Push] {
            let channel_name = channel.as_str();
            match self.sender(channel) {
                Some(sender) => tracing::info!(
                    channel = channel_name,
                    provider = sender.provider(),
                    "notification channel on"
                ),
                None => tracing::info!(
                    channel = channel_name,
                    "notification channel off: no provider configured"
                ),
            }
        }
    }
}

/// The environment as the setup reads it.
struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    /// The value of `name`; empty or blank counts as unset.
    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|value| !value.trim().is_empty())
    }

    /// The values of a provider's variables: `None` when none is set, an
    /// error naming the missing ones when only some are.
    fn all_or_none<const N: usize>(
        &self,
        provider: &str,
        names: [&str; N],
    ) -> anyhow::Result<Option<[String; N]>> {
        let values = names.map(|name| self.get(name));
        let missing: Vec<&str> = names
            .iter()
            .zip(&values)
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| *name)
            .collect();
        if missing.len() == N {
            return Ok(None);
        }
        if !missing.is_empty() {
            bail!(
                "{provider} is only partly configured: {} not set",
                missing.join(", ")
            );
        }
        Ok(Some(values.map(Option::unwrap_or_default)))
    }
}

fn email(env: &Env) -> anyhow::Result<Provider> {
    if let Some(url) = env.get("SMTP_URL") {
        let from = mail_from(env, "SMTP_URL")?;
        let smtp = Smtp::new(SmtpConfig { url, from }).context("invalid SMTP_URL")?;
        return Ok(Some(Arc::new(smtp)));
    }
    if let Some(api_key) = env.get("RESEND_API_KEY") {
        let config = ResendConfig::new(api_key, mail_from(env, "RESEND_API_KEY")?);
        return Ok(Some(Arc::new(Resend::new(config)?)));
    }
    if let Some(api_key) = env.get("SENDGRID_API_KEY") {
        let config = SendGridConfig::new(api_key, mail_from(env, "SENDGRID_API_KEY")?);
        return Ok(Some(Arc::new(SendGrid::new(config)?)));
    }
    Ok(None)
}

/// An example for the errors about `MAIL_FROM`.
const MAIL_FROM_EXAMPLE: &str = "Cửa hàng <pos@shop.example.vn>";

/// The sender of every email, parsed once here so a typo stops the start.
fn mail_from(env: &Env, provider_variable: &str) -> anyhow::Result<Mailbox> {
    let Some(text) = env.get("MAIL_FROM") else {
        bail!("{provider_variable} is set but MAIL_FROM is not: emails need a sender such as {MAIL_FROM_EXAMPLE:?}");
    };
    text.parse().with_context(|| {
        format!("MAIL_FROM is not a sender such as {MAIL_FROM_EXAMPLE:?}: {text:?}")
    })
}

fn sms(env: &Env) -> anyhow::Result<Provider> {
    // Both are read so a half-done setup of either is reported, even when
    // the other would serve.
    let twilio = env.all_or_none(
        "Twilio",
        ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"],
    )?;
    let vonage = env.all_or_none(
        "Vonage",
        ["VONAGE_API_KEY", "VONAGE_API_SECRET", "VONAGE_FROM"],
    )?;
    if let Some([account_sid, auth_token, from]) = twilio {
        let config = TwilioConfig::new(account_sid, auth_token, from);
        return Ok(Some(Arc::new(Twilio::new(config)?)));
    }
    if let Some([api_key, api_secret, from]) = vonage {
        let config = VonageConfig::new(api_key, api_secret, from);
        return Ok(Some(Arc::new(Vonage::new(config)?)));
    }
    Ok(None)
}

fn push(env: &Env) -> anyhow::Result<Provider> {
    let Some(path) = env.get("FCM_SERVICE_ACCOUNT_FILE") else {
        return Ok(None);
    };
    let account =
        ServiceAccount::from_file(Path::new(&path)).context("invalid FCM_SERVICE_ACCOUNT_FILE")?;
    let fcm = Fcm::new(FcmConfig::new(account))
        .with_context(|| format!("invalid FCM_SERVICE_ACCOUNT_FILE {path}"))?;
    Ok(Some(Arc::new(fcm)))
}
