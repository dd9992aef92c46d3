#!/usr/bin/env bash
# The main job: prices the README's example option (an ETH call, spot 2000, strike 2100,
# one month, 80% volatility, 5% rate) and prints every greek as an exact 18-decimal value.
# Extra arguments replace the example's, e.g. scripts/run.sh price --csv < options.csv
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
if [ $# -eq 0 ]; then
    set -- price --spot 2000 --strike 2100 --t-years 0.0833 --vol 0.8 --rate 0.05
fi
cargo run --quiet --release --locked -p mutual-cli -- "$@"
