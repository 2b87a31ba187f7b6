//! Who may do what: the roles, the permissions the app's skills declare, and
//! the access rule of every route. Generated from the skills' manifests; the
//! guard in [`super::guard`] refuses any route missing from [`ROUTES`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a person or an API token may do, from most to least trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    /// Everything, including users, API tokens and the audit log.
    Admin,
    /// Store operations, reports and the users below admin.
    Manager,
    /// Sales and inventory.
    Staff,
    /// The till: sell, take payments, look up products and customers.
    Cashier,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Staff, Role::Cashier];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Manager => "MANAGER",
            Self::Staff => "STAFF",
            Self::Cashier => "CASHIER",
        }
    }

    /// Parses a role name, in any case.
    pub fn parse(name: &str) -> Option<Role> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(name))
    }

    /// Whether this role holds `permission`. ADMIN holds every permission.
    pub fn can(self, permission: Permission) -> bool {
        self == Role::Admin || permission.roles().contains(&self)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named right, declared by the skill that owns the routes it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Look up products, variants and categories.
    CatalogRead,
    /// Create, edit, import and export products, variants and categories.
    CatalogWrite,
    /// Look up customers and their purchases.
    CustomersRead,
    /// Add and edit customers.
    CustomersWrite,
    /// See stock levels, movements and low stock.
    InventoryRead,
    /// Adjust stock and record deliveries.
    InventoryWrite,
    /// Sell at the till and take payments.
    OrdersSell,
    /// See orders and print receipts.
    OrdersRead,
    /// Cancel an order and put its stock back.
    OrdersCancel,
    /// Read the Prometheus metrics.
    SystemMetrics,
    /// Add accounts, change roles, disable accounts and reset passwords (a manager only below admin).
    UsersManage,
    /// Create and revoke API tokens.
    TokensManage,
    /// Read the security audit log.
    AuditRead,
    /// See every delivery of every notification and send a failed one again.
    NotificationsManage,
    /// Look up provinces, districts and communes.
    GeoRead,
    /// Start gateway payments and follow them at the till.
    PaymentsTake,
    /// Review gateway notifications flagged for a manager.
    PaymentsReview,
    /// Refund a sale, in full or by line, and put the returned goods back in stock.
    RefundsCreate,
    /// See the refunds of a sale.
    RefundsRead,
    /// Open a cash shift, record cash in and out, and close it with the counted cash.
    ShiftsOperate,
    /// Close a cash shift whose counted cash differs from the expected by more than the limit.
    ShiftsApprove,
    /// List past cash shifts and their Z-reports.
    ShiftsRead,
    /// See the sales, stock and customer reports and download them.
    ReportsRead,
    /// See stock counts, their lines and variances.
    StocktakesRead,
    /// Start a stock count, enter counted quantities, submit it for approval or cancel it.
    StocktakesCount,
    /// Approve a submitted stock count and apply its variances to stock.
    StocktakesApply,
    /// See the warehouses, what each holds, and the transfers between them.
    WarehousesRead,
    /// Add, edit, close and reopen warehouses and choose the default one.
    WarehousesWrite,
    /// Move stock from one warehouse to another.
    TransfersWrite,
    /// Add, pause and remove webhook endpoints, see their secrets once, read the delivery log and what Pancake sent.
    WebhooksManage,
}

impl Permission {
    pub const ALL: [Permission; 30] = [
        Permission::CatalogRead,
        Permission::CatalogWrite,
        Permission::CustomersRead,
        Permission::CustomersWrite,
        Permission::InventoryRead,
        Permission::InventoryWrite,
        Permission::OrdersSell,
        Permission::OrdersRead,
        Permission::OrdersCancel,
        Permission::SystemMetrics,
        Permission::UsersManage,
        Permission::TokensManage,
        Permission::AuditRead,
        Permission::NotificationsManage,
        Permission::GeoRead,
        Permission::PaymentsTake,
        Permission::PaymentsReview,
        Permission::RefundsCreate,
        Permission::RefundsRead,
        Permission::ShiftsOperate,
        Permission::ShiftsApprove,
        Permission::ShiftsRead,
        Permission::ReportsRead,
        Permission::StocktakesRead,
        Permission::StocktakesCount,
        Permission::StocktakesApply,
        Permission::WarehousesRead,
        Permission::WarehousesWrite,
        Permission::TransfersWrite,
        Permission::WebhooksManage,
    ];

    /// The name used in manifests, logs and the README's table.
    pub fn name(self) -> &'static str {
        match self {
            Self::CatalogRead => "catalog.read",
            Self::CatalogWrite => "catalog.write",
            Self::CustomersRead => "customers.read",
            Self::CustomersWrite => "customers.write",
            Self::InventoryRead => "inventory.read",
            Self::InventoryWrite => "inventory.write",
            Self::OrdersSell => "orders.sell",
            Self::OrdersRead => "orders.read",
            Self::OrdersCancel => "orders.cancel",
            Self::SystemMetrics => "system.metrics",
            Self::UsersManage => "users.manage",
            Self::TokensManage => "tokens.manage",
            Self::AuditRead => "audit.read",
            Self::NotificationsManage => "notifications.manage",
            Self::GeoRead => "geo.read",
            Self::PaymentsTake => "payments.take",
            Self::PaymentsReview => "payments.review",
            Self::RefundsCreate => "refunds.create",
            Self::RefundsRead => "refunds.read",
            Self::ShiftsOperate => "shifts.operate",
            Self::ShiftsApprove => "shifts.approve",
            Self::ShiftsRead => "shifts.read",
            Self::ReportsRead => "reports.read",
            Self::StocktakesRead => "stocktakes.read",
            Self::StocktakesCount => "stocktakes.count",
            Self::StocktakesApply => "stocktakes.apply",
            Self::WarehousesRead => "warehouses.read",
            Self::WarehousesWrite => "warehouses.write",
            Self::TransfersWrite => "transfers.write",
            Self::WebhooksManage => "webhooks.manage",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::CatalogRead => "Look up products, variants and categories",
            Self::CatalogWrite => "Create, edit, import and export products, variants and categories",
            Self::CustomersRead => "Look up customers and their purchases",
            Self::CustomersWrite => "Add and edit customers",
            Self::InventoryRead => "See stock levels, movements and low stock",
            Self::InventoryWrite => "Adjust stock and record deliveries",
            Self::OrdersSell => "Sell at the till and take payments",
            Self::OrdersRead => "See orders and print receipts",
            Self::OrdersCancel => "Cancel an order and put its stock back",
            Self::SystemMetrics => "Read the Prometheus metrics",
            Self::UsersManage => "Add accounts, change roles, disable accounts and reset passwords (a manager only below admin)",
            Self::TokensManage => "Create and revoke API tokens",
            Self::AuditRead => "Read the security audit log",
            Self::NotificationsManage => "See every delivery of every notification and send a failed one again",
            Self::GeoRead => "Look up provinces, districts and communes",
            Self::PaymentsTake => "Start gateway payments and follow them at the till",
            Self::PaymentsReview => "Review gateway notifications flagged for a manager",
            Self::RefundsCreate => "Refund a sale, in full or by line, and put the returned goods back in stock",
            Self::RefundsRead => "See the refunds of a sale",
            Self::ShiftsOperate => "Open a cash shift, record cash in and out, and close it with the counted cash",
            Self::ShiftsApprove => "Close a cash shift whose counted cash differs from the expected by more than the limit",
            Self::ShiftsRead => "List past cash shifts and their Z-reports",
            Self::ReportsRead => "See the sales, stock and customer reports and download them",
            Self::StocktakesRead => "See stock counts, their lines and variances",
            Self::StocktakesCount => "Start a stock count, enter counted quantities, submit it for approval or cancel it",
            Self::StocktakesApply => "Approve a submitted stock count and apply its variances to stock",
            Self::WarehousesRead => "See the warehouses, what each holds, and the transfers between them",
            Self::WarehousesWrite => "Add, edit, close and reopen warehouses and choose the default one",
            Self::TransfersWrite => "Move stock from one warehouse to another",
            Self::WebhooksManage => "Add, pause and remove webhook endpoints, see their secrets once, read the delivery log and what Pancake sent",
        }
    }

    /// The roles besides ADMIN that hold this permission.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Self::CatalogRead => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::CatalogWrite => &[Role::Manager],
            Self::CustomersRead => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::CustomersWrite => &[Role::Manager, Role::Staff],
            Self::InventoryRead => &[Role::Manager, Role::Staff],
            Self::InventoryWrite => &[Role::Manager, Role::Staff],
            Self::OrdersSell => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::OrdersRead => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::OrdersCancel => &[Role::Manager],
            Self::SystemMetrics => &[],
            Self::UsersManage => &[Role::Manager],
            Self::TokensManage => &[],
            Self::AuditRead => &[],
            Self::NotificationsManage => &[],
            Self::GeoRead => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::PaymentsTake => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::PaymentsReview => &[Role::Manager],
            Self::RefundsCreate => &[Role::Manager],
            Self::RefundsRead => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::ShiftsOperate => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::ShiftsApprove => &[Role::Manager],
            Self::ShiftsRead => &[Role::Manager],
            Self::ReportsRead => &[Role::Manager],
            Self::StocktakesRead => &[Role::Manager, Role::Staff],
            Self::StocktakesCount => &[Role::Manager, Role::Staff],
            Self::StocktakesApply => &[Role::Manager],
            Self::WarehousesRead => &[Role::Manager, Role::Staff, Role::Cashier],
            Self::WarehousesWrite => &[Role::Manager],
            Self::TransfersWrite => &[Role::Manager, Role::Staff],
            Self::WebhooksManage => &[],
        }
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: sign-in pages, health checks, static assets.
    Public,
    /// Anyone signed in, whatever their role: their own account.
    SignedIn,
    /// Holders of the permission.
    Requires(Permission),
}

/// One route and who may call it. `path` is the route as registered with
/// axum, e.g. `/api/products/{id}`.
#[derive(Debug, Clone, Copy)]
pub struct RouteRule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn rule(method: &'static str, path: &'static str, access: Access) -> RouteRule {
    RouteRule {
        method,
        path,
        access,
    }
}

/// Every route of the app. A route missing here is refused to everyone.
pub const ROUTES: &[RouteRule] = &[
    rule("GET", "/", Access::Public),
    rule("GET", "/health", Access::Public),
    rule("GET", "/ready", Access::Public),
    rule("GET", "/assets/{name}", Access::Public),
    rule("GET", "/lang/{code}", Access::Public),
    rule("GET", "/login", Access::Public),
    rule("POST", "/login", Access::Public),
    rule("GET", "/login/two-factor", Access::Public),
    rule("POST", "/login/two-factor", Access::Public),
    rule("GET", "/reset-password", Access::Public),
    rule("POST", "/reset-password", Access::Public),
    rule("POST", "/api/auth/login", Access::Public),
    rule("POST", "/api/auth/login/two-factor", Access::Public),
    rule("POST", "/api/auth/password-reset", Access::Public),
    rule("GET", "/forgot-password", Access::Public),
    rule("POST", "/forgot-password", Access::Public),
    rule("POST", "/api/auth/password-reset/request", Access::Public),
    rule("POST", "/api/payments/webhooks/sepay", Access::Public),
    rule("GET", "/api/payments/ipn/vnpay", Access::Public),
    rule("POST", "/api/payments/ipn/momo", Access::Public),
    rule("POST", "/api/payments/webhooks/stripe", Access::Public),
    rule("GET", "/payments/return/{provider}", Access::Public),
    rule("POST", "/webhooks/pancake", Access::Public),
    rule("POST", "/logout", Access::SignedIn),
    rule("GET", "/account", Access::SignedIn),
    rule("POST", "/account/password", Access::SignedIn),
    rule("GET", "/account/two-factor", Access::SignedIn),
    rule("POST", "/account/two-factor", Access::SignedIn),
    rule("POST", "/account/two-factor/disable", Access::SignedIn),
    rule("POST", "/api/auth/logout", Access::SignedIn),
    rule("GET", "/api/auth/me", Access::SignedIn),
    rule("POST", "/api/auth/password", Access::SignedIn),
    rule("POST", "/api/auth/two-factor/setup", Access::SignedIn),
    rule("POST", "/api/auth/two-factor/enable", Access::SignedIn),
    rule("POST", "/api/auth/two-factor/disable", Access::SignedIn),
    rule("GET", "/notifications", Access::SignedIn),
    rule("POST", "/notifications/read", Access::SignedIn),
    rule("GET", "/account/notifications", Access::SignedIn),
    rule("POST", "/account/notifications", Access::SignedIn),
    rule("GET", "/api/notifications", Access::SignedIn),
    rule("GET", "/api/notifications/unread", Access::SignedIn),
    rule("GET", "/api/notifications/stream", Access::SignedIn),
    rule("POST", "/api/notifications/{id}/read", Access::SignedIn),
    rule("POST", "/api/notifications/read", Access::SignedIn),
    rule("GET", "/api/notifications/preferences", Access::SignedIn),
    rule("PUT", "/api/notifications/preferences", Access::SignedIn),
    rule("POST", "/api/notifications/devices", Access::SignedIn),
    rule(
        "DELETE",
        "/api/notifications/devices/{id}",
        Access::SignedIn,
    ),
    rule(
        "GET",
        "/api/products",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "GET",
        "/api/products/lookup",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "GET",
        "/api/products/{id}",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "GET",
        "/api/products/{id}/variants",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "GET",
        "/api/categories",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "GET",
        "/api/categories/{id}",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "GET",
        "/products",
        Access::Requires(Permission::CatalogRead),
    ),
    rule(
        "POST",
        "/api/products",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "PUT",
        "/api/products/{id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "DELETE",
        "/api/products/{id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "GET",
        "/api/products/export",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/api/products/import",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/api/products/{id}/variants",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "PUT",
        "/api/products/{id}/variants/{variant_id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "DELETE",
        "/api/products/{id}/variants/{variant_id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/api/categories",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "PUT",
        "/api/categories/{id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "DELETE",
        "/api/categories/{id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/products",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "GET",
        "/products/new",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "GET",
        "/products/import",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/products/import",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/products/{id}",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "GET",
        "/products/{id}/edit",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "POST",
        "/products/{id}/variants",
        Access::Requires(Permission::CatalogWrite),
    ),
    rule(
        "GET",
        "/api/customers",
        Access::Requires(Permission::CustomersRead),
    ),
    rule(
        "GET",
        "/api/customers/{id}",
        Access::Requires(Permission::CustomersRead),
    ),
    rule(
        "GET",
        "/api/customers/{id}/orders",
        Access::Requires(Permission::CustomersRead),
    ),
    rule(
        "GET",
        "/customers",
        Access::Requires(Permission::CustomersRead),
    ),
    rule(
        "GET",
        "/customers/{id}",
        Access::Requires(Permission::CustomersRead),
    ),
    rule(
        "POST",
        "/api/customers",
        Access::Requires(Permission::CustomersWrite),
    ),
    rule(
        "PUT",
        "/api/customers/{id}",
        Access::Requires(Permission::CustomersWrite),
    ),
    rule(
        "POST",
        "/customers",
        Access::Requires(Permission::CustomersWrite),
    ),
    rule(
        "GET",
        "/customers/new",
        Access::Requires(Permission::CustomersWrite),
    ),
    rule(
        "POST",
        "/customers/{id}",
        Access::Requires(Permission::CustomersWrite),
    ),
    rule(
        "GET",
        "/customers/{id}/edit",
        Access::Requires(Permission::CustomersWrite),
    ),
    rule(
        "GET",
        "/api/inventory/movements",
        Access::Requires(Permission::InventoryRead),
    ),
    rule(
        "GET",
        "/api/inventory/levels",
        Access::Requires(Permission::InventoryRead),
    ),
    rule(
        "GET",
        "/api/inventory/low-stock",
        Access::Requires(Permission::InventoryRead),
    ),
    rule(
        "GET",
        "/api/inventory/warehouses",
        Access::Requires(Permission::InventoryRead),
    ),
    rule(
        "GET",
        "/inventory",
        Access::Requires(Permission::InventoryRead),
    ),
    rule(
        "GET",
        "/inventory/products/{id}",
        Access::Requires(Permission::InventoryRead),
    ),
    rule(
        "POST",
        "/api/inventory/adjustments",
        Access::Requires(Permission::InventoryWrite),
    ),
    rule(
        "POST",
        "/api/inventory/receipts",
        Access::Requires(Permission::InventoryWrite),
    ),
    rule(
        "POST",
        "/inventory/products/{id}/adjust",
        Access::Requires(Permission::InventoryWrite),
    ),
    rule("GET", "/pos", Access::Requires(Permission::OrdersSell)),
    rule(
        "POST",
        "/api/orders",
        Access::Requires(Permission::OrdersSell),
    ),
    rule(
        "POST",
        "/api/orders/{id}/payments",
        Access::Requires(Permission::OrdersSell),
    ),
    rule(
        "POST",
        "/api/orders/{id}/complete",
        Access::Requires(Permission::OrdersSell),
    ),
    rule(
        "GET",
        "/api/orders",
        Access::Requires(Permission::OrdersRead),
    ),
    rule(
        "GET",
        "/api/orders/{id}",
        Access::Requires(Permission::OrdersRead),
    ),
    rule("GET", "/orders", Access::Requires(Permission::OrdersRead)),
    rule(
        "GET",
        "/orders/{id}",
        Access::Requires(Permission::OrdersRead),
    ),
    rule(
        "GET",
        "/orders/{id}/receipt",
        Access::Requires(Permission::OrdersRead),
    ),
    rule(
        "POST",
        "/api/orders/{id}/cancel",
        Access::Requires(Permission::OrdersCancel),
    ),
    rule(
        "POST",
        "/orders/{id}/cancel",
        Access::Requires(Permission::OrdersCancel),
    ),
    rule(
        "GET",
        "/metrics",
        Access::Requires(Permission::SystemMetrics),
    ),
    rule(
        "GET",
        "/api/users",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "POST",
        "/api/users",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "GET",
        "/api/users/{id}",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "PUT",
        "/api/users/{id}",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "POST",
        "/api/users/{id}/password",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "POST",
        "/api/users/{id}/reset-link",
        Access::Requires(Permission::UsersManage),
    ),
    rule("GET", "/users", Access::Requires(Permission::UsersManage)),
    rule("POST", "/users", Access::Requires(Permission::UsersManage)),
    rule(
        "GET",
        "/users/{id}",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "POST",
        "/users/{id}",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "POST",
        "/users/{id}/reset-link",
        Access::Requires(Permission::UsersManage),
    ),
    rule(
        "GET",
        "/api/auth/tokens",
        Access::Requires(Permission::TokensManage),
    ),
    rule(
        "POST",
        "/api/auth/tokens",
        Access::Requires(Permission::TokensManage),
    ),
    rule(
        "DELETE",
        "/api/auth/tokens/{id}",
        Access::Requires(Permission::TokensManage),
    ),
    rule("GET", "/tokens", Access::Requires(Permission::TokensManage)),
    rule(
        "POST",
        "/tokens",
        Access::Requires(Permission::TokensManage),
    ),
    rule(
        "POST",
        "/tokens/{id}/revoke",
        Access::Requires(Permission::TokensManage),
    ),
    rule("GET", "/api/audit", Access::Requires(Permission::AuditRead)),
    rule("GET", "/audit", Access::Requires(Permission::AuditRead)),
    rule(
        "GET",
        "/api/notifications/deliveries",
        Access::Requires(Permission::NotificationsManage),
    ),
    rule(
        "POST",
        "/api/notifications/deliveries/{id}/retry",
        Access::Requires(Permission::NotificationsManage),
    ),
    rule(
        "GET",
        "/notifications/deliveries",
        Access::Requires(Permission::NotificationsManage),
    ),
    rule(
        "POST",
        "/notifications/deliveries/{id}/retry",
        Access::Requires(Permission::NotificationsManage),
    ),
    rule(
        "GET",
        "/api/geo/provinces",
        Access::Requires(Permission::GeoRead),
    ),
    rule(
        "GET",
        "/api/geo/districts",
        Access::Requires(Permission::GeoRead),
    ),
    rule(
        "GET",
        "/api/geo/communes",
        Access::Requires(Permission::GeoRead),
    ),
    rule("GET", "/geo/address", Access::Requires(Permission::GeoRead)),
    rule(
        "GET",
        "/api/payments/{id}",
        Access::Requires(Permission::PaymentsTake),
    ),
    rule(
        "GET",
        "/api/payments/{id}/qr",
        Access::Requires(Permission::PaymentsTake),
    ),
    rule(
        "GET",
        "/api/payments/notifications",
        Access::Requires(Permission::PaymentsReview),
    ),
    rule(
        "GET",
        "/payments/review",
        Access::Requires(Permission::PaymentsReview),
    ),
    rule(
        "POST",
        "/api/orders/{id}/refunds",
        Access::Requires(Permission::RefundsCreate),
    ),
    rule(
        "GET",
        "/orders/{id}/refund",
        Access::Requires(Permission::RefundsCreate),
    ),
    rule(
        "POST",
        "/orders/{id}/refund",
        Access::Requires(Permission::RefundsCreate),
    ),
    rule(
        "GET",
        "/api/orders/{id}/refunds",
        Access::Requires(Permission::RefundsRead),
    ),
    rule(
        "GET",
        "/api/refunds/{id}",
        Access::Requires(Permission::RefundsRead),
    ),
    rule(
        "POST",
        "/api/shifts",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "GET",
        "/api/shifts/current",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "GET",
        "/api/shifts/{id}",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "POST",
        "/api/shifts/{id}/cash-movements",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "POST",
        "/api/shifts/{id}/close",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "GET",
        "/shifts",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "POST",
        "/shifts",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "GET",
        "/shifts/{id}",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "POST",
        "/shifts/{id}/cash-movements",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "POST",
        "/shifts/{id}/close",
        Access::Requires(Permission::ShiftsOperate),
    ),
    rule(
        "POST",
        "/api/shifts/{id}/approve",
        Access::Requires(Permission::ShiftsApprove),
    ),
    rule(
        "POST",
        "/shifts/{id}/approve",
        Access::Requires(Permission::ShiftsApprove),
    ),
    rule(
        "GET",
        "/api/shifts",
        Access::Requires(Permission::ShiftsRead),
    ),
    rule(
        "GET",
        "/api/reports/dashboard",
        Access::Requires(Permission::ReportsRead),
    ),
    rule(
        "GET",
        "/api/reports/{report}",
        Access::Requires(Permission::ReportsRead),
    ),
    rule("GET", "/reports", Access::Requires(Permission::ReportsRead)),
    rule(
        "GET",
        "/reports/live",
        Access::Requires(Permission::ReportsRead),
    ),
    rule(
        "GET",
        "/reports/{report}",
        Access::Requires(Permission::ReportsRead),
    ),
    rule(
        "GET",
        "/reports/{report}/export",
        Access::Requires(Permission::ReportsRead),
    ),
    rule(
        "GET",
        "/api/stocktakes",
        Access::Requires(Permission::StocktakesRead),
    ),
    rule(
        "GET",
        "/api/stocktakes/{id}",
        Access::Requires(Permission::StocktakesRead),
    ),
    rule(
        "GET",
        "/stocktakes",
        Access::Requires(Permission::StocktakesRead),
    ),
    rule(
        "GET",
        "/stocktakes/{id}",
        Access::Requires(Permission::StocktakesRead),
    ),
    rule(
        "POST",
        "/api/stocktakes",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/api/stocktakes/{id}/counts",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/api/stocktakes/{id}/submit",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/api/stocktakes/{id}/cancel",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "GET",
        "/stocktakes/new",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/stocktakes",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/stocktakes/{id}/counts",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/stocktakes/{id}/submit",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/stocktakes/{id}/cancel",
        Access::Requires(Permission::StocktakesCount),
    ),
    rule(
        "POST",
        "/api/stocktakes/{id}/apply",
        Access::Requires(Permission::StocktakesApply),
    ),
    rule(
        "POST",
        "/stocktakes/{id}/apply",
        Access::Requires(Permission::StocktakesApply),
    ),
    rule(
        "GET",
        "/api/warehouses",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/api/warehouses/{id}",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/api/transfers",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/api/transfers/{id}",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/warehouses",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/warehouses/{id}",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/transfers",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "GET",
        "/transfers/{id}",
        Access::Requires(Permission::WarehousesRead),
    ),
    rule(
        "POST",
        "/api/warehouses",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "PUT",
        "/api/warehouses/{id}",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "POST",
        "/api/warehouses/{id}/default",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "GET",
        "/warehouses/new",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "POST",
        "/warehouses",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "POST",
        "/warehouses/{id}",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "GET",
        "/warehouses/{id}/edit",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "POST",
        "/warehouses/{id}/default",
        Access::Requires(Permission::WarehousesWrite),
    ),
    rule(
        "POST",
        "/api/transfers",
        Access::Requires(Permission::TransfersWrite),
    ),
    rule(
        "GET",
        "/transfers/new",
        Access::Requires(Permission::TransfersWrite),
    ),
    rule(
        "POST",
        "/transfers",
        Access::Requires(Permission::TransfersWrite),
    ),
    rule(
        "GET",
        "/webhooks",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "POST",
        "/webhooks/endpoints",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "POST",
        "/webhooks/endpoints/{id}/active",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "POST",
        "/webhooks/endpoints/{id}/delete",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "POST",
        "/webhooks/deliveries/{id}/retry",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "GET",
        "/api/webhooks/endpoints",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "POST",
        "/api/webhooks/endpoints",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "PUT",
        "/api/webhooks/endpoints/{id}",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "DELETE",
        "/api/webhooks/endpoints/{id}",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "GET",
        "/api/webhooks/deliveries",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "POST",
        "/api/webhooks/deliveries/{id}/retry",
        Access::Requires(Permission::WebhooksManage),
    ),
    rule(
        "GET",
        "/api/webhooks/inbound",
        Access::Requires(Permission::WebhooksManage),
    ),
];

/// The access rule of a matched route, if it has one. A `HEAD` request is
/// judged as the `GET` it mirrors.
pub fn access_for(method: &str, path: &str) -> Option<Access> {
    let method = if method == "HEAD" { "GET" } else { method };
    ROUTES
        .iter()
        .find(|rule| rule.method == method && rule.path == path)
        .map(|rule| rule.access)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_holds_every_permission() {
        for permission in Permission::ALL {
            assert!(Role::Admin.can(permission), "{}", permission.name());
        }
    }

    #[test]
    fn every_route_is_listed_once() {
        for (index, rule) in ROUTES.iter().enumerate() {
            let twin = ROUTES[index + 1..]
                .iter()
                .find(|other| other.method == rule.method && other.path == rule.path);
            assert!(
                twin.is_none(),
                "{} {} is listed twice",
                rule.method,
                rule.path
            );
        }
    }

    #[test]
    fn role_names_parse_in_any_case() {
        assert_eq!(Role::parse("cashier"), Some(Role::Cashier));
        assert_eq!(Role::parse("ADMIN"), Some(Role::Admin));
        assert_eq!(Role::parse("owner"), None);
    }
}
