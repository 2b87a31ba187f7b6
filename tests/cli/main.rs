//! poscake's integration tests: they run the built binary in temporary directories.

mod commands;
mod failures;
mod faults;
mod generated_apps;
mod property;
mod regeneration;
mod snapshots;
mod support;
