"""A summary as text a person reads in a terminal (rich markup), for `replay` without `--json`.

Kept apart from `summary.py` so the figures stay free of presentation; names come from the
recording file, so they are escaped before they reach rich's markup parser.
"""

from __future__ import annotations

from rich.markup import escape

from .summary import Summary


def summary_text(summary: Summary) -> str:
    names = [escape(p.name) for p in summary.players]

    def who(pid: int | None) -> str:
        return "nobody" if pid is None else (names[pid] if 0 <= pid < len(names) else f"player {pid}")

    result = (f"[bold]{summary.winner}[/] win ({escape(summary.reason or '?')})" if summary.winner
              else "[yellow]no result[/] (the recording stops before the end)")
    lines = [f"[bold]{escape(summary.map)}[/] seed {escape(str(summary.seed))}: {result} after "
             f"{summary.duration_s:.1f} s, {len(summary.players)} players, {summary.events} events"]
    width = max(len(n) for n in names)
    for p, name in zip(summary.players, names, strict=True):
        role = f"[red]{p.role:<8}[/]" if p.role == "impostor" else f"{p.role:<8}"
        fate = "survived" if p.survived else f"{p.death} at {p.died_at_s:.1f} s"
        tasks = f", {p.tasks_done} tasks" if p.role == "crewmate" else ""
        lines.append(f"  {name:<{width}}  {escape(p.color):<7} {role} {fate}{tasks}")
    lines.append(f"Kills: {summary.kills_count}")
    lines += [f"  {k.t:7.1f} s  {who(k.killer)} kills {who(k.victim)} at ({k.pos[0]:.2f}, {k.pos[1]:.2f})"
              for k in summary.kills]
    lines.append(f"Meetings: {summary.meetings_count}")
    for m in summary.meetings:
        why = f"{m.reason or 'meeting'} by {who(m.caller)}" if m.caller is not None else (m.reason or "meeting")
        body = f" (body: {who(m.body)})" if m.body is not None else ""
        tally = " ".join(f"{who(int(k)) if k.isdigit() else k}:{v}" for k, v in sorted(m.tally.items()))
        out = f"ejected {who(m.ejected)} ({m.ejected_role})" if m.ejected is not None else "nobody ejected"
        lines.append(f"  {m.t:7.1f} s  {why}{body}; {m.votes} votes [{tally}] -> {out}")
    total = f" of {summary.tasks_total}" if summary.tasks_total is not None else ""
    lines.append(f"Tasks: {summary.tasks_completed}{total} done ({summary.task_steps_completed} steps)")
    lines.append(f"Sabotages: {summary.sabotages_count}")
    for s in summary.sabotages:
        if s.fixed_at_s is None:
            fixed = "not fixed"
        elif s.fixed_by is None:
            fixed = f"over at {s.fixed_at_s:.1f} s (by itself or a meeting)"
        else:
            fixed = f"fixed at {s.fixed_at_s:.1f} s by {who(s.fixed_by)}"
        room = f" ({escape(s.room)})" if s.room else ""
        lines.append(f"  {s.t:7.1f} s  {s.kind}{room} by {who(s.by)}, {fixed}")
    lines.append(f"Chat: {summary.chat_messages} messages; votes: {summary.votes} ({summary.skip_votes} skip)")
    return "\n".join(lines)
