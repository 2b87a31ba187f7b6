//! Page numbers and sizes for list endpoints, and the `meta` they answer with.

use serde::Deserialize;

use crate::{
    api::PageMeta,
    validate::{Problem, Problems},
    AppError,
};

/// Rows per page when the client does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest page a client may ask for, so one request cannot dump a table.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A validated page request: `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    pub page: u32,
    pub page_size: u32,
}

/// The `page` and `pageSize` query parameters of a list with no other filters.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageQuery {
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

impl PageQuery {
    pub fn pagination(&self) -> Result<Pagination, AppError> {
        Pagination::new(self.page, self.page_size)
    }
}

impl Pagination {
    /// Checks the `page` and `pageSize` query parameters, filling in defaults.
    pub fn new(page: Option<u32>, page_size: Option<u32>) -> Result<Self, AppError> {
        let page = page.unwrap_or(1);
        let page_size = page_size.unwrap_or(DEFAULT_PAGE_SIZE);
        let mut problems = Problems::default();
        problems.check(page >= 1, "page", Problem::AtLeast(1));
        problems.check(
            (1..=MAX_PAGE_SIZE).contains(&page_size),
            "pageSize",
            Problem::Between(1, MAX_PAGE_SIZE.into()),
        );
        problems.finish()?;
        Ok(Self { page, page_size })
    }

    /// The SQL `LIMIT`.
    pub fn limit(&self) -> i64 {
        i64::from(self.page_size)
    }

    /// The SQL `OFFSET`.
    pub fn offset(&self) -> i64 {
        (i64::from(self.page) - 1) * i64::from(self.page_size)
    }

    /// The `meta` object of a list response with `total` rows in all.
    pub fn meta(&self, total: i64) -> PageMeta {
        PageMeta {
            page: self.page,
            page_size: self.page_size,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_first_page() {
        let page = Pagination::new(None, None).unwrap();
        assert_eq!((page.limit(), page.offset()), (20, 0));
    }

    #[test]
    fn offset_skips_earlier_pages() {
        let page = Pagination::new(Some(3), Some(50)).unwrap();
        assert_eq!((page.limit(), page.offset()), (50, 100));
        assert_eq!(page.meta(7).total, 7);
    }

    #[test]
    fn refuses_page_zero_and_oversized_pages() {
        assert!(Pagination::new(Some(0), None).is_err());
        assert!(Pagination::new(None, Some(0)).is_err());
        assert!(Pagination::new(None, Some(MAX_PAGE_SIZE + 1)).is_err());
    }
}
