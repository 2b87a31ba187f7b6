//! The words of the sign-in, account and administration pages, in Vietnamese
//! and English side by side, so a missing translation is a compile error.

use std::borrow::Borrow;

use super::{audit::Event, permissions::Role};
use crate::web::Lang;

/// Declares [`AuthText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the auth pages in one language.
        #[derive(Debug)]
        pub struct AuthText {
            $(pub $key: &'static str,)*
        }

        pub static VI: AuthText = AuthText { $($key: $vi,)* };
        pub static EN: AuthText = AuthText { $($key: $en,)* };
    };
}

texts! {
    // Signing in
    sign_in: "Đăng nhập", "Sign in";
    email: "Email", "Email";
    password: "Mật khẩu", "Password";
    wrong_credentials: "Sai email hoặc mật khẩu.", "Wrong email or password.";
    rate_limited: "Đăng nhập sai quá nhiều lần. Vui lòng đợi vài phút rồi thử lại.", "Too many failed sign-ins. Wait a few minutes and try again.";
    two_factor: "Xác thực hai bước", "Two-step verification";
    two_factor_hint: "Nhập mã 6 số trong ứng dụng xác thực của bạn.", "Enter the 6-digit code from your authenticator app.";
    code: "Mã xác thực", "Code";
    recovery_code: "Hoặc mã khôi phục", "Or a recovery code";
    recovery_hint: "Mỗi mã khôi phục chỉ dùng được một lần.", "Each recovery code works once.";
    verify: "Xác nhận", "Verify";
    code_wrong: "Mã không đúng hoặc đã được dùng.", "That code is not right, or was already used.";
    sign_out: "Đăng xuất", "Sign out";
    signed_in_as: "Đang đăng nhập với vai trò", "Signed in with the role";
    // Resetting a forgotten password
    reset_password: "Đặt lại mật khẩu", "Reset your password";
    reset_hint: "Chọn mật khẩu mới cho tài khoản của bạn.", "Choose a new password for your account.";
    set_password: "Đặt mật khẩu mới", "Set the new password";
    reset_invalid: "Liên kết đặt lại mật khẩu này không còn dùng được: nó đã được dùng, đã bị thay bằng liên kết mới hoặc đã hết hạn. Hãy xin quản lý một liên kết mới.", "This reset link no longer works: it was used, replaced by a newer link or has expired. Ask a manager for a new one.";
    reset_done: "Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới.", "Your new password is set. Sign in with it now.";
    // One's own account
    account: "Tài khoản của tôi", "My account";
    name: "Họ tên", "Name";
    role: "Vai trò", "Role";
    change_password: "Đổi mật khẩu", "Change password";
    current_password: "Mật khẩu hiện tại", "Current password";
    new_password: "Mật khẩu mới", "New password";
    password_length_hint: "Từ {min} đến {max} ký tự; nên dùng một câu dễ nhớ.", "{min} to {max} characters; a memorable sentence works well.";
    password_change_hint: "Sau khi đổi, tài khoản sẽ bị đăng xuất khỏi mọi thiết bị khác.", "Changing it signs this account out on every other device.";
    not_your_password: "không phải mật khẩu hiện tại của bạn", "is not your current password";
    two_factor_on: "Đang bật", "On";
    two_factor_off: "Đang tắt", "Off";
    two_factor_pitch: "Khi bật, đăng nhập cần thêm mã 6 số từ ứng dụng xác thực trên điện thoại, nên lộ mật khẩu thôi thì chưa đủ để vào tài khoản.", "When it is on, signing in also takes a 6-digit code from an authenticator app on your phone, so a leaked password alone does not open the account.";
    turn_on_two_factor: "Bật xác thực hai bước", "Turn on two-step verification";
    manage_two_factor: "Quản lý xác thực hai bước", "Manage two-step verification";
    scan_qr: "Quét mã QR này bằng ứng dụng xác thực (Google Authenticator, Microsoft Authenticator, 2FAS…).", "Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, 2FAS…).";
    qr_label: "Mã QR để thêm tài khoản vào ứng dụng xác thực", "QR code that adds the account to an authenticator app";
    manual_key: "Không quét được? Nhập khoá này vào ứng dụng", "Cannot scan it? Enter this key in the app instead";
    confirm_code_hint: "Sau đó nhập mã 6 số ứng dụng đang hiển thị để xác nhận.", "Then enter the 6-digit code the app shows to confirm.";
    turn_on: "Bật", "Turn on";
    enrol_again_hint: "Ứng dụng vẫn giữ khoá đã quét: chỉ cần nhập mã mới nhất. Nếu chưa quét được, hãy bắt đầu lại.", "The app keeps the key you scanned: just enter its newest code. If the scan did not work, start over.";
    start_over: "Bắt đầu lại với mã QR mới", "Start over with a new QR code";
    two_factor_is_on: "Xác thực hai bước đang bật cho tài khoản này.", "Two-step verification is on for this account.";
    recovery_left: "Số mã khôi phục còn dùng được", "Recovery codes left";
    recovery_renew_hint: "Để nhận bộ mã khôi phục mới, hãy tắt rồi bật lại xác thực hai bước.", "To get a new set of recovery codes, turn two-step verification off and on again.";
    turn_off: "Tắt xác thực hai bước", "Turn off two-step verification";
    turn_off_hint: "Nhập mật khẩu để xác nhận.", "Enter your password to confirm.";
    recovery_codes: "Mã khôi phục", "Recovery codes";
    recovery_codes_note: "Xác thực hai bước đã được bật. Hãy lưu các mã dưới đây ở nơi an toàn (in ra hoặc cất trong trình quản lý mật khẩu): khi không có điện thoại, mỗi mã giúp đăng nhập được một lần. Các mã chỉ hiện duy nhất lần này.", "Two-step verification is on. Store the codes below somewhere safe (print them or keep them in a password manager): when you do not have your phone, each one signs you in once. They are shown only this once.";
    back_to_account: "Về tài khoản của tôi", "Back to my account";
    // Managing accounts
    users: "Tài khoản nhân viên", "Users";
    new_user: "Thêm tài khoản", "New account";
    edit_user: "Sửa tài khoản", "Edit account";
    name_hint: "Để trống thì dùng phần trước @ của email.", "Leave it empty to use the part of the email before the @.";
    first_password_hint: "Từ {min} ký tự. Người dùng có thể tự đổi sau khi đăng nhập.", "At least {min} characters. The person can change it after signing in.";
    active: "Hoạt động", "Active";
    active_label: "Được phép đăng nhập", "May sign in (active)";
    yes: "Có", "Yes";
    disabled: "Đã khoá", "Disabled";
    created_at: "Ngày tạo", "Created";
    user_change_hint: "Đổi vai trò hoặc khoá tài khoản sẽ đăng xuất người đó khỏi mọi thiết bị.", "Changing the role or disabling the account signs the person out everywhere.";
    reset_link: "Tạo liên kết đặt lại mật khẩu", "Make a password reset link";
    reset_link_hint: "Dùng khi người này quên mật khẩu. Liên kết mới làm các liên kết cũ chưa dùng mất hiệu lực.", "For when the person forgot their password. A new link stops any earlier unused link from working.";
    reset_link_title: "Liên kết đặt lại mật khẩu", "Password reset link";
    reset_link_intro: "Đưa đường dẫn này cho {name}. Nó dùng được một lần, trong vòng {minutes} phút.", "Hand this link to {name}. It works once, within {minutes} minutes.";
    reset_link_where: "Ghép đường dẫn vào sau địa chỉ của ứng dụng, ví dụ https://pos.cuahang.vn/reset-password?token=…", "Put the path after the app's address, for example https://pos.example.com/reset-password?token=…";
    back_to_users: "Về danh sách nhân viên", "Back to users";
    role_admin: "Quản trị", "Admin";
    role_manager: "Quản lý", "Manager";
    role_staff: "Nhân viên", "Staff";
    role_cashier: "Thu ngân", "Cashier";
    // API tokens
    tokens: "Mã API", "API tokens";
    new_token: "Tạo mã API", "New API token";
    token_name: "Tên (dùng cho việc gì)", "Name (what it is for)";
    token_role_hint: "Mã có đúng các quyền của vai trò này.", "The token gets exactly the rights of this role.";
    token_created: "Đã tạo mã API. Hãy sao chép ngay: mã chỉ hiện duy nhất lần này.", "The token is created. Copy it now: it is shown only this once.";
    token_usage: "Gửi kèm mỗi yêu cầu trong header", "Send it with every request in the header";
    token_secret: "Mã bí mật của", "The secret of";
    last_used: "Dùng lần cuối", "Last used";
    never: "Chưa dùng", "Never";
    in_use: "Còn hiệu lực", "Active";
    revoked: "Đã thu hồi", "Revoked";
    revoke: "Thu hồi", "Revoke";
    no_tokens: "Chưa có mã API nào.", "No API tokens yet.";
    // Audit log
    audit: "Nhật ký bảo mật", "Audit log";
    event: "Sự kiện", "Event";
    actor: "Người thực hiện", "Done by";
    subject: "Tài khoản liên quan", "Account";
    ip: "Địa chỉ IP", "IP address";
    detail: "Chi tiết", "Detail";
    event_login_succeeded: "Đăng nhập thành công", "Signed in";
    event_login_failed: "Đăng nhập thất bại", "Failed sign-in";
    event_login_rate_limited: "Chặn đăng nhập do sai nhiều lần", "Sign-in blocked after failures";
    event_logout: "Đăng xuất", "Signed out";
    event_password_changed: "Đổi mật khẩu", "Password changed";
    event_password_reset_issued: "Tạo liên kết đặt lại mật khẩu", "Reset link made";
    event_password_reset: "Đặt lại mật khẩu", "Password reset";
    event_role_changed: "Đổi vai trò", "Role changed";
    event_user_created: "Tạo tài khoản", "Account created";
    event_user_disabled: "Khoá tài khoản", "Account disabled";
    event_user_enabled: "Mở lại tài khoản", "Account enabled";
    event_two_factor_enabled: "Bật xác thực hai bước", "Two-step verification on";
    event_two_factor_disabled: "Tắt xác thực hai bước", "Two-step verification off";
    event_recovery_code_used: "Dùng mã khôi phục", "Recovery code used";
    event_token_created: "Tạo mã API", "API token created";
    event_token_revoked: "Thu hồi mã API", "API token revoked";
}

impl AuthText {
    /// A role's name for people; the code (`CASHIER`) stays in the API.
    /// Takes a reference too, as templates pass one.
    pub fn role_name(&self, role: impl Borrow<Role>) -> &'static str {
        match role.borrow() {
            Role::Admin => self.role_admin,
            Role::Manager => self.role_manager,
            Role::Staff => self.role_staff,
            Role::Cashier => self.role_cashier,
        }
    }

    /// An audit event's name for people.
    pub fn event_name(&self, event: Event) -> &'static str {
        match event {
            Event::LoginSucceeded => self.event_login_succeeded,
            Event::LoginFailed => self.event_login_failed,
            Event::LoginRateLimited => self.event_login_rate_limited,
            Event::Logout => self.event_logout,
            Event::PasswordChanged => self.event_password_changed,
            Event::PasswordResetIssued => self.event_password_reset_issued,
            Event::PasswordReset => self.event_password_reset,
            Event::RoleChanged => self.event_role_changed,
            Event::UserCreated => self.event_user_created,
            Event::UserDisabled => self.event_user_disabled,
            Event::UserEnabled => self.event_user_enabled,
            Event::TwoFactorEnabled => self.event_two_factor_enabled,
            Event::TwoFactorDisabled => self.event_two_factor_disabled,
            Event::RecoveryCodeUsed => self.event_recovery_code_used,
            Event::TokenCreated => self.event_token_created,
            Event::TokenRevoked => self.event_token_revoked,
        }
    }

    /// `text` with each `{name}` replaced by its value.
    pub fn fill(text: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        values.iter().fold(text.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), &value.to_string())
        })
    }
}

pub fn text(lang: Lang) -> &'static AuthText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
