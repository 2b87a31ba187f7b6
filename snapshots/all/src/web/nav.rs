//! The sidebar: one plain list. The core's pages come first, then the pages of
//! the skills the app was generated with.

use std::borrow::Borrow;

use super::Lang;
use crate::auth::{permissions::Permission, Actor};

/// One sidebar link with its label in each language.
#[derive(Debug, Clone, Copy)]
pub struct NavEntry {
    pub href: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    /// Shown only to those who hold it; `None` shows the link to everyone signed in.
    pub permission: Option<Permission>,
}

impl NavEntry {
    pub fn label(&self, lang: impl Borrow<Lang>) -> &'static str {
        match lang.borrow() {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }

    /// Whether the link leads somewhere `actor` may go.
    pub fn allows(&self, actor: Option<&Actor>) -> bool {
        match (actor, self.permission) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(actor), Some(permission)) => actor.can(permission),
        }
    }
}

pub const NAV: &[NavEntry] = &[
    NavEntry {
        href: "/pos",
        vi: "Bán hàng",
        en: "Point of sale",
        permission: Some(Permission::OrdersSell),
    },
    NavEntry {
        href: "/orders",
        vi: "Đơn hàng",
        en: "Orders",
        permission: Some(Permission::OrdersRead),
    },
    NavEntry {
        href: "/products",
        vi: "Sản phẩm",
        en: "Products",
        permission: Some(Permission::CatalogRead),
    },
    NavEntry {
        href: "/inventory",
        vi: "Tồn kho",
        en: "Inventory",
        permission: Some(Permission::InventoryRead),
    },
    NavEntry {
        href: "/customers",
        vi: "Khách hàng",
        en: "Customers",
        permission: Some(Permission::CustomersRead),
    },
    NavEntry {
        href: "/users",
        vi: "Nhân viên",
        en: "Users",
        permission: Some(Permission::UsersManage),
    },
    NavEntry {
        href: "/tokens",
        vi: "Mã API",
        en: "API tokens",
        permission: Some(Permission::TokensManage),
    },
    NavEntry {
        href: "/audit",
        vi: "Nhật ký bảo mật",
        en: "Audit log",
        permission: Some(Permission::AuditRead),
    },
    NavEntry {
        href: "/notifications/deliveries",
        vi: "Gửi thông báo",
        en: "Deliveries",
        permission: Some(Permission::NotificationsManage),
    },
    NavEntry {
        href: "/shifts",
        vi: "Ca thu ngân",
        en: "Cash shift",
        permission: Some(Permission::ShiftsOperate),
    },
    NavEntry {
        href: "/payments/review",
        vi: "Đối soát thanh toán",
        en: "Payment review",
        permission: Some(Permission::PaymentsReview),
    },
    NavEntry {
        href: "/reports",
        vi: "Báo cáo",
        en: "Reports",
        permission: Some(Permission::ReportsRead),
    },
    NavEntry {
        href: "/stocktakes",
        vi: "Kiểm kho",
        en: "Stock counts",
        permission: Some(Permission::StocktakesRead),
    },
    NavEntry {
        href: "/warehouses",
        vi: "Kho hàng",
        en: "Warehouses",
        permission: Some(Permission::WarehousesRead),
    },
    NavEntry {
        href: "/transfers",
        vi: "Chuyển kho",
        en: "Transfers",
        permission: Some(Permission::WarehousesRead),
    },
    NavEntry {
        href: "/webhooks",
        vi: "Webhook",
        en: "Webhooks",
        permission: Some(Permission::WebhooksManage),
    },
];
