//! Typed client for the Pancake POS public HTTP API (`api_key` query authentication).
//!
//! Resources are added as inherent methods on [`PancakeClient`] next to the skill
//! that uses them (see `crate::geo`), and as subcommands in [`cli`].

pub mod cli;
mod client;
mod error;

pub use client::{
    id_string, opt_id_string, PancakeClient, PancakeConfig, RetryPolicy, DEFAULT_BASE_URL,
};
pub use error::PancakeError;
