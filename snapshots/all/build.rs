//! Build script: rebuilds the crate when a migration file changes.

fn main() {
    // `sqlx::migrate!` embeds the migration files at compile time, but Cargo
    // does not know about them, so without this a new migration would be
    // silently left out of the binary until some Rust file changed.
    println!("cargo:rerun-if-changed=migrations");
}
