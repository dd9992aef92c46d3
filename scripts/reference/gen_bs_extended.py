#!/usr/bin/env python3
"""Black-Scholes vectors OUTSIDE the accuracy domain, computed with mpmath at 60 digits.

Usage: python3 scripts/reference/gen_bs_extended.py [OUT_DIR]   (needs: pip install mpmath)
Writes OUT_DIR/bs_extended_wad.csv (default OUT_DIR: crates/risk/tests/data), with the
columns of bs_reference_wad.csv: id, category, the five inputs and ten outputs as
18-decimal integers rounded to nearest.

The accuracy domain of the issue is S/K in [0.2, 5] and vol in [0.01, 5]; these rows
stretch it to S/K in [1e-6, 1e6] and vol in [0.01, 10] (T from one second to 5 years,
r in [0, 0.2]), where the pricer promises bounded, arbitrage-free results with a
documented error (measured by crates/risk/tests/black_scholes_reference.rs).
"""
import csv, os, random, sys
import mpmath as mp

mp.mp.dps = 60
OUT = sys.argv[1] if len(sys.argv) > 1 else "crates/risk/tests/data"
rng = random.Random(7_2026_1122)
SECOND = mp.mpf(1) / 31_536_000

def dec(x, sig):
    """x rounded to `sig` significant digits, as an exact decimal string with <= 18 decimals."""
    s = mp.nstr(mp.mpf(x), sig, strip_zeros=True, min_fixed=-40, max_fixed=40)
    if "." in s and len(s.split(".")[1]) > 18:
        s = mp.nstr(mp.nint(mp.mpf(x) * 10**18) / 10**18, 30, strip_zeros=True, min_fixed=-40, max_fixed=40)
    return s

def loguni(a, b):
    return mp.e ** (mp.log(a) + (mp.log(b) - mp.log(a)) * rng.random())

def bs(S, K, T, v, r):
    S, K, T, v, r = map(mp.mpf, (S, K, T, v, r))
    sq = mp.sqrt(T); a = v * sq
    d1 = (mp.log(S / K) + (r + v * v / 2) * T) / a; d2 = d1 - a
    df = mp.exp(-r * T); p = mp.npdf(d1); N = mp.ncdf
    return [S * N(d1) - K * df * N(d2), K * df * N(-d2) - S * N(-d1), N(d1), -N(-d1),
            p / (S * a), S * p * sq,
            -S * p * v / (2 * sq) - r * K * df * N(d2), K * T * df * N(d2),
            -S * p * v / (2 * sq) + r * K * df * N(-d2), -K * T * df * N(-d2)]

rows = [
    ("far_otm_call_1e6", "1", "1000000", "1", "0.8", "0.05"),
    ("far_itm_call_1e-6", "1000000", "1", "1", "0.8", "0.05"),
    ("vol_10_atm_1y", "100", "100", "1", "10", "0.05"),
    ("vol_10_5y_otm", "100", "100000", "5", "10", "0.2"),
    ("vol_10_one_second", "2000", "2000", "0.000000031709791983", "10", "0"),
    ("ratio_1e-6_vol_10", "0.001", "1000", "5", "10", "0.2"),
]
for _ in range(150):
    S = loguni(mp.mpf("1e-3"), mp.mpf("1e6"))
    ratio = loguni(mp.mpf("1e-6"), mp.mpf("1e6"))
    K = S / ratio
    T = loguni(SECOND, mp.mpf(5))
    v = loguni(mp.mpf("0.01"), mp.mpf(10))
    r = mp.mpf(rng.uniform(0, 0.2))
    rows.append(("sweep", dec(S, 8), dec(K, 8), dec(T, 10), dec(v, 6), dec(r, 6)))

for _ in range(60):  # near the money with volatility between 5 and 10
    S = loguni(mp.mpf("1e-3"), mp.mpf("1e6"))
    T = loguni(SECOND, mp.mpf(5))
    v = loguni(mp.mpf(5), mp.mpf(10))
    r = mp.mpf(rng.uniform(0, 0.2))
    lm = min(max(mp.mpf(rng.uniform(-3, 3)) * v * mp.sqrt(T), mp.log(mp.mpf("1e-6"))), mp.log(mp.mpf("1e6")))
    rows.append(("ntm_high_vol", dec(S, 8), dec(S / mp.e ** lm, 8), dec(T, 10), dec(v, 6), dec(r, 6)))

cols = ("id,category,spot,strike,t_years,vol,rate,call,put,delta_call,delta_put,gamma,vega,"
        "theta_call,rho_call,theta_put,rho_put").split(",")
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "bs_extended_wad.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(cols)
    for i, (cat, *x) in enumerate(rows):
        wad_in = [int(mp.nint(mp.mpf(a) * 10**18)) for a in x]
        exact_in = [mp.mpf(a) / 10**18 for a in wad_in]  # the inputs exactly as the pricer sees them
        out = bs(*exact_in)
        w.writerow([i, cat] + wad_in + [int(mp.nint(y * 10**18)) for y in out])
print(f"wrote {len(rows)} rows to {OUT}/bs_extended_wad.csv")
