//! The words of the cash shift pages, in Vietnamese and English side by
//! side, so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`ShiftText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the shift pages in one language.
        #[derive(Debug)]
        pub struct ShiftText {
            $(pub $key: &'static str,)*
        }

        pub static VI: ShiftText = ShiftText { $($key: $vi,)* };
        pub static EN: ShiftText = ShiftText { $($key: $en,)* };
    };
}

texts! {
    shifts: "Ca thu ngân", "Cash shifts";
    shift: "Ca", "Shift";
    current_shift: "Ca đang mở", "Current shift";
    no_open_shift: "Chưa có ca nào đang mở. Hãy đếm tiền lẻ đầu ca trong két rồi mở ca.", "No shift is open. Count the float in the drawer, then open a shift.";
    open_shift: "Mở ca", "Open the shift";
    already_open: "Đã có một ca khác đang mở.", "Another shift is already open.";
    opening_float: "Tiền đầu ca", "Opening float";
    note: "Ghi chú", "Note";
    opened_at: "Mở lúc", "Opened";
    opened_by: "Người mở ca", "Opened by";
    counted_by: "Người đếm", "Counted by";
    closed_at: "Đóng lúc", "Closed";
    closed_by: "Người đóng ca", "Closed by";
    approved_by: "Người duyệt", "Approved by";
    cash_taken: "Tiền mặt khách đưa", "Cash taken";
    change_given: "Tiền thối lại", "Change given";
    cash_refunds: "Hoàn tiền mặt", "Cash refunds";
    cash_in: "Nộp vào két", "Cash in";
    cash_out: "Rút khỏi két", "Cash out";
    expected: "Tiền mặt phải có", "Expected cash";
    counted: "Tiền mặt đếm được", "Counted cash";
    difference: "Chênh lệch", "Difference";
    live_hint: "Ca chưa đóng: số liệu tính đến lúc này.", "The shift is still open: these are the figures so far.";
    by_method: "Theo hình thức thanh toán", "By payment method";
    taken: "Đã thu", "Taken";
    refunded: "Đã hoàn", "Refunded";
    nothing_taken: "Chưa có khoản thu nào.", "Nothing taken yet.";
    movements: "Nộp vào và rút ra", "Cash in and out";
    no_movements: "Chưa nộp hay rút tiền lần nào.", "No cash put in or taken out.";
    kind_in: "Nộp vào", "In";
    kind_out: "Rút ra", "Out";
    movement_hint: "Ví dụ: tiền lẻ đổi từ ngân hàng, trả nhà cung cấp bằng tiền trong két.", "For example: change fetched from the bank, a supplier paid from the till.";
    record: "Ghi nhận", "Record";
    not_recorded: "Chưa ghi nhận: ca đã đóng, hoặc số tiền rút nhiều hơn tiền mặt phải có trong két.", "Not recorded: the shift is closed, or that is more than the cash the drawer should hold.";
    close_shift: "Đóng ca", "Close the shift";
    close_hint: "Đếm toàn bộ tiền mặt trong két và nhập số tiền đếm được.", "Count all the cash in the drawer and enter the total.";
    approval_needed: "Số tiền đếm được lệch {difference} so với số phải có, quá mức cho phép {limit}. Quản lý cần duyệt hoặc đếm lại để đóng ca.", "The count is {difference} off the expected cash, more than the {limit} allowed. A manager must approve it, or recount, to close the shift.";
    recount: "Đếm lại (nếu cần)", "Recount (if needed)";
    approve: "Duyệt và đóng ca", "Approve and close";
    approve_hint: "Chỉ quản lý hoặc quản trị viên được duyệt.", "Only a manager or an administrator can approve.";
    status_open: "Đang mở", "Open";
    status_awaiting: "Chờ duyệt", "Awaiting approval";
    status_closed: "Đã đóng", "Closed";
    recent_shifts: "Các ca gần đây", "Recent shifts";
    no_shifts: "Chưa có ca nào.", "No shifts yet.";
    z_report: "Báo cáo cuối ca", "Z-report";
    view_report: "Xem báo cáo", "View the report";
    back_to_shifts: "Về trang ca thu ngân", "Back to cash shifts";
}

pub fn text(lang: Lang) -> &'static ShiftText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
