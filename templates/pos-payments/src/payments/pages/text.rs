//! The words of the payment pages, in Vietnamese and English side by side,
//! so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`PayText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the payment pages in one language.
        #[derive(Debug)]
        pub struct PayText {
            $(pub $key: &'static str,)*
        }

        pub static VI: PayText = PayText { $($key: $vi,)* };
        pub static EN: PayText = PayText { $($key: $en,)* };
    };
}

texts! {
    // Refunds
    refund_order: "Hoàn tiền đơn", "Refund order";
    refund_hint: "Nhập số lượng khách trả cho từng dòng, hoặc hoàn toàn bộ đơn. Tiền được hoàn qua cổng đã thu nếu cổng hỗ trợ, còn lại trả bằng tiền mặt.", "Enter how many of each line come back, or refund the whole order. Money goes back through the gateway that took it where the gateway can, in cash otherwise.";
    sold: "Đã bán", "Sold";
    returnable: "Còn trả được", "Returnable";
    returning: "Trả lại", "Coming back";
    restock: "Nhập lại kho hàng trả", "Put the goods back in stock";
    all_cash: "Hoàn toàn bộ bằng tiền mặt", "Give everything back in cash";
    reason: "Lý do", "Reason";
    refund_selected: "Hoàn các dòng đã chọn", "Refund the lines entered";
    refund_everything: "Hoàn toàn bộ đơn", "Refund the whole order";
    nothing_selected: "Chọn ít nhất một dòng để trả.", "Enter at least one line to refund.";
    refunds: "Các lần hoàn tiền", "Refunds";
    no_refunds: "Đơn này chưa được hoàn tiền.", "Nothing has been refunded on this order.";
    refund_done: "Đã hoàn tiền", "Refunded";
    hand_back_cash: "Trả khách bằng tiền mặt:", "Hand back in cash:";
    refund_status_pending: "Đang xử lý", "Pending";
    refund_status_completed: "Hoàn tất", "Completed";
    refund_status_failed: "Thất bại", "Failed";
    way_back: "Hoàn qua", "Given back by";
    back_to_order: "Về đơn hàng", "Back to the order";
    // Reviewing gateway notifications
    review: "Đối soát thanh toán", "Payment review";
    review_hint: "Thông báo từ cổng thanh toán cần quản lý xem: tiền không khớp đơn nào, sai số tiền, hoặc trả cho đơn đã huỷ.", "Gateway notifications a manager must look at: money that matches no order, the wrong amount, or money for a cancelled order.";
    show_flagged: "Chỉ cần xem", "Needing a look";
    show_all: "Tất cả", "All";
    received: "Nhận lúc", "Received";
    provider: "Cổng", "Gateway";
    transaction: "Mã giao dịch", "Transaction";
    outcome: "Kết quả", "Outcome";
    detail: "Chi tiết", "Detail";
    no_notifications: "Không có thông báo nào.", "No notifications.";
    outcome_applied: "Đã ghi nhận", "Applied";
    outcome_mismatch: "Sai số tiền", "Wrong amount";
    outcome_unmatched: "Không khớp đơn", "Matches no order";
    outcome_not_payable: "Đơn không nhận thanh toán", "Order takes no payment";
    outcome_failed: "Khách chưa trả", "Not paid";
}

pub fn text(lang: Lang) -> &'static PayText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

impl PayText {
    /// A notification's outcome in words; one this version does not know
    /// is shown as stored.
    pub fn outcome<'a>(&self, outcome: &'a str) -> &'a str {
        match outcome {
            "applied" => self.outcome_applied,
            "mismatch" => self.outcome_mismatch,
            "unmatched" => self.outcome_unmatched,
            "not_payable" => self.outcome_not_payable,
            "failed" => self.outcome_failed,
            other => other,
        }
    }
}
