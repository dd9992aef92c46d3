#!/usr/bin/env bash
# Checks the Solidity interfaces users integrate against:
#   1. abi/ is up to date with the Rust source (else: run scripts/gen-abi.sh);
#   2. each generated interface has exactly the functions (names, argument and return
#      types, mutability) and errors of the SDK's own `export-abi` output for that
#      contract: nothing missing, nothing extra;
#   3. every interface and its caller contract compile with the pinned solc (tools/solc);
#   4. the shared ABI declarations (crates/interfaces, what contracts call each other
#      through): every function declared there for a Mutual contract whose interface is
#      generated (abi/I<Name>.sol) is exactly one of that interface's functions.
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
declarations=crates/interfaces/src/lib.rs
for iface in $(sed -n 's/^ *interface \(I[A-Za-z0-9_]*\) *{.*/\1/p' "$declarations"); do
    if [ -f "abi/$iface.sol" ]; then
        cargo run --quiet --locked -p mutual-abi-gen -- --check-subset "$declarations:$iface" "abi/$iface.sol"
    else
        echo "$declarations:$iface: no abi/$iface.sol (not a generated Mutual interface yet): not checked"
    fi
done
