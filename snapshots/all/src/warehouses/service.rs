//! Warehouse rules: a short unique code, one default that is always open,
//! and no warehouse closed while it still holds stock.

use sqlx::AnyPool;

use super::{
    model::{WarehouseDetail, WarehouseRequest},
    repo::{self, WarehouseRow},
};
use crate::geo::{address, Area};
use crate::{
    clock, db,
    validate::{Problem, Problems},
    AppError,
};

const CODE_MAX_CHARS: usize = 20;
const NAME_MAX_CHARS: usize = 100;
const ADDRESS_MAX_CHARS: usize = 300;
const PHONE_MAX_CHARS: usize = 20;
/// Pancake's warehouse ids are UUIDs; this leaves room for any other form.
const PANCAKE_ID_MAX_CHARS: usize = 64;

pub async fn list(db: &AnyPool) -> Result<Vec<WarehouseDetail>, AppError> {
    let mut conn = db.acquire().await?;
    Ok(repo::list(&mut conn).await?)
}

pub async fn get(db: &AnyPool, id: i64) -> Result<WarehouseDetail, AppError> {
    let mut conn = db.acquire().await?;
    repo::find(&mut conn, id).await?.ok_or_else(not_found)
}

pub async fn create(db: &AnyPool, request: &WarehouseRequest) -> Result<WarehouseDetail, AppError> {
    let mut fields = Fields::check(request)?;
    let mut tx = db::begin_write(db).await?;
    fields.area = address::check(&mut tx, &request.area).await?;
    fields.check_unique(&mut tx, None).await?;
    let id = repo::insert(&mut tx, &fields.row(), &clock::now_utc()).await?;
    let created = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(created)
}

pub async fn update(
    db: &AnyPool,
    id: i64,
    request: &WarehouseRequest,
) -> Result<WarehouseDetail, AppError> {
    let mut fields = Fields::check(request)?;
    let mut tx = db::begin_write(db).await?;
    let current = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    fields.area = address::check(&mut tx, &request.area).await?;
    fields.check_unique(&mut tx, Some(id)).await?;
    if !fields.active {
        if current.is_default {
            return Err(AppError::invalid(
                "active",
                Problem::Worded(
                    "the default warehouse cannot be closed; make another the default first".into(),
                ),
            ));
        }
        if current.stocked_items > 0 {
            return Err(AppError::Conflict(format!(
                "Warehouse {} still holds stock of {} items; transfer it out before closing it.",
                current.code, current.stocked_items
            )));
        }
    }
    repo::update(&mut tx, id, &fields.row()).await?;
    let updated = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(updated)
}

/// Makes an open warehouse the one that sales and stock changes use when
/// they name none.
pub async fn make_default(db: &AnyPool, id: i64) -> Result<WarehouseDetail, AppError> {
    let mut tx = db::begin_write(db).await?;
    let current = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    if !current.active {
        return Err(AppError::Conflict(format!(
            "Warehouse {} is closed; open it before making it the default.",
            current.code
        )));
    }
    repo::set_default(&mut tx, id).await?;
    let updated = repo::find(&mut tx, id).await?.ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(updated)
}

fn not_found() -> AppError {
    AppError::NotFound("No such warehouse.".into())
}

/// A warehouse request, checked and normalised.
struct Fields {
    code: String,
    name: String,
    address: String,
    phone: String,
    active: bool,
    pancake_warehouse_id: Option<String>,
    /// Set from the request once checked against the cache, in the
    /// transaction that writes it.
    area: Area,
}

impl Fields {
    fn check(request: &WarehouseRequest) -> Result<Self, AppError> {
        let mut problems = Problems::default();
        let code = normalise_code(&problems.text("code", request.code.as_deref(), CODE_MAX_CHARS));
        problems.check(
            code.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "code",
            Problem::Worded("use letters, digits, - and _ only".into()),
        );
        let name = problems.text("name", request.name.as_deref(), NAME_MAX_CHARS);
        let address = problems
            .optional_text("address", request.address.as_deref(), ADDRESS_MAX_CHARS)
            .unwrap_or_default();
        let phone = problems
            .optional_text("phone", request.phone.as_deref(), PHONE_MAX_CHARS)
            .unwrap_or_default();
        let pancake_warehouse_id = problems.optional_text(
            "pancakeWarehouseId",
            request.pancake_warehouse_id.as_deref(),
            PANCAKE_ID_MAX_CHARS,
        );
        problems.finish()?;
        Ok(Self {
            code,
            name,
            address,
            phone,
            active: request.active.unwrap_or(true),
            pancake_warehouse_id,
            area: Area::default(),
        })
    }

    async fn check_unique(
        &self,
        conn: &mut sqlx::AnyConnection,
        except: Option<i64>,
    ) -> Result<(), AppError> {
        if repo::code_owner(conn, &self.code, except).await?.is_some() {
            return Err(AppError::Duplicate {
                field: "code".into(),
                problem: Problem::Worded(format!("code {} is already used", self.code)),
            });
        }
        if let Some(pancake_id) = &self.pancake_warehouse_id {
            if let Some(owner) = repo::pancake_owner(conn, pancake_id, except).await? {
                return Err(AppError::Duplicate {
                    field: "pancakeWarehouseId".into(),
                    problem: Problem::Worded(format!(
                        "Pancake warehouse {pancake_id} is already linked to warehouse {owner}"
                    )),
                });
            }
        }
        Ok(())
    }

    fn row(&self) -> WarehouseRow<'_> {
        WarehouseRow {
            code: &self.code,
            name: &self.name,
            address: &self.address,
            phone: &self.phone,
            active: self.active,
            pancake_warehouse_id: self.pancake_warehouse_id.as_deref(),
            area: &self.area,
        }
    }
}

/// Codes are compared as people read them: `kho-2` is `KHO-2`.
pub fn normalise_code(code: &str) -> String {
    code.trim().to_uppercase()
}
