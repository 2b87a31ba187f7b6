//! Two-factor sign-in with TOTP (RFC 6238: 6 digits, 30 s, SHA-1, which is
//! what authenticator apps support) and one-time recovery codes.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use qrcode::{render::svg, QrCode};
use serde::Serialize;
use sqlx::{AnyPool, Row};
use totp_rs::{Algorithm, Secret, TOTP};

use super::{audit, password, secret, users, Actor};
use crate::{clock, validate::Problem, AppError};

/// How many recovery codes a person gets; each works once.
pub const RECOVERY_CODES: usize = 10;
const STEP_SECONDS: u64 = 30;

/// What enrolment shows: the secret for manual entry, the otpauth URL, and
/// the same URL as a QR code drawn here (an SVG, so no image service sees it).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

fn totp(secret_base32: &str, issuer: &str, email: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|err| anyhow::anyhow!("stored TOTP secret is not base32: {err:?}"))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        bytes,
        Some(issuer.to_owned()),
        email.to_owned(),
    )
    .map_err(|err| AppError::Internal(anyhow::anyhow!("cannot build a TOTP: {err}")))
}

/// Starts enrolment: a new secret, not yet trusted for sign-in. Starting
/// again replaces a secret that was never confirmed.
pub async fn begin(db: &AnyPool, user_id: i64, issuer: &str) -> Result<Enrolment, AppError> {
    let user = users::get(db, user_id).await?;
    if user.two_factor {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already on; turn it off first.".into(),
        ));
    }
    let Secret::Encoded(encoded) = Secret::generate_secret().to_encoded() else {
        unreachable!("to_encoded returns the encoded form");
    };
    let totp = totp(&encoded, issuer, &user.email)?;
    let otpauth_url = totp.get_url();
    let qr_svg = QrCode::new(otpauth_url.as_bytes())
        .map_err(|err| anyhow::anyhow!("cannot draw the QR code: {err}"))?
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .build();
    sqlx::query("UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3")
        .bind(&encoded)
        .bind(clock::now_utc())
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(Enrolment {
        secret: encoded,
        otpauth_url,
        qr_svg,
    })
}

/// Confirms enrolment with a code from the app, turns two-factor sign-in on
/// and returns fresh recovery codes (shown once).
pub async fn enable(
    db: &AnyPool,
    actor: &Actor,
    user_id: i64,
    code: &str,
    issuer: &str,
) -> Result<Vec<String>, AppError> {
    let row = sqlx::query("SELECT totp_secret, totp_enabled FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await?;
    if row.try_get::<i32, _>("totp_enabled")? != 0 {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already on.".into(),
        ));
    }
    let Some(_) = row.try_get::<Option<String>, _>("totp_secret")? else {
        return Err(AppError::Conflict("Start the enrolment first.".into()));
    };
    if !check_code(db, user_id, code, issuer).await? {
        return Err(AppError::invalid(
            "code",
            Problem::Worded("is not the current code".into()),
        ));
    }
    let codes = new_recovery_codes();
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET totp_enabled = 1, updated_at = $1 WHERE id = $2")
        .bind(clock::now_utc())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for code in &codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(secret::digest(&normalise_recovery(code)))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    audit::record(db, audit::Event::TwoFactorEnabled.by(actor).about(user_id)).await?;
    Ok(codes)
}

/// Turns two-factor sign-in off after checking the password again.
pub async fn disable(
    db: &AnyPool,
    actor: &Actor,
    user_id: i64,
    current_password: &str,
) -> Result<(), AppError> {
    let stored = users::password_hash(db, user_id).await?;
    let current = current_password.to_owned();
    let matches = tokio::task::spawn_blocking(move || password::verify(&current, &stored))
        .await
        .map_err(anyhow::Error::from)?;
    if !matches {
        return Err(AppError::invalid(
            "password",
            Problem::Worded("is not your current password".into()),
        ));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_enabled = 0, totp_secret = NULL, totp_last_step = 0, \
         updated_at = $1 WHERE id = $2",
    )
    .bind(clock::now_utc())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit::record(db, audit::Event::TwoFactorDisabled.by(actor).about(user_id)).await?;
    Ok(())
}

/// Whether `code` is the account's current TOTP code (or the one just before
/// or after, for clock drift) and has not been used before. Accepting a code
/// records its step, so the same code cannot sign in twice.
pub async fn check_code(
    db: &AnyPool,
    user_id: i64,
    code: &str,
    issuer: &str,
) -> Result<bool, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(false);
    }
    let row = sqlx::query("SELECT email, totp_secret FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(db)
        .await?;
    let Some(secret) = row.try_get::<Option<String>, _>("totp_secret")? else {
        return Ok(false);
    };
    let email: String = row.try_get("email")?;
    let totp = totp(&secret, issuer, &email)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(anyhow::Error::from)?
        .as_secs();
    let current = now / STEP_SECONDS;
    let matched = [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| totp.generate(step * STEP_SECONDS) == code);
    let Some(step) = matched.and_then(|step| i64::try_from(step).ok()) else {
        return Ok(false);
    };
    // The update only succeeds for a step later than the last one used, so
    // two requests racing with the same code cannot both win.
    let claimed =
        sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
            .bind(step)
            .bind(user_id)
            .execute(db)
            .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Uses up a recovery code; true when it was one of the account's unused codes.
pub async fn use_recovery_code(db: &AnyPool, user_id: i64, code: &str) -> Result<bool, AppError> {
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(clock::now_utc())
    .bind(user_id)
    .bind(secret::digest(&normalise_recovery(code)))
    .execute(db)
    .await?;
    if used.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        db,
        audit::Entry::new(audit::Event::RecoveryCodeUsed).about(user_id),
    )
    .await?;
    Ok(true)
}

/// How many unused recovery codes an account has left.
pub async fn recovery_codes_left(db: &AnyPool, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(db)
        .await
}

/// Codes like `k7wq2-m9xdr`: 50 random bits from an alphabet without the
/// look-alikes 0/o and 1/l, grouped for reading aloud.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8; 32] = b"23456789abcdefghijkmnpqrstuvwxyz";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 10];
            OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|byte| char::from(ALPHABET[usize::from(byte % 32)]))
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// Recovery codes are compared without case, spaces or dashes.
fn normalise_recovery(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_and_readable() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 11, "{code}");
            assert!(!code.contains(['0', 'o', '1', 'l']), "{code}");
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(normalise_recovery(" K7WQ2-m9xdr "), "k7wq2m9xdr");
    }
}
