//! The local copy of Pancake's provinces, districts and communes.
//!
//! Readers ask the cache first. On a miss they read through: the missing list
//! is fetched from Pancake, stored, and answered from the cache, so a fresh
//! app with a key works before anyone runs `pancake geo sync`. A province's
//! districts and communes are fetched together, once, and remembered with the
//! time (`children_fetched_at`), so an empty list is a hit too.

use serde::Serialize;
use sqlx::{AnyConnection, AnyPool};

use super::{Commune, District, Province, ProvinceQuery};
use crate::pancake::{PancakeClient, PancakeError};
use crate::{clock, db, validate::Problem, AppError};

/// Which of Vietnam's two address schemes a province belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Province → district → commune, before 2025-07-01.
    Old,
    /// Province → commune, in force since 2025-07-01; the default.
    #[default]
    New,
}

impl Scheme {
    pub const ALL: [Scheme; 2] = [Scheme::New, Scheme::Old];

    /// `old` or `new`, as the API and the forms spell it.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "old" => Some(Self::Old),
            "new" => Some(Self::New),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Old => "old",
            Self::New => "new",
        }
    }

    /// The scheme of a province id: Pancake gives 2025 provinces ids such as
    /// `84_VN101` and old ones plain numbers such as `101`.
    pub fn of_province(id: &str) -> Self {
        if id.contains('_') {
            Self::New
        } else {
            Self::Old
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::Old => "OLD",
            Self::New => "NEW",
        }
    }

    fn query(self) -> ProvinceQuery {
        ProvinceQuery {
            is_new: self == Self::New,
            ..ProvinceQuery::default()
        }
    }
}

/// What a sync or a read-through stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub provinces: usize,
    pub districts: usize,
    pub communes: usize,
}

/// The provinces of `scheme`, by name; fetched from Pancake when none are cached.
pub async fn provinces(
    db: &AnyPool,
    pancake: Option<&PancakeClient>,
    scheme: Scheme,
) -> Result<Vec<Province>, AppError> {
    let cached = cached_provinces(&mut *db.acquire().await?, scheme).await?;
    if !cached.is_empty() {
        return Ok(cached);
    }
    let fetched = configured(pancake)?
        .provinces(&scheme.query())
        .await
        .map_err(upstream)?;
    store_provinces(db, scheme, &fetched).await?;
    Ok(cached_provinces(&mut *db.acquire().await?, scheme).await?)
}

/// The districts of an old-scheme province (none for a 2025 one).
pub async fn districts(
    db: &AnyPool,
    pancake: Option<&PancakeClient>,
    province_id: &str,
) -> Result<Vec<District>, AppError> {
    fetch_children_once(db, pancake, province_id).await?;
    Ok(cached_districts(&mut *db.acquire().await?, province_id).await?)
}

/// The communes of a province, only those of `district_id` when given.
pub async fn communes(
    db: &AnyPool,
    pancake: Option<&PancakeClient>,
    province_id: &str,
    district_id: Option<&str>,
) -> Result<Vec<Commune>, AppError> {
    fetch_children_once(db, pancake, province_id).await?;
    Ok(cached_communes(&mut *db.acquire().await?, province_id, district_id).await?)
}

/// Fills the cache with every province of `scheme` and their districts and
/// communes, one transaction per province, so an interrupted sync keeps what
/// it finished and a second run updates rows in place.
pub async fn sync(
    db: &AnyPool,
    pancake: &PancakeClient,
    scheme: Scheme,
) -> Result<Counts, AppError> {
    let provinces = pancake.provinces(&scheme.query()).await.map_err(upstream)?;
    store_provinces(db, scheme, &provinces).await?;
    let mut counts = Counts {
        provinces: provinces.len(),
        ..Counts::default()
    };
    for province in &provinces {
        let stored = fetch_children(db, pancake, &province.id).await?;
        counts.districts += stored.districts;
        counts.communes += stored.communes;
    }
    Ok(counts)
}

/// A province as cached, with its scheme.
pub async fn province(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<(Province, Scheme)>, sqlx::Error> {
    let row: Option<ProvinceRow> =
        sqlx::query_as("SELECT id, name, name_en, new_id, scheme FROM geo_provinces WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(id, name, name_en, new_id, scheme)| {
        let scheme = if scheme == Scheme::Old.code() {
            Scheme::Old
        } else {
            Scheme::New
        };
        (province_of((id, name, name_en, new_id)), scheme)
    }))
}

pub async fn district(conn: &mut AnyConnection, id: &str) -> Result<Option<District>, sqlx::Error> {
    let row: Option<(String, String, Option<String>, String)> =
        sqlx::query_as("SELECT id, name, name_en, province_id FROM geo_districts WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(district_of))
}

pub async fn commune(conn: &mut AnyConnection, id: &str) -> Result<Option<Commune>, sqlx::Error> {
    let row: Option<CommuneRow> = sqlx::query_as(&format!(
        "SELECT {COMMUNE_COLUMNS} FROM geo_communes WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(commune_of))
}

pub(super) async fn cached_provinces(
    conn: &mut AnyConnection,
    scheme: Scheme,
) -> Result<Vec<Province>, sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT id, name, name_en, new_id FROM geo_provinces WHERE scheme = $1 ORDER BY name, id",
    )
    .bind(scheme.code())
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(province_of).collect())
}

pub(super) async fn cached_districts(
    conn: &mut AnyConnection,
    province_id: &str,
) -> Result<Vec<District>, sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT id, name, name_en, province_id FROM geo_districts \
          WHERE province_id = $1 ORDER BY name, id",
    )
    .bind(province_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(district_of).collect())
}

pub(super) async fn cached_communes(
    conn: &mut AnyConnection,
    province_id: &str,
    district_id: Option<&str>,
) -> Result<Vec<Commune>, sqlx::Error> {
    let rows: Vec<CommuneRow> = sqlx::query_as(&format!(
        "SELECT {COMMUNE_COLUMNS} FROM geo_communes \
          WHERE province_id = $1 AND ($2 IS NULL OR district_id = $2) ORDER BY name, id"
    ))
    .bind(province_id)
    .bind(district_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(commune_of).collect())
}

/// Whether a province's districts and communes are in the cache.
pub(super) async fn children_cached(
    conn: &mut AnyConnection,
    province_id: &str,
) -> Result<bool, sqlx::Error> {
    let fetched: Option<Option<String>> =
        sqlx::query_scalar("SELECT children_fetched_at FROM geo_provinces WHERE id = $1")
            .bind(province_id)
            .fetch_optional(conn)
            .await?;
    Ok(fetched.flatten().is_some())
}

type ProvinceRow = (String, String, Option<String>, Option<String>, String);
type CommuneRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

const COMMUNE_COLUMNS: &str = "id, name, name_en, district_id, province_id, new_id, postcode";

fn province_of(
    (id, name, name_en, new_id): (String, String, Option<String>, Option<String>),
) -> Province {
    Province {
        id,
        name,
        name_en,
        new_id,
    }
}

fn district_of(
    (id, name, name_en, province_id): (String, String, Option<String>, String),
) -> District {
    District {
        id,
        name,
        name_en,
        province_id,
    }
}

fn commune_of(row: CommuneRow) -> Commune {
    let (id, name, name_en, district_id, province_id, new_id, postcode) = row;
    Commune {
        id,
        name,
        name_en,
        district_id,
        province_id,
        new_id,
        postcode,
    }
}

/// Fetches a province's districts and communes unless they are cached.
async fn fetch_children_once(
    db: &AnyPool,
    pancake: Option<&PancakeClient>,
    province_id: &str,
) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    if children_cached(&mut conn, province_id).await? {
        return Ok(());
    }
    if province(&mut conn, province_id).await?.is_none() {
        // The province list comes first: its row is what the children hang on.
        drop(conn);
        provinces(db, pancake, Scheme::of_province(province_id)).await?;
        if province(&mut *db.acquire().await?, province_id)
            .await?
            .is_none()
        {
            return Err(AppError::invalid(
                "provinceId",
                Problem::Worded(format!("Pancake lists no province {province_id}")),
            ));
        }
    }
    fetch_children(db, configured(pancake)?, province_id).await?;
    Ok(())
}

/// Fetches and stores one province's districts (old scheme) and communes.
/// Pancake answers `communes` with the province alone, for either scheme, so
/// one request brings the whole province.
async fn fetch_children(
    db: &AnyPool,
    pancake: &PancakeClient,
    province_id: &str,
) -> Result<Counts, AppError> {
    let districts = match Scheme::of_province(province_id) {
        Scheme::Old => pancake.districts(province_id).await.map_err(upstream)?,
        Scheme::New => Vec::new(),
    };
    let communes = pancake
        .communes(province_id, None)
        .await
        .map_err(upstream)?;
    let mut tx = db::begin_write(db).await?;
    let mut counts = Counts::default();
    for district in districts.iter().filter(|d| d.province_id == province_id) {
        upsert_district(&mut tx, district).await?;
        counts.districts += 1;
    }
    for commune in communes.iter().filter(|c| c.province_id == province_id) {
        // A commune under a district Pancake did not list is kept without it.
        let known_district = match &commune.district_id {
            Some(id) => districts
                .iter()
                .any(|d| &d.id == id && d.province_id == province_id),
            None => false,
        };
        upsert_commune(&mut tx, commune, known_district).await?;
        counts.communes += 1;
    }
    sqlx::query("UPDATE geo_provinces SET children_fetched_at = $1 WHERE id = $2")
        .bind(clock::now_utc())
        .bind(province_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(counts)
}

async fn store_provinces(
    db: &AnyPool,
    scheme: Scheme,
    provinces: &[Province],
) -> Result<(), AppError> {
    let now = clock::now_utc();
    let mut tx = db::begin_write(db).await?;
    for province in provinces {
        sqlx::query(
            "INSERT INTO geo_provinces (id, scheme, name, name_en, new_id, fetched_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET scheme = excluded.scheme, name = excluded.name, \
                 name_en = excluded.name_en, new_id = excluded.new_id, \
                 fetched_at = excluded.fetched_at",
        )
        .bind(&province.id)
        .bind(scheme.code())
        .bind(&province.name)
        .bind(&province.name_en)
        .bind(&province.new_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn upsert_district(conn: &mut AnyConnection, district: &District) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO geo_districts (id, province_id, name, name_en) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET province_id = excluded.province_id, \
             name = excluded.name, name_en = excluded.name_en",
    )
    .bind(&district.id)
    .bind(&district.province_id)
    .bind(&district.name)
    .bind(&district.name_en)
    .execute(conn)
    .await?;
    Ok(())
}

async fn upsert_commune(
    conn: &mut AnyConnection,
    commune: &Commune,
    known_district: bool,
) -> Result<(), sqlx::Error> {
    let district_id = commune.district_id.as_deref().filter(|_| known_district);
    sqlx::query(
        "INSERT INTO geo_communes (id, province_id, district_id, name, name_en, new_id, postcode) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO UPDATE SET province_id = excluded.province_id, \
             district_id = excluded.district_id, name = excluded.name, \
             name_en = excluded.name_en, new_id = excluded.new_id, postcode = excluded.postcode",
    )
    .bind(&commune.id)
    .bind(&commune.province_id)
    .bind(district_id)
    .bind(&commune.name)
    .bind(&commune.name_en)
    .bind(&commune.new_id)
    .bind(&commune.postcode)
    .execute(conn)
    .await?;
    Ok(())
}

fn configured(pancake: Option<&PancakeClient>) -> Result<&PancakeClient, AppError> {
    pancake.ok_or_else(|| {
        AppError::Unavailable("Pancake POS is not configured: set POS_API_KEY".into())
    })
}

fn upstream(error: PancakeError) -> AppError {
    // PancakeError never carries the API key, so its text is safe to return.
    tracing::warn!(%error, "Pancake POS geo request failed");
    AppError::Upstream(error.to_string())
}
