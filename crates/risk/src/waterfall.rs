//! The loss waterfall: exact allocation of a loss over ordered layers, pro-rata splits by
//! the largest-remainder method, and the excess-of-loss shape of the pool's tail cover.
//!
//! Every function here is exact to the unit: what it hands out plus what it reports as
//! left over equals its input, always, for any `U256` values. None allocates; outputs go
//! into slices the caller provides, and a slice of the wrong length is an error, never a
//! panic.
//!
//! ```
//! use alloy_primitives::U256;
//! use mutual_risk::waterfall::{allocate_loss, Layer};
//! let layers = [
//!     Layer { available: U256::from(30), cap: None },              // margin
//!     Layer { available: U256::from(100), cap: Some(U256::from(25)) }, // junior, capped
//!     Layer { available: U256::from(500), cap: None },             // senior
//! ];
//! let mut absorbed = [U256::ZERO; 3];
//! let residual = allocate_loss(U256::from(80), &layers, &mut absorbed).unwrap();
//! assert_eq!(absorbed, [U256::from(30), U256::from(25), U256::from(25)]);
//! assert_eq!(residual, U256::ZERO);
//! ```

use alloy_primitives::{U256, U512};

use crate::MathError;

/// One layer of a waterfall: what it holds and, optionally, the most it may give to any
/// single loss event. Its capacity for the event is `min(available, cap)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// What the layer can pay at all (for a tranche: its assets above its minimum balance).
    pub available: U256,
    /// The most it pays for one event, if capped.
    pub cap: Option<U256>,
}

impl Layer {
    /// `min(available, cap)`.
    #[must_use]
    pub fn capacity(&self) -> U256 {
        self.cap.map_or(self.available, |c| c.min(self.available))
    }
}

/// Allocates `loss` over `layers` in order: each absorbs up to its capacity, and nothing
/// reaches a layer while an earlier one has capacity left. Writes what each absorbed into
/// `absorbed` and returns the residual no layer could take.
///
/// Invariants (property-tested): `sum(absorbed) + residual == loss`;
/// `absorbed[i] <= layers[i].capacity()`; if `absorbed[i] < capacity(i)` then every later
/// layer absorbed 0 and the residual is 0.
///
/// # Errors
/// [`MathError::LengthMismatch`] if `absorbed.len() != layers.len()`.
pub fn allocate_loss(
    loss: U256,
    layers: &[Layer],
    absorbed: &mut [U256],
) -> Result<U256, MathError> {
    check_len(layers.len(), absorbed.len())?;
    let mut remaining = loss;
    for (layer, out) in layers.iter().zip(absorbed.iter_mut()) {
        let take = remaining.min(layer.capacity());
        *out = take;
        remaining -= take; // take <= remaining
    }
    Ok(remaining)
}

/// What [`excess_of_loss`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExcessOfLoss {
    /// The first part, kept by the insured party up to its retention.
    pub retained: U256,
    /// The total paid by the cover layers (the split is in the output slice).
    pub covered: U256,
    /// What is left beyond the retention and every cover layer: back to the insured party
    /// (which may or may not be able to pay it).
    pub beyond_cover: U256,
}

/// The shape of the pool's tail cover: the insured party keeps the first `retention` of
/// `loss`, the cover layers then take the excess in order up to their capacities, and
/// whatever exceeds them returns to the insured party.
/// `retained + covered + beyond_cover == loss`, exactly.
///
/// # Errors
/// [`MathError::LengthMismatch`] if `covered.len() != covers.len()`.
pub fn excess_of_loss(
    loss: U256,
    retention: U256,
    covers: &[Layer],
    covered: &mut [U256],
) -> Result<ExcessOfLoss, MathError> {
    let retained = loss.min(retention);
    let excess = loss - retained; // retained <= loss
    let beyond_cover = allocate_loss(excess, covers, covered)?;
    Ok(ExcessOfLoss { retained, covered: excess - beyond_cover, beyond_cover })
}

/// Splits `amount` over `weights` pro rata by the largest-remainder method: each share is
/// `floor(amount * w / W)` (with `W = sum(weights)`), then the units left over (fewer than
/// the number of weights) go one each to the largest remainders `amount * w mod W`, ties
/// to the lower index. So `sum(shares) == amount` exactly, every share is within one unit
/// of its exact value, and a zero weight gets zero.
///
/// Cost: one 512-bit product and division per weight, plus one pass per unit left over
/// (fewer than `weights.len()`): meant for short lists (tranches, fee recipients).
///
/// ```
/// use alloy_primitives::U256;
/// use mutual_risk::waterfall::split_largest_remainder;
/// let mut shares = [U256::ZERO; 3];
/// split_largest_remainder(U256::from(100), &[U256::from(1), U256::from(1), U256::from(1)], &mut shares).unwrap();
/// assert_eq!(shares, [U256::from(34), U256::from(33), U256::from(33)]);
/// ```
///
/// # Panics
/// Never: fewer units are left over than there are weights, so every pass finds an entry.
///
/// # Errors
/// [`MathError::LengthMismatch`] if `shares.len() != weights.len()`;
/// [`MathError::DivisionByZero`] if the weights sum to zero; [`MathError::Overflow`] if
/// their sum exceeds `U256::MAX`.
pub fn split_largest_remainder(
    amount: U256,
    weights: &[U256],
    shares: &mut [U256],
) -> Result<(), MathError> {
    check_len(weights.len(), shares.len())?;
    let total = weights
        .iter()
        .try_fold(U256::ZERO, |acc, w| acc.checked_add(*w))
        .ok_or(MathError::Overflow)?;
    if total.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let total_wide = U512::from(total);
    let mut handed_out = U256::ZERO;
    for (w, share) in weights.iter().zip(shares.iter_mut()) {
        // amount * w / total <= amount: the quotient fits 256 bits.
        let (q, _) = amount.widening_mul(*w).div_rem(total_wide);
        *share = U256::from_limbs_slice(&q.as_limbs()[..4]);
        handed_out += *share; // the sum of floors is at most amount
    }
    // Fewer than weights.len() units remain; hand them to the largest remainders.
    let left = amount - handed_out;
    let remainder = |i: usize| amount.widening_mul(weights[i]).div_rem(total_wide).1;
    // Walk down the order (remainder desc, index asc): each pick is the best entry
    // strictly after the previous pick in that order.
    let mut previous: Option<(U512, usize)> = None;
    let mut given = U256::ZERO;
    while given < left {
        let mut best: Option<(U512, usize)> = None;
        for i in 0..weights.len() {
            let r = remainder(i);
            let after_previous = previous.is_none_or(|(pr, pi)| r < pr || (r == pr && i > pi));
            let better = best.is_none_or(|(br, _)| r > br);
            if after_previous && better {
                best = Some((r, i));
            }
        }
        let (r, i) = best.expect("split_largest_remainder: fewer units left than weights");
        shares[i] += U256::from(1);
        previous = Some((r, i));
        given += U256::from(1);
    }
    Ok(())
}

fn check_len(expected: usize, got: usize) -> Result<(), MathError> {
    if expected == got {
        Ok(())
    } else {
        Err(MathError::LengthMismatch { expected, got })
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "test arithmetic on values whose ranges the test itself fixes"
)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn big(x: U256) -> BigUint {
        BigUint::from_bytes_be(&x.to_be_bytes::<32>())
    }

    fn arb_amount() -> impl Strategy<Value = U256> {
        prop_oneof![
            (0u64..1_000).prop_map(U256::from),
            any::<u128>().prop_map(U256::from),
            any::<[u64; 4]>().prop_map(U256::from_limbs),
        ]
    }

    fn arb_layer() -> impl Strategy<Value = Layer> {
        (arb_amount(), proptest::option::of(arb_amount()))
            .prop_map(|(available, cap)| Layer { available, cap })
    }

    #[test]
    fn length_mismatch_is_an_error() {
        let layers = [Layer { available: U256::from(1), cap: None }];
        let mut out = [U256::ZERO; 2];
        assert_eq!(
            allocate_loss(U256::from(1), &layers, &mut out),
            Err(MathError::LengthMismatch { expected: 1, got: 2 })
        );
        assert_eq!(out, [U256::ZERO; 2]);
        assert_eq!(
            split_largest_remainder(U256::from(1), &[U256::ZERO], &mut [U256::ZERO]),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            split_largest_remainder(
                U256::from(1),
                &[U256::MAX, U256::from(1)],
                &mut [U256::ZERO; 2]
            ),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn loss_beyond_every_layer_leaves_a_residual() {
        let layers = [
            Layer { available: U256::from(10), cap: Some(U256::from(4)) },
            Layer { available: U256::from(5), cap: None },
        ];
        let mut out = [U256::ZERO; 2];
        assert_eq!(allocate_loss(U256::from(100), &layers, &mut out), Ok(U256::from(91)));
        assert_eq!(out, [U256::from(4), U256::from(5)]);
        let mut out = [U256::ZERO; 0];
        assert_eq!(allocate_loss(U256::from(7), &[], &mut out), Ok(U256::from(7)));
    }

    #[test]
    fn excess_of_loss_example() {
        // Retention 50; junior covers up to 30, senior up to 40; a loss of 150.
        let covers = [
            Layer { available: U256::from(30), cap: None },
            Layer { available: U256::from(1000), cap: Some(U256::from(40)) },
        ];
        let mut covered = [U256::ZERO; 2];
        let x = excess_of_loss(U256::from(150), U256::from(50), &covers, &mut covered).unwrap();
        assert_eq!(
            x,
            ExcessOfLoss {
                retained: U256::from(50),
                covered: U256::from(70),
                beyond_cover: U256::from(30)
            }
        );
        assert_eq!(covered, [U256::from(30), U256::from(40)]);
    }

    #[test]
    fn split_ties_go_to_the_lower_index() {
        let mut s = [U256::ZERO; 4];
        split_largest_remainder(U256::from(2), &[U256::from(1); 4], &mut s).unwrap();
        assert_eq!(s, [U256::from(1), U256::from(1), U256::ZERO, U256::ZERO]);
        // Remainders 2/3 beat 1/3: amount 1 over weights (1, 2) gives 0 and 1.
        split_largest_remainder(U256::from(1), &[U256::from(1), U256::from(2)], &mut s[..2])
            .unwrap();
        assert_eq!(&s[..2], &[U256::ZERO, U256::from(1)]);
    }

    proptest! {
        #[test]
        fn waterfall_is_exact_ordered_and_capped(loss in arb_amount(), layers in vec(arb_layer(), 0..8)) {
            let mut absorbed = vec![U256::ZERO; layers.len()];
            let residual = allocate_loss(loss, &layers, &mut absorbed).unwrap();
            let total: BigUint = absorbed.iter().map(|a| big(*a)).sum::<BigUint>() + big(residual);
            prop_assert_eq!(total, big(loss));
            let mut saw_slack = false;
            for (a, l) in absorbed.iter().zip(&layers) {
                prop_assert!(*a <= l.capacity());
                if saw_slack {
                    prop_assert_eq!(*a, U256::ZERO);
                }
                if *a < l.capacity() {
                    saw_slack = true;
                }
            }
            if saw_slack {
                prop_assert_eq!(residual, U256::ZERO);
            }
        }

        #[test]
        fn excess_of_loss_is_exact(loss in arb_amount(), retention in arb_amount(), covers in vec(arb_layer(), 0..4)) {
            let mut covered = vec![U256::ZERO; covers.len()];
            let x = excess_of_loss(loss, retention, &covers, &mut covered).unwrap();
            prop_assert_eq!(big(x.retained) + big(x.covered) + big(x.beyond_cover), big(loss));
            prop_assert_eq!(covered.iter().map(|c| big(*c)).sum::<BigUint>(), big(x.covered));
            prop_assert!(x.retained <= retention);
            if x.retained < retention {
                prop_assert_eq!(x.covered, U256::ZERO);
            }
        }

        #[test]
        fn split_sums_exactly_and_stays_within_one_unit(
            amount in arb_amount(),
            weights in vec(prop_oneof![(0u64..100).prop_map(U256::from), any::<u128>().prop_map(U256::from)], 1..8),
        ) {
            let mut shares = vec![U256::ZERO; weights.len()];
            let total: BigUint = weights.iter().map(|w| big(*w)).sum();
            let res = split_largest_remainder(amount, &weights, &mut shares);
            if total == BigUint::from(0u8) {
                prop_assert_eq!(res, Err(MathError::DivisionByZero));
                return Ok(());
            }
            res.unwrap();
            prop_assert_eq!(shares.iter().map(|s| big(*s)).sum::<BigUint>(), big(amount));
            let mut bumped = Vec::new();
            for (i, (s, w)) in shares.iter().zip(&weights).enumerate() {
                let exact_floor = big(amount) * big(*w) / &total;
                let s = big(*s);
                prop_assert!(s == exact_floor || s == &exact_floor + 1u8);
                if w.is_zero() {
                    prop_assert_eq!(s.clone(), BigUint::from(0u8));
                }
                if s != exact_floor {
                    bumped.push((big(amount) * big(*w) % &total, i));
                }
            }
            // Every bumped entry's remainder is at least every unbumped one's.
            for (i, w) in weights.iter().enumerate() {
                let r = big(amount) * big(*w) % &total;
                if !bumped.iter().any(|(_, j)| *j == i) {
                    for (br, bi) in &bumped {
                        prop_assert!(br > &r || (br == &r && bi < &i));
                    }
                }
            }
        }
    }
}
