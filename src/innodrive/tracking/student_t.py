"""Student's t distribution for the integer degrees of freedom a trend forecast has.

A forecast from n annual points has n − 2 degrees of freedom (at most a handful).
For integer ν the distribution function has a finite closed form (Abramowitz &
Stegun 26.7.3–4), exact to rounding, and the quantile follows by Newton's method on
it. This keeps SciPy out of the status board's start-up (importing ``scipy.special``
costs more than the whole board's work); non-integer ν falls back to SciPy. A test
checks both functions against ``scipy.special.stdtr``/``stdtrit`` to 1e-12.
"""

from __future__ import annotations

import math


def _integer(df: float) -> int | None:
    return int(df) if float(df).is_integer() and 1 <= df <= 200 else None


def cdf(t: float, df: float) -> float:
    """P(T ≤ t) for T ~ Student's t with ``df`` degrees of freedom."""
    n = _integer(df)
    if n is None:
        from scipy.special import stdtr

        return float(stdtr(df, t))
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    theta = math.atan(abs(t) / math.sqrt(n))
    c, s = math.cos(theta), math.sin(theta)
    if n % 2 == 1:
        total, term = 0.0, c
        if n > 1:
            total = term
            for k in range(3, n - 1, 2):  # terms cos, (2/3)cos³, (2·4)/(3·5)cos⁵ …
                term *= (k - 1) / k * c * c
                total += term
        a = (2 / math.pi) * (theta + s * total) if n > 1 else 2 * theta / math.pi
    else:
        total, term = 1.0, 1.0
        for k in range(2, n - 1, 2):  # terms 1, (1/2)cos², (1·3)/(2·4)cos⁴ …
            term *= (k - 1) / k * c * c
            total += term
        a = s * total
    half = 0.5 * a
    return 0.5 + half if t >= 0 else 0.5 - half


def _pdf(t: float, n: int) -> float:
    log = (math.lgamma((n + 1) / 2) - math.lgamma(n / 2) - 0.5 * math.log(n * math.pi)
           - (n + 1) / 2 * math.log1p(t * t / n))
    return math.exp(log)


def ppf(q: float, df: float) -> float:
    """The ``q`` quantile (0 < q < 1)."""
    n = _integer(df)
    if n is None or not 0 < q < 1:
        from scipy.special import stdtrit

        return float(stdtrit(df, q))
    if q == 0.5:
        return 0.0
    if n == 1:
        return math.tan(math.pi * (q - 0.5))
    if n == 2:
        return (2 * q - 1) / math.sqrt(2 * q * (1 - q))
    # start from the normal quantile (Acklam's rational approximation is overkill here:
    # Newton converges from any start of the right sign within a few steps)
    from statistics import NormalDist

    t = NormalDist().inv_cdf(q)
    for _ in range(100):
        step = (cdf(t, n) - q) / _pdf(t, n)
        t -= step
        if abs(step) <= 1e-15 * max(1.0, abs(t)):
            break
    return t
