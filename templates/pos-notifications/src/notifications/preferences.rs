//! What each person chose to hear about, on which channel, and where: their
//! phone number for SMS and the language of their messages.
//!
//! Without a choice of their own a person gets an event on the channels the
//! event names, provided their role is among those it reaches; events that
//! are not optional (a password reset) cannot be turned off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, Row};

use super::{
    channels::{Channel, Channels},
    events::{self, Event},
};
use crate::{
    auth::permissions::Role,
    clock,
    validate::{Problem, Problems},
    web::Lang,
    AppError, AppState,
};

/// Where one person receives messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// E.164, e.g. `+84901234567`.
    pub phone: Option<String>,
    pub language: Lang,
}

/// A person's own choices, by event name and channel.
#[derive(Debug, Clone, Default)]
pub struct Choices(BTreeMap<(String, Channel), bool>);

impl Choices {
    /// Whether the person gets `event` on `channel`.
    pub fn wants(&self, event: &Event, channel: Channel) -> bool {
        if !event.optional {
            return event.by_default(channel);
        }
        self.0
            .get(&(event.name.to_owned(), channel))
            .copied()
            .unwrap_or_else(|| event.by_default(channel))
    }
}

pub async fn contact(conn: &mut AnyConnection, user_id: i64) -> Result<Contact, sqlx::Error> {
    let row = sqlx::query("SELECT phone, language FROM notification_contacts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else {
        return Ok(Contact::default());
    };
    let language: String = row.try_get("language")?;
    Ok(Contact {
        phone: row.try_get("phone")?,
        language: Lang::parse(&language).unwrap_or_default(),
    })
}

pub async fn choices(conn: &mut AnyConnection, user_id: i64) -> Result<Choices, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT event, channel, enabled FROM notification_preferences WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    let mut choices = BTreeMap::new();
    for row in rows {
        let channel: String = row.try_get("channel")?;
        let enabled: i32 = row.try_get("enabled")?;
        if let Some(channel) = Channel::parse(&channel) {
            choices.insert((row.try_get("event")?, channel), enabled == 1);
        }
    }
    Ok(Choices(choices))
}

/// A person's settings as the API shows them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    pub language: &'static str,
    pub phone: Option<String>,
    /// The channels this app can send on.
    pub channels: Vec<&'static str>,
    pub events: Vec<EventChoice>,
}

/// One event a person hears about and how.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventChoice {
    pub event: &'static str,
    pub description: &'static str,
    /// False for events that cannot be turned off.
    pub optional: bool,
    /// Channel name → whether the person gets the event there.
    pub channels: BTreeMap<&'static str, bool>,
}

/// The events `role` hears about, with `choices` applied.
pub fn view(role: Role, contact: &Contact, choices: &Choices, offered: &Channels) -> Preferences {
    let channels: Vec<Channel> = Channel::ALL
        .into_iter()
        .filter(|channel| offered.offers(*channel))
        .collect();
    let events = events::ALL
        .into_iter()
        .filter(|event| event.reaches(role))
        .map(|event| EventChoice {
            event: event.name,
            description: event.description.en,
            optional: event.optional,
            channels: channels
                .iter()
                .map(|channel| (channel.as_str(), choices.wants(event, *channel)))
                .collect(),
        })
        .collect();
    Preferences {
        language: contact.language.code(),
        phone: contact.phone.clone(),
        channels: channels.iter().map(|channel| channel.as_str()).collect(),
        events,
    }
}

/// A person's settings as they stand.
pub async fn load(state: &AppState, user_id: i64, role: Role) -> Result<Preferences, AppError> {
    let mut conn = state.db.acquire().await?;
    let contact = contact(&mut conn, user_id).await?;
    let choices = choices(&mut conn, user_id).await?;
    Ok(view(
        role,
        &contact,
        &choices,
        &state.notifications.channels,
    ))
}

/// A change to a person's settings; what is left out stays as it was.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreferencesUpdate {
    pub language: Option<String>,
    /// An empty string removes the number.
    pub phone: Option<String>,
    #[serde(default)]
    pub events: Vec<ChoiceUpdate>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceUpdate {
    pub event: String,
    pub channel: String,
    pub enabled: bool,
}

/// Checks `update` for a person with `role` and stores it in one transaction.
pub async fn save(
    db: &AnyPool,
    user_id: i64,
    role: Role,
    update: &PreferencesUpdate,
) -> Result<(), AppError> {
    let mut problems = Problems::default();
    let language = update.language.as_deref().map(|code| {
        let lang = Lang::parse(code);
        problems.check(
            lang.is_some(),
            "language",
            Problem::Worded("must be vi or en".into()),
        );
        lang.unwrap_or_default()
    });
    let phone = update.phone.as_deref().map(str::trim).map(|raw| {
        if raw.is_empty() {
            return None;
        }
        let number = sms_number(raw);
        problems.check(number.is_some(), "phone", Problem::PhoneNumber);
        number
    });
    let mut choices = Vec::with_capacity(update.events.len());
    for (index, choice) in update.events.iter().enumerate() {
        let field = format!("events[{index}]");
        let event = events::find(&choice.event).filter(|event| event.reaches(role));
        let channel = Channel::parse(&choice.channel);
        match (event, channel) {
            (None, _) => problems.add(
                format!("{field}.event"),
                Problem::Worded("is not an event you hear about".into()),
            ),
            (_, None) => problems.add(
                format!("{field}.channel"),
                Problem::Worded("must be in_app, email, sms or push".into()),
            ),
            (Some(event), Some(_)) if !event.optional => problems.add(
                format!("{field}.event"),
                Problem::Worded("cannot be changed".into()),
            ),
            (Some(event), Some(channel)) => choices.push((event.name, channel, choice.enabled)),
        }
    }
    problems.finish()?;

    let mut tx = crate::db::begin_write(db).await?;
    let now = clock::now_utc();
    if language.is_some() || phone.is_some() {
        let current = contact(&mut tx, user_id).await?;
        let language = language.unwrap_or(current.language);
        let phone = phone.unwrap_or(current.phone);
        sqlx::query(
            "INSERT INTO notification_contacts (user_id, phone, language, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id) DO UPDATE \
             SET phone = excluded.phone, language = excluded.language, \
                 updated_at = excluded.updated_at",
        )
        .bind(user_id)
        .bind(phone)
        .bind(language.code())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    for (event, channel, enabled) in choices {
        sqlx::query(
            "INSERT INTO notification_preferences (user_id, event, channel, enabled) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, event, channel) DO UPDATE SET enabled = excluded.enabled",
        )
        .bind(user_id)
        .bind(event)
        .bind(channel.as_str())
        .bind(i32::from(enabled))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A phone number in the E.164 form SMS providers take: `0901 234 567`
/// (Vietnamese national) and `84901234567` become `+84901234567`; a number
/// written with `+` keeps its country code.
pub fn sms_number(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let allowed = raw
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')'));
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if !allowed || raw.get(1..).is_some_and(|rest| rest.contains('+')) {
        return None;
    }
    let international = if raw.starts_with('+') {
        digits
    } else if let Some(national) = digits.strip_prefix('0') {
        format!("84{national}")
    } else if digits.starts_with("84") {
        digits
    } else {
        return None;
    };
    (8..=15)
        .contains(&international.len())
        .then(|| format!("+{international}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_become_e164() {
        assert_eq!(sms_number("0901 234 567").as_deref(), Some("+84901234567"));
        assert_eq!(sms_number("84901234567").as_deref(), Some("+84901234567"));
        assert_eq!(
            sms_number("+1 (415) 555-0100").as_deref(),
            Some("+14155550100")
        );
        assert_eq!(sms_number("901234567"), None);
        assert_eq!(sms_number("09x1234567"), None);
        assert_eq!(sms_number("+84+901234567"), None);
        assert_eq!(sms_number("0"), None);
        assert_eq!(sms_number(""), None);
    }
}
