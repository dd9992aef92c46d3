#!/usr/bin/env bash
# Prints the gas and ink of the Black-Scholes bench program and of Mutual's user
# operations, run as deployed.
#
#   1. scripts/build-wasm.sh builds the programs the report deploys in contract mode (every
#      Stylus rule and the 24,576-byte limit) into target/stylus/: the bench
#      (mutual-bs-bench) and the protocol's packages (the `*_PACKAGE` constants of
#      crates/localnet/src/protocol.rs: the test token and the contracts): the artifacts
#      measured;
#   2. the bench is built again with its function names kept (release profile with strip
#      off, same flags, its own target dir target/wasm-profile) into
#      target/stylus-profile/mutual-bs-bench.wasm, for the per-function ink profile; the
#      report checks that its code section is byte-identical to the measured artifact's;
#   3. `cargo run --release -p mutual-localnet --bin gas-report` deploys the artifacts in
#      the localnet (Nitro's ink pricing) and prints: the bench (noop, prices and greeks on
#      representative inputs, greeks - noop, the hostios, the top functions by ink); then
#      each program's size against the limit and entry cost, and the gas and ink of every
#      user operation of GovernanceParams, InsuranceFund, MutualVault, the options
#      market (OptionsMarket with OptionBook, OptionListings and RiskEngine: quote, buy,
#      sell, settle, claim) and traders' shorts (ShortBook with MarginEngine: sellShort,
#      closeShort, addMargin, removeMargin, the bot's views, liquidate with and without a
#      shortfall, settleAccount, and the vault's deposit with the short book registered),
#      uncached and cached (crates/localnet/src/bin/gas-report/protocol.rs).
#
# Usage: scripts/gas-report.sh [--no-build] [--no-profile] [--no-protocol] [--top N]
#   --no-build     use the artifacts already in target/ (fails if they are missing)
#   --no-profile   skip the named build and the per-function profile
#   --no-protocol  the bench only (builds and deploys only mutual-bs-bench)
#   --top N        functions to list in the profile (default 25)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PACKAGE=mutual-bs-bench
WASM_TARGET=wasm32-unknown-unknown
ARTIFACT=target/stylus/$PACKAGE.wasm
PROFILE_DIR=target/stylus-profile
PROFILE_ARTIFACT=$PROFILE_DIR/$PACKAGE.wasm

say() { printf 'gas-report: %s\n' "$*"; }
die() { printf 'gas-report: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

build=1
profile=1
protocol=1
top=25
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --no-profile) profile=0 ;;
        --no-protocol) protocol=0 ;;
        --top)
            [ $# -ge 2 ] || die "--top needs a number"
            top=$2
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
done

if [ $build -eq 1 ]; then
    build_args=(--package "$PACKAGE")
    if [ $protocol -eq 1 ]; then
        # The packages the protocol section deploys, read from the runner so the two
        # cannot drift.
        protocol_packages=$(sed -n 's/^pub const [A-Z0-9_]*_PACKAGE: &str = "\(.*\)";$/\1/p' \
            crates/localnet/src/protocol.rs)
        [ -n "$protocol_packages" ] \
            || die "could not read the *_PACKAGE constants of crates/localnet/src/protocol.rs"
        for p in $protocol_packages; do build_args+=(--package "$p"); done
    fi
    bash scripts/build-wasm.sh "${build_args[@]}"
    if [ $profile -eq 1 ]; then
        for tool in wasm2wat wat2wasm; do
            command -v "$tool" >/dev/null || die "$tool not found: run scripts/setup.sh"
        done
        # The flags of the measured build, read from build-wasm.sh so the two cannot drift.
        rustflags=$(sed -n "s/^RUSTFLAGS_TOML='\(.*\)'$/\1/p" scripts/build-wasm.sh)
        [ -n "$rustflags" ] || die "could not read RUSTFLAGS_TOML from scripts/build-wasm.sh"
        say "building $PACKAGE with function names for the profile (target/wasm-profile)"
        t0=$SECONDS
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS \
            RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=target/wasm-profile CARGO_PROFILE_RELEASE_STRIP=false \
            cargo +web196 build --release --lib --locked --target "$WASM_TARGET" \
            -Zbuild-std=std,panic_abort \
            --config "target.$WASM_TARGET.rustflags=$rustflags" \
            --quiet -p "$PACKAGE"
        named="target/wasm-profile/$WASM_TARGET/release/${PACKAGE//-/_}.wasm"
        [ -f "$named" ] || die "the named build produced no $named"
        mkdir -p "$PROFILE_DIR"
        # The same round trip as the measured artifact, keeping the names.
        wasm2wat --enable-all "$named" -o "$work/named.wat"
        wat2wasm --enable-all --debug-names "$work/named.wat" -o "$PROFILE_ARTIFACT"
        say "named build done in $((SECONDS - t0)) s"
    fi
fi

[ -f "$ARTIFACT" ] || die "$ARTIFACT is missing: run without --no-build"
args=(--wasm "$ARTIFACT" --top "$top")
if [ $protocol -eq 1 ]; then
    args+=(--artifacts target/stylus)
else
    args+=(--no-protocol)
fi
if [ $profile -eq 1 ]; then
    [ -f "$PROFILE_ARTIFACT" ] || die "$PROFILE_ARTIFACT is missing: run without --no-build"
    args+=(--profile-wasm "$PROFILE_ARTIFACT")
fi
say "running the report"
echo
cargo run --release --quiet --locked -p mutual-localnet --bin gas-report -- "${args[@]}"
