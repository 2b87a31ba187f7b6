//! The words of the webhooks page, in Vietnamese and English side by side,
//! so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`WebhookText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the webhooks page in one language.
        #[derive(Debug)]
        pub struct WebhookText {
            $(pub $key: &'static str,)*
        }

        pub static VI: WebhookText = WebhookText { $($key: $vi,)* };
        pub static EN: WebhookText = WebhookText { $($key: $en,)* };
    };
}

texts! {
    webhooks: "Webhook", "Webhooks";
    endpoints: "Địa chỉ nhận sự kiện", "Endpoints";
    endpoints_hint: "Ứng dụng gửi các sự kiện đã chọn tới từng địa chỉ, ký bằng HMAC-SHA256 trong tiêu đề Poscake-Signature. Lần gửi lỗi được thử lại, thưa dần.", "The app posts the chosen events to each address, signed with HMAC-SHA256 in the Poscake-Signature header. Failed tries are repeated, less and less often.";
    url: "Địa chỉ (URL)", "URL";
    events: "Sự kiện", "Events";
    all_events: "Mọi sự kiện", "Every event";
    add: "Thêm địa chỉ", "Add endpoint";
    active: "Đang gửi", "Active";
    paused: "Tạm dừng", "Paused";
    pause: "Tạm dừng", "Pause";
    resume: "Gửi tiếp", "Resume";
    delete: "Xóa", "Delete";
    delete_confirm: "Xóa địa chỉ này và nhật ký gửi của nó?", "Delete this endpoint and its delivery log?";
    no_endpoints: "Chưa có địa chỉ nào.", "No endpoints yet.";
    secret_once: "Khóa bí mật của địa chỉ mới. Hãy lưu lại ngay: khóa chỉ hiện một lần này.", "The new endpoint's secret. Keep it now: it is shown this once.";
    deliveries: "Nhật ký gửi", "Delivery log";
    created: "Tạo lúc", "Created";
    status: "Trạng thái", "Status";
    attempts: "Số lần thử", "Tries";
    response: "Phản hồi", "Response";
    last_error: "Lỗi gần nhất", "Last error";
    retry: "Gửi lại ngay", "Retry now";
    no_deliveries: "Chưa gửi gì.", "Nothing sent yet.";
    status_pending: "chờ gửi", "pending";
    status_sending: "đang gửi", "sending";
    status_delivered: "đã gửi", "delivered";
    status_dead: "hỏng", "dead";
    inbound: "Pancake gửi tới gần đây", "Recently from Pancake";
    inbound_hint: "Mỗi bản ghi Pancake gửi chỉ được áp dụng một lần; bản gửi lại không thay đổi gì.", "Each record Pancake sends is applied once; a repeat changes nothing.";
    kind: "Loại", "Kind";
    record: "Bản ghi", "Record";
    received: "Nhận lúc", "Received";
    outcome: "Kết quả", "Outcome";
    detail: "Chi tiết", "Detail";
    outcome_applied: "đã áp dụng", "applied";
    outcome_ignored: "bỏ qua", "ignored";
    outcome_failed: "lỗi", "failed";
    no_inbound: "Pancake chưa gửi gì.", "Nothing from Pancake yet.";
}

pub fn text(lang: Lang) -> &'static WebhookText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

impl WebhookText {
    pub fn status(&self, name: &str) -> &'static str {
        match name {
            "pending" => self.status_pending,
            "sending" => self.status_sending,
            "delivered" => self.status_delivered,
            "dead" => self.status_dead,
            _ => "?",
        }
    }

    pub fn outcome(&self, name: &str) -> &'static str {
        match name {
            "applied" => self.outcome_applied,
            "ignored" => self.outcome_ignored,
            "failed" => self.outcome_failed,
            _ => "?",
        }
    }
}
