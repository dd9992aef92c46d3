#!/usr/bin/env bash
# Installs everything Mutual needs on Debian bookworm (with rustup present), and is quick
# when everything is already there. Idempotent: run it as often as you like.
#
#   - Debian packages: rustc-web/cargo-web 1.96 with its std source and LLVM (the wasm32
#     route: the rustup toolchain here has no wasm32 target), lld-22 (rust-lld), wabt
#     (wasm2wat/wat2wasm round trip), brotli, and libssl-dev with pkg-config (the native
#     test build of stylus-sdk's test support links OpenSSL);
#   - the rustup toolchain pinned in rust-toolchain.toml (with clippy and rustfmt), and
#     Debian's rustc linked into rustup as the toolchain `web196`;
#   - solc (the npm package, version pinned in tools/solc) to compile the generated
#     Solidity interfaces;
#   - mpmath (PyPI), only used to regenerate the reference data under crates/*/tests/data.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- Debian packages ---------------------------------------------------------------
# bookworm's main archive has rustc-web 1.85; bookworm-security carries 1.96. Ask for at
# least that version so a stale package list cannot satisfy the check.
MIN_RUSTC_WEB=1.96
apt_missing=()
for pkg in rustc-web cargo-web rust-web-src rust-web-llvm lld-22 wabt brotli libssl-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || apt_missing+=("$pkg")
done
if dpkg -s rustc-web >/dev/null 2>&1; then
    have=$(dpkg-query -W -f='${Version}' rustc-web)
    if dpkg --compare-versions "$have" lt "$MIN_RUSTC_WEB"; then
        apt_missing+=(rustc-web cargo-web rust-web-src rust-web-llvm)
    fi
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${apt_missing[*]}"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi
have=$(dpkg-query -W -f='${Version}' rustc-web)
if dpkg --compare-versions "$have" lt "$MIN_RUSTC_WEB"; then
    say "rustc-web $have is older than $MIN_RUSTC_WEB (is bookworm-security in the apt sources?)"
    exit 1
fi

# ---- Rust toolchains -----------------------------------------------------------------
command -v rustup >/dev/null || { say "rustup is required (https://rustup.rs)"; exit 1; }
pinned=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup run "$pinned" cargo clippy --version >/dev/null 2>&1 || ! rustup run "$pinned" rustfmt --version >/dev/null 2>&1; then
    say "installing rust $pinned with clippy and rustfmt"
    rustup toolchain install "$pinned" --profile minimal --component clippy,rustfmt
fi
if ! rustup toolchain list | grep -q '^web196'; then
    say "linking Debian's rustc-web as the rustup toolchain web196"
    rustup toolchain link web196 /usr
fi
rustc +web196 --print sysroot >/dev/null

# ---- solc (npm, pinned in tools/solc/package-lock.json) ------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing nodejs and npm"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
lock=tools/solc/package-lock.json
stamp=tools/solc/node_modules/.mutual-lock
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
    say "installing solc (npm ci in tools/solc)"
    npm ci --prefix tools/solc --no-audit --no-fund --loglevel=error >/dev/null
    cp "$lock" "$stamp"
fi

# ---- Python (reference-data generators only) -----------------------------------------
if ! python3 -c 'import mpmath' >/dev/null 2>&1; then
    say "installing mpmath"
    python3 -m pip install --quiet 'mpmath==1.3.0' || say "mpmath not installed (only needed to regenerate reference data)"
fi

say "ok ($(rustc +"$pinned" --version | cut -d' ' -f1-2), web196 $(rustc +web196 --version | cut -d' ' -f2))"
