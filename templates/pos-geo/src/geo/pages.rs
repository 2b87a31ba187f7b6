//! The address fields as an HTML fragment, asked for by the forms whenever
//! one of their selects changes.

use axum::{extract::State, Extension};

use super::{
    address::{AddressFields, AreaForm},
    routes::Upstream,
};
use crate::{
    extract::Query,
    web::{form::FieldErrors, layout::Chrome, ok, PageResult},
    AppState,
};

#[derive(askama::Template)]
#[template(path = "geo/fields.html")]
struct Fragment {
    address: AddressFields,
}

/// `GET /geo/address?scheme=&provinceId=&districtId=&communeId=`: the fields
/// again, each list narrowed by the choice before it and a choice the new
/// list does not hold dropped, read through to Pancake for what the cache
/// lacks.
pub(super) async fn address(
    c: Chrome,
    State(state): State<AppState>,
    Extension(Upstream(client)): Extension<Upstream>,
    Query(form): Query<AreaForm>,
) -> PageResult {
    let mut address = AddressFields::load(
        &state.db,
        client.as_ref(),
        c.lang,
        &form,
        &FieldErrors::default(),
    )
    .await
    .map_err(|err| c.error(err))?;
    // This is what a page loads later; asking again would loop while
    // Pancake is not configured and nothing is cached.
    address.load_later = false;
    ok(&Fragment { address })
}
