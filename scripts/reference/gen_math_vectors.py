#!/usr/bin/env python3
"""Reference vectors for the transcendental functions, computed with mpmath at 60 digits.

Usage: python3 scripts/reference/gen_math_vectors.py [OUT_DIR]   (needs: pip install mpmath)
Default OUT_DIR: crates/risk/tests/data. Deterministic (fixed seed).

Files (header `x,expected`; `x` is an 18-decimal integer, the function's argument):
  exp.csv, ln.csv, pdf.csv, cdf.csv: `expected` is the true value times 1e18, printed with
      15 fractional digits, so a test can measure errors in wei exactly;
  tail.csv: `expected` is the true upper tail Q(x) = 1 - N(x) with 30 significant digits,
      to measure relative error far out in the tail.
"""
import os, random, sys
import mpmath as mp

mp.mp.dps = 60
OUT = sys.argv[1] if len(sys.argv) > 1 else "crates/risk/tests/data"
rng = random.Random(20261122)
E18 = mp.mpf(10) ** 18

def wad_fixed(v):  # true value * 1e18 as a signed decimal, 15 fractional digits (truncated)
    s = v * E18
    sign = "-" if s < 0 else ""
    s = abs(s)
    i = int(mp.floor(s))
    return f"{sign}{i}.{int(mp.floor((s - i) * 10**15)):015d}"

def write(name, rows):
    with open(os.path.join(OUT, name), "w") as f:
        f.write("x,expected\n")
        for x, e in rows:
            f.write(f"{x},{e}\n")

def uniform_wads(lo, hi, n):
    return [rng.randint(lo, hi) for _ in range(n)]

W = 10**18
# exp: the whole domain, plus integers and tiny arguments.
xs = uniform_wads(-42 * W, 47_276 * W // 1000, 3000) + [k * W for k in range(-41, 48)] + [0, 1, -1, 10**9, -10**9]
write("exp.csv", [(x, wad_fixed(mp.e ** (mp.mpf(x) / E18))) for x in xs])

# ln: log-uniform over (0, 2^128), plus values near 1 and powers of ten.
xs = [int(mp.e ** (rng.uniform(0, 88.7))) for _ in range(3000)]
xs += [W + d for d in (-3, -2, -1, 1, 2, 3, 10**6, -10**6)] + [10**k for k in range(0, 38)] + [2**128 - 1]
xs = [x for x in xs if 1 <= x < 2**128]
write("ln.csv", [(x, wad_fixed(mp.log(mp.mpf(x) / E18))) for x in xs])

# pdf and cdf: uniform on [-10, 10], denser near 0, plus exact points.
xs = uniform_wads(-10 * W, 10 * W, 2500) + uniform_wads(-W, W, 500) + [k * W // 4 for k in range(-40, 41)] + [1, -1]
write("pdf.csv", [(x, wad_fixed(mp.npdf(mp.mpf(x) / E18))) for x in xs])
write("cdf.csv", [(x, wad_fixed(mp.ncdf(mp.mpf(x) / E18))) for x in xs])

# tail: Q(x) for x in [0, 13] (relative precision), plus joints.
xs = uniform_wads(0, 13 * W, 3000) + [k * W // 2 for k in range(0, 27)] + [1, 13 * W - 1]
write("tail.csv", [(x, mp.nstr(mp.ncdf(-mp.mpf(x) / E18), 30, min_fixed=1, max_fixed=0)) for x in xs])
print(f"wrote vectors to {OUT}")
