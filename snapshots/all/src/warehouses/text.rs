//! The words of the warehouse and transfer pages, in Vietnamese and English
//! side by side, so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`WarehouseText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the warehouse pages in one language.
        #[derive(Debug)]
        pub struct WarehouseText {
            $(pub $key: &'static str,)*
        }

        pub static VI: WarehouseText = WarehouseText { $($key: $vi,)* };
        pub static EN: WarehouseText = WarehouseText { $($key: $en,)* };
    };
}

texts! {
    warehouses: "Kho hàng", "Warehouses";
    warehouses_hint: "Mỗi kho giữ hàng riêng. Quầy bán từ kho được chọn trên màn hình bán hàng; kho mặc định dùng khi không chọn kho nào.", "Each warehouse holds its own stock. The till sells from the warehouse chosen on the POS screen; the default one is used when none is chosen.";
    new_warehouse: "Thêm kho", "New warehouse";
    edit_warehouse: "Sửa kho", "Edit warehouse";
    code: "Mã kho", "Code";
    code_hint: "Chữ, số, - và _; ví dụ KHO-2.", "Letters, digits, - and _; for example KHO-2.";
    phone: "Điện thoại", "Phone";
    default_warehouse: "Mặc định", "Default";
    make_default: "Đặt làm kho mặc định", "Make default";
    open: "Đang dùng", "Open";
    closed: "Đã đóng", "Closed";
    open_hint: "Kho đã đóng giữ lịch sử nhưng không nhận hàng. Chỉ đóng được kho không còn hàng.", "A closed warehouse keeps its history but takes no stock. Only an empty warehouse can be closed.";
    pancake_warehouse: "Kho Pancake", "Pancake warehouse";
    pancake_hint: "Mã (UUID) của kho tương ứng trên Pancake POS, nếu có.", "The id (UUID) of the matching Pancake POS warehouse, if any.";
    stocked_items: "Mặt hàng còn", "Items in stock";
    units: "Tổng số lượng", "Units";
    stock_here: "Hàng trong kho", "Stock here";
    transfers: "Chuyển kho", "Transfers";
    transfers_hint: "Chuyển kho trừ hàng ở kho đi và cộng vào kho đến cùng một lúc; thiếu hàng ở dòng nào thì không chuyển gì cả.", "A transfer takes stock out of one warehouse and into the other at once; if any line lacks stock, nothing moves.";
    new_transfer: "Tạo phiếu chuyển kho", "New transfer";
    transfer: "Phiếu chuyển kho", "Transfer";
    from: "Từ kho", "From";
    to: "Đến kho", "To";
    lines: "Hàng chuyển", "Items";
    lines_hint: "Mỗi dòng một mặt hàng: mã SKU hoặc mã vạch, rồi số lượng (mặc định 1). Quét mã vạch liên tiếp cũng được.", "One item per line: the SKU or barcode, then the quantity (1 if left out). Scanning barcodes one after another works too.";
    line_error: "Dòng {line}: {problem}", "Line {line}: {problem}";
    bad_quantity: "số lượng phải là số nguyên dương", "the quantity must be a positive whole number";
    note: "Ghi chú", "Note";
    by: "Người chuyển", "By";
    when: "Thời gian", "When";
    move_stock: "Chuyển hàng", "Move stock";
    no_warehouses: "Chưa có kho nào.", "No warehouses yet.";
    no_transfers: "Chưa có phiếu chuyển kho nào.", "No transfers yet.";
    short: "Không đủ hàng ở kho đi:", "Not enough stock in the warehouse it leaves:";
    short_line: "{sku}: cần {requested}, còn {available}", "{sku}: {requested} wanted, {available} on hand";
}

pub fn text(lang: Lang) -> &'static WarehouseText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
