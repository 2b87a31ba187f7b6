//! Money arithmetic: line amounts, tax and discount shares, in whole minor units.
//!
//! Every amount is an `i64` count of the currency's smallest unit. VND has no
//! minor unit, so 45 000 ₫ is `45000`. Products of amounts, quantities and
//! rates are taken in `i128`, which cannot overflow for any `i64` inputs, and
//! are checked on the way back to `i64`. Floats are never used.
//!
//! # The rounding rule
//!
//! There is exactly one, applied in this order:
//!
//! 1. A line's amount is unit price × quantity, less the line's own discount.
//! 2. The order discount is shared among the lines in proportion to their
//!    amounts. Each line first gets the floor of its exact share; the units left
//!    over go one each to the lines with the largest remainders (the earlier
//!    line wins a tie). The shares add up to the order discount exactly, and no
//!    line's share exceeds its amount.
//! 3. Tax is computed per line on the amount after both discounts, rounded half
//!    up to the minor unit. Tax rates are basis points (1000 = 10 %). When
//!    prices include tax the tax is `amount × rate / (10000 + rate)` and the line
//!    total is the amount; when they exclude it the tax is
//!    `amount × rate / 10000` and the line total is amount + tax.
//! 4. Order figures are the sums of the line figures, so
//!    `subtotal − discount (+ tax when prices exclude it) = total` holds exactly.

/// Basis points in a whole: a rate of 10 000 is 100 %.
pub const BASIS_POINTS: i64 = 10_000;

/// An amount that does not fit in an `i64`, far beyond any real sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the amount is too large")]
pub struct Overflow;

/// Unit price × quantity.
pub fn extend(unit_price: i64, quantity: i64) -> Result<i64, Overflow> {
    narrow(i128::from(unit_price) * i128::from(quantity))
}

/// The tax in a line amount under the rounding rule above.
///
/// `amount` and `rate` must not be negative; callers validate both.
pub fn tax(amount: i64, rate: i64, prices_include_tax: bool) -> Result<i64, Overflow> {
    let amount = i128::from(amount);
    let rate = i128::from(rate);
    let basis = i128::from(BASIS_POINTS);
    let tax = if prices_include_tax {
        div_half_up(amount * rate, basis + rate)
    } else {
        div_half_up(amount * rate, basis)
    };
    narrow(tax)
}

/// Splits `total` among parts in proportion to `weights`, by largest remainder.
///
/// The result has one share per weight and sums to `total` exactly. When
/// `total` is at most the sum of the weights, no share exceeds its weight. All
/// weights zero (or none) gives every share zero, and then only a zero `total`
/// is fully shared; callers refuse a discount larger than what it applies to.
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&weight| i128::from(weight)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let total = i128::from(total);
    let mut shares = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (index, &weight) in weights.iter().enumerate() {
        let exact = total * i128::from(weight);
        shares.push(exact / sum);
        remainders.push((exact % sum, index));
    }
    let handed_out: i128 = shares.iter().sum();
    let left_over = usize::try_from(total - handed_out).unwrap_or(0);
    // Largest remainder first; on a tie the earlier line, so the result is stable.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, index) in remainders.iter().take(left_over) {
        shares[index] += 1;
    }
    shares
        .into_iter()
        // Each share lies between 0 and `total`, which came from an i64.
        .map(|share| i64::try_from(share).unwrap_or(i64::MAX))
        .collect()
}

/// Adds amounts, failing instead of wrapping.
pub fn sum(amounts: impl IntoIterator<Item = i64>) -> Result<i64, Overflow> {
    amounts
        .into_iter()
        .try_fold(0_i64, |total, amount| total.checked_add(amount))
        .ok_or(Overflow)
}

/// `numerator / denominator` rounded half up, for a non-negative numerator and a
/// positive denominator.
fn div_half_up(numerator: i128, denominator: i128) -> i128 {
    (numerator * 2 + denominator) / (denominator * 2)
}

fn narrow(value: i128) -> Result<i64, Overflow> {
    i64::try_from(value).map_err(|_| Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inclusive_tax_is_the_part_of_the_price_that_is_tax() {
        // 110 000 ₫ with 10 % VAT included is 100 000 + 10 000.
        assert_eq!(tax(110_000, 1_000, true), Ok(10_000));
        // 45 000 ₫ at 8 %: 45000 × 800 / 10800 = 3333.33… → 3333.
        assert_eq!(tax(45_000, 800, true), Ok(3_333));
    }

    #[test]
    fn exclusive_tax_is_added_to_the_price() {
        assert_eq!(tax(100_000, 1_000, false), Ok(10_000));
        // 12 345 × 5 % = 617.25 → 617.
        assert_eq!(tax(12_345, 500, false), Ok(617));
    }

    #[test]
    fn tax_rounds_half_up() {
        // 5 × 10 % = 0.5 → 1; 15 × 10 % = 1.5 → 2; 14 × 10 % = 1.4 → 1.
        assert_eq!(tax(5, 1_000, false), Ok(1));
        assert_eq!(tax(15, 1_000, false), Ok(2));
        assert_eq!(tax(14, 1_000, false), Ok(1));
        // 11 inclusive of 10 %: 11 × 1000 / 11000 = exactly 1.
        assert_eq!(tax(11, 1_000, true), Ok(1));
        // 22 inclusive of 10 %: 2 exactly; 27: 2.4545… → 2; 28: 2.5454… → 3.
        assert_eq!(tax(22, 1_000, true), Ok(2));
        assert_eq!(tax(27, 1_000, true), Ok(2));
        assert_eq!(tax(28, 1_000, true), Ok(3));
        // 35 × 1000 / 11000 = 3.1818…; 33 gives exactly 3; 16.5 → 1.5 → 2.
        assert_eq!(tax(35, 1_000, true), Ok(3));
        assert_eq!(tax(165, 1_000, true), Ok(15));
    }

    #[test]
    fn zero_rate_and_zero_amount_have_no_tax() {
        assert_eq!(tax(99_000, 0, true), Ok(0));
        assert_eq!(tax(99_000, 0, false), Ok(0));
        assert_eq!(tax(0, 1_000, true), Ok(0));
    }

    #[test]
    fn inclusive_tax_never_exceeds_the_amount() {
        for amount in [1, 2, 3, 7, 10, 999, 45_000] {
            for rate in [1, 500, 800, 1_000, 10_000] {
                let tax = tax(amount, rate, true).unwrap();
                assert!((0..=amount).contains(&tax), "{amount} at {rate}: {tax}");
            }
        }
    }

    #[test]
    fn large_vnd_amounts_do_not_overflow() {
        // A trillion-dong line at 10 %: the intermediate product needs i128.
        assert_eq!(
            tax(1_000_000_000_000_000, 1_000, false),
            Ok(100_000_000_000_000)
        );
        assert_eq!(tax(i64::MAX, 1_000, true), Ok(838_488_366_986_797_801));
        assert_eq!(extend(1_000_000_000, 1_000_000), Ok(1_000_000_000_000_000));
    }

    #[test]
    fn overflow_is_reported_not_wrapped() {
        assert_eq!(extend(i64::MAX, 2), Err(Overflow));
        assert_eq!(tax(i64::MAX, 20_000, false), Err(Overflow));
        assert_eq!(sum([i64::MAX, 1]), Err(Overflow));
        assert_eq!(sum([40_000, 5_000]), Ok(45_000));
    }

    #[test]
    fn allocation_sums_exactly_and_follows_the_weights() {
        assert_eq!(allocate(10_000, &[30_000, 10_000]), vec![7_500, 2_500]);
        // 100 over three equal lines: 33 each, the leftover unit to the first.
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        // Remainders 2/3 (second) beat 1/3 (first and third).
        assert_eq!(allocate(5, &[1, 2, 3]), vec![1, 2, 2]);
    }

    #[test]
    fn allocation_never_gives_a_line_more_than_its_amount() {
        // "Remainder on the last line" would give the last line 2 of its 1.
        assert_eq!(allocate(2, &[1, 1, 1]), vec![1, 1, 0]);
        let weights = [1, 7, 13, 1, 250_000, 3];
        for total in 0..=weights.iter().sum::<i64>() {
            let shares = allocate(total, &weights);
            assert_eq!(shares.iter().sum::<i64>(), total);
            for (share, weight) in shares.iter().zip(weights) {
                assert!((0..=weight).contains(share), "{total}: {shares:?}");
            }
        }
    }

    #[test]
    fn allocation_edge_cases() {
        assert_eq!(allocate(0, &[5, 5]), vec![0, 0]);
        assert_eq!(allocate(7, &[]), Vec::<i64>::new());
        assert_eq!(allocate(0, &[0, 0]), vec![0, 0]);
        assert_eq!(allocate(3, &[0, 9]), vec![0, 3]);
        let big = i64::MAX / 2;
        assert_eq!(allocate(big, &[big, big]), vec![big / 2 + 1, big / 2]);
    }
}
