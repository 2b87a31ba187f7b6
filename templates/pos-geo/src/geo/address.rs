//! Where a customer or a warehouse is: province, district and commune ids of
//! either scheme, checked against the cache when saved, and the cascading
//! select fields the forms show for them.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool};

use super::{
    cache::{self, Scheme},
    text::{self, GeoProblem, GeoText},
    Commune, District, Province,
};
use crate::{
    api::FieldError, pancake::PancakeClient, validate::Problem, web::form::FieldErrors, web::Lang,
    AppError,
};

/// Ids longer than this are not Pancake's (`84_VN10101` is ten characters).
const ID_MAX_CHARS: usize = 32;

/// The area ids stored on a customer or a warehouse and carried by their
/// JSON as `provinceId`, `districtId` and `communeId`. Old-scheme ids
/// (`101`, `10101`, `1010115`) or 2025 ones (`84_VN101`, `84_VN10101`, no
/// district).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Area {
    #[serde(default)]
    pub province_id: Option<String>,
    #[serde(default)]
    pub district_id: Option<String>,
    #[serde(default)]
    pub commune_id: Option<String>,
}

impl Area {
    /// The old-scheme ids, for Pancake endpoints that know no other (its
    /// customers and warehouses, as of 2026-04); `None` for a 2025 address.
    pub fn old_scheme(&self) -> Option<&Self> {
        let province = self.province_id.as_deref()?;
        (Scheme::of_province(province) == Scheme::Old).then_some(self)
    }
}

/// Checks an area against the cache: every id known, the district (old
/// scheme only) in the province, the commune in both. Blank ids are left
/// out; an old-scheme commune chosen without its district gets it. A
/// mismatch is a 422 naming the field.
pub async fn check(conn: &mut AnyConnection, area: &Area) -> Result<Area, AppError> {
    let blank_to_none = |id: &Option<String>| {
        id.as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
    };
    let (province_id, mut district_id, commune_id) = (
        blank_to_none(&area.province_id),
        blank_to_none(&area.district_id),
        blank_to_none(&area.commune_id),
    );
    for (field, id) in [
        ("provinceId", &province_id),
        ("districtId", &district_id),
        ("communeId", &commune_id),
    ] {
        if id
            .as_ref()
            .is_some_and(|id| id.chars().count() > ID_MAX_CHARS)
        {
            return Err(AppError::invalid(field, Problem::TooLong(ID_MAX_CHARS)));
        }
    }
    let Some(province_id) = province_id else {
        if district_id.is_some() || commune_id.is_some() {
            return Err(AppError::invalid("provinceId", Problem::Required));
        }
        return Ok(Area::default());
    };
    let Some((_, scheme)) = cache::province(conn, &province_id).await? else {
        return Err(mismatch("provinceId", GeoProblem::UnknownProvince));
    };
    if let Some(id) = &district_id {
        if scheme == Scheme::New {
            return Err(mismatch("districtId", GeoProblem::NoDistrictsInNewScheme));
        }
        let district = cache::district(conn, id)
            .await?
            .ok_or_else(|| mismatch("districtId", GeoProblem::UnknownDistrict))?;
        if district.province_id != province_id {
            return Err(mismatch(
                "districtId",
                GeoProblem::DistrictOfAnotherProvince,
            ));
        }
    }
    if let Some(id) = &commune_id {
        let commune = cache::commune(conn, id)
            .await?
            .ok_or_else(|| mismatch("communeId", GeoProblem::UnknownCommune))?;
        if commune.province_id != province_id {
            return Err(mismatch("communeId", GeoProblem::CommuneOfAnotherProvince));
        }
        match (&district_id, &commune.district_id) {
            (Some(chosen), Some(own)) if chosen != own => {
                return Err(mismatch("communeId", GeoProblem::CommuneOfAnotherDistrict));
            }
            (None, Some(own)) => district_id = Some(own.clone()),
            _ => {}
        }
    }
    Ok(Area {
        province_id: Some(province_id),
        district_id,
        commune_id,
    })
}

fn mismatch(field: &str, problem: GeoProblem) -> AppError {
    AppError::invalid(field, Problem::Worded(problem.english().into()))
}

/// A service error with the address problems of [`check`] worded in the
/// page's language; every other error is handed back unchanged.
pub fn localise(err: AppError, lang: Lang) -> AppError {
    match err {
        AppError::Validation { message, details } => AppError::Validation {
            message,
            details: details
                .into_iter()
                .map(|detail| match &detail.problem {
                    Problem::Worded(words) => match GeoProblem::from_english(words) {
                        Some(problem) => FieldError::new(
                            detail.field,
                            Problem::Worded(problem.in_language(lang).into()),
                        ),
                        None => detail,
                    },
                    _ => detail,
                })
                .collect(),
        },
        other => other,
    }
}

/// The area as a form sends it: plain values, blank for none.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AreaForm {
    #[serde(default)]
    pub scheme: String,
    #[serde(default)]
    pub province_id: String,
    #[serde(default)]
    pub district_id: String,
    #[serde(default)]
    pub commune_id: String,
}

impl AreaForm {
    pub fn from_area(area: &Area) -> Self {
        let id = |id: &Option<String>| id.clone().unwrap_or_default();
        Self {
            scheme: area
                .province_id
                .as_deref()
                .map(|id| Scheme::of_province(id).as_str().to_owned())
                .unwrap_or_default(),
            province_id: id(&area.province_id),
            district_id: id(&area.district_id),
            commune_id: id(&area.commune_id),
        }
    }

    /// The ids chosen; a district is only sent with the old scheme.
    pub fn area(&self) -> Area {
        let id = |id: &str| Some(id.trim().to_owned()).filter(|id| !id.is_empty());
        let scheme = self.scheme();
        Area {
            province_id: id(&self.province_id),
            district_id: id(&self.district_id).filter(|_| scheme == Scheme::Old),
            commune_id: id(&self.commune_id),
        }
    }

    /// The scheme chosen, else the province's, else the 2025 one.
    fn scheme(&self) -> Scheme {
        Scheme::parse(&self.scheme).unwrap_or_else(|| {
            Some(self.province_id.trim())
                .filter(|id| !id.is_empty())
                .map(Scheme::of_province)
                .unwrap_or_default()
        })
    }
}

/// One `<option>` of a select.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// The area fields of a form (`templates/geo/address.html`): the scheme,
/// then the province, the district (old scheme) and the commune, each
/// listing what the choice before it allows. Changing one asks
/// `GET /geo/address` for the fields again (htmx); without JavaScript the
/// selects still post plain ids, which the services check.
#[derive(Debug)]
pub struct AddressFields {
    pub t: &'static GeoText,
    old: bool,
    pub provinces: Vec<Choice>,
    pub districts: Vec<Choice>,
    pub communes: Vec<Choice>,
    pub province_error: Option<String>,
    pub district_error: Option<String>,
    pub commune_error: Option<String>,
    /// Nothing cached yet: the page asks the read-through endpoint for the
    /// lists once it has loaded.
    pub load_later: bool,
}

impl AddressFields {
    /// The fields for what `form` chose, listed from the cache; with
    /// `pancake`, reading through to it for what the cache lacks.
    pub async fn load(
        db: &AnyPool,
        pancake: Option<&PancakeClient>,
        lang: Lang,
        form: &AreaForm,
        errors: &FieldErrors,
    ) -> Result<Self, AppError> {
        let scheme = form.scheme();
        let area = form.area();
        let provinces = match pancake {
            Some(_) => lenient(cache::provinces(db, pancake, scheme).await)?,
            None => cache::cached_provinces(&mut *db.acquire().await?, scheme).await?,
        };
        let province = area
            .province_id
            .clone()
            .filter(|id| provinces.iter().any(|p| &p.id == id));
        let (mut districts, mut communes) = (Vec::new(), Vec::new());
        if let Some(province) = &province {
            if pancake.is_some()
                || cache::children_cached(&mut *db.acquire().await?, province).await?
            {
                if scheme == Scheme::Old {
                    districts = lenient(cache::districts(db, pancake, province).await)?;
                }
                let district = area
                    .district_id
                    .as_deref()
                    .filter(|id| districts.iter().any(|d| d.id == *id));
                if scheme == Scheme::New || district.is_some() {
                    communes = lenient(cache::communes(db, pancake, province, district).await)?;
                }
            }
        }
        Ok(Self {
            t: text::text(lang),
            old: scheme == Scheme::Old,
            load_later: provinces.is_empty() && pancake.is_none(),
            provinces: choices(provinces.iter().map(province_choice), &area.province_id),
            districts: choices(districts.iter().map(district_choice), &area.district_id),
            communes: choices(communes.iter().map(commune_choice), &area.commune_id),
            province_error: errors.get("provinceId").map(str::to_owned),
            district_error: errors.get("districtId").map(str::to_owned),
            commune_error: errors.get("communeId").map(str::to_owned),
        })
    }

    pub fn is_old(&self) -> bool {
        self.old
    }
}

fn province_choice(p: &Province) -> (String, String) {
    (p.id.clone(), p.name.clone())
}

fn district_choice(d: &District) -> (String, String) {
    (d.id.clone(), d.name.clone())
}

fn commune_choice(c: &Commune) -> (String, String) {
    (c.id.clone(), c.name.clone())
}

/// The options of one select with `selected` marked. A saved id the list
/// does not hold is kept only while nothing is listed (the cache not yet
/// filled), so saving the form again does not drop it.
fn choices(
    listed: impl Iterator<Item = (String, String)>,
    selected: &Option<String>,
) -> Vec<Choice> {
    let mut choices: Vec<Choice> = listed
        .map(|(id, name)| Choice {
            selected: selected.as_deref() == Some(id.as_str()),
            id,
            name,
        })
        .collect();
    if let (true, Some(id)) = (choices.is_empty(), selected) {
        choices.push(Choice {
            id: id.clone(),
            name: id.clone(),
            selected: true,
        });
    }
    choices
}

/// A list the form can do without: Pancake unreachable or not configured
/// leaves the select empty rather than failing the page.
fn lenient<T>(listed: Result<Vec<T>, AppError>) -> Result<Vec<T>, AppError> {
    match listed {
        Err(AppError::Unavailable(reason) | AppError::Upstream(reason)) => {
            tracing::warn!(%reason, "address lists left empty");
            Ok(Vec::new())
        }
        other => other,
    }
}

/// The names of an area for a detail page: "commune, district, province",
/// from the cache (ids it lacks are shown as they are).
#[derive(Debug)]
pub struct AreaNames {
    pub label: &'static str,
    pub text: Option<String>,
}

impl AreaNames {
    pub async fn load(db: &AnyPool, lang: Lang, area: &Area) -> Result<Self, AppError> {
        let mut conn = db.acquire().await?;
        let mut parts = Vec::new();
        if let Some(id) = &area.commune_id {
            let name = cache::commune(&mut conn, id).await?.map(|c| c.name);
            parts.push(name.unwrap_or_else(|| id.clone()));
        }
        if let Some(id) = &area.district_id {
            let name = cache::district(&mut conn, id).await?.map(|d| d.name);
            parts.push(name.unwrap_or_else(|| id.clone()));
        }
        if let Some(id) = &area.province_id {
            let name = cache::province(&mut conn, id).await?.map(|(p, _)| p.name);
            parts.push(name.unwrap_or_else(|| id.clone()));
        }
        Ok(Self {
            label: text::text(lang).area,
            text: (!parts.is_empty()).then(|| parts.join(", ")),
        })
    }
}
