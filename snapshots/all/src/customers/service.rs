//! Customer rules: one record per phone number, stored in one national form.

use sqlx::{AnyConnection, AnyPool};

use super::{repo, Customer, CustomerRequest};
use crate::geo::{address, Area};
use crate::{
    api::PageMeta,
    clock, db,
    error::is_unique_violation,
    filter::{Arg, Filter},
    pagination::Pagination,
    search,
    validate::{Problem, Problems},
    AppError,
};

const NAME_MAX_CHARS: usize = 200;
const TEXT_MAX_CHARS: usize = 2_000;

/// A validated customer request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerInput {
    pub name: String,
    pub search_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub notes: String,
    pub points: Option<i64>,
    /// Where the customer is, checked; `None` keeps it on an update.
    pub area: Option<Area>,
}

/// A phone number as digits in national form, so "+84 912 345 678",
/// "84912345678" and "0912.345.678" are one customer: "0912345678".
/// `None` when it cannot be a phone number (fewer than 8 or more than 15 digits).
pub fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let international = raw.trim_start().starts_with('+') || digits.len() == 11;
    let national = match digits.strip_prefix("84") {
        Some(rest) if international => format!("0{rest}"),
        _ => digits,
    };
    (8..=15).contains(&national.len()).then_some(national)
}

impl CustomerRequest {
    fn validate(&self) -> Result<CustomerInput, AppError> {
        let mut problems = Problems::default();
        let name = problems.text("name", self.name.as_deref(), NAME_MAX_CHARS);
        let phone = problems.text("phone", self.phone.as_deref(), 32);
        let phone = normalise_phone(&phone).unwrap_or_else(|| {
            if !phone.is_empty() {
                problems.add("phone", Problem::PhoneNumber);
            }
            phone
        });
        let email = problems.optional_text("email", self.email.as_deref(), NAME_MAX_CHARS);
        if let Some(email) = &email {
            let plausible = email
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
            problems.check(plausible, "email", Problem::Email);
        }
        if let Some(points) = self.points {
            problems.in_range("points", points, 0..=i64::from(i32::MAX));
        }
        let address = problems.optional_text("address", self.address.as_deref(), TEXT_MAX_CHARS);
        let notes = problems.optional_text("notes", self.notes.as_deref(), TEXT_MAX_CHARS);
        problems.finish()?;
        Ok(CustomerInput {
            search_name: search::fold(&name),
            name,
            phone,
            email,
            address: address.unwrap_or_default(),
            notes: notes.unwrap_or_default(),
            points: self.points,
            area: None,
        })
    }
}

/// What a customer list is narrowed to.
#[derive(Debug, Default, Clone)]
pub struct CustomerFilter {
    /// A part of the name, or some digits of the phone number.
    pub search: Option<String>,
    /// A whole phone number, written any way [`normalise_phone`] reads it.
    pub phone: Option<String>,
}

/// The customers `wanted` narrows the list to, in name order.
pub async fn list(
    db: &AnyPool,
    wanted: &CustomerFilter,
    page: Pagination,
) -> Result<(Vec<Customer>, PageMeta), AppError> {
    let mut filter = Filter::default();
    if let Some(raw) = &wanted.phone {
        // What cannot be a phone number is nobody's.
        let Some(phone) = normalise_phone(raw) else {
            return Ok((Vec::new(), page.meta(0)));
        };
        filter.push("c.phone = {0}", [Arg::Text(phone)]);
    }
    if let Some(term) = wanted
        .search
        .as_deref()
        .map(str::trim)
        .filter(|term| !term.is_empty())
    {
        let name = Arg::Text(search::contains_pattern(&search::fold(term)));
        let digits: String = term.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            filter.push("c.search_name LIKE {0} ESCAPE '\\'", [name]);
        } else {
            let phone = Arg::Text(search::contains_pattern(&digits));
            filter.push(
                "(c.search_name LIKE {0} ESCAPE '\\' OR c.phone LIKE {1} ESCAPE '\\')",
                [name, phone],
            );
        }
    }
    let mut conn = db.acquire().await?;
    let customers = repo::list(&mut conn, &filter, page).await?;
    let total = repo::count(&mut conn, &filter).await?;
    Ok((customers, page.meta(total)))
}

pub async fn get(db: &AnyPool, id: i64) -> Result<Customer, AppError> {
    let mut conn = db.acquire().await?;
    repo::find(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// Whether a customer exists, for orders that name one.
pub async fn exists(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(repo::find(conn, id).await?.is_some())
}

pub async fn create(db: &AnyPool, request: CustomerRequest) -> Result<Customer, AppError> {
    create_in(db, request, &Area::default()).await
}

/// Creates a customer living in `area`, which must agree with the cached
/// provinces, districts and communes.
pub async fn create_in(
    db: &AnyPool,
    request: CustomerRequest,
    area: &Area,
) -> Result<Customer, AppError> {
    let mut input = request.validate()?;
    let mut tx = db::begin_write(db).await?;
    input.area = Some(address::check(&mut tx, area).await?);
    require_free_phone(&mut tx, &input.phone, None).await?;
    let customer = repo::insert(&mut tx, &input, &clock::now_utc())
        .await
        .map_err(duplicate_phone)?;
    tx.commit().await?;
    Ok(customer)
}

/// Updates a customer's details and keeps where they are.
pub async fn update(db: &AnyPool, id: i64, request: CustomerRequest) -> Result<Customer, AppError> {
    update_with(db, id, request, None).await
}

/// Updates a customer's details and where they are, as [`create_in`] checks it.
pub async fn update_in(
    db: &AnyPool,
    id: i64,
    request: CustomerRequest,
    area: &Area,
) -> Result<Customer, AppError> {
    update_with(db, id, request, Some(area)).await
}

async fn update_with(
    db: &AnyPool,
    id: i64,
    request: CustomerRequest,
    area: Option<&Area>,
) -> Result<Customer, AppError> {
    let mut input = request.validate()?;
    let mut tx = db::begin_write(db).await?;
    if let Some(area) = area {
        input.area = Some(address::check(&mut tx, area).await?);
    }
    require_free_phone(&mut tx, &input.phone, Some(id)).await?;
    let customer = repo::update(&mut tx, id, &input, &clock::now_utc())
        .await
        .map_err(duplicate_phone)?
        .ok_or_else(|| not_found(id))?;
    tx.commit().await?;
    Ok(customer)
}

/// Creates the customer with this phone number or updates their details;
/// used by the demo seed so that seeding twice changes nothing.
pub async fn upsert_by_phone(
    conn: &mut AnyConnection,
    request: CustomerRequest,
) -> Result<Customer, AppError> {
    let input = request.validate()?;
    let now = clock::now_utc();
    let customer = match repo::find_by_phone(conn, &input.phone).await? {
        Some(existing) => repo::update(conn, existing.id, &input, &now)
            .await?
            .ok_or_else(|| not_found(existing.id))?,
        None => repo::insert(conn, &input, &now).await?,
    };
    Ok(customer)
}

async fn require_free_phone(
    conn: &mut AnyConnection,
    phone: &str,
    own_id: Option<i64>,
) -> Result<(), AppError> {
    match repo::find_by_phone(conn, phone).await? {
        Some(other) if Some(other.id) != own_id => Err(AppError::Duplicate {
            field: "phone".into(),
            problem: Problem::PhoneTaken {
                phone: phone.to_owned(),
                customer_id: other.id,
            },
        }),
        _ => Ok(()),
    }
}

fn duplicate_phone(err: sqlx::Error) -> AppError {
    if is_unique_violation(&err) {
        AppError::Duplicate {
            field: "phone".into(),
            problem: Problem::PhoneInUse,
        }
    } else {
        err.into()
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("Customer {id} does not exist."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_take_one_national_form() {
        for raw in [
            "0912345678",
            "+84 912 345 678",
            "84912345678",
            "0912.345.678",
        ] {
            assert_eq!(normalise_phone(raw).as_deref(), Some("0912345678"), "{raw}");
        }
        // A landline with a Hanoi area code keeps its leading zero.
        assert_eq!(
            normalise_phone("024 3826 4321").as_deref(),
            Some("02438264321")
        );
        assert_eq!(normalise_phone("12345"), None);
        assert_eq!(normalise_phone("not a phone"), None);
    }
}
