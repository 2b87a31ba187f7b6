//! Typed client for the Pancake POS public HTTP API (`api_key` query authentication).
//!
//! Resources are added as inherent methods on [`PancakeClient`] next to the skill
//! that uses them (see `crate::geo`), and as subcommands in [`cli`].
//!
//! Guardrails: every write is refused unless `CONFIRM_WRITE=YES` (and the shop
//! is allowed); updates go through [`PancakeClient::update_verified`], a GET
//! before and after; only GETs and PUTs are retried; the API key never appears
//! in `Debug` output, logs or errors.

pub mod cli;
mod client;
mod error;
pub mod output;
// The stand-in Pancake the resource skills' tests share.
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;

pub use client::{
    id_string, opt_id_string, opt_number, opt_whole, or_default, path_segment, whole, Page,
    PageStyle, PancakeClient, PancakeConfig, RetryPolicy, Shop, WritePolicy, DEFAULT_BASE_URL,
};
pub use error::PancakeError;
