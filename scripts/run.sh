#!/usr/bin/env bash
# The main job: `mutual simulate` on the built-in example (deployments/examples/simulate.toml):
# an ETH pool that has written 22 calls and puts over five expiries, a junior and a senior
# insurance tranche, six margined traders; 20,000 Monte Carlo paths of a jump-diffusion to
# the last expiry plus three named crashes and squeezes, every settlement, margin and loss
# run through the contracts' own integer code; the layer table, returns, coverage and the
# capital-efficiency comparison (siloed versus mutualized) on stdout.
# Extra arguments replace the default, e.g.
#   scripts/run.sh simulate --config my-pool.toml --plot loss.svg --recommend
#   scripts/run.sh price --spot 2000 --strike 2100 --t-years 0.0833 --vol 0.8 --rate 0.05
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
if [ $# -eq 0 ]; then
    set -- simulate
fi
cargo run --quiet --release --locked -p mutual-cli -- "$@"
