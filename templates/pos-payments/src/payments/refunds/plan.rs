//! The arithmetic of a refund, apart from the database: what each returned
//! unit is worth, and which payments the money goes back through.

/// An order line as far as refunds are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineState {
    pub id: i64,
    /// Units sold.
    pub quantity: i64,
    /// What the customer paid for the whole line, after discounts, with tax.
    pub total: i64,
    /// Units already refunded (or being refunded) by earlier refunds.
    pub refunded: i64,
}

impl LineState {
    pub fn returnable(&self) -> i64 {
        self.quantity - self.refunded
    }

    /// What the next `quantity` returned units of this line are worth.
    ///
    /// The first `k` units of a line are worth `⌊total × k / quantity⌋`, so a
    /// unit is never refunded for more than was paid for it, and the last
    /// unit back takes the remainder: refunding a line piece by piece adds up
    /// to exactly its total, whatever the split.
    pub fn refund_amount(&self, quantity: i64) -> i64 {
        self.worth_of_first(self.refunded + quantity) - self.worth_of_first(self.refunded)
    }

    fn worth_of_first(&self, units: i64) -> i64 {
        let share = i128::from(self.total) * i128::from(units) / i128::from(self.quantity);
        // At most `total`, since units ≤ quantity.
        i64::try_from(share).expect("a share of a line total fits in i64")
    }
}

/// A payment of the order, as far as refunds are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refundable {
    pub payment_id: i64,
    /// How it was paid: `cash`, `vietqr`, `vnpay`…
    pub method: String,
    /// What it put towards the order less what earlier refunds took back.
    pub remaining: i64,
    /// Whether its gateway can give money back to the customer's card,
    /// wallet or account.
    pub gateway_refundable: bool,
}

/// One way money goes back: through the payment's gateway, or in cash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub payment_id: i64,
    /// The payment's method when its gateway gives the money back, else `cash`.
    pub method: String,
    pub amount: i64,
}

impl Part {
    pub fn is_cash(&self) -> bool {
        self.method == CASH
    }
}

pub const CASH: &str = "cash";

/// Splits `amount` over the order's payments.
///
/// Money goes back the way it came where a gateway can send it: payments
/// whose gateway refunds are used first, newest first, so a refund by card
/// does not empty the drawer. The rest comes back in cash, again from the
/// newest payment down. With `all_cash` (a manager's choice when a gateway
/// refuses) everything comes back in cash. `None` when the payments hold
/// less than `amount`, which the caller's line arithmetic rules out.
pub fn allocate(amount: i64, payments: &[Refundable], all_cash: bool) -> Option<Vec<Part>> {
    let via_gateway = |payment: &Refundable| payment.gateway_refundable && !all_cash;
    let mut order: Vec<&Refundable> = payments.iter().filter(|p| p.remaining > 0).collect();
    order.sort_by_key(|p| (!via_gateway(p), std::cmp::Reverse(p.payment_id)));
    let mut parts: Vec<Part> = Vec::new();
    let mut left = amount;
    for payment in order {
        if left == 0 {
            break;
        }
        let take = left.min(payment.remaining);
        let method = if via_gateway(payment) {
            payment.method.clone()
        } else {
            CASH.to_owned()
        };
        parts.push(Part {
            payment_id: payment.payment_id,
            method,
            amount: take,
        });
        left -= take;
    }
    (left == 0).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: i64, total: i64) -> LineState {
        LineState {
            id: 1,
            quantity,
            total,
            refunded: 0,
        }
    }

    #[test]
    fn returning_units_one_by_one_adds_up_to_the_line_total() {
        for (quantity, total) in [(3, 100_000), (7, 99_999), (1, 5), (4, 0), (6, 1)] {
            let mut state = line(quantity, total);
            let mut sum = 0;
            for _ in 0..quantity {
                let amount = state.refund_amount(1);
                assert!(amount * quantity <= total + quantity, "{amount} of {total}");
                sum += amount;
                state.refunded += 1;
            }
            assert_eq!(sum, total, "{quantity} units of {total}");
        }
    }

    #[test]
    fn a_whole_line_is_its_total_and_a_part_rounds_down() {
        assert_eq!(line(3, 100_000).refund_amount(3), 100_000);
        assert_eq!(line(3, 100_000).refund_amount(1), 33_333);
        assert_eq!(line(3, 100_000).refund_amount(2), 66_666);
        let after_one = LineState {
            refunded: 1,
            ..line(3, 100_000)
        };
        assert_eq!(after_one.refund_amount(2), 66_667);
        assert_eq!(after_one.returnable(), 2);
    }

    fn paid(payment_id: i64, method: &str, remaining: i64) -> Refundable {
        Refundable {
            payment_id,
            method: method.to_owned(),
            remaining,
            gateway_refundable: matches!(method, "vnpay" | "momo" | "stripe"),
        }
    }

    fn part(payment_id: i64, method: &str, amount: i64) -> Part {
        Part {
            payment_id,
            method: method.to_owned(),
            amount,
        }
    }

    #[test]
    fn a_gateway_gives_back_first_then_the_drawer() {
        let payments = [paid(1, "cash", 50_000), paid(2, "stripe", 100_000)];
        assert_eq!(
            allocate(120_000, &payments, false),
            Some(vec![part(2, "stripe", 100_000), part(1, "cash", 20_000)])
        );
        assert_eq!(
            allocate(30_000, &payments, false),
            Some(vec![part(2, "stripe", 30_000)])
        );
    }

    #[test]
    fn a_bank_transfer_comes_back_in_cash() {
        let payments = [paid(1, "vietqr", 80_000), paid(2, "cash", 20_000)];
        assert_eq!(
            allocate(90_000, &payments, false),
            Some(vec![part(2, "cash", 20_000), part(1, "cash", 70_000)])
        );
    }

    #[test]
    fn all_cash_ignores_the_gateways() {
        let payments = [paid(1, "momo", 80_000)];
        assert_eq!(
            allocate(80_000, &payments, true),
            Some(vec![part(1, "cash", 80_000)])
        );
    }

    #[test]
    fn money_already_given_back_is_not_given_twice() {
        let payments = [paid(1, "cash", 0), paid(2, "vnpay", 10_000)];
        assert_eq!(allocate(20_000, &payments, false), None);
        assert_eq!(allocate(0, &payments, false), Some(Vec::new()));
    }
}
