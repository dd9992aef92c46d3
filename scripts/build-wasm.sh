#!/usr/bin/env bash
# Builds the Stylus wasm artifacts and checks them against the activation rules.
#
#   - every package under contracts/ is built for wasm32 and checked in contract mode
#     (no floats/SIMD/reference types/multi-value..., user_entrypoint and memory exported,
#     vm_hooks-only imports, brotli-11 size <= 24576 bytes); so are the bench programs
#     (crates/bs-bench: mutual-bs-bench, deployed by scripts/gas-report.sh in the localnet) and
#     the test token (crates/erc20-program: mutual-erc20-program, a USDC-like ERC-20 the
#     end-to-end tests and the gas report deploy beside the contracts) and the test feed
#     (crates/aggregator-program: mutual-aggregator-program, a Chainlink-style aggregator
#     with settable rounds, the market's spot and sequencer feeds there);
#   - mutual-risk-probe (which exports every public function of mutual-risk) is built the
#     same way and checked in library mode: the float and feature scan of the whole pure
#     crate, without the entrypoint, import and size rules.
#
# Each artifact is round-tripped through wasm2wat and wat2wasm, as cargo stylus does
# before deploying (it re-encodes call_indirect canonically), and the round-tripped file
# is written to target/stylus/<package>.wasm and checked by crates/wasm-check.
#
# The wasm32 target comes from Debian's rustc-web, linked into rustup as `web196` by
# scripts/setup.sh, with std rebuilt from source (-Zbuild-std) in target/wasm so native and
# wasm builds do not invalidate each other.
#
# Usage: scripts/build-wasm.sh [--contracts-only] [--package NAME]...
#   --contracts-only   skip the probe
#   --package NAME     build and check only NAME (repeatable; a contract or the probe)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PROBE=mutual-risk-probe
WASM_TARGET=wasm32-unknown-unknown
WASM_TARGET_DIR=target/wasm
OUT_DIR=target/stylus
# -Zunstable-options           needed by -Cpanic=immediate-abort
# -Cpanic=immediate-abort      a panic is a bare `unreachable`: no formatting machinery
# -Ctarget-cpu=mvp + features  only what Nitro accepts: bulk memory (memory.copy/fill),
#                              sign extension, mutable globals; no reference types,
#                              multi-value, SIMD
# -zstack-size=32768           a 32 KiB stack: Stylus charges for every memory page
RUSTFLAGS_TOML='["-Zunstable-options", "-Cpanic=immediate-abort", "-Ctarget-cpu=mvp", "-Ctarget-feature=+bulk-memory,+sign-ext,+mutable-globals", "-Clink-arg=-zstack-size=32768"]'

say() { printf 'build-wasm: %s\n' "$*"; }
die() { printf 'build-wasm: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

contracts_only=0
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --contracts-only) contracts_only=1 ;;
        --package)
            [ $# -ge 2 ] || die "--package needs a package name"
            only+=("$2")
            shift
            ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
done

# ---- tools (installed by scripts/setup.sh; never installed here) -----------------------
for tool in cargo wasm2wat wat2wasm; do
    command -v "$tool" >/dev/null || die "$tool not found: run scripts/setup.sh"
done
cargo +web196 --version >/dev/null 2>&1 \
    || die "the rustup toolchain web196 (Debian's rustc-web) is missing: run scripts/setup.sh"
sysroot=$(rustc +web196 --print sysroot)
[ -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ] \
    || die "web196 has no std source for -Zbuild-std ($sysroot/lib/rustlib/src/rust/library): run scripts/setup.sh"

# ---- which packages ----------------------------------------------------------------
# The [package] name of a Cargo.toml.
package_name() {
    awk '/^\[/ { in_pkg = ($0 ~ /^\[package\][ \t]*$/) }
         in_pkg && /^[ \t]*name[ \t]*=/ { sub(/^[^=]*=[ \t]*"/, ""); sub(/".*/, ""); print; exit }' "$1"
}

# Every package's manifest, by name; and the contracts' names.
declare -A manifest_of=()
contracts=()
non_members=()
members=$(cargo metadata --no-deps --format-version 1 --offline)
while IFS= read -r manifest; do
    name=$(package_name "$manifest")
    [ -n "$name" ] || continue # a virtual manifest
    manifest_of[$name]="$ROOT/$manifest"
    case "$manifest" in
        contracts/* | crates/bs-bench/* | crates/erc20-program/* | crates/aggregator-program/*)
            contracts+=("$name")
            grep -qF "\"manifest_path\":\"$ROOT/$manifest\"" <<<"$members" || non_members+=("$name")
            ;;
    esac
done < <(find contracts crates -name Cargo.toml -not -path '*/target/*' 2>/dev/null | sort)

is_contract() {
    local c
    for c in "${contracts[@]+"${contracts[@]}"}"; do [ "$c" = "$1" ] && return 0; done
    return 1
}

packages=()
if [ ${#only[@]} -gt 0 ]; then
    for name in "${only[@]}"; do
        if ! is_contract "$name" && [ "$name" != "$PROBE" ]; then
            die "--package $name: neither a package under contracts/ nor $PROBE"
        fi
        [ "$name" = "$PROBE" ] && [ $contracts_only -eq 1 ] && continue
        packages+=("$name")
    done
else
    packages=("${contracts[@]+"${contracts[@]}"}")
    [ $contracts_only -eq 1 ] || packages+=("$PROBE")
fi
if [ ${#contracts[@]} -eq 0 ]; then
    say "no contracts under contracts/ yet"
fi
for p in "${packages[@]+"${packages[@]}"}"; do
    for n in "${non_members[@]+"${non_members[@]}"}"; do
        [ "$p" != "$n" ] \
            || die "${manifest_of[$n]#"$ROOT"/} ($n) is not a member of the workspace: add \"contracts/*\" to members in Cargo.toml"
    done
done
if [ ${#packages[@]} -eq 0 ]; then
    say "nothing to build"
    exit 0
fi

# ---- build -------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say "building the checker (native, release)"
t0=$SECONDS
cargo build --release --locked --quiet -p mutual-wasm-check
checker="$ROOT/target/release/wasm-check"
say "checker built in $((SECONDS - t0)) s"

say "building for $WASM_TARGET: ${packages[*]}"
t0=$SECONDS
# One cargo invocation per package: cargo unifies the features of every package built in
# one invocation, so building a contract beside another would change its wasm (the
# vault's openzeppelin-stylus turns on alloy-primitives' `tiny-keccak`, which replaces the
# `native_keccak256` hostio by a software keccak in every program of the same build).
# Built alone, each artifact is the same whatever else is built, and the end-to-end tests
# (which build the programs they deploy) run the exact wasm this script deploys.
: >"$work/build.json"
for p in "${packages[@]}"; do
    # RUSTFLAGS in the environment would replace the target rustflags below: drop it.
    env -u RUSTFLAGS -u CARGO_ENCODED_RUSTFLAGS \
        RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
        cargo +web196 build --release --lib --locked --target "$WASM_TARGET" \
        -Zbuild-std=std,panic_abort \
        --config "target.$WASM_TARGET.rustflags=$RUSTFLAGS_TOML" \
        --message-format=json-render-diagnostics \
        -p "$p" >>"$work/build.json"
done
say "wasm build finished in $((SECONDS - t0)) s"

# ---- round trip and check ----------------------------------------------------------
mkdir -p "$OUT_DIR"
contract_files=()
library_files=()
for p in "${packages[@]}"; do
    [ -n "${manifest_of[$p]:-}" ] || die "no Cargo.toml under contracts/ or crates/ names the package $p"
    # The artifact message of package p's library lists its .wasm among its filenames.
    wasm=$(grep '"reason":"compiler-artifact"' "$work/build.json" \
        | grep -F "\"manifest_path\":\"${manifest_of[$p]}\"" \
        | grep -o '"[^"]*\.wasm"' | tr -d '"' | head -n 1 || true)
    [ -n "$wasm" ] && [ -f "$wasm" ] || die "$p produced no .wasm (is its crate-type cdylib?)"
    out="$OUT_DIR/$p.wasm"
    wasm2wat --enable-all "$wasm" -o "$work/$p.wat" || die "wasm2wat failed on $wasm"
    wat2wasm --enable-all "$work/$p.wat" -o "$out" || die "wat2wasm failed on $work/$p.wat"
    if is_contract "$p"; then contract_files+=("$out"); else library_files+=("$out"); fi
done

check_args=()
[ ${#contract_files[@]} -eq 0 ] || check_args+=(--contract "${contract_files[@]}")
[ ${#library_files[@]} -eq 0 ] || check_args+=(--library "${library_files[@]}")
echo
if "$checker" "${check_args[@]}"; then
    echo
    say "ok: ${#contract_files[@]} contract(s) and ${#library_files[@]} library module(s) in $OUT_DIR"
else
    echo
    die "wasm activation checks failed (the FAIL lines above)"
fi
