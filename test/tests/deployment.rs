//! The shipped deployment examples against the code: `deployments/examples/register-market.json`
//! (the Safe batch input that registers the market's parameters) names every key the
//! market's six programs read (the shorts' included), once, with each value inside its
//! bounds and a valid direction.
#![allow(clippy::unwrap_used, reason = "a test: a failure is the message")]

use alloy_primitives::U256;
use mutual_interfaces::keys::{MARKET_PARAM_KEYS, SHORT_KEYS, SPLIT_KEYS};
use serde_json::Value;

/// The example, read at compile time.
const REGISTER_MARKET: &str = include_str!("../../deployments/examples/register-market.json");

/// A decimal string as `U256`.
fn number(value: &Value) -> U256 {
    U256::from_str_radix(value.as_str().unwrap(), 10).unwrap()
}

#[test]
fn the_market_registration_example_covers_every_market_key() {
    let input: Value = serde_json::from_str(REGISTER_MARKET).unwrap();
    let mut named = Vec::new();
    for action in input["actions"].as_array().unwrap() {
        let key = action["key"].as_str().unwrap().to_owned();
        match action["action"].as_str().unwrap() {
            "queueRegister" => {
                let (min, value, max) =
                    (number(&action["min"]), number(&action["value"]), number(&action["max"]));
                assert!(min <= value && value <= max, "{key}: {min} <= {value} <= {max}");
                assert!(action["direction"].as_u64().unwrap() <= 2, "{key}: direction");
            }
            // Registered (at zero) by the governance constructor with the vault's keys: the
            // vault (and, for the short book, the fund and the listings) reads them from
            // their first call.
            "queue" => assert!(key == "market.book" || key == "market.shortBook", "{key}"),
            other => panic!("{key}: unexpected action {other}"),
        }
        named.push(key);
    }
    let mut expected: Vec<String> = MARKET_PARAM_KEYS
        .iter()
        .chain(SPLIT_KEYS.iter().filter(|(name, _)| name.starts_with("market.")))
        .chain(SHORT_KEYS.iter())
        .map(|(name, _)| (*name).to_owned())
        .collect();
    named.sort();
    expected.sort();
    assert_eq!(named, expected);
}
