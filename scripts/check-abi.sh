#!/usr/bin/env bash
# Checks the Solidity interfaces users integrate against:
#   1. abi/ is up to date with the Rust source (else: run scripts/gen-abi.sh);
#   2. each generated interface has exactly the functions (names, argument and return
#      types, mutability) and errors of the SDK's own `export-abi` output for that
#      contract: nothing missing, nothing extra;
#   3. every interface and its caller contract compile with the pinned solc (tools/solc).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/abi-contracts.sh
mkdir -p target/abi-export
targets=()
while read -r dir pkg name; do
    targets+=("$dir:$name")
    cargo run --quiet --locked -p "$pkg" --features export-abi > "target/abi-export/$name.sol"
    cargo run --quiet --locked -p mutual-abi-gen -- --compare "target/abi-export/$name.sol" "$dir:$name"
done < <(abi_contracts)
cargo run --quiet --locked -p mutual-abi-gen -- --out abi --check "${targets[@]}"
node tools/solc/check.js abi
