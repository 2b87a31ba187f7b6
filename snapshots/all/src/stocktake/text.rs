//! The words of the stock count pages, in Vietnamese and English side by
//! side, so a missing translation is a compile error.

use crate::web::Lang;

/// Declares [`StocktakeText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the stock count pages in one language.
        #[derive(Debug)]
        pub struct StocktakeText {
            $(pub $key: &'static str,)*
        }

        pub static VI: StocktakeText = StocktakeText { $($key: $vi,)* };
        pub static EN: StocktakeText = StocktakeText { $($key: $en,)* };
    };
}

texts! {
    stocktakes: "Kiểm kho", "Stock counts";
    stocktakes_hint: "Đếm hàng trong kho trong khi quầy vẫn bán. Mỗi dòng ghi lại tồn kho lúc đếm; khi duyệt, chỉ phần chênh lệch được điều chỉnh, nên hàng bán sau khi đếm không bị trừ hai lần.", "Count a warehouse while the till keeps selling. Each line records the stock on hand when it was counted; applying adjusts only the difference, so an item sold after it was counted is not taken off twice.";
    new_stocktake: "Bắt đầu kiểm kho", "Start a stock count";
    stocktake: "Phiếu kiểm kho", "Stock count";
    warehouse: "Kho", "Warehouse";
    category: "Danh mục", "Category";
    all_categories: "Tất cả sản phẩm", "All products";
    category_hint: "Chỉ đếm sản phẩm thuộc danh mục này và các danh mục con.", "Count only products in this category and the ones under it.";
    note: "Ghi chú", "Note";
    start: "Bắt đầu đếm", "Start counting";
    status_counting: "Đang đếm", "Counting";
    status_submitted: "Chờ duyệt", "Awaiting approval";
    status_applied: "Đã áp dụng", "Applied";
    status_cancelled: "Đã huỷ", "Cancelled";
    started: "Bắt đầu", "Started";
    submitted: "Nộp", "Submitted";
    applied: "Duyệt", "Approved";
    cancelled: "Huỷ", "Cancelled";
    by: "bởi", "by";
    counted_items: "Mặt hàng đã đếm", "Items counted";
    scan: "Quét mã", "Scan";
    scan_hint: "Quét mã vạch hoặc gõ SKU rồi nhấn Enter: mỗi lần quét cộng 1.", "Scan a barcode or type a SKU and press Enter: each scan adds 1.";
    code: "SKU hoặc mã vạch", "SKU or barcode";
    by_hand: "Nhập số đếm", "Enter a count";
    by_hand_hint: "Số lượng đếm được thay cho số đã ghi của mặt hàng.", "The quantity counted replaces what was recorded for the item.";
    add: "Cộng", "Add";
    set: "Ghi số", "Set";
    counted_now: "Đã ghi {sku}: đếm được {counted}.", "Recorded {sku}: {counted} counted.";
    not_counted: "Không ghi được «{code}»:", "Could not record “{code}”:";
    expected: "Tồn sổ sách", "On the books";
    counted: "Đếm được", "Counted";
    variance: "Chênh lệch", "Variance";
    no_lines: "Chưa đếm mặt hàng nào.", "Nothing counted yet.";
    uncounted: "Chưa đếm", "Not counted";
    uncounted_hint: "Những mặt hàng này không được đếm; khi áp dụng, tồn kho của chúng giữ nguyên.", "These items were not counted; applying leaves their stock unchanged.";
    uncounted_more: "và {count} mặt hàng khác chưa đếm.", "and {count} more not counted.";
    on_hand: "Tồn hiện tại", "On hand now";
    submit: "Nộp để duyệt", "Submit for approval";
    apply: "Duyệt và điều chỉnh tồn kho", "Approve and adjust stock";
    apply_hint: "Mỗi dòng có chênh lệch thành một phiếu điều chỉnh tồn kho. Chỉ quản lý mới duyệt được.", "Each line with a variance becomes a stock adjustment. Only a manager can approve.";
    cancel_count: "Huỷ phiếu kiểm", "Cancel the count";
    no_stocktakes: "Chưa có phiếu kiểm kho nào.", "No stock counts yet.";
    pancake: "Phiếu kiểm Pancake", "Pancake stocktaking";
}

pub fn text(lang: Lang) -> &'static StocktakeText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
