"""Write recordings as the game runs, read them back with every line checked.

The writer is on the simulator's hot path (a few thousand lines per real second when it runs far
faster than real time), so it serialises plain dicts as `json.dumps` would (`encode.py`, quicker
for pos lines) and flushes each line without validating: a crash then loses at most the line
being written. The reader is where the checking happens; it tells a line cut mid-write at the end
of the file (the expected result of a crash, reported and skipped) from a corrupt line anywhere
else (a `DataError` naming the line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ValidationError

from ..errors import DataError
from ..world.loading import JSONLimitError, parse_json, read_bytes_limited, validation_message
from .encode import line_text
from .format import EVENT_ADAPTER, RECORDING_VERSION, EventBase, Header, player_ids

MAX_RECORDING_BYTES = 512 * 1024 * 1024  # a 30-minute game of 15 players writes about 10 MB
MAX_LINE_BYTES = 1024 * 1024  # the longest line is a pos line of 15 players, well under 1 KB
MAX_LINE_DEPTH = 16  # events nest 3 levels; the header's settings may hold a little more


def _as_dict(obj: Mapping[str, Any] | BaseModel) -> Any:
    return obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj


class RecordingWriter:
    """Append-only JSONL writer: the header on open, then one flushed line per `write`.

    Events are not validated here (see the module note); `read_recording` or `check_invariants`
    on the finished file is where a simulator finds out it wrote something wrong.
    """

    def __init__(self, path: str | Path, header: Mapping[str, Any] | Header) -> None:
        self.path = Path(path)
        head = _as_dict(header)
        Header.model_validate(head)  # once per game: a bad header is cheap to catch now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[str] | None = self.path.open("w", encoding="utf-8", newline="\n")
        self.lines = 0
        self._line(head)

    def _line(self, obj: Any) -> None:
        if self._file is None:
            raise ValueError(f"{self.path}: recording is closed")
        # NaN and infinities are refused: a NaN position from a simulator bug fails here, not in a reader much later
        self._file.write(line_text(obj) + "\n")
        self._file.flush()
        self.lines += 1

    def write(self, event: Mapping[str, Any] | BaseModel) -> None:
        """Write one event (a dict with at least `t` and `type`, or an event model) as one line."""
        self._line(event if type(event) is dict else _as_dict(event))

    def write_tick(self, events: list[dict]) -> None:
        """A simulator tick's events as lines, flushed together: one system call a tick instead of one a
        line (a third of a recorded game's cost), and a tick is still on disk as soon as it is played."""
        if self._file is None:
            raise ValueError(f"{self.path}: recording is closed")
        self._file.write("".join([line_text(e) + "\n" for e in events]))
        self._file.flush()
        self.lines += len(events)

    @property
    def closed(self) -> bool:
        return self._file is None

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Recording:
    """A recording read back: `lines[k]` is the file line number of `events[k]` (the header is line 1)."""

    header: Header
    events: list[EventBase]
    lines: list[int]
    source: str = ""
    problems: list[str] = field(default_factory=list)
    truncated: bool = False

    def player_name(self, pid: int | None) -> str:
        """`Red (2)`: how messages name a player, readable yet exact."""
        if pid is None:
            return "nobody"
        if 0 <= pid < len(self.header.players):
            return f"{self.header.players[pid].name} ({pid})"
        return f"player {pid}"


def _json_problem(exc: JSONLimitError) -> str:
    """One line of a recording is one JSON text: a syntax error names its column, a refused value its field."""
    if not exc.where:
        return exc.message
    if exc.syntax:
        return f"{exc.message} ({exc.where.removeprefix('line 1 ')})"
    return f"{exc.where}: {exc.message}"


def _parse_header(raw: bytes, source: str) -> Header:
    where = "line 1"
    try:
        obj = parse_json(raw, max_bytes=MAX_LINE_BYTES, max_depth=MAX_LINE_DEPTH)
    except JSONLimitError as exc:
        raise DataError(source, where, f"header: {_json_problem(exc)}") from None
    if not isinstance(obj, dict) or obj.get("type") != "header":
        raise DataError(source, where, 'the first line must be the header ({"type": "header", ...})')
    version = obj.get("version")
    if version != RECORDING_VERSION:
        raise DataError(source, where, f"recording version {version!r} is not supported (this reader knows "
                                       f"{RECORDING_VERSION})")
    try:
        return Header.model_validate(obj)
    except ValidationError as exc:
        field_at, message = validation_message(exc)
        raise DataError(source, f"{where}: {field_at}", message) from None


def _parse_event(obj: Any, n_players: int) -> EventBase:
    """Validate one decoded line; raise ValueError with a message naming the field."""
    if not isinstance(obj, dict):
        raise ValueError("an event must be a JSON object")
    try:
        event = EVENT_ADAPTER.validate_python(obj)
    except ValidationError as exc:
        field_at, message = validation_message(exc)
        # the union tag is the first element of pydantic's location; people know the event by its type
        field_at = field_at.split(".", 1)[1] if "." in field_at else field_at
        raise ValueError(f"{obj.get('type', '?')}.{field_at}: {message}") from None
    unknown = sorted({i for i in player_ids(event) if i >= n_players})
    if unknown:
        raise ValueError(f"{event.type}: player {unknown[0]} is not in the header (ids 0..{n_players - 1})")
    return event


def read_recording(path: str | Path, strict: bool = False) -> Recording:
    """Read and validate a whole recording.

    A final line with no newline that does not parse is a write cut short by a crash: it is left
    out, noted in `problems` and `truncated` is set (with `strict=True` it raises instead). Any
    other bad line raises `DataError` naming the file and `line N`.
    """
    path = Path(path)
    source = str(path)
    data = read_bytes_limited(path, MAX_RECORDING_BYTES, source)
    if not data:
        raise DataError(source, "", "empty file: a recording starts with a header line")
    raw_lines = data.split(b"\n")
    cut = raw_lines.pop()  # b"" when the file ends with a newline, else the unterminated last line
    if not raw_lines:  # a single line without newline: only the header, perhaps cut
        raw_lines, cut = [cut], b""
    header = _parse_header(raw_lines[0], source)
    n_players = len(header.players)
    recording = Recording(header=header, events=[], lines=[], source=source)
    numbered = [(k + 2, raw) for k, raw in enumerate(raw_lines[1:])]
    if cut:
        numbered.append((len(raw_lines) + 1, cut))
    for number, raw in numbered:
        last_unterminated = bool(cut) and number == len(raw_lines) + 1
        try:
            obj = parse_json(raw, max_bytes=MAX_LINE_BYTES, max_depth=MAX_LINE_DEPTH)
        except JSONLimitError as exc:
            if last_unterminated and exc.syntax and not strict:
                recording.truncated = True
                recording.problems.append(f"{source}: line {number}: cut mid-write ({len(raw)} bytes); "
                                          f"the {len(recording.events)} events before it are kept")
                break
            what = "empty line" if not raw.strip() else _json_problem(exc)
            raise DataError(source, f"line {number}", what) from None
        try:
            event = _parse_event(obj, n_players)
        except ValueError as exc:
            raise DataError(source, f"line {number}", str(exc)) from None
        recording.events.append(event)
        recording.lines.append(number)
    return recording
