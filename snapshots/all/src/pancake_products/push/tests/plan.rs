//! The plan, straight from the two catalogues.

use std::collections::BTreeMap;

use serde_json::json;

use super::{local, products, shirt, variant, water, SHIRT};
use crate::pancake_products::{
    api::{NewProduct, NewVariation},
    push::{self, Action, Change, Counts, LocalProduct, LocalVariant, Planned},
    Attribute,
};

fn archived(name: &str, sku: &str) -> LocalProduct {
    LocalProduct {
        active: false,
        ..local(name, vec![variant(sku, 1000, None)])
    }
}

fn actions(plan: &[Planned]) -> Vec<(&str, &Action)> {
    plan.iter()
        .map(|item| (item.sku.as_str(), &item.action))
        .collect()
}

#[test]
fn the_plan_sorts_each_product_into_one_action() {
    let pancake = products(vec![
        shirt(),
        water(),
        json!({"id": "p-tea-1", "name": "Trà đào", "variations": [{"custom_id": "TRA-DAO", "retail_price": 30000}]}),
        json!({"id": "p-tea-2", "name": "Trà đào cam sả", "variations": [{"custom_id": "TRA-DAO", "retail_price": 35000}]}),
        json!({"id": "p-cake-1", "name": "Bánh bông lan", "variations": [{"custom_id": "BANH-1", "retail_price": 20000}]}),
        json!({"id": "p-cake-2", "name": "Bánh quy", "variations": [{"custom_id": "BANH-2", "retail_price": 25000}]}),
        json!({"id": "p-candy", "name": "Kẹo", "custom_id": "KEO", "variations": [{"custom_id": "KEO", "retail_price": 1000}]}),
        json!({"id": "p-gift", "name": "Quà tặng", "custom_id": "QT", "variations": [{"custom_id": "QT-1", "retail_price": 0}]}),
    ]);
    let sized = |sku: &str, size: &str, price: i64, active: bool| LocalVariant {
        attributes: BTreeMap::from([("size".to_owned(), size.to_owned())]),
        active,
        ..variant(sku, price, None)
    };
    let local = vec![
        local(
            "Cà phê sữa",
            vec![variant("CF-SUA", 25_000, Some("8930000000042"))],
        ),
        local(
            "Áo sơ mi nam (Size: M)",
            vec![variant("AOSOMI-M", 140_000, Some("8930000000011"))],
        ),
        local(
            "Áo sơ mi nam (Size: L)",
            vec![variant("AOSOMI-L", 150_000, None)],
        ),
        local(
            "Nước suối 500ml",
            vec![
                variant("NS-500", 6_000, Some("8930000000035")),
                variant("NS-500-THUNG", 140_000, None),
            ],
        ),
        local("Trà đào", vec![variant("TRA-DAO", 30_000, None)]),
        local(
            "Bánh",
            vec![
                variant("BANH-1", 20_000, None),
                variant("BANH-2", 25_000, None),
            ],
        ),
        archived("Kẹo", "KEO"),
        archived("Kẹo cũ", "KEO-CU"),
        local("Quà", vec![variant("QT", 0, None)]),
        local(
            "Áo thun",
            vec![
                sized("AOTHUN-M", "M", 90_000, true),
                sized("AOTHUN-L", "L", 95_000, true),
                sized("AOTHUN-XL", "XL", 95_000, false),
                variant(" ", 95_000, None),
            ],
        ),
        local("Túi", vec![variant("", 2_000, None)]),
    ];

    let plan = push::plan_push(&local, &pancake);
    let field = |name: &str, value: &str| Attribute {
        name: name.into(),
        value: value.into(),
    };
    assert_eq!(
        actions(&plan),
        [
            (
                "CF-SUA",
                &Action::Create {
                    product: NewProduct {
                        name: "Cà phê sữa".into(),
                        sku: "CF-SUA".into(),
                        weight: 0,
                        variations: vec![NewVariation {
                            sku: "CF-SUA".into(),
                            retail_price: 25_000,
                            barcode: Some("8930000000042".into()),
                            fields: vec![],
                        }],
                    }
                }
            ),
            (
                "AOSOMI-M",
                &Action::Unchanged {
                    product_id: SHIRT.into()
                }
            ),
            (
                "AOSOMI-L",
                &Action::Unchanged {
                    product_id: SHIRT.into()
                }
            ),
            (
                "NS-500",
                &Action::Update {
                    product_id: "p-water".into(),
                    changes: vec![
                        Change::Price {
                            sku: "NS-500".into(),
                            from: Some(5_000),
                            to: 6_000
                        },
                        Change::Barcode {
                            sku: "NS-500".into(),
                            from: None,
                            to: "8930000000035".into()
                        },
                    ]
                }
            ),
            (
                "TRA-DAO",
                &Action::Conflict {
                    reason: "SKU TRA-DAO is on 2 variations in Pancake".into()
                }
            ),
            (
                "BANH-1",
                &Action::Conflict {
                    reason: "its SKUs are on 2 Pancake products: Bánh bông lan, Bánh quy".into()
                }
            ),
            (
                "KEO",
                &Action::Skip {
                    reason: "archived here but still in Pancake; hide it there with \
                             `pancake products hide p-candy` if it should not be sold"
                        .into()
                }
            ),
            (
                "KEO-CU",
                &Action::Skip {
                    reason: "archived".into()
                }
            ),
            (
                "QT",
                &Action::Conflict {
                    reason:
                        "SKU QT is the code of the Pancake product Quà tặng, not of a variation"
                            .into()
                }
            ),
            (
                "AOTHUN-M",
                &Action::Create {
                    product: NewProduct {
                        name: "Áo thun".into(),
                        sku: "AOTHUN-M".into(),
                        weight: 0,
                        variations: vec![
                            NewVariation {
                                sku: "AOTHUN-M".into(),
                                retail_price: 90_000,
                                barcode: None,
                                fields: vec![field("size", "M")],
                            },
                            NewVariation {
                                sku: "AOTHUN-L".into(),
                                retail_price: 95_000,
                                barcode: None,
                                fields: vec![field("size", "L")],
                            },
                        ],
                    }
                }
            ),
            (
                "",
                &Action::Skip {
                    reason: "no variant has a SKU".into()
                }
            ),
        ]
    );
    assert_eq!(
        plan[3].notes,
        ["NS-500-THUNG is not in Pancake's Nước suối 500ml; add the variation there"]
    );
    assert_eq!(plan[9].notes, ["1 variant(s) without a SKU left out"]);
    assert_eq!(plan[10].notes, ["1 variant(s) without a SKU left out"]);
    assert!(plan[..3].iter().all(|item| item.notes.is_empty()));
    assert_eq!(
        Counts::of(&plan),
        Counts {
            create: 2,
            update: 1,
            unchanged: 2,
            conflict: 3,
            skip: 3
        }
    );
}

#[test]
fn products_sharing_a_pancake_product_must_agree_on_its_name() {
    let pancake = products(vec![shirt()]);
    let one_renamed = [
        local(
            "Áo sơ mi nam trắng (Size: M)",
            vec![variant("AOSOMI-M", 140_000, None)],
        ),
        local(
            "Áo sơ mi nam (Size: L)",
            vec![variant("AOSOMI-L", 150_000, None)],
        ),
    ];
    let reason = "AOSOMI-M, AOSOMI-L give one Pancake product different names";
    assert!(push::plan_push(&one_renamed, &pancake)
        .iter()
        .all(|item| item.action
            == Action::Conflict {
                reason: reason.into()
            }));

    let both_renamed = [
        local(
            "Áo sơ mi nam trắng (Size: M)",
            vec![variant("AOSOMI-M", 145_000, None)],
        ),
        local(
            "Áo sơ mi nam trắng (Size: L)",
            vec![variant("AOSOMI-L", 150_000, None)],
        ),
    ];
    let rename = Change::Name {
        from: "Áo sơ mi nam".into(),
        to: "Áo sơ mi nam trắng".into(),
    };
    let plan = push::plan_push(&both_renamed, &pancake);
    assert_eq!(
        actions(&plan),
        [
            (
                "AOSOMI-M",
                &Action::Update {
                    product_id: SHIRT.into(),
                    changes: vec![
                        rename.clone(),
                        Change::Price {
                            sku: "AOSOMI-M".into(),
                            from: Some(140_000),
                            to: 145_000
                        }
                    ]
                }
            ),
            (
                "AOSOMI-L",
                &Action::Update {
                    product_id: SHIRT.into(),
                    changes: vec![rename]
                }
            ),
        ]
    );
}

#[test]
fn a_push_can_be_narrowed_to_some_skus() {
    let catalogue = vec![
        local("Cà phê sữa", vec![variant("CF-SUA", 25_000, None)]),
        local(
            "Áo thun",
            vec![
                variant("AOTHUN-M", 90_000, None),
                variant("AOTHUN-L", 95_000, None),
            ],
        ),
    ];
    let chosen = push::with_skus(catalogue.clone(), &["AOTHUN-L".into()]).unwrap();
    assert_eq!(chosen, [catalogue[1].clone()]);
    assert_eq!(push::with_skus(catalogue.clone(), &[]).unwrap(), catalogue);
    let error = push::with_skus(catalogue, &["AOTHUN-L".into(), "NOPE".into()]).unwrap_err();
    assert_eq!(error.to_string(), "no product here has SKU NOPE");
}
