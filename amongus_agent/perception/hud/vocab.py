"""What the HUD's task list can say on The Skeld, and how OCR text is mapped onto it.

The task list writes `Room: Task (k/n)`; its wording differs from the task table's in a few places
(the list says "O2" for the Oxygen room, "Download Data" / "Upload Data" for the two halves of the
data task, "Divert Power to Weapons" / "Accept Diverted Power" for the power task, "(0/2)" for Fuel
Engines whose table has four visits). Those wordings are the game's and are listed here once; the
rooms come from the task table, so a room the table does not know is never reported.

OCR noise is absorbed by fuzzy matching against this closed vocabulary. A line whose end is hidden
(by a task panel, the close button or scene art drawn over the HUD) matches only a prefix of an entry:
it is reported as partial, never completed from guesses.
"""

from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

# room names as the list writes them -> the task table's / map's room names
_ROOM_DISPLAY = {"Oxygen": "O2"}

# task as the list writes it -> (the task table's task, steps shown as "(k/n)" or None)
_HUD_TASKS: dict[str, tuple[str, int | None]] = {
    "Swipe Card": ("Swipe Card", None),
    "Fix Wiring": ("Fix Wiring", 3),
    "Clear Asteroids": ("Clear Asteroids", 20),
    "Submit Scan": ("Submit Scan", None),
    "Inspect Sample": ("Inspect Sample", None),
    "Fuel Engines": ("Fuel Engines", 2),
    "Start Reactor": ("Start Reactor", None),
    "Empty Chute": ("Empty Chute", 2),
    "Empty Garbage": ("Empty Garbage", 2),
    "Align Engine Output": ("Align Engine Output", 2),
    "Download Data": ("Upload Data", 2),
    "Upload Data": ("Upload Data", 2),
    "Calibrate Distributor": ("Calibrate Distributor", None),
    "Chart Course": ("Chart Course", None),
    "Clean O2 Filter": ("Clean O2 Filter", None),
    "Unlock Manifolds": ("Unlock Manifolds", None),
    "Stabilize Steering": ("Stabilize Steering", None),
    "Prime Shields": ("Prime Shields", None),
    "Accept Diverted Power": ("Divert Power", 2),
    "Clean Vent": ("Vent Cleaning", None),
}
# "Divert Power to <room>" is written once per room that accepts power
_DIVERT_TARGET_ROOMS = ("Communications", "Lower Engine", "Navigation", "Oxygen", "Security", "Shields",
                        "Upper Engine", "Weapons")

# sabotage lines have no room: "Fix Lights (%40)", "Reactor Meltdown in 27 (0/2)", ...
SABOTAGES = ("Fix Lights", "Reactor Meltdown", "Oxygen Depleted", "Comms Sabotaged")

_PROGRESS = re.compile(r"\(\s*([0-9OoIlS|]{1,2})\s*[/7]\s*([0-9OoIlS|]{0,2})\s*(\)?)")
_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5"})


@dataclass(frozen=True, slots=True)
class ParsedLine:
    kind: str  # "task" | "sabotage" | "unreadable"
    room: str | None  # the map's room name
    task: str | None  # as the list writes it, e.g. "Divert Power to Weapons"
    table_task: str | None  # the task table's name, e.g. "Divert Power"
    step: int | None
    steps: int | None
    partial: bool
    text: str
    countdown: int | None = None


def hud_room_names(rooms: tuple[str, ...]) -> dict[str, str]:
    """The list's spelling of each room -> the map's room name."""
    return {_ROOM_DISPLAY.get(r, r): r for r in rooms}


@lru_cache(maxsize=1)
def _vocab() -> tuple[dict[str, str], dict[str, tuple[str, int | None]]]:
    from ...world.tasks import load_tasks

    table = load_tasks("skeld")
    rooms = sorted({o.room for t in table.tasks.values() for s in t.steps for o in s.options})
    tasks = {k: v for k, v in _HUD_TASKS.items() if v[0] in table.tasks}
    for room in _DIVERT_TARGET_ROOMS:
        tasks[f"Divert Power to {_ROOM_DISPLAY.get(room, room)}"] = ("Divert Power", 2)
    return hud_room_names(tuple(rooms)), tasks


def vocabulary() -> tuple[dict[str, str], dict[str, tuple[str, int | None]]]:
    """The list's room spellings (-> the map's room names) and its task wordings (-> table task, steps shown)."""
    return _vocab()


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio()


_local = threading.local()


def _against(b: str, a: str) -> difflib.SequenceMatcher:
    """A matcher of `a` against the vocabulary string `b` (lower case both), the same similarity as
    `_ratio(a, b)`. Matchers are kept per vocabulary string (and per thread): the work difflib does
    on its second sequence is done once per string instead of once per comparison."""
    kept = getattr(_local, "matchers", None)
    if kept is None:
        kept = _local.matchers = {}
    m = kept.get(b)
    if m is None:
        m = kept[b] = difflib.SequenceMatcher(None, "", b, autojunk=False)
    m.set_seq1(a)
    return m


def _best(text: str, choices: list[str]) -> tuple[str | None, float]:
    """The closest choice and its similarity; a choice whose cheap upper bound cannot beat the best
    so far is not scored in full (same answer as scoring all, a fraction of the time)."""
    if not choices:
        return None, 0.0
    if text in choices:
        return text, 1.0
    best, best_score = None, -1.0
    t = text.lower()
    for c in choices:
        matcher = _against(c.lower(), t)  # the order `_ratio` uses: the similarity is not symmetric
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score > best_score or (score == best_score and best is not None and c > best):
            best, best_score = c, score
    return best, best_score


def _prefix_matches(text: str, choices: list[str]) -> list[str]:
    """Entries that `text` (the visible start of a cut line) is a close prefix of."""
    t = text.strip().lower()
    if len(t) < 3:
        return []
    out = []
    for c in choices:
        if len(c) <= len(t):
            continue
        matcher = _against(c[: len(t)].lower(), t)
        # the cheap upper bound first: most entries share too few letters with the visible start
        if matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
            out.append(c)
    return out


def _progress(rest: str) -> tuple[str, tuple[int | None, int | None, bool] | None]:
    """Split `Name (k/n)`; the tuple is (k, n, closed) or None when there is no bracket at all."""
    m = _PROGRESS.search(rest)
    if m is None:
        if "(" in rest:  # a bracket whose numbers are cut off
            return rest[: rest.index("(")].strip(), (None, None, False)
        return rest.strip(), None
    k = int(m.group(1).translate(_DIGITS)) if m.group(1).translate(_DIGITS).isdigit() else None
    n_txt = m.group(2).translate(_DIGITS)
    n = int(n_txt) if n_txt.isdigit() else None
    return rest[: m.start()].strip(), (k, n, bool(m.group(3)))


def _sabotage(text: str) -> ParsedLine | None:
    head = re.split(r"[(:]|\bin\b", text)[0].strip()
    name, score = _best(head, list(SABOTAGES))
    if name is None or score < 0.8:
        return None
    countdown = None
    m = re.search(r"\bin\s+(\d+)", text)
    if m:
        countdown = int(m.group(1))
    step = steps = None
    pm = re.search(r"\((\d+)\s*/\s*(\d+)\)", text)
    if pm:
        step, steps = int(pm.group(1)), int(pm.group(2))
    return ParsedLine("sabotage", None, name, None, step, steps, False, text, countdown)


_EXACT = re.compile(r"^(.{1,20}?): (.+?)(?: \((\d{1,2})/(\d{1,2})\))?$")


def _exact(text: str) -> ParsedLine | None:
    """A whole line written exactly as the list writes it (the common case): no fuzzy matching needed."""
    rooms, tasks = _vocab()
    m = _EXACT.match(text)
    if m is None or m.group(1) not in rooms or m.group(2) not in tasks:
        return None
    table_task, shown = tasks[m.group(2)]
    room = rooms[m.group(1)]
    if shown is None:
        if m.group(3) is not None:
            return None
        return ParsedLine("task", room, m.group(2), table_task, None, None, False, text)
    if m.group(3) is None or int(m.group(4)) != shown:
        return None
    step = int(m.group(3))
    return ParsedLine("task", room, m.group(2), table_task, step, shown, step > shown, text)


def parse_line(text: str) -> ParsedLine:
    """Map one OCR'd task-list line onto the vocabulary."""
    rooms, tasks = _vocab()
    text = " ".join(text.split())
    exact = _exact(text)
    if exact is not None:
        return exact
    sab = _sabotage(text)
    if sab is not None:
        return sab
    unreadable = ParsedLine("unreadable", None, None, None, None, None, True, text)
    m = re.match(r"^(.{1,20}?)\s*[:;.,]\s+(.*)$", text)
    room_hud, score, rest = None, 0.0, ""
    if m is not None:
        # room names hold no digits but "O2": a zero there is the letter
        room_hud, score = _best(m.group(1).replace("0", "O"), list(rooms))
        rest = m.group(2)
    if room_hud is None or score < 0.75:
        # no colon read: the room is the one- or two-word start that best fits a room name
        words = text.split()
        for k in (1, 2):
            if len(words) > k:
                cand, sc = _best(" ".join(words[:k]).replace("0", "O").rstrip(":;.,"), list(rooms))
                if cand is not None and sc > score and len(cand.split()) == k:
                    room_hud, score, rest = cand, sc, " ".join(words[k:])
    if room_hud is None or score < 0.75:
        return unreadable
    room = rooms[room_hud]
    name, progress = _progress(rest)
    task, score = _best(name, list(tasks))
    # a name cut just before its last letters still scores high: unless a closed "(k/n)" follows it,
    # its end must be there too
    closed = progress is not None and progress[2]
    if task is not None and score >= 0.84 and (closed or name.lower().endswith(task.lower()[-2:])):
        table_task, shown = tasks[task]
        if shown is None:
            complete = progress is None
            return ParsedLine("task", room, task, table_task, None, None, not complete, text)
        if progress is None or not progress[2] or progress[0] is None or progress[1] != shown:
            return ParsedLine("task", room, task, table_task, None, None, True, text)
        return ParsedLine("task", room, task, table_task, progress[0], progress[1], progress[0] > shown, text)
    # the end is hidden: name the task only when the visible start fits exactly one entry
    cands = _prefix_matches(name, list(tasks))
    if len(cands) == 1:
        return ParsedLine("task", room, cands[0], tasks[cands[0]][0], None, None, True, text)
    return ParsedLine("task", room, None, None, None, None, True, text)


def best_room_in(text: str) -> str | None:
    """The map's name of the room written somewhere in `text` (OCR of the room label), or None."""
    rooms, _ = _vocab()
    if text in rooms:  # read from the label's shapes: already a room's spelling
        return rooms[text]
    t = "".join(text.split()).lower()
    if len(t) < 2:
        return None
    best, best_score = None, 0.0
    for hud, room in rooms.items():
        key = "".join(hud.split()).lower()
        n = len(key)
        windows = [t[i : i + n] for i in range(max(1, len(t) - n + 1))]
        score = max(_against(key, w).ratio() for w in windows)
        if score > best_score:
            best, best_score = room, score
    return best if best_score >= 0.8 else None
