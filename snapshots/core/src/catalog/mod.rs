//! The catalog: products and the variants that are actually sold and stocked.
//!
//! Every product has one default variant, created with it, which carries the
//! SKU, barcode and price the product shows; more variants (sizes, colours)
//! may be added. SKUs and barcodes are unique across all variants.

pub mod csv_io;
pub mod model;
mod repo;
mod routes;
pub mod service;
mod variant_model;
mod variant_repo;
mod variant_service;

pub use model::{Product, ProductRequest};
pub use routes::router;
pub use service::{upsert_product, UpsertOutcome};
pub use variant_model::{Variant, VariantRequest};
pub use variant_service::{add_variant, change_variant, create_variant};
