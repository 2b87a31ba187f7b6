//! The events the app emits, who hears about each and what they read, as
//! the skills declared them in their manifests.

use super::channels::Channel;
use crate::{auth::permissions::Role, web::Lang};

/// Who an event goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every active account holding one of these roles, unless they opt out.
    Roles(&'static [Role]),
    /// The one account the notification names (a password reset).
    User,
}

/// A text in both languages; `{field}` marks where an event's field goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    pub vi: &'static str,
    pub en: &'static str,
}

impl Wording {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

/// Something that happened which people may want to hear about.
#[derive(Debug, PartialEq, Eq)]
pub struct Event {
    /// Stored with each notification, e.g. `stock.low`.
    pub name: &'static str,
    pub description: Wording,
    pub audience: Audience,
    /// The channels used unless a person chooses otherwise.
    pub channels: &'static [Channel],
    /// Whether a person may turn it off.
    pub optional: bool,
    pub title: Wording,
    pub body: Wording,
}

/// A password reset link, sent to the account's own address.
pub const PASSWORD_RESET: &Event = &Event {
    name: "password.reset",
    description: Wording {
        vi: "Đường dẫn đặt lại mật khẩu, gửi tới địa chỉ email của chính tài khoản",
        en: "A password reset link, sent to the account's own address",
    },
    audience: Audience::User,
    channels: &[Channel::Email],
    optional: false,
    title: Wording {
        vi: "Đặt lại mật khẩu",
        en: "Reset your password",
    },
    body: Wording {
        vi: "Mở {link} trong vòng {minutes} phút để đặt mật khẩu mới. Nếu bạn không yêu cầu, hãy bỏ qua email này: mật khẩu của bạn không đổi.",
        en: "Open {link} within {minutes} minutes to choose a new password. If you did not ask for this, ignore this email: your password stays as it is.",
    },
};

/// A product's stock fell to its low-stock threshold.
pub const STOCK_LOW: &Event = &Event {
    name: "stock.low",
    description: Wording {
        vi: "Hàng của một sản phẩm giảm xuống ngưỡng báo sắp hết",
        en: "A product's stock fell to its low-stock threshold",
    },
    audience: Audience::Roles(&[Role::Admin, Role::Manager, Role::Staff]),
    channels: &[Channel::InApp, Channel::Email],
    optional: true,
    title: Wording {
        vi: "Sắp hết hàng: {product}",
        en: "Low stock: {product}",
    },
    body: Wording {
        vi: "{product} ({sku}) chỉ còn {on_hand} trong kho; ngưỡng báo là {threshold}.",
        en: "{product} ({sku}) is down to {on_hand} in stock; the threshold is {threshold}.",
    },
};

/// An order was paid in full.
pub const ORDER_PAID: &Event = &Event {
    name: "order.paid",
    description: Wording {
        vi: "Một đơn hàng đã được thanh toán đủ",
        en: "An order was paid in full",
    },
    audience: Audience::Roles(&[Role::Admin, Role::Manager]),
    channels: &[Channel::InApp],
    optional: true,
    title: Wording {
        vi: "Đơn {order} đã thanh toán",
        en: "Order {order} paid",
    },
    body: Wording {
        vi: "Đơn {order} đã được thanh toán đủ: {total} bằng {method}.",
        en: "{order} was paid in full: {total} by {method}.",
    },
};

/// A sale was refunded, in full or in part.
pub const REFUND_COMPLETED: &Event = &Event {
    name: "refund.completed",
    description: Wording {
        vi: "Một đơn hàng được hoàn tiền, toàn bộ hoặc một phần",
        en: "A sale was refunded, in full or in part",
    },
    audience: Audience::Roles(&[Role::Admin, Role::Manager]),
    channels: &[Channel::InApp],
    optional: true,
    title: Wording {
        vi: "Hoàn tiền {refund} cho đơn {order}",
        en: "Refund {refund} on {order}",
    },
    body: Wording {
        vi: "{refund} đã hoàn {amount} cho đơn {order} ({by}).",
        en: "{refund} gave back {amount} on order {order} ({by}).",
    },
};

/// A cash shift closed with counted cash different from expected.
pub const SHIFT_DIFFERENCE: &Event = &Event {
    name: "shift.difference",
    description: Wording {
        vi: "Một ca thu ngân đóng với tiền đếm được lệch so với dự kiến",
        en: "A cash shift closed with counted cash different from expected",
    },
    audience: Audience::Roles(&[Role::Admin, Role::Manager]),
    channels: &[Channel::InApp, Channel::Email],
    optional: true,
    title: Wording {
        vi: "Ca {shift} đóng lệch {difference}",
        en: "Shift {shift} closed {difference} off",
    },
    body: Wording {
        vi: "{cashier} đóng ca {shift}, đếm được {counted} so với {expected} dự kiến: lệch {difference}.",
        en: "{cashier} closed shift {shift} counting {counted} against {expected} expected: a difference of {difference}.",
    },
};

/// A gateway notification was flagged for a manager to review.
pub const PAYMENT_FLAGGED: &Event = &Event {
    name: "payment.flagged",
    description: Wording {
        vi: "Một thông báo thanh toán từ cổng cần quản lý đối soát",
        en: "A gateway notification was flagged for a manager to review",
    },
    audience: Audience::Roles(&[Role::Admin, Role::Manager]),
    channels: &[Channel::InApp, Channel::Email],
    optional: true,
    title: Wording {
        vi: "Thanh toán cần đối soát: {provider}",
        en: "Payment to review: {provider}",
    },
    body: Wording {
        vi: "Một thanh toán {provider} {amount} cho {order} cần đối soát: {outcome}.",
        en: "A {provider} payment of {amount} for {order} needs review: {outcome}.",
    },
};

/// Every event, in the order the skills declared them.
pub const ALL: [&Event; 6] = [
    PASSWORD_RESET,   // pos-auth
    STOCK_LOW,        // pos-notifications
    ORDER_PAID,       // pos-notifications
    REFUND_COMPLETED, // pos-payments
    SHIFT_DIFFERENCE, // pos-payments
    PAYMENT_FLAGGED,  // pos-payments
];

/// The event stored under `name`, if this build knows it.
pub fn find(name: &str) -> Option<&'static Event> {
    ALL.into_iter().find(|event| event.name == name)
}

impl Event {
    /// Whether a person with `role` hears about this event at all.
    pub fn reaches(&self, role: Role) -> bool {
        match self.audience {
            Audience::Roles(roles) => roles.contains(&role),
            Audience::User => true,
        }
    }

    /// The channel a person gets unless they chose otherwise.
    pub fn by_default(&self, channel: Channel) -> bool {
        self.channels.contains(&channel)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::notifications::message::fields_named;

    #[test]
    fn names_are_unique() {
        let names: BTreeSet<_> = ALL.iter().map(|event| event.name).collect();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn both_languages_name_the_same_fields() {
        for event in ALL {
            for wording in [event.title, event.body] {
                assert_eq!(
                    fields_named(wording.vi),
                    fields_named(wording.en),
                    "{}: `{}` and `{}`",
                    event.name,
                    wording.vi,
                    wording.en
                );
            }
        }
    }
}
