//! Every piece of page text, in Vietnamese and English side by side, so a
//! missing translation is a compile error rather than a blank on screen.

/// Declares [`Text`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the pages in one language.
        #[derive(Debug)]
        pub struct Text {
            $(pub $key: &'static str,)*
        }

        pub static VI: Text = Text { $($key: $vi,)* };
        pub static EN: Text = Text { $($key: $en,)* };
    };
}

texts! {
    // Frame and shared words
    skip_to_content: "Chuyển đến nội dung chính", "Skip to main content";
    language: "Ngôn ngữ", "Language";
    main_menu: "Menu chính", "Main menu";
    error_title: "Không thực hiện được", "Something went wrong";
    not_found: "Không tìm thấy trang hoặc dữ liệu bạn cần.", "The page or record you asked for does not exist.";
    server_error: "Có lỗi phía máy chủ. Vui lòng thử lại.", "Something went wrong on our side. Please try again.";
    back_home: "Về trang bán hàng", "Back to the till";
    actions: "Thao tác", "Actions";
    all: "Tất cả", "All";
    amount: "Số tiền", "Amount";
    cancel: "Huỷ", "Cancel";
    save: "Lưu", "Save";
    saved: "Đã lưu.", "Saved.";
    search: "Tìm", "Search";
    filter: "Lọc", "Filter";
    edit: "Sửa", "Edit";
    remove: "Xoá", "Remove";
    name: "Tên", "Name";
    date: "Thời gian", "Date";
    status: "Trạng thái", "Status";
    no_results: "Không có kết quả.", "Nothing found.";
    fix_errors: "Vui lòng sửa các ô được đánh dấu.", "Please correct the marked fields.";
    not_a_number: "phải là số nguyên", "must be a whole number";
    not_a_percent: "phải là phần trăm, ví dụ 10 hoặc 8,5", "must be a percentage such as 10 or 8.5";
    // Field problems found by the services; `{…}` marks a value filled in.
    required: "không được để trống", "is required";
    too_long: "tối đa {max} ký tự", "must be at most {max} characters";
    not_negative: "không được âm", "must not be negative";
    positive: "phải lớn hơn 0", "must be greater than zero";
    not_zero: "phải khác 0", "must not be zero";
    at_least: "phải từ {min} trở lên", "must be at least {min}";
    at_most: "không được vượt quá {max}", "must be at most {max}";
    between: "phải từ {min} đến {max}", "must be between {min} and {max}";
    length_between: "phải dài từ {min} đến {max} ký tự", "must be {min} to {max} characters";
    true_or_false: "phải là true hoặc false", "must be true or false";
    has_spaces: "không được chứa dấu cách", "must not contain spaces";
    phone_number: "phải là số điện thoại từ 8 đến 15 chữ số", "must be a phone number of 8 to 15 digits";
    email_address: "phải là địa chỉ email", "must be an email address";
    visible_ascii: "chỉ được gồm ký tự ASCII nhìn thấy được", "must be visible ASCII text";
    blank_attributes: "tên và giá trị thuộc tính không được để trống", "names and values must not be blank";
    default_variant_inactive: "biến thể mặc định chỉ ngừng bán cùng sản phẩm", "the default variant is deactivated with its product";
    category_cycle: "không thể đặt nhóm hàng vào chính nó hoặc nhóm con của nó", "a category cannot be placed under itself or its own subcategory";
    no_such_product: "không có sản phẩm này", "no such product";
    no_such_variant: "sản phẩm không có biến thể này", "no such variant of this product";
    no_such_customer: "không có khách hàng này", "no such customer";
    no_such_category: "không có nhóm hàng này", "no such category";
    no_such_warehouse: "không có kho này", "no such warehouse";
    not_for_sale: "đã ngừng bán", "is not for sale";
    no_items: "phải có ít nhất một mặt hàng", "must list at least one item";
    too_many_items: "tối đa {max} mặt hàng", "must list at most {max} items";
    line_discount_too_large: "không được vượt quá đơn giá × số lượng", "must not exceed the line's price × quantity";
    order_discount_too_large: "không được vượt quá giá trị đơn hàng", "must not exceed the order's amount";
    amounts_too_large: "số tiền của đơn hàng quá lớn", "the order's amounts are too large";
    cash_only: "hiện chỉ nhận tiền mặt (\"cash\")", "only \"cash\" is accepted for now";
    order_status: "phải là pending, paid, completed hoặc cancelled", "must be pending, paid, completed or cancelled";
    missing_columns: "thiếu cột: {columns}", "missing column(s): {columns}";
    sku_taken: "Mã SKU {code} đã được dùng cho sản phẩm {id}.", "SKU {code} is already used by product {id}.";
    barcode_taken: "Mã vạch {code} đã được dùng cho sản phẩm {id}.", "Barcode {code} is already used by product {id}.";
    sku_of_variant: "Mã SKU {code} thuộc một biến thể của sản phẩm {id}, không phải của sản phẩm.", "SKU {code} belongs to a variant of product {id}, not to a product.";
    phone_taken: "Số điện thoại {phone} đã thuộc về khách hàng {id}.", "Phone {phone} already belongs to customer {id}.";
    phone_in_use: "Số điện thoại này đã thuộc về khách hàng khác.", "This phone number already belongs to another customer.";
    pages: "Phân trang", "Pages";
    page: "Trang", "Page";
    previous: "Trước", "Previous";
    next: "Sau", "Next";
    // Selling
    pos_title: "Bán hàng", "Point of sale";
    pos_search_label: "Tìm hoặc quét mã sản phẩm", "Search or scan a product";
    pos_search_placeholder: "Tên, SKU hoặc mã vạch", "Name, SKU or barcode";
    pos_search_help: "Quét mã vạch hoặc gõ mã rồi nhấn Enter để thêm ngay; dùng ↑ ↓ để chọn kết quả.", "Scan a barcode or type a code and press Enter to add it; use ↑ ↓ to pick a result.";
    pos_results: "Kết quả tìm kiếm", "Search results";
    pos_cart: "Giỏ hàng", "Cart";
    pos_cart_empty: "Giỏ hàng trống. Quét hoặc tìm sản phẩm để bắt đầu.", "The cart is empty. Scan or search a product to start.";
    pos_added: "Đã thêm", "Added";
    pos_no_match: "Không tìm thấy", "No product matches";
    pos_choose_variant: "Chọn biến thể", "Choose a variant";
    pos_not_for_sale: "Đã ngừng bán", "No longer for sale";
    pos_short_stock: "Không đủ hàng trong kho:", "Not enough stock:";
    pos_requested: "cần", "wanted";
    pos_available: "còn", "available";
    pos_failed: "Không kết nối được máy chủ. Thử lại.", "Could not reach the server. Try again.";
    pos_payment: "Thanh toán", "Payment";
    pos_customer_phone: "SĐT khách hàng (không bắt buộc)", "Customer phone (optional)";
    pos_find: "Tìm khách", "Find";
    pos_customer_none: "Không có khách hàng với số này.", "No customer has this number.";
    pos_customer_choose: "Chọn đúng khách hàng:", "Choose the customer:";
    pos_customer_matches: "Khách hàng có số gần giống", "Customers with a similar number";
    pos_order_discount: "Giảm giá đơn (₫)", "Order discount (₫)";
    pos_estimate: "Tạm tính", "Estimate";
    pos_remaining: "Còn phải trả", "Still due";
    pos_tendered: "Tiền khách đưa", "Cash tendered";
    pos_quick_cash: "Chọn nhanh số tiền", "Quick amounts";
    pos_exact: "Đủ tiền", "Exact";
    pos_tender_short: "Khách đưa chưa đủ.", "Not enough cash yet.";
    pos_complete: "Hoàn tất", "Complete";
    pos_new_sale: "Đơn mới", "New sale";
    pos_confirm_clear: "Bỏ giỏ hàng hiện tại?", "Discard the current cart?";
    pos_decrease: "Bớt một", "One fewer";
    pos_increase: "Thêm một", "One more";
    pos_shortcuts: "Phím tắt", "Keyboard shortcuts";
    pos_key_search: "tìm / quét", "search / scan";
    pos_key_pick: "chọn kết quả hoặc biến thể", "pick a result or a variant";
    pos_key_tender: "nhập tiền khách đưa", "cash tendered";
    pos_key_complete: "hoàn tất đơn", "complete the sale";
    pos_key_clear: "đơn mới", "new sale";
    // Orders and receipts
    orders: "Đơn hàng", "Orders";
    order: "Đơn hàng", "Order";
    order_number: "Số HĐ", "Order no.";
    receipt: "Hoá đơn bán lẻ", "Sales receipt";
    product: "Sản phẩm", "Product";
    quantity: "Số lượng", "Quantity";
    unit_price: "Đơn giá", "Unit price";
    line_total: "Thành tiền", "Amount";
    lines: "Hàng đã bán", "Items";
    subtotal: "Tổng tiền hàng", "Subtotal";
    discount: "Giảm giá", "Discount";
    tax: "Thuế GTGT", "VAT";
    tax_included: "Đã gồm thuế GTGT", "incl. VAT";
    total: "Tổng cộng", "Total";
    paid: "Đã trả", "Paid";
    paid_cash: "Tiền mặt", "Cash";
    tendered_total: "Khách đưa", "Tendered";
    change: "Tiền thừa trả khách", "Change";
    thank_you: "Cảm ơn quý khách. Hẹn gặp lại!", "Thank you for shopping with us!";
    print: "In hoá đơn", "Print";
    print_receipt: "In hoá đơn", "Print receipt";
    back_to_pos: "Về bán hàng", "Back to the till";
    payments: "Thanh toán", "Payments";
    no_payments: "Chưa thanh toán.", "No payments yet.";
    method: "Hình thức", "Method";
    customer: "Khách hàng", "Customer";
    status_pending: "Chờ thanh toán", "Pending";
    status_paid: "Đã thanh toán", "Paid";
    status_completed: "Hoàn tất", "Completed";
    status_cancelled: "Đã huỷ", "Cancelled";
    cancel_order: "Huỷ đơn", "Cancel order";
    confirm_cancel: "Huỷ đơn này và trả hàng về kho?", "Cancel this order and put its stock back?";
    cancel_refund_hint: "Đơn đã thu tiền: sau khi huỷ, hãy trả lại tiền cho khách.", "This order was paid: hand the money back after cancelling.";
    // Products
    products: "Sản phẩm", "Products";
    search_products: "Tìm sản phẩm", "Search products";
    new_product: "Thêm sản phẩm", "New product";
    edit_product: "Sửa sản phẩm", "Edit product";
    sku: "Mã SKU", "SKU";
    barcode: "Mã vạch", "Barcode";
    price: "Giá bán", "Price";
    price_vnd: "Giá bán (₫)", "Price (₫)";
    cost_price_vnd: "Giá vốn (₫)", "Cost price (₫)";
    tax_rate_percent: "Thuế GTGT (%)", "VAT rate (%)";
    low_stock_threshold: "Ngưỡng sắp hết hàng", "Low-stock threshold";
    description: "Mô tả", "Description";
    category: "Nhóm hàng", "Category";
    no_category: "(Không có nhóm)", "(No category)";
    active_for_sale: "Đang bán", "Active (for sale)";
    inactive: "Ngừng bán", "Inactive";
    stock: "Tồn", "Stock";
    import: "Nhập", "Import";
    import_csv: "Nhập CSV", "Import CSV";
    export_csv: "Xuất CSV", "Export CSV";
    import_help: "Cột: sku,name,price,barcode,costPrice,taxRate,category,description,active,lowStockThreshold,stock. Chỉ sku, name, price là bắt buộc; sản phẩm trùng SKU sẽ được cập nhật.", "Columns: sku,name,price,barcode,costPrice,taxRate,category,description,active,lowStockThreshold,stock. Only sku, name and price are required; an existing SKU is updated.";
    import_report: "Kết quả nhập", "Import report";
    created: "Tạo mới", "Created";
    updated: "Cập nhật", "Updated";
    errors: "Lỗi", "Errors";
    row: "Dòng", "Row";
    field: "Cột", "Field";
    problem: "Vấn đề", "Problem";
    csv_file: "Chọn tệp CSV", "Choose a CSV file";
    csv_text: "Nội dung CSV", "CSV text";
    variants: "Biến thể", "Variants";
    add_variant: "Thêm biến thể", "Add variant";
    attributes: "Thuộc tính", "Attributes";
    default_variant: "mặc định", "default";
    // Inventory
    inventory: "Tồn kho", "Inventory";
    warehouse: "Kho", "Warehouse";
    on_hand: "Tồn kho", "On hand";
    low_stock: "Sắp hết", "Low";
    low_stock_hint: "Dòng tô màu là hàng đã chạm ngưỡng sắp hết.", "Highlighted rows are at or below their low-stock threshold.";
    movements: "Lịch sử nhập xuất", "Stock movements";
    movements_and_adjust: "Lịch sử / điều chỉnh", "Movements / adjust";
    adjust_stock: "Điều chỉnh tồn kho", "Adjust stock";
    adjust_quantity: "Số lượng (+ thêm, − bớt)", "Quantity (+ add, − remove)";
    adjust_help: "Ví dụ: −2 cho hàng hỏng, 5 cho hàng kiểm kê thừa. Lý do là bắt buộc.", "For example −2 for damaged goods, 5 for a stock-take surplus. A reason is required.";
    adjust_short: "Không thể bớt nhiều hơn số đang tồn.", "Cannot remove more than is on hand.";
    reason: "Lý do", "Reason";
    kind: "Loại", "Kind";
    kind_sale: "Bán hàng", "Sale";
    kind_cancel_restock: "Huỷ đơn, trả kho", "Cancelled order";
    kind_receipt: "Nhập hàng", "Delivery";
    kind_adjustment: "Điều chỉnh", "Adjustment";
    // Customers
    customers: "Khách hàng", "Customers";
    search_customers: "Tìm theo tên hoặc SĐT", "Search by name or phone";
    new_customer: "Thêm khách hàng", "New customer";
    edit_customer: "Sửa khách hàng", "Edit customer";
    notes: "Ghi chú", "Notes";
    phone: "Số điện thoại", "Phone";
    email: "Email", "Email";
    address: "Địa chỉ", "Address";
    points: "Điểm", "Points";
    purchase_history: "Lịch sử mua hàng", "Purchase history";
    no_orders: "Chưa có đơn hàng.", "No orders yet.";
}
