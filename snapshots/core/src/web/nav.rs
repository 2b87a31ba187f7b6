//! The sidebar: one plain list. The core's pages come first, then the pages of
//! the skills the app was generated with.

use std::borrow::Borrow;

use super::Lang;

/// One sidebar link with its label in each language.
#[derive(Debug, Clone, Copy)]
pub struct NavEntry {
    pub href: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

impl NavEntry {
    pub fn label(&self, lang: impl Borrow<Lang>) -> &'static str {
        match lang.borrow() {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

pub const NAV: &[NavEntry] = &[
    NavEntry {
        href: "/pos",
        vi: "Bán hàng",
        en: "Point of sale",
    },
    NavEntry {
        href: "/orders",
        vi: "Đơn hàng",
        en: "Orders",
    },
    NavEntry {
        href: "/products",
        vi: "Sản phẩm",
        en: "Products",
    },
    NavEntry {
        href: "/inventory",
        vi: "Tồn kho",
        en: "Inventory",
    },
    NavEntry {
        href: "/customers",
        vi: "Khách hàng",
        en: "Customers",
    },
];
