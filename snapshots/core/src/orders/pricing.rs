//! Pricing an order: line amounts, discounts, tax and totals, following the
//! rounding rule documented in [`crate::money`].

use crate::money::{self, Overflow};

/// One line to price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInput {
    pub unit_price: i64,
    pub quantity: i64,
    /// Basis points.
    pub tax_rate: i64,
    /// Taken off the whole line.
    pub discount: i64,
}

/// One priced line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PricedLine {
    /// Unit price × quantity.
    pub gross: i64,
    pub line_discount: i64,
    /// This line's share of the order discount.
    pub order_discount: i64,
    pub tax: i64,
    pub total: i64,
}

/// A priced order; each figure is the sum of the lines' figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedOrder {
    pub lines: Vec<PricedLine>,
    pub subtotal: i64,
    pub discount: i64,
    pub tax: i64,
    pub total: i64,
}

/// Why an order cannot be priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PricingError {
    /// The line at this index is discounted by more than it costs.
    LineDiscountTooLarge(usize),
    /// The order discount is more than the lines cost after their discounts.
    OrderDiscountTooLarge,
    Overflow,
}

impl From<Overflow> for PricingError {
    fn from(_: Overflow) -> Self {
        Self::Overflow
    }
}

/// Prices `lines` with an order-level discount.
pub fn price(
    lines: &[LineInput],
    order_discount: i64,
    prices_include_tax: bool,
) -> Result<PricedOrder, PricingError> {
    let mut amounts = Vec::with_capacity(lines.len());
    let mut grosses = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let gross = money::extend(line.unit_price, line.quantity)?;
        if line.discount > gross {
            return Err(PricingError::LineDiscountTooLarge(index));
        }
        grosses.push(gross);
        amounts.push(gross - line.discount);
    }
    if order_discount > money::sum(amounts.iter().copied())? {
        return Err(PricingError::OrderDiscountTooLarge);
    }
    let shares = money::allocate(order_discount, &amounts);

    let mut priced = Vec::with_capacity(lines.len());
    for (index, line) in lines.iter().enumerate() {
        let amount = amounts[index] - shares[index];
        let tax = money::tax(amount, line.tax_rate, prices_include_tax)?;
        let total = if prices_include_tax {
            amount
        } else {
            amount.checked_add(tax).ok_or(Overflow)?
        };
        priced.push(PricedLine {
            gross: grosses[index],
            line_discount: line.discount,
            order_discount: shares[index],
            tax,
            total,
        });
    }
    let line_discounts = money::sum(priced.iter().map(|line| line.line_discount))?;
    Ok(PricedOrder {
        subtotal: money::sum(priced.iter().map(|line| line.gross))?,
        discount: line_discounts.checked_add(order_discount).ok_or(Overflow)?,
        tax: money::sum(priced.iter().map(|line| line.tax))?,
        total: money::sum(priced.iter().map(|line| line.total))?,
        lines: priced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit_price: i64, quantity: i64, tax_rate: i64, discount: i64) -> LineInput {
        LineInput {
            unit_price,
            quantity,
            tax_rate,
            discount,
        }
    }

    #[test]
    fn inclusive_prices_keep_the_total_and_show_the_tax_inside() {
        let order = price(
            &[line(25_000, 2, 1_000, 0), line(18_000, 1, 800, 0)],
            0,
            true,
        )
        .unwrap();
        assert_eq!(order.subtotal, 68_000);
        assert_eq!(order.total, 68_000);
        // 50000 × 1000 / 11000 = 4545.45 → 4545; 18000 × 800 / 10800 = 1333.33 → 1333.
        assert_eq!(order.lines[0].tax, 4_545);
        assert_eq!(order.lines[1].tax, 1_333);
        assert_eq!(order.tax, 5_878);
    }

    #[test]
    fn exclusive_prices_add_the_tax() {
        let order = price(
            &[line(25_000, 2, 1_000, 0), line(18_000, 1, 800, 0)],
            0,
            false,
        )
        .unwrap();
        assert_eq!(order.tax, 5_000 + 1_440);
        assert_eq!(order.total, 68_000 + 6_440);
    }

    #[test]
    fn discounts_come_off_before_tax() {
        // 100 000 less a 10 000 line discount, less the whole 9 000 order discount.
        let order = price(&[line(50_000, 2, 1_000, 10_000)], 9_000, false).unwrap();
        let only = order.lines[0];
        assert_eq!((only.line_discount, only.order_discount), (10_000, 9_000));
        assert_eq!(only.tax, 8_100);
        assert_eq!(order.discount, 19_000);
        assert_eq!(order.total, 81_000 + 8_100);
    }

    #[test]
    fn order_discount_is_shared_and_figures_reconcile_exactly() {
        let lines = [
            line(33_333, 1, 1_000, 0),
            line(12_345, 3, 800, 45),
            line(1, 7, 500, 0),
            line(99_999, 2, 0, 1),
        ];
        for inclusive in [true, false] {
            for order_discount in [0, 1, 2, 999, 10_001, 123_456] {
                let order = price(&lines, order_discount, inclusive).unwrap();
                let shared: i64 = order.lines.iter().map(|l| l.order_discount).sum();
                assert_eq!(shared, order_discount);
                let expected_total =
                    order.subtotal - order.discount + if inclusive { 0 } else { order.tax };
                assert_eq!(order.total, expected_total, "{order_discount} {inclusive}");
                for priced in &order.lines {
                    assert!(priced.total >= 0 && priced.tax >= 0);
                }
            }
        }
    }

    #[test]
    fn refuses_discounts_larger_than_the_amount() {
        assert_eq!(
            price(&[line(1_000, 1, 0, 0), line(1_000, 1, 0, 1_001)], 0, true),
            Err(PricingError::LineDiscountTooLarge(1))
        );
        assert_eq!(
            price(&[line(1_000, 2, 0, 500)], 1_501, true),
            Err(PricingError::OrderDiscountTooLarge)
        );
        // Discounting everything is allowed: a free order.
        assert_eq!(
            price(&[line(1_000, 2, 0, 500)], 1_500, true).unwrap().total,
            0
        );
    }

    #[test]
    fn huge_orders_fail_cleanly() {
        assert_eq!(
            price(&[line(i64::MAX, 2, 0, 0)], 0, true),
            Err(PricingError::Overflow)
        );
        assert_eq!(
            price(
                &[line(i64::MAX / 2, 1, 0, 0), line(i64::MAX / 2 + 2, 1, 0, 0)],
                0,
                true
            ),
            Err(PricingError::Overflow)
        );
    }
}
