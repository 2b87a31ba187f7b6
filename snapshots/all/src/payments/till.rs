//! What the till screen offers besides cash: the configured gateways, named
//! in the page's language, and the words of the waiting panel.

use super::{model::Provider, Gateways};
use crate::web::Lang;

/// One payment button.
#[derive(Debug, Clone)]
pub struct TillMethod {
    /// The API's `method` value.
    pub value: &'static str,
    pub label: &'static str,
}

/// The words of the till's gateway panel.
#[derive(Debug)]
pub struct TillText {
    pub other_methods: &'static str,
    pub waiting: &'static str,
    pub paid: &'static str,
    pub failed: &'static str,
    pub qr_alt: &'static str,
    pub open_payment_page: &'static str,
    pub stop_waiting: &'static str,
}

static VI: TillText = TillText {
    other_methods: "Hình thức thanh toán khác",
    waiting: "Đang chờ khách thanh toán",
    paid: "Đã nhận tiền.",
    failed: "Thanh toán không thành công. Hãy chọn cách khác.",
    qr_alt: "Mã QR để khách quét bằng ứng dụng ngân hàng",
    open_payment_page: "Mở trang thanh toán",
    stop_waiting: "Thôi chờ",
};

static EN: TillText = TillText {
    other_methods: "Other ways to pay",
    waiting: "Waiting for the customer to pay",
    paid: "Payment received.",
    failed: "The payment did not go through. Choose another way.",
    qr_alt: "QR code for the customer's banking app",
    open_payment_page: "Open the payment page",
    stop_waiting: "Stop waiting",
};

/// The methods offered at the till and the panel's words.
#[derive(Debug)]
pub struct TillMethods {
    pub methods: Vec<TillMethod>,
    pub t: &'static TillText,
}

impl TillMethods {
    pub fn new(gateways: &Gateways, lang: Lang) -> Self {
        let methods = Provider::ALL
            .into_iter()
            .filter(|provider| gateways.offers(*provider))
            .map(|provider| TillMethod {
                value: provider.as_str(),
                label: label(provider, lang),
            })
            .collect();
        let t = match lang {
            Lang::Vi => &VI,
            Lang::En => &EN,
        };
        Self { methods, t }
    }
}

fn label(provider: Provider, lang: Lang) -> &'static str {
    match (provider, lang) {
        (Provider::VietQr, Lang::Vi) => "Chuyển khoản (VietQR)",
        (Provider::VietQr, Lang::En) => "Bank transfer (VietQR)",
        (Provider::VnPay, _) => "VNPay",
        (Provider::MoMo, _) => "MoMo",
        (Provider::Stripe, Lang::Vi) => "Thẻ (Stripe)",
        (Provider::Stripe, Lang::En) => "Card (Stripe)",
    }
}
