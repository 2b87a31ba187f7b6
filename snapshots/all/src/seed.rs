//! The `seed` subcommand: a small Vietnamese mini-mart to try the app with.
//!
//! Products are upserted by SKU and customers by phone, and stock is received
//! only for products the seed creates, so running it again changes nothing.

use std::collections::BTreeMap;

use sqlx::{AnyConnection, AnyPool};

use crate::{
    catalog::{self, ProductRequest, UpsertOutcome, VariantRequest},
    categories,
    customers::{self, CustomerRequest},
    db,
    inventory::ledger::{self, MovementKind, NewMovement},
    AppError,
};

/// A demo product: SKU, name, category, price in đồng, tax in basis points,
/// barcode, and units received into stock.
struct DemoProduct {
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    price: i64,
    tax_rate: i64,
    barcode: Option<&'static str>,
    stock: i64,
    /// Extra sizes beyond the default one: (size, SKU suffix, price, barcode).
    sizes: &'static [(&'static str, &'static str, i64, &'static str)],
}

const fn product(
    sku: &'static str,
    name: &'static str,
    category: &'static str,
    price: i64,
    tax_rate: i64,
    barcode: Option<&'static str>,
    stock: i64,
) -> DemoProduct {
    DemoProduct {
        sku,
        name,
        category,
        price,
        tax_rate,
        barcode,
        stock,
        sizes: &[],
    }
}

const DRINKS: &str = "Đồ uống";
const SNACKS: &str = "Bánh kẹo";
const DRY_FOOD: &str = "Mì & đồ khô";
const SEASONING: &str = "Gia vị";
const TOILETRIES: &str = "Hoá mỹ phẩm";
const CLOTHING: &str = "Thời trang";

// Barcodes use Vietnam's 893 prefix but are made up for the demo. One product
// a line reads best as a table, so rustfmt is asked to leave it.
#[rustfmt::skip]
const PRODUCTS: [DemoProduct; 20] = [
    product("DU-COCA-330", "Nước ngọt Coca-Cola lon 330ml", DRINKS, 10_000, 800, Some("8930000000011"), 120),
    product("DU-PEPSI-390", "Nước ngọt Pepsi chai 390ml", DRINKS, 9_000, 800, Some("8930000000028"), 96),
    product("DU-SUOI-500", "Nước suối tinh khiết 500ml", DRINKS, 5_000, 800, Some("8930000000035"), 200),
    product("DU-TRAXANH-455", "Trà xanh không độ 455ml", DRINKS, 10_000, 800, Some("8930000000042"), 72),
    product("DU-CAPHE-235", "Cà phê sữa đá lon 235ml", DRINKS, 15_000, 800, Some("8930000000059"), 48),
    product("DU-SUATUOI-180", "Sữa tươi tiệt trùng có đường 180ml", DRINKS, 8_000, 500, Some("8930000000066"), 144),
    product("BK-CHOCOPIE-12", "Bánh Chocopie hộp 12 cái", SNACKS, 55_000, 800, Some("8930000000073"), 30),
    product("BK-KEODUA-400", "Kẹo dừa Bến Tre 400g", SNACKS, 45_000, 800, Some("8930000000080"), 25),
    product("BK-BANHMI-QUE", "Bánh mì que pa-tê", SNACKS, 5_000, 500, None, 40),
    product("BK-SNACK-52", "Snack khoai tây vị tảo biển 52g", SNACKS, 12_000, 800, Some("8930000000097"), 60),
    product("MK-MITOM-75", "Mì tôm chua cay gói 75g", DRY_FOOD, 4_500, 500, Some("8930000000103"), 300),
    product("MK-PHOBO-65", "Phở bò ăn liền 65g", DRY_FOOD, 9_000, 500, Some("8930000000110"), 80),
    product("MK-GAO-ST25-5", "Gạo ST25 túi 5kg", DRY_FOOD, 180_000, 500, Some("8930000000127"), 15),
    product("GV-NUOCMAM-500", "Nước mắm cá cơm 500ml", SEASONING, 38_000, 800, Some("8930000000134"), 36),
    product("GV-DUONG-1KG", "Đường cát trắng 1kg", SEASONING, 27_000, 500, Some("8930000000141"), 40),
    product("GV-HATNEM-400", "Hạt nêm thịt thăn 400g", SEASONING, 42_000, 800, Some("8930000000158"), 24),
    product("HP-SUATAM-850", "Sữa tắm hương chanh 850g", TOILETRIES, 125_000, 1_000, Some("8930000000165"), 12),
    product("HP-KEMDANHRANG-230", "Kem đánh răng bạc hà 230g", TOILETRIES, 35_000, 1_000, Some("8930000000172"), 20),
    DemoProduct {
        sizes: &[("L", "L", 150_000, "8930000000194"), ("XL", "XL", 160_000, "8930000000200")],
        ..product("TT-AOTHUN-M", "Áo thun cotton trơn", CLOTHING, 150_000, 1_000, Some("8930000000187"), 10)
    },
    DemoProduct {
        sizes: &[("L", "L", 85_000, "8930000000224"), ("XL", "XL", 90_000, "8930000000231")],
        ..product("TT-AOMUA-M", "Áo mưa bộ", CLOTHING, 85_000, 1_000, Some("8930000000217"), 8)
    },
];

/// Demo customers: name, phone, email.
const CUSTOMERS: [(&str, &str, Option<&str>); 4] = [
    ("Nguyễn Văn An", "0901 234 567", None),
    (
        "Trần Thị Bích",
        "0912 345 678",
        Some("bich.tran@example.com"),
    ),
    ("Lê Hoàng Minh", "+84 987 654 321", None),
    ("Phạm Thu Hà", "0934 567 890", Some("thuha@example.com")),
];

/// What a seed run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedSummary {
    pub products_created: usize,
    pub products_updated: usize,
    pub customers: usize,
}

/// Seeds the demo shop, one transaction per product so a failure leaves no
/// product without its stock.
pub async fn run(db: &AnyPool) -> Result<SeedSummary, AppError> {
    let mut summary = SeedSummary::default();
    for demo in &PRODUCTS {
        let mut tx = db::begin_write(db).await?;
        match seed_product(&mut tx, demo).await? {
            UpsertOutcome::Created => summary.products_created += 1,
            UpsertOutcome::Updated => summary.products_updated += 1,
        }
        tx.commit().await?;
    }
    let mut tx = db::begin_write(db).await?;
    for (name, phone, email) in CUSTOMERS {
        let request = CustomerRequest {
            name: Some(name.into()),
            phone: Some(phone.into()),
            email: email.map(Into::into),
            ..CustomerRequest::default()
        };
        customers::upsert_by_phone(&mut tx, request).await?;
        summary.customers += 1;
    }
    tx.commit().await?;
    Ok(summary)
}

async fn seed_product(
    conn: &mut AnyConnection,
    demo: &DemoProduct,
) -> Result<UpsertOutcome, AppError> {
    let category = categories::find_or_create_by_name(conn, demo.category).await?;
    let request = ProductRequest {
        name: Some(demo.name.into()),
        sku: Some(demo.sku.into()),
        price: Some(demo.price),
        barcode: demo.barcode.map(Into::into),
        category_id: Some(category.id),
        // A plausible margin so reports have something to show.
        cost_price: Some(demo.price * 7 / 10),
        tax_rate: Some(demo.tax_rate),
        low_stock_threshold: Some(5),
        ..ProductRequest::default()
    };
    let (product, outcome) = catalog::upsert_product(conn, &request.validate()?).await?;
    if outcome == UpsertOutcome::Updated {
        return Ok(outcome);
    }

    let mut variant_ids = vec![product.default_variant_id];
    if !demo.sizes.is_empty() {
        // The default variant is the middle size the product's SKU names.
        let default = VariantRequest {
            name: Some("M".into()),
            sku: Some(demo.sku.into()),
            barcode: demo.barcode.map(Into::into),
            price: Some(demo.price),
            cost_price: request.cost_price,
            attributes: Some(size("M")),
            low_stock_threshold: Some(5),
            ..VariantRequest::default()
        };
        catalog::change_variant(conn, product.id, product.default_variant_id, &default).await?;
    }
    let base_sku = demo.sku.trim_end_matches("-M");
    for &(size_name, suffix, price, barcode) in demo.sizes {
        let variant = VariantRequest {
            sku: Some(format!("{base_sku}-{suffix}")),
            barcode: Some(barcode.into()),
            price: Some(price),
            cost_price: Some(price * 7 / 10),
            attributes: Some(size(size_name)),
            low_stock_threshold: Some(3),
            ..VariantRequest::default()
        };
        variant_ids.push(catalog::add_variant(conn, product.id, &variant).await?.id);
    }

    let warehouse_id = ledger::default_warehouse(conn).await?;
    for variant_id in variant_ids {
        let receipt = NewMovement {
            variant_id,
            warehouse_id,
            quantity: demo.stock,
            kind: MovementKind::Receipt,
            reason: "Nhập hàng ban đầu (demo)".into(),
            order_id: None,
            actor: None,
        };
        ledger::post(conn, &receipt, false).await?;
    }
    Ok(outcome)
}

fn size(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("size".to_owned(), name.to_owned())])
}
