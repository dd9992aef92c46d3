//! `mutual waterfall`: allocates a loss over ordered layers, JSON in and JSON out, every
//! amount an integer given as a decimal string (up to `2^256 - 1`).

use alloy_primitives::U256;
use mutual_risk::waterfall::{allocate_loss, Layer};
use serde::{Deserialize, Serialize};

use crate::decimal::{parse_u256, quote};

/// The input: `{"loss": "80", "layers": [{"name": "margin", "available": "30", "cap": null}]}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    /// The loss to allocate.
    loss: String,
    /// The layers, first to absorb first.
    layers: Vec<LayerText>,
}

/// One layer of the input.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerText {
    /// A label, copied to the output.
    name: String,
    /// What the layer can pay at all.
    available: String,
    /// The most it pays for this loss; missing or `null` for no cap.
    #[serde(default)]
    cap: Option<String>,
}

/// The output: what each layer absorbed, in input order, and what none could.
#[derive(Serialize)]
struct Response {
    /// One entry per input layer.
    absorbed: Vec<Absorbed>,
    /// The part of the loss beyond every layer's capacity.
    residual: String,
}

/// What one layer absorbed.
#[derive(Serialize)]
struct Absorbed {
    /// The layer's name, as given.
    name: String,
    /// The amount it absorbed.
    amount: String,
}

/// Parses one integer field; an error names it as `field`.
fn integer(text: &str, field: impl FnOnce() -> String) -> Result<U256, String> {
    parse_u256(text).map_err(|e| format!("{}: {e}", field()))
}

/// Runs the waterfall on a JSON request, returning the JSON response with its line end.
///
/// # Errors
/// A one-line message: the JSON error with its line and column, or the field at fault
/// (`loss`, `layers[1] "junior" available`).
pub(crate) fn run(input: &[u8]) -> Result<String, String> {
    if input.iter().all(u8::is_ascii_whitespace) {
        return Err("empty input: expected a JSON object with \"loss\" and \"layers\"".to_owned());
    }
    let request: Request =
        serde_json::from_slice(input).map_err(|e| format!("invalid waterfall JSON: {e}"))?;
    let loss = integer(&request.loss, || "loss".to_owned())?;
    let mut layers = Vec::with_capacity(request.layers.len());
    for (i, layer) in request.layers.iter().enumerate() {
        let at = |field: &str| format!("layers[{i}] {} {field}", quote(&layer.name));
        let available = integer(&layer.available, || at("available"))?;
        let cap = match &layer.cap {
            Some(cap) => Some(integer(cap, || at("cap"))?),
            None => None,
        };
        layers.push(Layer { available, cap });
    }
    let mut absorbed = vec![U256::ZERO; layers.len()];
    let residual =
        allocate_loss(loss, &layers, &mut absorbed).map_err(|e| format!("waterfall: {e}"))?;
    let response = Response {
        absorbed: request
            .layers
            .into_iter()
            .zip(absorbed)
            .map(|(layer, amount)| Absorbed { name: layer.name, amount: amount.to_string() })
            .collect(),
        residual: residual.to_string(),
    };
    serde_json::to_string(&response)
        .map(|json| json + "\n")
        .map_err(|e| format!("writing JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_in_order_up_to_caps() {
        let input = br#"{"loss": "80", "layers": [
            {"name": "margin", "available": "30"},
            {"name": "junior", "available": "100", "cap": "25"},
            {"name": "senior", "available": "500", "cap": null}]}"#;
        assert_eq!(
            run(input).unwrap(),
            concat!(
                r#"{"absorbed":[{"name":"margin","amount":"30"},{"name":"junior","amount":"25"},"#,
                r#"{"name":"senior","amount":"25"}],"residual":"0"}"#,
                "\n"
            )
        );
    }

    #[test]
    fn errors_name_the_field() {
        let bad = br#"{"loss": "80", "layers": [{"name": "a", "available": "1"}, {"name": "b", "available": "x"}]}"#;
        assert_eq!(run(bad).unwrap_err(), r#"layers[1] "b" available: invalid integer "x""#);
        let bad = br#"{"loss": "-3", "layers": []}"#;
        assert_eq!(run(bad).unwrap_err(), r#"loss: must not be negative, got "-3""#);
        let bad = br#"{"loss": "3", "layers": [], "extra": 1}"#;
        assert!(run(bad).unwrap_err().contains("unknown field `extra`"));
        let bad = br#"{"loss": "3", "layers": [{"name": "a", "available": "1", "kap": "2"}]}"#;
        assert!(run(bad).unwrap_err().contains("unknown field `kap`"));
        assert!(run(b"").unwrap_err().starts_with("empty input"));
    }
}
