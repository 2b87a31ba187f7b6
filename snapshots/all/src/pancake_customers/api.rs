//! The customer endpoints of Pancake POS, as methods of the shared client.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use super::{Customer, CustomerLevel, PointLog};
use crate::customers::normalise_phone;
use crate::pancake::{Page, PageStyle, PancakeClient, PancakeError};

/// Pancake's default page size.
pub const PAGE_SIZE: u32 = 30;

/// How many pages of a phone search are read before giving up: the search
/// is fuzzy, and a number shared by hundreds of near misses needs a human.
pub const PHONE_SEARCH_PAGES: u32 = 5;

/// Everything but RFC 3986's unreserved characters, so a UUID stays
/// readable in the path while any other id is still one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A customer to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub name: String,
    /// Sent in national form (`0901234567`) when it reads as a phone number,
    /// so later searches for any spelling of it find the customer.
    pub phone: String,
    /// A delivery address, stored with the name and phone as its recipient.
    pub address: Option<String>,
}

/// What to change on an existing customer; `None` leaves it as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerChange {
    pub name: Option<String>,
    /// Becomes the customer's first email; the other addresses are kept.
    pub email: Option<String>,
}

impl PancakeClient {
    /// One page of customers, optionally searched (by name, phone…).
    pub async fn customers(
        &self,
        search: Option<&str>,
        page: u32,
    ) -> Result<Page<Customer>, PancakeError> {
        let path = self.shop_path("/customers")?;
        let query: Vec<(&str, &str)> = search.map(|text| ("search", text)).into_iter().collect();
        self.get_page(&path, &query, PageStyle::PageNumber, page, PAGE_SIZE)
            .await
    }

    /// A customer by id. The route is not in the spec copy but is used by
    /// working wrappers; the answer may come wrapped in `data` or bare.
    pub async fn customer(&self, id: &str) -> Result<Customer, PancakeError> {
        self.get_object(&self.customer_path(id)?, &[]).await
    }

    /// The customer with this phone number, if any. Pancake's search is
    /// fuzzy (`0901234567` also finds `0901234568`), so the answers are
    /// filtered to an exact match on the number, whatever its spelling.
    /// Pages are read until a match or the end of the list, at most
    /// [`PHONE_SEARCH_PAGES`]: beyond that the answer would be a guess, so
    /// it is an error rather than `None`.
    pub async fn customer_by_phone(&self, phone: &str) -> Result<Option<Customer>, PancakeError> {
        // The spec's examples keep numbers in national form (`0999999999`),
        // so that is the spelling searched for.
        let Some(national) = normalise_phone(phone) else {
            return Ok(None);
        };
        for number in 1..=PHONE_SEARCH_PAGES {
            let page = self.customers(Some(&national), number).await?;
            let last = page.data.is_empty()
                || match page.total_pages {
                    Some(total) => number >= total,
                    None => page.data.len() < PAGE_SIZE as usize,
                };
            if let Some(found) = page
                .data
                .into_iter()
                .find(|customer| customer.has_phone(&national))
            {
                return Ok(Some(found));
            }
            if last {
                return Ok(None);
            }
        }
        Err(PancakeError::TooManyPages {
            max_pages: PHONE_SEARCH_PAGES,
        })
    }

    /// Creates a customer with the camelCase body the spec documents, then
    /// finds it again by phone: the creation itself is never retried (a
    /// lost answer could otherwise make the customer twice), and the
    /// read-back shows it exists under the name asked for.
    ///
    /// A `NotVerified` error does not prove nothing was created: the number
    /// may already have belonged to someone else, or Pancake's search may
    /// lag behind. Look the number up before trying again.
    pub async fn create_customer(&self, new: &NewCustomer) -> Result<Customer, PancakeError> {
        let phone = normalise_phone(&new.phone).unwrap_or_else(|| new.phone.trim().to_owned());
        let mut body = json!({ "name": new.name, "phoneNumber": phone });
        if let Some(address) = &new.address {
            body["shop_customer_address"] = json!([{
                "full_name": new.name,
                "phone_number": phone,
                "full_address": address,
            }]);
        }
        self.post(&self.shop_path("/customers")?, &body).await?;
        let Some(created) = self.customer_by_phone(&phone).await? else {
            return Err(PancakeError::NotVerified {
                reason: format!("no customer with phone {phone} reads back"),
            });
        };
        if created.name.trim() != new.name.trim() {
            return Err(PancakeError::NotVerified {
                reason: format!("the customer with phone {phone} is {:?}", created.name),
            });
        }
        Ok(created)
    }

    /// Changes a customer. The whole customer as Pancake sent it goes back
    /// with the change, untouched field by field (a partial body could
    /// clear what it leaves out, and a typed copy would turn `10` points
    /// into `10.0`), and the change is read back.
    pub async fn update_customer(
        &self,
        id: &str,
        change: &CustomerChange,
    ) -> Result<Customer, PancakeError> {
        let target = self.customer_path(id)?;
        let current: Map<String, Value> = self.get_object(&target, &[]).await?;
        let known = decode(Value::Object(current.clone()))?;
        let body = json!({ "customer": changed(current, change) });
        let path = self.customer_path(&known.id)?;
        let after = self
            .update_verified(&target, &path, &body, |after| applied(after, change))
            .await?;
        decode(after)
    }

    /// The shop's loyalty tiers.
    pub async fn customer_levels(&self) -> Result<Vec<CustomerLevel>, PancakeError> {
        self.get_list(&self.shop_path("/customer_levels")?, &[])
            .await
    }

    /// One page of a customer's reward-point history. `shop_customer_id` is
    /// taken to be the customer's `id`: the spec's examples put the value of
    /// `customer_id` there, which may be a slip of the example's author.
    pub async fn point_logs(
        &self,
        shop_customer_id: &str,
        page: u32,
    ) -> Result<Page<PointLog>, PancakeError> {
        let path = self.shop_path("/customers/point_logs")?;
        let query = [("shop_customer_id", shop_customer_id)];
        self.get_page(&path, &query, PageStyle::PageNumber, page, PAGE_SIZE)
            .await
    }

    fn customer_path(&self, id: &str) -> Result<String, PancakeError> {
        let id = utf8_percent_encode(id, SEGMENT);
        self.shop_path(&format!("/customers/{id}"))
    }
}

fn decode(value: Value) -> Result<Customer, PancakeError> {
    serde_json::from_value(value).map_err(|err| PancakeError::Decode(err.to_string()))
}

/// The customer to send back: `fields` exactly as read, with `change` applied.
fn changed(mut fields: Map<String, Value>, change: &CustomerChange) -> Map<String, Value> {
    if let Some(name) = &change.name {
        fields.insert("name".into(), json!(name));
    }
    if let Some(email) = &change.email {
        let mut emails: Vec<Value> = match fields.remove("emails") {
            Some(Value::Array(emails)) => emails,
            _ => Vec::new(),
        };
        // Addresses are case-insensitive in practice: `An@x.vn` again is the
        // same address moved first, not a second one.
        emails.retain(|known| {
            known
                .as_str()
                .is_none_or(|known| !known.eq_ignore_ascii_case(email))
        });
        emails.insert(0, json!(email));
        fields.insert("emails".into(), Value::Array(emails));
    }
    fields
}

/// Whether the customer read back after an update shows `change`.
fn applied(after: &Value, change: &CustomerChange) -> Result<(), String> {
    let customer = decode(after.clone()).map_err(|err| err.to_string())?;
    if let Some(name) = &change.name {
        if &customer.name != name {
            return Err(format!("the name is still {:?}", customer.name));
        }
    }
    if let Some(email) = &change.email {
        if !customer.emails.iter().any(|known| known == email) {
            return Err(format!(
                "{email} is not among the emails {:?}",
                customer.emails
            ));
        }
    }
    Ok(())
}
