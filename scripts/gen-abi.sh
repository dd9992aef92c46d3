#!/usr/bin/env bash
# Regenerates abi/I<Contract>.sol and abi/callers/<Contract>Caller.sol for every contract
# from its Rust source (crates/abi-gen). Run it after changing a public method, an error,
# an event or their docs; scripts/check-abi.sh (part of the test command) fails until then.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/abi-contracts.sh
targets=()
while read -r dir _pkg name; do targets+=("$dir:$name"); done < <(abi_contracts)
cargo run --quiet --locked -p mutual-abi-gen -- --out abi "${targets[@]}"
