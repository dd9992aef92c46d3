//! `mutual governance-batch`: turns a list of governance actions into a Safe Transaction
//! Builder batch file, so a multisig's signers review exactly the calldata they sign.
//!
//! Input (JSON on stdin):
//!
//! ```json
//! {"chainId": 42161, "governance": "0x...", "safe": "0x...", "name": "ETH limits",
//!  "description": "...", "createdAt": 1767225600000,
//!  "actions": [{"action": "queue", "key": "market.ETH.maxUtilization", "value": "800000000000000000"},
//!              {"action": "pause", "scope": "mutual.protocol"}]}
//! ```
//!
//! `safe`, `description` and `createdAt` (milliseconds; default: now) are optional. A key or
//! scope is either `0x` and 64 hex digits, or a name hashed as `keccak256(bytes(name))`, the
//! way the contract's own keys are (`governance.timelockDelay`, `mutual.protocol`). Actions:
//! `queue {key, value}`, `queueRegister {key, value, min, max, direction}`,
//! `queueBounds {key, min, max}`, `setGuardian {guardian}` (queues the guardian key),
//! `execute {key}`, `cancel {key}`, `tighten {key, value}`, `pause {scope}`,
//! `unpause {scope}`, `confirmPause {scope}`, `clearLapsedPause {scope}`,
//! `proposeAdmin {candidate}`, `acceptAdmin {}`. Integers are decimal strings.
//!
//! Output: the Transaction Builder's batch format (version 1.0): `chainId`, `createdAt`,
//! `meta` (name, description, `txBuilderVersion`, the Safe, and the builder's checksum), and
//! per transaction `to`, `value`, `data` (the ABI-encoded call, from the generated
//! `IGovernanceParams` binding) with the decoded `contractMethod` and
//! `contractInputsValues` beside it.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolCall;
use mutual_abi::IGovernanceParams as G;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::decimal::parse_u256;

/// The Transaction Builder version the files declare.
const TX_BUILDER_VERSION: &str = "1.18.0";

/// The guardian's parameter key in `GovernanceParams`.
const GUARDIAN_KEY_NAME: &str = "governance.guardian";

/// The request: read from JSON by `mutual governance-batch`, or built in memory by other
/// commands (`mutual simulate --recommend`) and passed to [`build`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Request {
    /// The chain the batch is for.
    pub(crate) chain_id: u64,
    /// The `GovernanceParams` contract.
    pub(crate) governance: String,
    /// The Safe that will execute the batch, if known.
    #[serde(default)]
    pub(crate) safe: Option<String>,
    /// A title for the batch.
    pub(crate) name: String,
    /// What the batch does.
    #[serde(default)]
    pub(crate) description: String,
    /// Creation time in milliseconds; now when absent.
    #[serde(default)]
    pub(crate) created_at: Option<u64>,
    /// The actions, in execution order.
    pub(crate) actions: Vec<Action>,
}

/// One governance action.
#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum Action {
    /// Queue a new value.
    Queue { key: String, value: String },
    /// Queue a registration.
    QueueRegister { key: String, value: String, min: String, max: String, direction: u8 },
    /// Queue new bounds.
    QueueBounds { key: String, min: String, max: String },
    /// Queue a new guardian (the guardian key's value).
    SetGuardian { guardian: String },
    /// Execute a queued change.
    Execute { key: String },
    /// Cancel a queued change.
    Cancel { key: String },
    /// Tighten a value at once.
    Tighten { key: String, value: String },
    /// Pause a scope.
    Pause { scope: String },
    /// Unpause a scope.
    Unpause { scope: String },
    /// Confirm a guardian's pause.
    ConfirmPause { scope: String },
    /// Record a lapsed pause.
    ClearLapsedPause { scope: String },
    /// Propose a new admin.
    ProposeAdmin { candidate: String },
    /// Accept the admin role.
    AcceptAdmin {},
}

/// A decoded argument: Solidity name, type and the value as the builder shows it.
type Arg = (&'static str, &'static str, String);

/// Builds the batch file for a JSON request; returns it with a trailing newline.
///
/// # Errors
/// A one-line message naming the action (`actions[2] (queue)`) and field at fault.
pub(crate) fn run(input: &[u8], now_ms: u64) -> Result<String, String> {
    let text = std::str::from_utf8(input).map_err(|_| "input is not UTF-8".to_owned())?;
    if text.trim().is_empty() {
        return Err("empty input: expected a JSON object".into());
    }
    let req: Request = serde_json::from_str(text).map_err(|e| format!("invalid request: {e}"))?;
    build(&req, now_ms)
}

/// Builds the batch file for a request in memory; returns it with a trailing newline.
///
/// # Errors
/// A one-line message naming the action (`actions[2] (queue)`) and field at fault.
pub(crate) fn build(req: &Request, now_ms: u64) -> Result<String, String> {
    let to = address(&req.governance).map_err(|e| format!("governance: {e}"))?;
    let safe = match &req.safe {
        Some(s) => address(s).map_err(|e| format!("safe: {e}"))?.to_checksum(None),
        None => String::new(),
    };
    if req.actions.is_empty() {
        return Err("actions: at least one action is required".into());
    }
    let mut transactions = Vec::new();
    for (i, action) in req.actions.iter().enumerate() {
        let (method, data, args) =
            encode(action).map_err(|e| format!("actions[{i}] ({}): {e}", name_of(action)))?;
        transactions.push(transaction(to, method, &data, &args));
    }
    let mut batch = json!({
        "version": "1.0",
        "chainId": req.chain_id.to_string(),
        "createdAt": req.created_at.unwrap_or(now_ms),
        "meta": {
            "name": req.name.as_str(),
            "description": req.description.as_str(),
            "txBuilderVersion": TX_BUILDER_VERSION,
            "createdFromSafeAddress": safe,
            "createdFromOwnerAddress": "",
        },
        "transactions": transactions,
    });
    let checksum = checksum(&batch);
    batch["meta"]["checksum"] = Value::String(checksum);
    let mut out = serde_json::to_string_pretty(&batch).map_err(|e| format!("writing JSON: {e}"))?;
    out.push('\n');
    Ok(out)
}

/// The action's name as written in the input.
fn name_of(a: &Action) -> &'static str {
    match a {
        Action::Queue { .. } => "queue",
        Action::QueueRegister { .. } => "queueRegister",
        Action::QueueBounds { .. } => "queueBounds",
        Action::SetGuardian { .. } => "setGuardian",
        Action::Execute { .. } => "execute",
        Action::Cancel { .. } => "cancel",
        Action::Tighten { .. } => "tighten",
        Action::Pause { .. } => "pause",
        Action::Unpause { .. } => "unpause",
        Action::ConfirmPause { .. } => "confirmPause",
        Action::ClearLapsedPause { .. } => "clearLapsedPause",
        Action::ProposeAdmin { .. } => "proposeAdmin",
        Action::AcceptAdmin {} => "acceptAdmin",
    }
}

/// The contract method, its calldata and its decoded arguments.
fn encode(a: &Action) -> Result<(&'static str, Vec<u8>, Vec<Arg>), String> {
    let hex = |b: B256| b.to_string();
    Ok(match a {
        Action::Queue { key, value } => {
            let (key, value) = (bytes32(key, "key")?, uint(value, "value")?);
            (
                "queue",
                G::queueCall { key, value }.abi_encode(),
                vec![("key", "bytes32", hex(key)), ("value", "uint256", value.to_string())],
            )
        }
        Action::QueueRegister { key, value, min, max, direction } => {
            let key = bytes32(key, "key")?;
            let (value, min, max) = (uint(value, "value")?, uint(min, "min")?, uint(max, "max")?);
            let call = G::queueRegisterCall { key, value, min, max, direction: *direction };
            let args = vec![
                ("key", "bytes32", hex(key)),
                ("value", "uint256", value.to_string()),
                ("min", "uint256", min.to_string()),
                ("max", "uint256", max.to_string()),
                ("direction", "uint8", direction.to_string()),
            ];
            ("queueRegister", call.abi_encode(), args)
        }
        Action::QueueBounds { key, min, max } => {
            let (key, min, max) = (bytes32(key, "key")?, uint(min, "min")?, uint(max, "max")?);
            let args = vec![
                ("key", "bytes32", hex(key)),
                ("min", "uint256", min.to_string()),
                ("max", "uint256", max.to_string()),
            ];
            ("queueBounds", G::queueBoundsCall { key, min, max }.abi_encode(), args)
        }
        Action::SetGuardian { guardian } => {
            let g = address(guardian).map_err(|e| format!("guardian: {e}"))?;
            let key = keccak256(GUARDIAN_KEY_NAME.as_bytes());
            let value = U256::from_be_slice(g.as_slice());
            (
                "queue",
                G::queueCall { key, value }.abi_encode(),
                vec![("key", "bytes32", hex(key)), ("value", "uint256", value.to_string())],
            )
        }
        Action::Execute { key } => {
            one_key("execute", bytes32(key, "key")?, |key| G::executeCall { key }.abi_encode())
        }
        Action::Cancel { key } => {
            one_key("cancel", bytes32(key, "key")?, |key| G::cancelCall { key }.abi_encode())
        }
        Action::Tighten { key, value } => {
            let (key, value) = (bytes32(key, "key")?, uint(value, "value")?);
            (
                "tighten",
                G::tightenCall { key, value }.abi_encode(),
                vec![("key", "bytes32", hex(key)), ("value", "uint256", value.to_string())],
            )
        }
        Action::Pause { scope } => one_scope("pause", bytes32(scope, "scope")?, |scope| {
            G::pauseCall { scope }.abi_encode()
        }),
        Action::Unpause { scope } => one_scope("unpause", bytes32(scope, "scope")?, |scope| {
            G::unpauseCall { scope }.abi_encode()
        }),
        Action::ConfirmPause { scope } => {
            one_scope("confirmPause", bytes32(scope, "scope")?, |scope| {
                G::confirmPauseCall { scope }.abi_encode()
            })
        }
        Action::ClearLapsedPause { scope } => {
            one_scope("clearLapsedPause", bytes32(scope, "scope")?, |scope| {
                G::clearLapsedPauseCall { scope }.abi_encode()
            })
        }
        Action::ProposeAdmin { candidate } => {
            let candidate = address(candidate).map_err(|e| format!("candidate: {e}"))?;
            let args = vec![("candidate", "address", candidate.to_checksum(None))];
            ("proposeAdmin", G::proposeAdminCall { candidate }.abi_encode(), args)
        }
        Action::AcceptAdmin {} => ("acceptAdmin", G::acceptAdminCall {}.abi_encode(), Vec::new()),
    })
}

fn one_key(
    method: &'static str,
    key: B256,
    f: impl FnOnce(B256) -> Vec<u8>,
) -> (&'static str, Vec<u8>, Vec<Arg>) {
    (method, f(key), vec![("key", "bytes32", key.to_string())])
}

fn one_scope(
    method: &'static str,
    scope: B256,
    f: impl FnOnce(B256) -> Vec<u8>,
) -> (&'static str, Vec<u8>, Vec<Arg>) {
    (method, f(scope), vec![("scope", "bytes32", scope.to_string())])
}

/// One transaction of the batch.
fn transaction(to: Address, method: &str, data: &[u8], args: &[Arg]) -> Value {
    let inputs: Vec<Value> =
        args.iter().map(|(n, t, _)| json!({"internalType": t, "name": n, "type": t})).collect();
    let values: Map<String, Value> =
        args.iter().map(|(n, _, v)| ((*n).to_owned(), Value::String(v.clone()))).collect();
    json!({
        "to": to.to_checksum(None),
        "value": "0",
        "data": format!("0x{}", alloy_primitives::hex::encode(data)),
        "contractMethod": {"inputs": inputs, "name": method, "payable": false},
        "contractInputsValues": values,
    })
}

/// A key or scope: `0x` + 64 hex digits, or `keccak256(bytes(name))`.
fn bytes32(text: &str, field: &str) -> Result<B256, String> {
    if text.is_empty() {
        return Err(format!("{field}: empty"));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return hex
            .parse::<B256>()
            .or_else(|_| format!("0x{hex}").parse())
            .map_err(|_| format!("{field}: not 32 bytes of hex: {text:?}"));
    }
    Ok(keccak256(text.as_bytes()))
}

fn uint(text: &str, field: &str) -> Result<U256, String> {
    parse_u256(text).map_err(|e| format!("{field}: {e}"))
}

fn address(text: &str) -> Result<Address, String> {
    text.parse::<Address>().map_err(|_| format!("not an address: {text:?}"))
}

/// The Transaction Builder's checksum: keccak256 of its canonical serialization of the
/// batch with `meta.name` set to null (objects as their sorted key list followed by each
/// value and a comma; arrays joined by commas; scalars as JSON).
fn checksum(batch: &Value) -> String {
    let mut copy = batch.clone();
    copy["meta"]["name"] = Value::Null;
    copy["meta"].as_object_mut().map(|m| m.remove("checksum"));
    let mut s = String::new();
    serialize(&copy, &mut s);
    keccak256(s.as_bytes()).to_string()
}

fn serialize(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                serialize(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            out.push_str(&serde_json::to_string(&keys).unwrap_or_default());
            for k in keys {
                serialize(&map[k], out);
                out.push(',');
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
#[allow(
    clippy::many_single_char_names,
    reason = "short names for the decoded calls keep the table of checks readable"
)]
mod tests {
    use super::*;

    const GOV: &str = "0x00000000000000000000000000000000000000aa";

    fn batch(actions: &str) -> Result<Value, String> {
        let req = format!(
            r#"{{"chainId": 42161, "governance": "{GOV}", "name": "t", "createdAt": 1, "actions": [{actions}]}}"#
        );
        run(req.as_bytes(), 0).map(|s| serde_json::from_str(&s).unwrap())
    }

    fn data(tx: &Value) -> Vec<u8> {
        alloy_primitives::hex::decode(tx["data"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn every_action_decodes_back_with_the_contracts_abi() {
        let b = batch(
            r#"{"action": "queue", "key": "market.ETH.maxUtilization", "value": "800"},
               {"action": "queueRegister", "key": "0x0000000000000000000000000000000000000000000000000000000000000007", "value": "5", "min": "1", "max": "9", "direction": 1},
               {"action": "queueBounds", "key": "k", "min": "0", "max": "10"},
               {"action": "setGuardian", "guardian": "0x00000000000000000000000000000000000000bb"},
               {"action": "execute", "key": "k"}, {"action": "cancel", "key": "k"},
               {"action": "tighten", "key": "k", "value": "3"},
               {"action": "pause", "scope": "mutual.protocol"}, {"action": "unpause", "scope": "mutual.protocol"},
               {"action": "confirmPause", "scope": "s"}, {"action": "clearLapsedPause", "scope": "s"},
               {"action": "proposeAdmin", "candidate": "0x00000000000000000000000000000000000000cc"},
               {"action": "acceptAdmin"}"#,
        )
        .unwrap();
        let txs = b["transactions"].as_array().unwrap();
        assert_eq!(txs.len(), 13);
        let k = keccak256(b"k");
        let q = G::queueCall::abi_decode(&data(&txs[0]), true).unwrap();
        assert_eq!((q.key, q.value), (keccak256(b"market.ETH.maxUtilization"), U256::from(800)));
        let r = G::queueRegisterCall::abi_decode(&data(&txs[1]), true).unwrap();
        assert_eq!(
            (r.key, r.value, r.min, r.max, r.direction),
            (B256::with_last_byte(7), U256::from(5), U256::from(1), U256::from(9), 1)
        );
        let qb = G::queueBoundsCall::abi_decode(&data(&txs[2]), true).unwrap();
        assert_eq!((qb.key, qb.min, qb.max), (k, U256::ZERO, U256::from(10)));
        let g = G::queueCall::abi_decode(&data(&txs[3]), true).unwrap();
        assert_eq!((g.key, g.value), (keccak256(b"governance.guardian"), U256::from(0xbb)));
        assert_eq!(G::executeCall::abi_decode(&data(&txs[4]), true).unwrap().key, k);
        assert_eq!(G::cancelCall::abi_decode(&data(&txs[5]), true).unwrap().key, k);
        let t = G::tightenCall::abi_decode(&data(&txs[6]), true).unwrap();
        assert_eq!((t.key, t.value), (k, U256::from(3)));
        assert_eq!(
            G::pauseCall::abi_decode(&data(&txs[7]), true).unwrap().scope,
            keccak256(b"mutual.protocol")
        );
        assert_eq!(
            G::unpauseCall::abi_decode(&data(&txs[8]), true).unwrap().scope,
            keccak256(b"mutual.protocol")
        );
        assert_eq!(
            G::confirmPauseCall::abi_decode(&data(&txs[9]), true).unwrap().scope,
            keccak256(b"s")
        );
        assert_eq!(
            G::clearLapsedPauseCall::abi_decode(&data(&txs[10]), true).unwrap().scope,
            keccak256(b"s")
        );
        assert_eq!(
            G::proposeAdminCall::abi_decode(&data(&txs[11]), true).unwrap().candidate,
            Address::with_last_byte(0xcc)
        );
        G::acceptAdminCall::abi_decode(&data(&txs[12]), true).unwrap();
        // The decoded method beside each call spells the selector's signature.
        for tx in txs {
            let m = &tx["contractMethod"];
            let types: Vec<&str> = m["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["type"].as_str().unwrap())
                .collect();
            let sig = format!("{}({})", m["name"].as_str().unwrap(), types.join(","));
            assert_eq!(&data(tx)[..4], &keccak256(sig.as_bytes())[..4], "{sig}");
            assert_eq!(tx["to"], "0x00000000000000000000000000000000000000AA"); // EIP-55 of ..aa
            assert_eq!(tx["value"], "0");
        }
    }

    #[test]
    fn checksum_follows_the_builders_serialization() {
        // The builder's serialization of {"b":[1,"x"],"a":null}: {["a","b"]null,[1,"x"],}
        let mut s = String::new();
        serialize(&json!({"b": [1, "x"], "a": null}), &mut s);
        assert_eq!(s, r#"{["a","b"]null,[1,"x"],}"#);
        // The checksum ignores the name and is stable across runs.
        let a = batch(r#"{"action": "acceptAdmin"}"#).unwrap();
        let mut renamed = a.clone();
        renamed["meta"]["name"] = json!("another name");
        assert_eq!(checksum(&a), checksum(&renamed));
        assert_eq!(a["meta"]["checksum"].as_str().unwrap(), checksum(&a));
    }

    #[test]
    fn bad_requests_name_the_field() {
        let err = |a: &str| batch(a).unwrap_err();
        assert!(err(r#"{"action": "queue", "key": "k", "value": "-1"}"#)
            .starts_with("actions[0] (queue): value"));
        assert!(err(r#"{"action": "queue", "key": "", "value": "1"}"#).contains("key: empty"));
        assert!(err(r#"{"action": "pause", "scope": "0x12"}"#).contains("scope: not 32 bytes"));
        assert!(err(r#"{"action": "proposeAdmin", "candidate": "bob"}"#)
            .contains("candidate: not an address"));
        assert!(err(r#"{"action": "fly"}"#).starts_with("invalid request"));
        assert!(
            err(r#"{"action": "execute", "key": "k", "extra": 1}"#).starts_with("invalid request")
        );
        assert!(run(b"", 0).unwrap_err().starts_with("empty input"));
        assert!(run(br#"{"chainId": 1, "governance": "0x1", "name": "n", "actions": []}"#, 0)
            .unwrap_err()
            .starts_with("governance"));
        let no_actions =
            format!(r#"{{"chainId": 1, "governance": "{GOV}", "name": "n", "actions": []}}"#);
        assert!(run(no_actions.as_bytes(), 0).unwrap_err().starts_with("actions"));
    }
}
