//! Accounts: people who sign in, each with one role.

use serde::{Deserialize, Serialize};
use sqlx::{any::AnyRow, AnyPool, FromRow, Row};

use super::{audit, password, permissions::Role, Actor};
use crate::{
    clock,
    error::is_unique_violation,
    validate::{Problem, Problems},
    AppError,
};

const NAME_MAX_CHARS: usize = 200;
const EMAIL_MAX_CHARS: usize = 254;

/// An account as the API shows it: never its password hash or TOTP secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub two_factor: bool,
    pub created_at: String,
}

const COLUMNS: &str = "id, email, name, role, active, totp_enabled, created_at";

impl FromRow<'_, AnyRow> for User {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let role: String = row.try_get("role")?;
        Ok(Self {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            role: Role::parse(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "role".into(),
                source: format!("unknown role {role}").into(),
            })?,
            active: row.try_get::<i32, _>("active")? != 0,
            two_factor: row.try_get::<i32, _>("totp_enabled")? != 0,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// `POST /api/users` and `<app> user create`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    pub email: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
}

/// `PUT /api/users/{id}`: any of the fields.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
}

/// Emails compare without case: `An@Shop.vn` and `an@shop.vn` are one account.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn check_email(problems: &mut Problems, email: Option<&str>) -> String {
    let email = normalise_email(&problems.text("email", email, EMAIL_MAX_CHARS));
    let plausible = email
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    if !email.is_empty() && !plausible {
        problems.add("email", Problem::Email);
    }
    email
}

/// Checks a new password's length; returns it untrimmed (spaces count).
pub fn check_password(problems: &mut Problems, field: &str, value: Option<&str>) -> String {
    let value = value.unwrap_or_default();
    let length = value.chars().count();
    if value.is_empty() {
        problems.add(field, Problem::Required);
    } else if !(password::MIN_LENGTH..=password::MAX_LENGTH).contains(&length) {
        problems.add(
            field,
            Problem::LengthBetween(password::MIN_LENGTH, password::MAX_LENGTH),
        );
    }
    value.to_owned()
}

/// Checks a role name; the problem, if any, is recorded against `role`.
pub(super) fn check_role(problems: &mut Problems, value: Option<&str>) -> Option<Role> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        problems.add("role", Problem::Required);
        return None;
    }
    let role = Role::parse(value);
    if role.is_none() {
        problems.add(
            "role",
            Problem::Worded("must be ADMIN, MANAGER, STAFF or CASHIER".into()),
        );
    }
    role
}

/// A MANAGER manages the people below admin and cannot make anyone an admin;
/// an ADMIN manages everyone. A token or person without users.manage never
/// gets here: the route guard stops them.
pub(super) fn may_manage(actor: &Actor, role: Role) -> Result<(), AppError> {
    if actor.role() != Role::Admin && role == Role::Admin {
        return Err(AppError::Forbidden(
            "Only an admin can manage admin accounts.".into(),
        ));
    }
    Ok(())
}

pub async fn create(db: &AnyPool, actor: &Actor, request: &NewUser) -> Result<User, AppError> {
    let mut problems = Problems::default();
    let email = check_email(&mut problems, request.email.as_deref());
    let name = problems.optional_text("name", request.name.as_deref(), NAME_MAX_CHARS);
    let secret = check_password(&mut problems, "password", request.password.as_deref());
    let role = check_role(&mut problems, request.role.as_deref());
    problems.finish()?;
    let role = role.expect("a valid request has a role");
    may_manage(actor, role)?;
    // Hashing is deliberately slow: it runs off the async threads.
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(anyhow::Error::from)??;
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let now = clock::now_utc();
    let inserted = sqlx::query_as::<_, User>(&format!(
        "INSERT INTO users (email, name, role, active, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $5) RETURNING {COLUMNS}"
    ))
    .bind(&email)
    .bind(&name)
    .bind(role.as_str())
    .bind(&hash)
    .bind(&now)
    .fetch_one(db)
    .await;
    let user = match inserted {
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::Conflict(
                "A user with this email already exists.".into(),
            ))
        }
        other => other?,
    };
    audit::record(
        db,
        audit::Event::UserCreated
            .by(actor)
            .about(user.id)
            .detail(role.as_str()),
    )
    .await?;
    Ok(user)
}

pub async fn get(db: &AnyPool, id: i64) -> Result<User, AppError> {
    sqlx::query_as::<_, User>(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No user with id {id}.")))
}

pub async fn list(db: &AnyPool) -> Result<Vec<User>, AppError> {
    Ok(
        sqlx::query_as::<_, User>(&format!("SELECT {COLUMNS} FROM users ORDER BY email"))
            .fetch_all(db)
            .await?,
    )
}

pub async fn count(db: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await
}

/// Renames, changes the role of, disables or enables an account. A role change
/// or a disabled account ends the person's sessions.
pub async fn update(
    db: &AnyPool,
    actor: &Actor,
    id: i64,
    change: &UserChange,
) -> Result<User, AppError> {
    let mut problems = Problems::default();
    let name = problems.optional_text("name", change.name.as_deref(), NAME_MAX_CHARS);
    let role = match change.role.as_deref() {
        Some(role) => check_role(&mut problems, Some(role)),
        None => None,
    };
    problems.finish()?;
    let user = get(db, id).await?;
    may_manage(actor, user.role)?;
    if let Some(role) = role {
        may_manage(actor, role)?;
    }
    if actor.user_id() == Some(id)
        && (role.is_some_and(|r| r != user.role) || change.active == Some(false))
    {
        return Err(AppError::Conflict(
            "You cannot change your own role or disable yourself.".into(),
        ));
    }
    let new_role = role.unwrap_or(user.role);
    let active = change.active.unwrap_or(user.active);
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE users SET name = $1, role = $2, active = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(name.as_deref().unwrap_or(&user.name))
    .bind(new_role.as_str())
    .bind(i32::from(active))
    .bind(clock::now_utc())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if new_role != user.role || !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if new_role != user.role {
        let detail = format!("{} -> {}", user.role, new_role);
        audit::record(
            db,
            audit::Event::RoleChanged
                .by(actor)
                .about(id)
                .detail(&detail),
        )
        .await?;
    }
    if active != user.active {
        let event = if active {
            audit::Event::UserEnabled
        } else {
            audit::Event::UserDisabled
        };
        audit::record(db, event.by(actor).about(id)).await?;
    }
    get(db, id).await
}

/// Sets a new password and ends every session of the account: whoever knew
/// the old password is signed out everywhere.
pub async fn set_password(
    db: &AnyPool,
    actor: &Actor,
    id: i64,
    new_password: Option<&str>,
) -> Result<(), AppError> {
    let mut problems = Problems::default();
    let secret = check_password(&mut problems, "password", new_password);
    problems.finish()?;
    let user = get(db, id).await?;
    if actor.user_id() != Some(id) {
        may_manage(actor, user.role)?;
    }
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(anyhow::Error::from)??;
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(&hash)
        .bind(clock::now_utc())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit::record(db, audit::Event::PasswordChanged.by(actor).about(id)).await?;
    Ok(())
}

/// The stored password hash and state needed to sign in, by email.
pub(super) struct Credentials {
    pub id: i64,
    pub active: bool,
    pub password_hash: String,
    pub totp_enabled: bool,
}

pub(super) async fn credentials(
    db: &AnyPool,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row =
        sqlx::query("SELECT id, active, password_hash, totp_enabled FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(db)
            .await?;
    row.map(|row| {
        Ok(Credentials {
            id: row.try_get("id")?,
            active: row.try_get::<i32, _>("active")? != 0,
            password_hash: row.try_get("password_hash")?,
            totp_enabled: row.try_get::<i32, _>("totp_enabled")? != 0,
        })
    })
    .transpose()
}

pub(super) async fn password_hash(db: &AnyPool, id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
}
