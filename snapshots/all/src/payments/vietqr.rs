//! VietQR: the bank-transfer QR code every Vietnamese banking app scans.
//!
//! The payload follows EMVCo's merchant-presented QR format with the NAPAS
//! VietQR account fields: the bank's 6-digit NAPAS BIN and the account number
//! under tag 38 (GUID `A000000727`, service `QRIBFTTA`, transfer to an
//! account), the amount in đồng, and the transfer content (our payment code)
//! under tag 62. A CRC-16/CCITT-FALSE over everything ends it. The image is
//! drawn here as SVG, so no outside service learns the shop's sales.

use std::fmt::Write;

use crc::{Crc, CRC_16_IBM_3740};
use qrcode::{render::svg, QrCode};

/// CRC-16/CCITT-FALSE, which CRC catalogues call CRC-16/IBM-3740.
const CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_IBM_3740);

/// A transfer the customer's banking app fills in from the QR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer<'a> {
    /// The receiving bank's NAPAS BIN, e.g. `970436` for Vietcombank.
    pub bank_bin: &'a str,
    pub account_number: &'a str,
    /// Whole đồng; positive.
    pub amount: i64,
    /// What the transfer says, which the bank passes on to SePay: our
    /// payment code, in letters and digits only, because banks drop the rest.
    pub content: &'a str,
}

/// One tag-length-value field. Lengths count characters; every value here is
/// ASCII, so characters and bytes agree.
fn field(out: &mut String, tag: &str, value: &str) {
    debug_assert!(value.is_ascii() && value.len() < 100);
    // Writing to a String cannot fail.
    let _ = write!(out, "{tag}{:02}{value}", value.len());
}

/// The QR payload for `transfer`.
pub fn payload(transfer: &Transfer<'_>) -> String {
    let mut beneficiary = String::new();
    field(&mut beneficiary, "00", transfer.bank_bin);
    field(&mut beneficiary, "01", transfer.account_number);
    let mut account = String::new();
    field(&mut account, "00", "A000000727");
    field(&mut account, "01", &beneficiary);
    field(&mut account, "02", "QRIBFTTA");
    let mut additional = String::new();
    field(&mut additional, "08", transfer.content);

    let mut out = String::new();
    field(&mut out, "00", "01");
    // 12: a dynamic QR, made for one payment with its amount.
    field(&mut out, "01", "12");
    field(&mut out, "38", &account);
    field(&mut out, "53", "704");
    field(&mut out, "54", &transfer.amount.to_string());
    field(&mut out, "58", "VN");
    field(&mut out, "62", &additional);
    // The checksum covers its own tag and length.
    out.push_str("6304");
    let checksum = CRC16.checksum(out.as_bytes());
    let _ = write!(out, "{checksum:04X}");
    out
}

/// The payload drawn as a QR code in SVG, sized for a phone to scan from a
/// till screen.
pub fn svg(payload: &str) -> Result<String, qrcode::types::QrError> {
    let code = QrCode::new(payload.as_bytes())?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    // The XML declaration is not wanted where the SVG sits inside a page.
    Ok(match image.split_once("?>") {
        Some((_, rest)) if image.starts_with("<?xml") => rest.trim_start().to_owned(),
        _ => image,
    })
}

/// Whether `bin` looks like a NAPAS bank BIN: six digits starting with 970.
pub fn is_bank_bin(bin: &str) -> bool {
    bin.len() == 6 && bin.starts_with("970") && bin.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits a TLV string into (tag, value) pairs.
    fn fields(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let tag = &rest[..2];
            let length: usize = rest[2..4].parse().unwrap();
            out.push((tag.to_owned(), rest[4..4 + length].to_owned()));
            rest = &rest[4 + length..];
        }
        out
    }

    #[test]
    fn the_checksum_is_crc16_ccitt_false() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(CRC16.checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn the_payload_carries_bank_account_amount_and_code() {
        let transfer = Transfer {
            bank_bin: "970436",
            account_number: "0011001234567",
            amount: 75_000,
            content: "PC000042",
        };
        let text = payload(&transfer);
        let top = fields(&text);
        let tags: Vec<&str> = top.iter().map(|(tag, _)| tag.as_str()).collect();
        assert_eq!(tags, ["00", "01", "38", "53", "54", "58", "62", "63"]);
        assert_eq!(top[1].1, "12");
        assert_eq!(top[3].1, "704");
        assert_eq!(top[4].1, "75000");
        assert_eq!(top[5].1, "VN");
        let account = fields(&top[2].1);
        assert_eq!(account[0], ("00".into(), "A000000727".into()));
        assert_eq!(account[2], ("02".into(), "QRIBFTTA".into()));
        let beneficiary = fields(&account[1].1);
        assert_eq!(beneficiary[0].1, "970436");
        assert_eq!(beneficiary[1].1, "0011001234567");
        assert_eq!(fields(&top[6].1)[0], ("08".into(), "PC000042".into()));
        // The checksum matches everything before it, its own tag included.
        let (body, checksum) = text.split_at(text.len() - 4);
        assert_eq!(checksum, format!("{:04X}", CRC16.checksum(body.as_bytes())));
    }

    #[test]
    fn the_qr_is_an_svg_without_an_xml_declaration() {
        let image = svg("00020101021238").unwrap();
        assert!(image.starts_with("<svg"), "{}", &image[..40]);
    }

    #[test]
    fn bank_bins_are_six_digits_from_napas() {
        assert!(is_bank_bin("970436"));
        assert!(!is_bank_bin("Vietcombank"));
        assert!(!is_bank_bin("97043"));
    }
}
