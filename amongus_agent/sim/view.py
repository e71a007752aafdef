"""The terminal view of a running game: one readable line per notable event, and a status line.

Used by `simulate` (and later `play`); kept apart from the engine so the engine never prints.
"""

from __future__ import annotations

from rich.text import Text

from .engine import Game

_STYLE = {
    "kill": "bold red", "report": "yellow", "emergency": "yellow", "meeting_start": "bold yellow",
    "eject": "bold magenta", "end": "bold green", "sabotage": "red", "sabotage_fixed": "green",
    "vent": "red", "chat": "cyan", "vote": "dim", "task": "dim green",
}


def clock(t: float) -> str:
    return f"{int(t // 60):02d}:{t % 60:04.1f}"


def describe(game: Game, e: dict, show_tasks: bool = False) -> Text | None:
    """A line for a notable event, or None for events not worth a line (positions, task steps)."""
    name = lambda pid: game.players[pid].name if pid is not None else "nobody"  # noqa: E731
    kind = e["type"]
    if kind == "kill":
        msg = f"{name(e['killer'])} killed {name(e['victim'])} in {e.get('room', '?')}"
    elif kind == "vent":
        msg = f"{name(e['player'])} vent {e['action']} ({game.map.data.vents[e['vent']].name})"
    elif kind == "report":
        msg = f"{name(e['reporter'])} reported the body of {name(e['victim'])}"
    elif kind == "emergency":
        msg = f"{name(e['caller'])} pressed the emergency button"
    elif kind == "meeting_start":
        msg = "meeting starts"
    elif kind == "chat":
        msg = f"{name(e['player'])}: {e['text']}"
    elif kind == "vote":
        target = e["target"]
        msg = f"{name(e['voter'])} votes {'skip' if target == 'skip' else name(target)}"
    elif kind == "eject":
        tally = ", ".join(f"{'skip' if k == 'skip' else name(int(k))} {v}" for k, v in sorted(e["tally"].items()))
        if e["player"] is None:
            msg = f"nobody was ejected ({tally or 'no votes'})"
        else:
            role = f" — was {'an impostor' if e.get('role') == 'impostor' else 'a crewmate'}" if e.get("role") else ""
            msg = f"{name(e['player'])} was ejected{role} ({tally})"
    elif kind == "sabotage":
        where = f" {e['room']}" if e.get("room") else ""
        msg = f"sabotage: {e['kind']}{where}"
    elif kind == "sabotage_fixed":
        where = f" {e['room']}" if e.get("room") else ""
        msg = f"{e['kind']}{where} fixed" + (f" by {name(e['by'])}" if e.get("by") is not None else "")
    elif kind == "task":
        if not (show_tasks and e.get("done")):
            return None
        msg = f"{name(e['player'])} finished {e['task']}"
    elif kind == "end":
        msg = f"{e['winner']} win ({e['reason']})"
    else:
        return None
    line = Text(f"[{clock(e['t'])}] ", style="dim")
    line.append(msg, style=_STYLE.get(kind, ""))
    return line


def status(game: Game) -> Text:
    alive_crew = sum(1 for p in game.players if p.alive and not p.is_impostor)
    alive_imp = sum(1 for p in game.players if p.alive and p.is_impostor)
    bar_len = 20
    filled = int(round(game.task_bar() * bar_len))
    text = Text(f"{clock(game.t)}  tasks ", style="bold")
    text.append("█" * filled, style="green")
    text.append("░" * (bar_len - filled), style="dim")
    text.append(f" {game.tasks_done}/{game.tasks_total}  crew {alive_crew}  impostors {alive_imp}  {game.phase}")
    if game.sabotage is not None:
        text.append(f"  ⚠ {game.sabotage.kind}", style="red")
    return text


def describe_decision(obs, decision, outcome) -> Text:
    """The agent's thought and chosen action, as the live view shows it."""
    line = Text(f"[{clock(obs.t)}] ", style="dim")
    line.append(f"{obs.name} ▸ ", style="bold blue")
    line.append(" → ".join(a.name for a in decision.actions), style="bold")
    if decision.thought:
        line.append(f"  “{decision.thought[:140]}”", style="italic blue")
    if outcome is not None and outcome.decision is None:
        line.append(f"  (built-in fallback: {outcome.fallback_reason})", style="yellow")
    return line
