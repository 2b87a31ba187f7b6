//! The words of the reports, in Vietnamese and English side by side, so a
//! missing translation is a compile error. The JSON API and files downloaded
//! through it use English column names.

use crate::web::Lang;

/// Declares [`ReportText`] and one constant per language from rows of
/// `key: "tiếng Việt", "English";`.
macro_rules! texts {
    ($($key:ident: $vi:literal, $en:literal;)*) => {
        /// The words of the report pages in one language.
        #[derive(Debug)]
        pub struct ReportText {
            $(pub $key: &'static str,)*
        }

        pub static VI: ReportText = ReportText { $($key: $vi,)* };
        pub static EN: ReportText = ReportText { $($key: $en,)* };
    };
}

texts! {
    reports: "Báo cáo", "Reports";
    today: "Hôm nay", "Today";
    live_hint: "Tự cập nhật mỗi 30 giây.", "Updates itself every 30 seconds.";
    average_ticket: "Giá trị trung bình đơn", "Average ticket";
    revenue_by_hour: "Doanh thu theo giờ", "Revenue by hour";
    from: "Từ ngày", "From";
    to: "Đến ngày", "To";
    grain: "Theo", "By";
    by_day: "Ngày", "Day";
    by_week: "Tuần", "Week";
    by_month: "Tháng", "Month";
    sort_by: "Xếp theo", "Sort by";
    days: "Số ngày", "Days";
    show: "Xem", "Show";
    download_csv: "Tải CSV", "Download CSV";
    download_xlsx: "Tải Excel", "Download Excel";
    previous_period: "Kỳ trước", "Previous period";
    change: "Thay đổi", "Change";
    total: "Tổng", "Total";
    no_data: "Không có dữ liệu trong khoảng này.", "Nothing in this range.";
    // Report names
    sales: "Doanh thu", "Revenue";
    products: "Sản phẩm bán chạy", "Top products";
    slow_products: "Sản phẩm bán chậm", "Slow products";
    payment_methods: "Theo phương thức thanh toán", "By payment method";
    staff: "Theo nhân viên", "By staff member";
    valuation: "Giá trị tồn kho", "Inventory valuation";
    low_stock: "Sắp hết hàng", "Low stock";
    dead_stock: "Hàng tồn lâu", "Dead stock";
    customers: "Khách mới và khách quay lại", "New and returning customers";
    top_customers: "Khách hàng mua nhiều", "Top customers";
    rfm: "Phân nhóm khách hàng (RFM)", "Customer segments (RFM)";
    // Columns
    period: "Kỳ", "Period";
    orders: "Số đơn", "Orders";
    gross: "Tiền hàng", "Gross sales";
    discounts: "Giảm giá", "Discounts";
    tax: "Thuế", "Tax";
    refunds: "Hoàn tiền", "Refunds";
    net: "Doanh thu thuần", "Net revenue";
    sku: "Mã SKU", "SKU";
    product: "Sản phẩm", "Product";
    quantity: "Số lượng", "Quantity";
    revenue: "Doanh thu", "Revenue";
    cost: "Giá vốn", "Cost";
    margin: "Lãi gộp", "Margin";
    margin_rate: "Tỷ suất lãi", "Margin %";
    on_hand: "Tồn kho", "On hand";
    method: "Phương thức", "Method";
    payments: "Lượt thanh toán", "Payments";
    amount: "Số tiền", "Amount";
    staff_member: "Nhân viên", "Staff member";
    warehouse: "Kho", "Warehouse";
    units: "Số lượng tồn", "Units";
    value_at_cost: "Giá trị theo giá vốn", "Value at cost";
    value_at_price: "Giá trị theo giá bán", "Value at price";
    threshold: "Ngưỡng", "Threshold";
    sold_recently: "Đã bán gần đây", "Sold recently";
    suggested_order: "Nên nhập thêm", "Suggested order";
    last_sold: "Bán lần cuối", "Last sold";
    never: "Chưa bán", "Never";
    customer_count: "Số khách", "Customers";
    new_customers: "Khách mới", "New";
    returning_customers: "Khách quay lại", "Returning";
    new_sales: "Doanh thu khách mới", "Sales to new";
    returning_sales: "Doanh thu khách quay lại", "Sales to returning";
    customer: "Khách hàng", "Customer";
    phone: "Điện thoại", "Phone";
    last_purchase: "Mua lần cuối", "Last purchase";
    segment: "Nhóm", "Segment";
    recency: "Số ngày từ lần mua cuối", "Days since last purchase";
    frequency: "Số đơn", "Orders";
    monetary: "Tổng chi tiêu", "Spent";
    share: "Tỷ trọng", "Share";
    // RFM segments
    champions: "Khách VIP", "Champions";
    loyal: "Khách trung thành", "Loyal";
    promising: "Khách tiềm năng", "Promising";
    new_segment: "Khách mới", "New";
    at_risk: "Có nguy cơ rời bỏ", "At risk";
    hibernating: "Ngủ đông", "Hibernating";
    others: "Khác", "Others";
}

pub fn text(lang: Lang) -> &'static ReportText {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}
