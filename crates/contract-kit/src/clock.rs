//! The time seam: every contract reads the current time as
//! `mutual_contract_kit::clock::now(self.vm().block_timestamp())`.
//!
//! # In the deployed contract
//!
//! Without the cargo feature `test-clock`, [`now`] returns its argument unchanged: the
//! wasm reads the block timestamp and nothing else is compiled in (no state, no `std`).
//!
//! # In native tests
//!
//! The test VM (motsu 0.10) answers `block_timestamp` with a constant, so time cannot pass.
//! With `test-clock`, [`now`] adds a per-thread offset that tests move with `warp`,
//! `set_offset` and `reset` (and read with `offset`). The offset is thread-local because
//! each test runs on its own thread (as does motsu's VM state), so parallel tests never see
//! each other's time. Call `reset` at the start of a test that moves time: a test runner
//! may reuse a thread (`--test-threads=1`).
//!
//! A contract crate enables the feature only through its `[dev-dependencies]`:
//!
//! ```toml
//! [dependencies]
//! mutual-contract-kit = { workspace = true }
//!
//! [dev-dependencies]
//! mutual-contract-kit = { workspace = true, features = ["test-clock"] }
//! ```
//!
//! Cargo unifies features per build, so `cargo test -p <contract>` compiles the seam in,
//! while `cargo build -p <contract> --lib --target wasm32-unknown-unknown` (which builds no
//! dev-dependencies) never sees it.
//!
//! # Example
//!
//! ```
//! use mutual_contract_kit::clock;
//!
//! let block_timestamp = 1_735_689_600; // what the test VM reports, forever
//! assert_eq!(clock::now(block_timestamp), block_timestamp);
//!
//! # #[cfg(feature = "test-clock")]
//! # {
//! clock::warp(3600); // one hour passes
//! assert_eq!(clock::now(block_timestamp), block_timestamp + 3600);
//! clock::warp(1);
//! assert_eq!(clock::offset(), 3601);
//! clock::set_offset(10);
//! assert_eq!(clock::now(block_timestamp), block_timestamp + 10);
//! clock::reset();
//! assert_eq!(clock::now(block_timestamp), block_timestamp);
//! # }
//! ```

/// The current time in seconds: `block_timestamp`, plus the test offset when the
/// `test-clock` feature is on.
///
/// # Arguments
///
/// * `block_timestamp` - The block timestamp reported by the host, in seconds.
///
/// # Panics
///
/// * With `test-clock` only: if `block_timestamp + offset` overflows `u64` (a test bug).
#[cfg(not(feature = "test-clock"))]
#[inline]
#[must_use]
pub const fn now(block_timestamp: u64) -> u64 {
    block_timestamp
}

/// The current time in seconds: `block_timestamp`, plus the test offset when the
/// `test-clock` feature is on.
///
/// # Arguments
///
/// * `block_timestamp` - The block timestamp reported by the host, in seconds.
///
/// # Panics
///
/// * With `test-clock` only: if `block_timestamp + offset` overflows `u64` (a test bug).
#[cfg(feature = "test-clock")]
#[must_use]
pub fn now(block_timestamp: u64) -> u64 {
    block_timestamp
        .checked_add(offset())
        .expect("clock::now: block_timestamp + offset overflows u64")
}

#[cfg(feature = "test-clock")]
std::thread_local! {
    /// Seconds added to the block timestamp on this thread.
    static OFFSET: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Moves this thread's clock forward by `seconds`.
///
/// # Arguments
///
/// * `seconds` - How far to move forward.
///
/// # Panics
///
/// * If the total offset overflows `u64`.
#[cfg(feature = "test-clock")]
pub fn warp(seconds: u64) {
    OFFSET.with(|offset| {
        offset.set(offset.get().checked_add(seconds).expect("clock::warp: offset overflows u64"));
    });
}

/// Sets this thread's offset to `seconds` after the block timestamp (it may move time back
/// relative to an earlier `warp`).
///
/// # Arguments
///
/// * `seconds` - The new offset.
#[cfg(feature = "test-clock")]
pub fn set_offset(seconds: u64) {
    OFFSET.with(|offset| offset.set(seconds));
}

/// This thread's current offset in seconds.
#[cfg(feature = "test-clock")]
#[must_use]
pub fn offset() -> u64 {
    OFFSET.with(core::cell::Cell::get)
}

/// Resets this thread's offset to zero: [`now`] returns the block timestamp again.
#[cfg(feature = "test-clock")]
pub fn reset() {
    set_offset(0);
}

#[cfg(all(test, feature = "test-clock"))]
mod tests {
    use super::{now, offset, reset, set_offset, warp};

    const T0: u64 = 1_735_689_600;

    #[test]
    fn warp_accumulates_and_reset_clears() {
        assert_eq!(now(T0), T0);
        warp(1);
        warp(59);
        assert_eq!(now(T0), T0 + 60);
        set_offset(5);
        assert_eq!(offset(), 5);
        reset();
        assert_eq!(now(T0), T0);
    }

    #[test]
    fn offset_is_per_thread() {
        warp(100);
        let other = std::thread::spawn(|| now(T0)).join().expect("offset_is_per_thread: join");
        assert_eq!(other, T0);
        assert_eq!(now(T0), T0 + 100);
    }

    #[test]
    #[should_panic(expected = "clock::now")]
    fn overflow_panics() {
        set_offset(u64::MAX);
        let _ = now(1);
    }
}
