//! The words of the notification pages, in Vietnamese and English side by
//! side, so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`NotificationText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the notification pages in one language.
        #[derive(Debug)]
        pub struct NotificationText {
            $(pub $key: &'static str,)*
        }

        pub static VI: NotificationText = NotificationText { $($key: $vi,)* };
        pub static EN: NotificationText = NotificationText { $($key: $en,)* };
    };
}

texts! {
    notifications: "Thông báo", "Notifications";
    unread: "chưa đọc", "unread";
    mark_all_read: "Đánh dấu đã đọc tất cả", "Mark all as read";
    no_notifications: "Chưa có thông báo nào.", "No notifications yet.";
    open_link: "Xem", "Open";
    preferences: "Cài đặt thông báo", "Notification settings";
    preferences_hint: "Chọn sự kiện bạn muốn nhận và nhận qua kênh nào. Mục không đổi được là thông báo bắt buộc.", "Choose which events you hear about and how. Boxes you cannot change are required notifications.";
    event: "Sự kiện", "Event";
    language: "Ngôn ngữ của tin nhắn", "Language of messages";
    phone: "Số điện thoại nhận SMS", "Phone number for SMS";
    phone_hint: "Ví dụ 0901 234 567; để trống nếu không nhận SMS.", "For example 0901 234 567; leave empty for no SMS.";
    save: "Lưu", "Save";
    saved: "Đã lưu cài đặt.", "Settings saved.";
    channel_in_app: "Trong ứng dụng", "In the app";
    channel_email: "Email", "Email";
    channel_sms: "SMS", "SMS";
    channel_push: "Thông báo đẩy", "Push";
    forgot_title: "Quên mật khẩu", "Forgot your password";
    forgot_hint: "Nhập email của tài khoản; chúng tôi sẽ gửi đường dẫn để đặt mật khẩu mới.", "Enter your account's email address and we will send you a link to choose a new password.";
    send_link: "Gửi đường dẫn", "Send me a link";
    forgot_sent: "Nếu có tài khoản dùng địa chỉ này, đường dẫn đặt lại mật khẩu đang được gửi tới. Đường dẫn dùng được trong 60 phút.", "If an account uses this address, a link to choose a new password is on its way. It works for 60 minutes.";
    back_to_sign_in: "Quay lại đăng nhập", "Back to sign in";
    deliveries: "Gửi thông báo", "Deliveries";
    deliveries_hint: "Mỗi thông báo được gửi riêng cho từng người trên từng kênh. Lần gửi lỗi được thử lại, thưa dần; sau lần cuối thì dừng (hỏng) và có thể gửi lại bằng tay.", "Each notification is delivered to each person on each channel. Failed tries are repeated, less and less often; after the last one a delivery is dead and can be sent again by hand.";
    status: "Trạng thái", "Status";
    recipient: "Người nhận", "Recipient";
    channel: "Kênh", "Channel";
    attempts: "Số lần thử", "Tries";
    last_error: "Lỗi gần nhất", "Last error";
    created: "Tạo lúc", "Created";
    retry: "Gửi lại", "Send again";
    no_deliveries: "Không có lần gửi nào.", "No deliveries.";
    status_queued: "chờ gửi", "queued";
    status_sending: "đang gửi", "sending";
    status_sent: "đã gửi", "sent";
    status_failed: "lỗi, sẽ thử lại", "failed, will retry";
    status_dead: "hỏng", "dead";
}

pub fn text(lang: Lang) -> &'static NotificationText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

impl NotificationText {
    pub fn channel(&self, name: &str) -> &'static str {
        match name {
            "in_app" => self.channel_in_app,
            "email" => self.channel_email,
            "sms" => self.channel_sms,
            "push" => self.channel_push,
            _ => "?",
        }
    }

    pub fn status(&self, name: &str) -> &'static str {
        match name {
            "queued" => self.status_queued,
            "sending" => self.status_sending,
            "sent" => self.status_sent,
            "failed" => self.status_failed,
            "dead" => self.status_dead,
            _ => "?",
        }
    }
}
