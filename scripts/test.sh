#!/usr/bin/env bash
# Every test: installs what it needs, then format check, clippy (warnings denied), all unit,
# property, reference and integration tests, and the wasm build with its activation checks.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --workspace --locked

echo "== Solidity interfaces: up to date, equal to export-abi, compiled by solc"
bash scripts/check-abi.sh

echo "== wasm build and activation checks"
bash scripts/build-wasm.sh

echo "== gas report (local Stylus runner, Nitro ink pricing)"
bash scripts/gas-report.sh

echo "== all tests passed"
