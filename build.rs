//! Rebuilds poscake when a skill or template changes: they are embedded in the binary, and
//! `include_dir!` cannot tell Cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=skills");
    println!("cargo:rerun-if-changed=templates");
}
