"""One recording line as compact JSON text: exactly what `json.dumps` writes, faster for pos lines.

Pos lines are most of a recording (one every half game second, two coordinates per player) and
the writer is on the simulator's hot path. Turning a float into its shortest text (`float.__repr__`)
was most of a pos line's cost, and positions repeat: players standing at consoles, everyone at the
table through a meeting. So pos lines are assembled here with a memo of float texts; anything not
of the plain pos shape, and every other event, goes to one reused `json` encoder. Either way the
text is byte for byte what `json.dumps(obj, separators=(",", ":"), ensure_ascii=False,
allow_nan=False)` gives (tested against it), and a NaN or infinity is refused the same way.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_encode = _ENCODER.encode
_float_text = float.__repr__
_INF = float("inf")
_MEMO_LIMIT = 1 << 16  # float texts remembered (a few MB at most); cleared when full
_memo: dict[float, str] = {}
_PLAYER_KEYS = frozenset(str(i) for i in range(1000))  # "0", "1", ...: keys written as they are


def _num(v: float) -> str:
    text = _memo.get(v)
    if text is not None:
        return text
    if v != v or v == _INF or v == -_INF:
        raise ValueError(f"Out of range float values are not JSON compliant: {v!r}")
    text = _float_text(v)
    if v:  # 0.0 and -0.0 are equal keys but different texts: zeros are never remembered
        if len(_memo) >= _MEMO_LIMIT:
            _memo.clear()
        _memo[v] = text
    return text


def _ints(values: Any) -> str | None:
    if type(values) is not list:
        return None
    for i in values:
        if type(i) is not int:
            return None
    return "[" + ",".join(map(str, values)) + "]"


def _pos_line(obj: dict) -> str | None:
    """The pos event as text, or None when it is not the plain shape the engine writes."""
    known = _memo.get
    parts = []
    for key, value in obj.items():
        if key == "positions":
            if type(value) is not dict:
                return None
            items = []
            for pid, xy in value.items():
                if pid not in _PLAYER_KEYS or type(xy) is not list or len(xy) != 2:
                    return None
                x, y = xy
                if type(x) is not float or type(y) is not float:
                    return None
                items.append(f'"{pid}":[{known(x) or _num(x)},{known(y) or _num(y)}]')
            parts.append('"positions":{' + ",".join(items) + "}")
        elif key == "type":
            if value != "pos":
                return None
            parts.append('"type":"pos"')
        elif key == "t":
            if type(value) is not float:
                return None
            parts.append('"t":' + (known(value) or _num(value)))
        elif key == "ghosts" or key == "in_vent":
            text = _ints(value)
            if text is None:
                return None
            parts.append(f'"{key}":{text}')
        else:
            return None
    return "{" + ",".join(parts) + "}"


def line_text(obj: Any) -> str:
    """Compact JSON of one line (no newline); ValueError on NaN or infinite numbers."""
    if type(obj) is dict and obj.get("type") == "pos":
        text = _pos_line(obj)
        if text is not None:
            return text
    return _encode(obj)
