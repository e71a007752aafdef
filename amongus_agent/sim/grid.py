"""The millimetre grid that simulated positions live on, and a cheap exact way onto it.

Positions are kept on the grid the recording writes them on (`round(v, 3)`), so a recording holds
exactly the positions the rules were checked on. `round(v, 3)` is correctly rounded through a
decimal conversion and cost a tenth of the simulator's time (two calls per moving player per
tick); `snap` gives the same float for every input at a third of the cost.
"""

from __future__ import annotations

SNAP_LIMIT = 1e12  # |v * 1000| below this: its rounding error (< 2**-13) is far inside the tie margin


def snap(v: float) -> float:
    """`round(v, 3)`, bit for bit.

    Below the limit the product t = v * 1000 is within 2**-13 of the exact value, so when t is
    more than 0.4999 away from the nearest half-integer, the exact value rounds (half to even or
    any other way) to the same integer n, and n / 1000 is the float nearest to the decimal that
    `round` converts back (a division of two exact doubles is correctly rounded). Near-ties, zero
    (whose sign `round` keeps), huge values, NaN and infinities go to `round` itself.
    """
    t = v * 1000.0
    if -SNAP_LIMIT < t < SNAP_LIMIT:
        n = (t + 0.5) // 1.0  # floor, as a float (exact: an integer below 2**53), without a call
        d = t - n
        if n and -0.4999 < d < 0.4999:
            return n / 1000.0
    return round(v, 3)


def snap_pair(x: float, y: float) -> list[float]:
    """`[snap(x), snap(y)]`: both coordinates of a position in one call, as a pos line lists them.

    The pos line snaps every player's two coordinates every half game second and each ghost step
    snaps two: one call with `snap`'s body written out twice costs about half of two calls.
    """
    t, u = x * 1000.0, y * 1000.0
    n, m = (t + 0.5) // 1.0, (u + 0.5) // 1.0
    d, e = t - n, u - m
    return [n / 1000.0 if n and -0.4999 < d < 0.4999 and -SNAP_LIMIT < t < SNAP_LIMIT else round(x, 3),
            m / 1000.0 if m and -0.4999 < e < 0.4999 and -SNAP_LIMIT < u < SNAP_LIMIT else round(y, 3)]
