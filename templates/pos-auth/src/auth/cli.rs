//! `<app> user …` and `<app> token …`: accounts and API tokens from the
//! command line, for the first admin and for scripts.

use anyhow::Context;
use clap::{Args, Subcommand};

use super::{
    reset,
    tokens::{self, NewToken},
    users::{self, NewUser},
    Actor,
};
use crate::{config::Config, db, AppError};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account.
    Create {
        #[arg(long)]
        email: String,
        /// At least 10 characters. Prefer the USER_PASSWORD environment
        /// variable, which stays out of the shell history.
        #[arg(long, env = "USER_PASSWORD", hide_env_values = true)]
        password: String,
        /// ADMIN, MANAGER, STAFF or CASHIER.
        #[arg(long)]
        role: String,
        /// Display name; the part of the email before `@` when left out.
        #[arg(long)]
        name: Option<String>,
    },
    /// Print a single-use password reset link for an account (valid one hour).
    ResetPassword {
        #[arg(long)]
        email: String,
    },
    /// List accounts.
    List,
}

pub async fn run_user(config: &Config, args: UserArgs) -> anyhow::Result<()> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let result = match args.command {
        UserCommand::Create {
            email,
            password,
            role,
            name,
        } => {
            let request = NewUser {
                email: Some(email),
                name,
                password: Some(password),
                role: Some(role),
            };
            let user = users::create(&pool, &Actor::Operator, &request)
                .await
                .map_err(explain)?;
            println!("created {} ({}) with id {}", user.email, user.role, user.id);
            Ok(())
        }
        UserCommand::ResetPassword { email } => {
            let email = users::normalise_email(&email);
            let user = users::list(&pool)
                .await
                .map_err(explain)?
                .into_iter()
                .find(|user| user.email == email)
                .with_context(|| format!("no account has the email {email}"))?;
            let token = reset::issue(&pool, &Actor::Operator, user.id)
                .await
                .map_err(explain)?;
            println!(
                "open /reset-password?token={token} on this app within {} minutes",
                reset::VALID_FOR.as_secs() / 60
            );
            Ok(())
        }
        UserCommand::List => {
            for user in users::list(&pool).await.map_err(explain)? {
                let state = if user.active { "active" } else { "disabled" };
                println!("{}\t{}\t{}\t{state}", user.id, user.email, user.role);
            }
            Ok(())
        }
    };
    pool.close().await;
    result
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    command: TokenCommand,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token and print it once.
    Create {
        /// What the token is for, e.g. `accounting-export`.
        #[arg(long)]
        name: String,
        /// ADMIN, MANAGER, STAFF or CASHIER.
        #[arg(long)]
        role: String,
    },
    /// Revoke a token by id.
    Revoke { id: i64 },
}

pub async fn run_token(config: &Config, args: TokenArgs) -> anyhow::Result<()> {
    let pool = db::connect(config.database_url()).await?;
    db::migrate(&pool).await?;
    let result = match args.command {
        TokenCommand::Create { name, role } => {
            let request = NewToken {
                name: Some(name),
                role: Some(role),
            };
            let created = tokens::create(&pool, &Actor::Operator, &request)
                .await
                .map_err(explain)?;
            eprintln!(
                "token {} ({}) created; it is shown only now:",
                created.token.name, created.token.role
            );
            println!("{}", created.secret);
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            let token = tokens::revoke(&pool, &Actor::Operator, id)
                .await
                .map_err(explain)?;
            println!("token {} ({}) is revoked", token.name, token.id);
            Ok(())
        }
    };
    pool.close().await;
    result
}

/// Turns an API error into one line for the terminal, with the field problems.
fn explain(err: AppError) -> anyhow::Error {
    match err {
        AppError::Validation { details, .. } => anyhow::anyhow!(
            "{}",
            details
                .iter()
                .map(|detail| format!("{} {}", detail.field, detail.problem))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        AppError::Internal(cause) => cause,
        other => anyhow::anyhow!("{other}"),
    }
}
