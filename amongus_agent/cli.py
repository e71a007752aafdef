"""The `amongus-agent` command line.

Every command that reads data turns a bad file or a bad argument into one line on standard error
and exit status 2 (see `errors.py`); `--json` output is a single JSON object on the last line so
scripts can read it without parsing the human view.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import AmongUsError
from .paths import available

app = typer.Typer(
    help="Let a language model play an Among Us-style game: simulate, route, record and narrate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
map_app = typer.Typer(help="Inspect map files (walkable area, rooms, task spots, vents).", no_args_is_help=True)
app.add_typer(map_app, name="map")
feed_app = typer.Typer(help="Follow the live commentary feed of a running game (docs/commentary.md).",
                       no_args_is_help=True)
app.add_typer(feed_app, name="feed")

class _LazyConsole:
    """A rich Console made on first use: `simulate --json` and `bench --json` never import rich."""

    def __init__(self, **options) -> None:
        self._options = options
        self._console = None

    def __getattr__(self, name: str):
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return getattr(self._console, name)


err = _LazyConsole(stderr=True, highlight=False)
out = _LazyConsole(highlight=False)

MapOption = Annotated[
    str, typer.Option("--map", "-m", help=f"Map name ({', '.join(available('maps')) or 'skeld'}) or path to a map file.")
]


def _version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


def _finite(value: float | None) -> float | None:
    """Typer's ranges let NaN through (every comparison with it is false): numbers must be finite."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter("must be a finite number")
    return value


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


def _load(map_name: str):
    from .paths import resolve_data_file
    from .world.map import load_map
    from .world.tasks import load_tasks

    game_map = load_map(map_name)
    # the task table goes by the map's own name, also when the map was given as a path; a recorded
    # map may have none
    if not resolve_data_file("tasks", game_map.name).is_file():
        return game_map, None
    return game_map, load_tasks(game_map.name, game_map)


@map_app.command("show")
def map_show(
    map_name: MapOption = "skeld",
    out_file: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")] = Path("map.png"),
    scale: Annotated[float, typer.Option(help="Pixels per world unit.", min=5, max=200, callback=_finite)] = 40.0,
    no_graph: Annotated[bool, typer.Option("--no-graph", help="Leave out the walked graph's edges.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead of text.")] = False,
) -> None:
    """Draw the walkable area, rooms, graph, task spots, vents (with links) and doors into a PNG."""
    from .world.draw import draw_map

    game_map, tasks = _load(map_name)
    canvas = draw_map(game_map, tasks, scale=scale, graph=not no_graph)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(canvas.png())
    summary = {
        "map": game_map.name,
        "png": str(out_file),
        "size": [canvas.width, canvas.height],
        "nodes": len(game_map.data.nodes),
        "edges": len(game_map.data.edges),
        "rooms": len(game_map.rooms),
        "regions": len(game_map.data.regions),
        "task_types": len(tasks.tasks) if tasks else 0,
        "vents": len(game_map.data.vents),
        "doors": len(game_map.data.doors),
    }
    if as_json:
        print(json.dumps(summary))
    else:
        out.print(
            f"[bold]{game_map.data.display_name}[/]: {summary['nodes']} nodes, {summary['edges']} edges, "
            f"{summary['rooms']} rooms, {summary['task_types']} task types, {summary['vents']} vents, "
            f"{summary['doors']} doors -> [green]{out_file}[/] ({canvas.width}x{canvas.height})"
        )


@app.command("path", context_settings={"ignore_unknown_options": True})
def path_cmd(
    start: Annotated[str, typer.Argument(help="Room, task ('Fix Wiring@Admin'), 'button' or 'x,y'.")],
    goal: Annotated[str, typer.Argument(help="Room, task ('Fix Wiring@Admin'), 'button' or 'x,y'.")],
    map_name: MapOption = "skeld",
    smooth: Annotated[
        bool, typer.Option(help="Cut corners where a straight line is walkable (default: follow the walked graph).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: points, length, from, to.")] = False,
) -> None:
    """Print the shortest walkable route between two places and its length (world units)."""
    from .world.places import resolve_place

    game_map, tasks = _load(map_name)
    a = resolve_place(start, game_map, tasks)
    b = resolve_place(goal, game_map, tasks)
    route = game_map.shortest_path(a.point, b.point, smooth=smooth)
    if as_json:
        print(json.dumps({
            "from": {"label": a.label, "point": list(a.point), "room": game_map.room_of(a.point)},
            "to": {"label": b.label, "point": list(b.point), "room": game_map.room_of(b.point)},
            "points": [[round(x, 4), round(y, 4)] for x, y in route.points],
            "length": round(route.length, 4),
        }))
        return
    out.print(f"[bold]{a.label}[/] -> [bold]{b.label}[/]: {route.length:.2f} units, {len(route.points)} points")
    last_room = None
    for x, y in route.points:
        room = game_map.room_of((x, y))
        note = f"  [dim]{room}[/]" if room != last_room else ""
        last_room = room
        out.print(f"  ({x:8.3f}, {y:8.3f}){note}")


@app.command("replay")
def replay_cmd(
    file: Annotated[Path, typer.Argument(help="Recording to read (JSON Lines, docs/recording.md).")],
    png: Annotated[Path | None, typer.Option("--png", help="Draw the game onto the map into this PNG.")] = None,
    check: Annotated[bool, typer.Option("--check", help="Also check the game rules; exit 1 on a violation.")] = False,
    map_name: Annotated[
        str | None, typer.Option("--map", "-m", help="Map to draw and check on (default: the recording's own).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
) -> None:
    """Validate a recording and summarise the game; optionally draw it (--png) and check its rules (--check)."""
    from rich.markup import escape
    from rich.text import Text

    from .recording import check_invariants, read_recording, summarize
    from .recording.report import summary_text

    recording = read_recording(file)
    for problem in recording.problems:  # a line cut by a crash: summarise what came before it
        err.print(Text("warning: ", style="yellow") + Text(str(problem)), soft_wrap=True)
    summary = summarize(recording)
    violations: list[str] | None = None
    if png is not None or check:
        from .world.map import load_map

        game_map = load_map(map_name or recording.header.map)
        if check:
            violations = check_invariants(recording, game_map)
        if png is not None:
            from .recording.replay import draw_replay

            png.parent.mkdir(parents=True, exist_ok=True)
            png.write_bytes(draw_replay(recording, game_map).png())
    if as_json:
        print(json.dumps({**summary.model_dump(mode="json"), "png": str(png) if png else None,
                          "violations": violations}))
    else:
        out.print(summary_text(summary), soft_wrap=True)
        if png is not None:
            out.print(f"replay drawn -> [green]{escape(str(png))}[/]")
        if violations is not None:
            out.print("rules: [green]clean[/]" if not violations else f"rules: [red]{len(violations)} violations[/]")
            for line in violations:
                out.print(f"  {line}", markup=False, highlight=False)
    if violations:
        raise typer.Exit(1)


@app.command("simulate")
def simulate_cmd(
    seed: Annotated[int, typer.Option(help="Game seed: the same seed and settings give the same game.")] = 1,
    players: Annotated[int | None, typer.Option(help="Players, 4-15 (default 10).")] = None,
    impostors: Annotated[int | None, typer.Option(help="Impostors, 1-3 (default 2).")] = None,
    map_name: MapOption = "skeld",
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="Recording file (default recordings/game-SEED.jsonl).")
    ] = None,
    settings_set: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override any game setting, e.g. --set kill_cooldown_s=30 (repeatable)."),
    ] = None,
    agents: Annotated[int, typer.Option(help="Seats played by the agent; the rest are bots.", min=0)] = 0,
    brain: Annotated[str, typer.Option(help="The agent's brain: builtin (offline) or llm.")] = "builtin",
    role: Annotated[str, typer.Option(help="The agent's role: crewmate, impostor or random.")] = "random",
    clock: Annotated[
        str, typer.Option(help="lockstep: game time waits while the model thinks; realtime: the game runs on.")
    ] = "lockstep",
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server (or OPENAI_BASE_URL).")] = None,
    model: Annotated[str | None, typer.Option(help="Model name (or AMONGUS_MODEL).")] = None,
    timeout: Annotated[float | None, typer.Option(
        help="Fixed seconds the model may take per decision (default: a budget from the server's measured speed: "
             "lockstep waits up to 120 s, realtime up to 60 s).")] = None,
    abandon: Annotated[str, typer.Option(
        help="An answer still streaming at its deadline: close (llama.cpp servers then stop generating) or wait "
             "(read it out before the next request, for servers that keep generating after the client left).")
    ] = "close",
    local: Annotated[bool, typer.Option(
        "--local", help="With --brain llm: start a llama.cpp server with SmolLM2-135M on 127.0.0.1 for this game "
                        "(needs the optional 'local' extra of this package, see README).")] = False,
    persona: Annotated[Path | None, typer.Option(help="Persona JSON (name, background, tone, catchphrases).")] = None,
    speed: Annotated[
        float | None, typer.Option(help="Game seconds per wall second (default: as fast as possible; 1 in realtime).",
                                   min=0, max=100_000, callback=_finite)
    ] = None,
    feeds: Annotated[
        list[str] | None,
        typer.Option("--feed", help="Narrate the agent's game (repeatable): ws[:HOST:PORT] (websocket server, default "
                     "127.0.0.1:8765), neuro[:URL] (Neuro API, default NEURO_SDK_WS_URL), openllmvtuber[:URL], "
                     "jsonl:FILE (- for stdout). Needs an agent seat: with --agents 0 one is added; with several, "
                     "the first is narrated."),
    ] = None,
    feed_gap: Annotated[
        float | None, typer.Option(help="Wall seconds between narrated lines; critical and high events never wait "
                                   "(default 2.5 with openllmvtuber, else 0).", min=0, max=3600,
                                   callback=_finite)
    ] = None,
    narrate: Annotated[str, typer.Option(help="Commentary lines: template (offline) or llm (the --model server).")
                       ] = "template",
    neuro_timeout: Annotated[
        float, typer.Option(help="Wall seconds to wait for the Neuro API's vote before voting alone.", min=0,
                            max=600, callback=_finite)
    ] = 5.0,
    feed_token: Annotated[
        str | None, typer.Option(help="Token every ws feed client must give (or AMONGUS_FEED_TOKEN; default: a "
                                 "random one per feed, printed once).")
    ] = None,
    feed_origin: Annotated[
        list[str] | None, typer.Option("--feed-origin", help="A browser origin allowed to open the ws feed, e.g. "
                                       "http://localhost:3000 (repeatable; default: none, non-browser clients "
                                       "send no Origin and need only the token).")
    ] = None,
    feed_secrets: Annotated[
        str, typer.Option(help="What ws feeds show of the agent's secrets: none (what the other players could "
                          "know), role (also its role), all (also its thoughts and plans).")
    ] = "none",
    as_json: Annotated[bool, typer.Option("--json", help="Print only the summary, as one JSON object.")] = False,
) -> None:
    """Play one game, bots in every seat not played by the agent, showing events live, then a summary.

    Settings default to the real game's lobby defaults; override them with --set FIELD=VALUE or
    AMONGUS_FIELD environment variables (e.g. AMONGUS_KILL_COOLDOWN_S=30). With --feed, the agent
    narrates its game to VTuber tools while it plays (docs/commentary.md).
    """
    from .sessions.feed_options import FeedOptions
    from .sessions.simulate import SimulateOptions, simulate
    from .sim.settings import settings_from_cli

    _choice("--brain", brain, ("builtin", "llm"))
    _choice("--role", role, ("crewmate", "impostor", "random"))
    _choice("--clock", clock, ("lockstep", "realtime"))
    _choice("--narrate", narrate, ("template", "llm"))
    _choice("--feed-secrets", feed_secrets, ("none", "role", "all"))
    _choice("--abandon", abandon, ("close", "wait"))
    settings = settings_from_cli(settings_set, {"players": ("--players", players),
                                                "impostors": ("--impostors", impostors), "map": ("--map", map_name)})
    if local and brain != "llm":
        raise typer.BadParameter("--local starts a model server for the LLM brain: add --brain llm", param_hint="--local")
    server = _local_server() if local else None
    if server is not None:
        import atexit

        atexit.register(server.stop)  # also when something fails before the game's own clean-up
        base_url, model = server.base_url, server.model
    try:
        llm = _llm(base_url, model, timeout, clock, abandon) if brain == "llm" else None
        opts = SimulateOptions(
            seed=seed, agents=agents, role=role, llm=llm, clock=clock, persona=_persona(persona),
            speed=speed if speed is not None else (1.0 if clock == "realtime" else 0.0), out=out_file,
            feed=FeedOptions(_feed_specs(feeds or []),
                             (llm or _llm(base_url, model, timeout)) if narrate == "llm" else None,
                             feed_gap, feed_token, feed_origin or [], feed_secrets, neuro_timeout))
        view = _live_view(quiet=as_json)
        try:
            summary = simulate(settings, opts, view, on_game=view.on_game)
        finally:
            view.finish()
    finally:
        if server is not None:
            server.stop()
    if as_json:
        print(json.dumps(summary))
        return
    _print_summary(summary)


def _feed_specs(values: list[str]) -> list:
    if not values:  # no feed asked for: the commentary package (and its sinks) stay unimported
        return []
    from .commentary.spec import parse_feed

    return [parse_feed(v) for v in values]


def _llm(base_url: str | None, model: str | None, timeout: float | None, clock: str = "lockstep",
         abandon: str = "close"):
    """The LLM brain from flags, falling back to OPENAI_BASE_URL / OPENAI_API_KEY / AMONGUS_MODEL."""
    from .brain.llm import LLMBrain, LLMConfig

    return LLMBrain(LLMConfig.from_env({"base_url": base_url, "model": model, "timeout_s": timeout, "clock": clock,
                                        "abandon": abandon}))


def _local_server():
    """Start the local llama.cpp server (`--local`); exit status 2 with the reason when it cannot start."""
    from .brain.local_server import LocalServer, LocalServerError

    err.print("local model: starting a llama.cpp server with SmolLM2-135M on 127.0.0.1 ...", markup=False)
    try:
        server = LocalServer().start()
    except LocalServerError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    err.print(f"local model: ready at {server.base_url} (log {server.log_path})", markup=False)
    return server


def _persona(path: Path | None):
    if path is None:
        return None
    from .agent.persona import load_persona

    return load_persona(path)


def _choice(flag: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r}: choose one of {', '.join(allowed)}", param_hint=flag)


def _live_view(quiet: bool):
    """Event lines and the agent's decisions as they happen, plus a status line on a terminal."""
    from .sessions.simulate import View

    def announce(line: str) -> None:
        err.print(line, soft_wrap=True, markup=False)

    class LiveView(View):
        def __init__(self) -> None:
            super().__init__(announce=announce)
            self.live = None

        def on_game(self, game) -> None:
            from rich.live import Live

            from .sim.view import status

            if not quiet and out.is_terminal:
                self.live = Live(status(game), console=out, refresh_per_second=8, transient=True)
                self.live.start()

        def finish(self) -> None:
            if self.live is not None:
                self.live.stop()

    view = LiveView()
    if quiet:
        return view

    from .sim.view import describe, describe_decision, status

    def on_events(g, events) -> None:
        for e in events:
            line = describe(g, e)
            if line is not None:
                out.print(line, markup=False)
        if view.live is not None:
            view.live.update(status(g))

    def on_decision(agent, obs, decision, outcome) -> None:
        out.print(describe_decision(obs, decision, outcome))

    view.on_events, view.on_decision = on_events, on_decision
    return view


def _print_summary(s: dict) -> None:
    from rich.table import Table

    table = Table(title=f"{s['winner']} win ({s['reason']})", show_header=False, title_style="bold")
    table.add_row("seed", str(s["seed"]))
    table.add_row("duration", f"{s['duration_s']:.1f} game seconds")
    table.add_row("kills", str(s["kills"]))
    table.add_row("meetings", str(s["meetings"]))
    names = list(s["roles"])
    ejections = ", ".join(f"{names[e['player']]} ({e['role']})" for e in s["ejections"]) or "none"
    table.add_row("ejections", ejections)
    table.add_row("tasks", f"{s['tasks_done']}/{s['tasks_total']}")
    table.add_row("impostors", ", ".join(n for n, r in s["roles"].items() if r == "impostor"))
    table.add_row("recording", s["recording"])
    for a in s.get("agents", []):
        votes = ", ".join("skip" if v["target"] == "skip" else f"{names[v['target']]}{'*' if v['hit_impostor'] else ''}"
                          for v in a["votes"]) or "none"
        table.add_row(f"agent {a['name']}", f"{a['role']}, {'survived' if a['survived'] else 'died'}; "
                      f"{a['decisions']} decisions, {a['model_calls']} model calls, {a['fallbacks']} fallbacks, "
                      f"{a['illegal_rejected']} illegal rejected; tasks {a['tasks_done']}/{a['tasks_total']}, "
                      f"kills {a['kills']}; votes {votes}")
        if a.get("model_calls"):
            table.add_row(f"model {a['name']}", _model_line(a))
    out.print(table)


def _model_line(a: dict) -> str:
    """The LLM brain's figures for one agent: own decisions, fallbacks, latency per kind, tokens, cache, budget."""
    share = a.get("model_share")
    parts = [f"{a['model_decisions']}/{a['decisions']} decisions by the model"
             + (f" ({share:.0%})" if share is not None else "")]
    if a.get("fallback_reasons"):
        parts.append("fallbacks " + ", ".join(f"{k} {v}" for k, v in sorted(a["fallback_reasons"].items())))
    for kind, k in a.get("by_kind", {}).items():
        if k.get("calls"):
            parts.append(f"{kind} p50 {k['latency_p50_s']} s / p95 {k['latency_p95_s']} s")
    parts.append(f"tokens in {a['prompt_tokens']} (cached {a['cached_tokens']}), out {a['completion_tokens']}")
    budget = a.get("budget") or {}
    if budget:
        plan = budget.get("last_plan") or {}
        speeds = budget.get("speeds") or {}
        parts.append(f"budget: {budget.get('clock')}, timeout {plan.get('timeout_s')} s (cap {budget.get('cap_s')} s), "
                     f"max_tokens {plan.get('max_tokens')}, text {plan.get('text_chars')} chars; measured "
                     f"{speeds.get('prompt_tokens_per_s')} prompt tok/s, {speeds.get('gen_tokens_per_s')} gen tok/s")
    return "; ".join(parts)


@feed_app.command("tail")
def feed_tail_cmd(
    url: Annotated[str, typer.Argument(help="The feed's websocket URL.")] = "ws://127.0.0.1:8765",
    as_json: Annotated[bool, typer.Option("--json", help="Print each event's raw JSON line.")] = False,
    count: Annotated[int | None, typer.Option(help="Stop after this many events.", min=1)] = None,
    token: Annotated[str | None, typer.Option(help="The feed's token, as `simulate` printed it (or AMONGUS_FEED_TOKEN).")
                     ] = None,
) -> None:
    """Print commentary events as they come, coloured by priority (critical red, high yellow, medium cyan, low dim)."""
    import os

    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    token = token or os.environ.get("AMONGUS_FEED_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        ws = connect(url, open_timeout=3, additional_headers=headers)
    except InvalidStatus as exc:
        status = exc.response.status_code
        hint = ("give the token `simulate` printed for this feed with --token or AMONGUS_FEED_TOKEN"
                if status == 401 else "the feed refused this client")
        raise AmongUsError(f"the feed at {url} refused the connection (HTTP {status}): {hint}") from None
    except Exception as exc:
        raise AmongUsError(f"cannot connect to the feed at {url}: {exc}") from None
    styles = {"critical": "bold red", "high": "yellow", "medium": "cyan", "low": "dim"}
    seen = 0
    try:
        with ws:
            for message in ws:
                if as_json:
                    print(message if isinstance(message, str) else message.decode(), flush=True)
                else:
                    _print_feed_event(message, styles)
                seen += 1
                if count is not None and seen >= count:
                    return
    except ConnectionClosed:
        return
    except KeyboardInterrupt:
        return


def _print_feed_event(message: str | bytes, styles: dict[str, str]) -> None:
    from rich.text import Text

    from .sim.view import clock
    from .world.loading import parse_json

    try:
        e = parse_json(message)  # a feed is a peer: its nesting and numbers are bounded like any other input
        line = Text(f"[{clock(float(e.get('game_t', 0)))}] ", style="dim")
        line.append(f"{e.get('priority', '?'):8s} {e.get('kind', '?')}: ", style=styles.get(e.get("priority"), ""))
        line.append(str(e.get("text", "")), style=styles.get(e.get("priority"), ""))
    except (ValueError, TypeError, AttributeError):
        raw = message if isinstance(message, str) else message.decode("utf-8", "replace")
        line = Text(raw[:200] + ("…" if len(raw) > 200 else ""))
    out.print(line, soft_wrap=True)


@app.command("bench")
def bench_cmd(
    games: Annotated[int, typer.Option(help="Number of games.", min=1)] = 100,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: all cores).", min=1)] = None,
    seed: Annotated[int, typer.Option(help="First seed; games use seed, seed+1, ...")] = 1,
    players: Annotated[int | None, typer.Option(help="Players, 4-15 (default 10).")] = None,
    impostors: Annotated[int | None, typer.Option(help="Impostors, 1-3 (default 2).")] = None,
    map_name: MapOption = "skeld",
    settings_set: Annotated[list[str] | None, typer.Option("--set", help="Override a game setting (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object, last.")] = False,
) -> None:
    """Play many bot games over several processes: win rates, game length, speed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .sim.batch import bench
    from .sim.runner import world
    from .sim.settings import settings_from_cli

    settings = settings_from_cli(settings_set, {"players": ("--players", players),
                                                "impostors": ("--impostors", impostors), "map": ("--map", map_name)})
    world(settings.map)  # a bad map or task file is reported here, once, not from inside every worker
    progress = Progress(TextColumn("games"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, transient=True, disable=not err.is_terminal)
    with progress:
        task = progress.add_task("games", total=games)
        result = bench(settings, games, seed, workers, progress=lambda _r: progress.advance(task))
    if as_json:
        print(json.dumps(result))
        return
    out.print(f"[bold]{games} games[/] on {result['workers']} workers in {result['wall_s']:.1f} s "
              f"({result['games_per_s']:.1f} games/s, {result['sim_s_per_wall_s']:.0f} game s per wall s)")
    load = result["loadavg"][0] if result["loadavg"] else None
    out.print(f"{result['game_s_per_reference']} game s per reference run (sim/reference.py)"
              + (f", load average {load[0]:.1f}" if load else ""))
    out.print(f"win rate: crew {result['win_rate']['crew']:.0%}, impostors {result['win_rate']['impostors']:.0%}")
    for reason, count in result["wins_by_reason"].items():
        out.print(f"  {reason}: {count}")
    out.print(f"mean game {result['mean_game_s']:.0f} s (longest {result['longest_game_s']:.0f} s), "
              f"{result['kills_per_game']:.1f} kills and {result['meetings_per_game']:.1f} meetings per game, "
              f"ejected: {result['impostors_ejected']} impostors, {result['crewmates_ejected']} crewmates")


@app.command("ocr-chat")
def ocr_chat_cmd(
    image: Annotated[Path, typer.Argument(help="Screenshot with the chat open (meeting or lobby; PNG, JPEG, ...).")],
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print a JSON list of {kind, speaker, color, text, self, confidence}.")] = False,
) -> None:
    """Read the chat messages on a screenshot, oldest first; exit 1 when there is no chat or it cannot be read."""
    from rich.markup import escape

    from .perception.chat_ocr import ChatUnreadableError, lines_out, read_chat
    from .perception.images import load_image

    try:
        lines = read_chat(load_image(image))
    except ChatUnreadableError as exc:
        err.print(f"{image}: {exc}", soft_wrap=True, markup=False)
        raise typer.Exit(1) from None
    if not lines:
        if as_json:
            print("[]")
        err.print(f"{image}: no chat on this screen", soft_wrap=True, markup=False)
        raise typer.Exit(1)
    if as_json:
        print(json.dumps([m.model_dump(by_alias=True) for m in lines_out(lines)]))
        return
    for m in lines:
        if m.kind == "vote":
            out.print(f"[green]{m.text}[/] [dim]{m.color}[/]", soft_wrap=True)
            continue
        tag = " (you)" if m.is_self else ""
        out.print(f"[bold]{escape(m.speaker)}[/] [dim]{m.color}{tag} {m.confidence:.2f}[/]: {escape(m.text)}",
                  soft_wrap=True)


@app.command("read-voting")
def read_voting_cmd(
    image: Annotated[Path, typer.Argument(help="Screenshot of the meeting's voting tablet.")],
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print {stage, plates: [{color, name, alive, voted, reporter, box, click}], skip, confirm}.")
    ] = False,
) -> None:
    """Read the voting tablet: plates, SKIP VOTE, confirm button, stage; exit 1 when no tablet is shown."""
    from .perception.images import load_image
    from .perception.voting import read_voting

    screen = read_voting(load_image(image))
    if screen is None:
        err.print(f"{image}: no voting tablet on this screen", soft_wrap=True, markup=False)
        raise typer.Exit(1)
    result = screen.to_out()
    if as_json:
        print(json.dumps(result.model_dump()))
        return
    out.print(f"stage: {result.stage}")
    for p in result.plates:
        state = ("alive" if p.alive else "dead") + (", voted" if p.voted else "") + (", reported" if p.reporter else "")
        out.print(f"  {p.color or '?':7s} {p.name!r:20s} {state:24s} click {p.click}", soft_wrap=True, markup=False)
    out.print(f"skip: {result.skip.click if result.skip else '-'}   confirm: {result.confirm.click if result.confirm else '-'}")


@app.command("solve-task")
def solve_task_cmd(
    image: Annotated[Path, typer.Argument(help="Screenshot (full screen or the panel alone) with a task panel open.")],
    as_json: Annotated[bool, typer.Option("--json", help='Print {"panel", "state", "steps": [...]} in image pixels.')] = False,
) -> None:
    """Recognise the open task panel and print the planned inputs (image pixels); exit 1 if no known panel."""
    from .act.steps import steps_json
    from .act.tasks.plans import NoPlan, plan
    from .perception.images import load_image
    from .perception.panels import read_panel

    state = read_panel(load_image(image))
    if state is None:
        err.print(f"{image}: no task panel this agent knows is open", soft_wrap=True, markup=False)
        raise typer.Exit(1)
    try:
        steps = steps_json(plan(state))
    except NoPlan as exc:
        err.print(f"{image}: {exc}", soft_wrap=True, markup=False)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps({"panel": state.name, "state": state.state, "steps": steps}))
        return
    out.print(f"{state.name} ({state.state})")
    for s in steps:
        out.print("  " + json.dumps(s), soft_wrap=True, markup=False)


@app.command("solve-wires")
def solve_wires_cmd(
    image: Annotated[Path, typer.Argument(help="Screenshot with the Fix Wiring panel open.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print {panel, pairs: [{color, from, to}]}.")] = False,
) -> None:
    """Find the Fix Wiring panel and print the drags (image pixels) that solve it; exit 1 if there is none."""
    from .perception.images import load_image
    from .perception.schema import WirePairOut, WiringOut
    from .perception.wires import solve_wiring

    solution = solve_wiring(load_image(image))
    if solution is None:
        err.print(f"{image}: no Fix Wiring panel found", soft_wrap=True, markup=False)
        raise typer.Exit(1)
    result = WiringOut(panel=solution.panel,
                       pairs=[WirePairOut(color=p.color, start=p.start, end=p.end) for p in solution.pairs])
    if as_json:
        print(json.dumps(result.model_dump(by_alias=True)))
        return
    x, y, w, h = solution.panel
    out.print(f"panel at ({x}, {y}) size {w}x{h}")
    for p in solution.pairs:
        out.print(f"  {p.color:8s} {p.start} -> {p.end}")


@app.command("read-hud")
def read_hud_cmd(
    image: Annotated[Path, typer.Argument(help="Screenshot of the game while walking (a task panel may be open).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print {tasks, room, task_bar, buttons, panel}.")] = False,
) -> None:
    """Read the HUD: task list, room label, total-tasks bar, lit buttons, open panel; exit 1 if there is none."""
    from .perception.hud import NotHudError, read_hud
    from .perception.images import load_image

    try:
        reading = read_hud(load_image(image))
    except NotHudError as exc:
        err.print(f"{image}: {exc}", soft_wrap=True, markup=False)
        raise typer.Exit(1) from None
    result = reading.to_json()
    if as_json:
        print(json.dumps(result))
        return
    if reading.error:
        err.print(f"{image}: {reading.error}", soft_wrap=True, markup=False)
    for t in result["tasks"]:
        where = f"{t['room']}: " if t["room"] else ""
        steps = f" ({t['step']}/{t['steps']})" if t["steps"] else ""
        cut = " [partly hidden]" if t["partial"] else ""
        out.print(f"{where}{t['task'] or '?'}{steps}  {t['state']}{cut}", soft_wrap=True, markup=False)
    lit = ", ".join(k for k, v in result["buttons"].items() if v) or "none"
    out.print(f"room: {result['room'] or '-'}   task bar: {result['task_bar']:.0%}   lit: {lit}   "
              f"panel: {result['panel'] or '-'}", soft_wrap=True, markup=False)


@app.command("prompt")
def prompt_cmd(
    seed: Annotated[int, typer.Option(help="Game seed.")] = 1,
    at: Annotated[float, typer.Option("--at", help="Game second at which to show the prompt.", min=0, max=86_400,
                                       callback=_finite)] = 30.0,
    seat: Annotated[int | None, typer.Option(help="Player id whose prompt to show (default: an agent seat).")] = None,
    role: Annotated[str, typer.Option(help="Role of the agent seat when --seat is not given.")] = "random",
    settings_set: Annotated[list[str] | None, typer.Option("--set", help="Override a game setting.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print {system, user, legal, tokens, tokens_source} as JSON.")
                       ] = False,
    base_url: Annotated[str | None, typer.Option(
        help="Count tokens with this server's tokenizer (llama.cpp /tokenize, llama-cpp-python /extras/tokenize); "
             "without it, or if the server has none, the count is an estimate (about 3.5 characters a token).")] = None,
) -> None:
    """Print the exact prompt the agent would send to the model at that moment of a seeded game."""
    from .sessions.seats import prompt_at
    from .sim.settings import settings_from_cli

    _choice("--role", role, ("crewmate", "impostor", "random"))
    settings = settings_from_cli(settings_set, {})
    if seat is not None and not 0 <= seat < settings.players:
        raise typer.BadParameter(f"no player {seat} (0-{settings.players - 1})", param_hint="--seat")
    obs, legal, prompt, phase = prompt_at(settings, seed, at, seat=seat, role=role)
    tokens, source = prompt.approx_tokens(), "estimate"
    if base_url:
        from .brain.tokenizer import Tokenizer, prompt_tokens

        tokenizer = Tokenizer(base_url)
        counted = prompt_tokens(tokenizer, [{"role": "system", "content": prompt.system},
                                            {"role": "user", "content": prompt.user}])
        if tokenizer.source == "server":
            tokens, source = counted, "server"
        else:
            err.print(f"{base_url}: no tokenizer route answered; the count is an estimate", markup=False)
    if as_json:
        print(json.dumps({"seed": seed, "t": obs.t, "seat": obs.me, "role": obs.role, "phase": obs.phase,
                          "system": prompt.system, "user": prompt.user, "legal": [a.name for a in legal],
                          "tokens_est": prompt.approx_tokens(), "tokens": tokens, "tokens_source": source}))
        return
    out.rule(f"system — {obs.name} ({obs.role}), seed {seed}, t={obs.t:.1f} s, {phase}")
    out.print(prompt.system, markup=False)
    out.rule("user")
    out.print(prompt.user, markup=False)
    out.rule(f"{tokens} tokens (server tokenizer)" if source == "server" else f"~{tokens} tokens (estimate)")


@app.command("sim-server")
def sim_server_cmd(
    port: Annotated[int, typer.Option(help="TCP port to listen on (0: any free port, printed).")] = 7777,
    host: Annotated[str, typer.Option(help="Address to listen on (localhost by default).")] = "127.0.0.1",
    seed: Annotated[int, typer.Option(help="Game seed.")] = 1,
    agents: Annotated[int, typer.Option(help="Seats served to bridge clients; bots play the rest.", min=1)] = 1,
    role: Annotated[str, typer.Option(help="Role of the served seats: crewmate, impostor or random.")] = "random",
    speed: Annotated[float, typer.Option(help="Game seconds per wall second.", min=0.1, max=100_000,
                                                 callback=_finite)] = 1.0,
    wait: Annotated[float, typer.Option(help="Seconds to wait for clients before starting.", min=0, max=86_400,
                                                callback=_finite)] = 30.0,
    token: Annotated[str | None, typer.Option(
        help="Clients must send this token in their join (or AMONGUS_BRIDGE_TOKEN); one is made up and printed "
             "when listening beyond localhost without one.")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="Recording of the whole game.")] = None,
    settings_set: Annotated[list[str] | None, typer.Option("--set", help="Override a game setting.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object, last.")] = False,
    screens: Annotated[bool, typer.Option(
        "--screens", help="Show one served seat's client screen in a window (title 'amongus-agent screens') and "
                          "take that seat's input from it: W/A/S/D or arrows walk, E use, R report, Q kill, V vent, "
                          "Escape closes a panel; the mouse works task panels, the chat box and the voting tablet "
                          "(Tab: tablet/chat while voting). Its tasks come from the drawable pool: Fix Wiring, "
                          "Clear Asteroids, Submit Scan, Clean O2 Filter, Fuel Engines. Its bridge frames carry no chat; its "
                          "bridge inputs are ignored. See docs/screens.md.")] = False,
    seat: Annotated[int | None, typer.Option(help="--screens: the served seat the window plays (default: the first).",
                                             min=0)] = None,
    screen_size: Annotated[str, typer.Option(help="--screens: window size WxH.")] = "1280x720",
    pad_port: Annotated[int | None, typer.Option(
        help="--screens: UDP port on 127.0.0.1 for gamepad state reports {\"lx\",\"ly\",\"buttons\"} "
             "(0: any free port, printed).", min=0, max=65535)] = None,
    input_log: Annotated[Path | None, typer.Option(
        help="--screens: append each window/pad input acted on as a JSON line {wall, t, kind, what}.")] = None,
) -> None:
    """Run a simulated game in (scaled) real time and serve it over the bridge protocol (docs/bridge.md)."""
    from .sessions.sim_server import open_sim_server
    from .sim.settings import settings_from_cli

    _choice("--role", role, ("crewmate", "impostor", "random"))
    screens_opts = None
    if screens:
        from .sessions.screens import ScreensOptions, check_display, parse_size

        screens_opts = ScreensOptions(seat=seat, size=parse_size(screen_size), pad_port=pad_port, input_log=input_log)
        check_display()
    elif seat is not None or pad_port is not None or input_log is not None:
        raise AmongUsError("--seat, --pad-port and --input-log go with --screens")
    try:
        server, made_up = open_sim_server(settings_from_cli(settings_set, {}), seed, agents=agents,
                                          role=role, speed=speed, host=host, port=port, out=out_file, wait_s=wait,
                                          token=token)
    except OSError as exc:
        raise AmongUsError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    prepared = None
    if screens_opts is not None:
        from .sessions.screens import prepare_screens

        try:
            prepared = prepare_screens(server, screens_opts)
        except (AmongUsError, OSError) as exc:
            server.close()
            if isinstance(exc, OSError):
                raise AmongUsError(f"--pad-port {pad_port}: {exc.strerror or exc}") from None
            raise
    err.print(f"sim-server: seed {seed}, {agents} seat(s) at tcp://{host}:{server.port}, speed {speed}x"
              + (", token required" if server.token else ""), soft_wrap=True, markup=False)
    if made_up:
        err.print(f"sim-server: token {server.token} (pass it to play --token)", soft_wrap=True, markup=False)
    extra = {}
    if prepared is not None:
        from .sessions.screens import serve_screens

        run = prepared[1]
        err.print(f"sim-server: window '{run.title}', tasks {', '.join(run.tasks)}"
                  + (f", pad on udp://127.0.0.1:{run.pad_port}" if run.pad_port is not None else ""),
                  soft_wrap=True, markup=False)
        try:
            result, run = serve_screens(server, prepared)
        finally:
            server.close()
        extra = {"screens": {"seat": run.seat, "tasks": run.tasks, "inputs": run.inputs, "pad_reports": run.pad_reports,
                             "pad_bad": run.pad_bad}}
    else:
        result = server.serve()
    summary = result.as_dict() | {"recording": str(out_file) if out_file else None, "malformed_lines": server.malformed,
                                  "refused": server.refused, "frames_dropped": server.frames_dropped,
                                  "inputs_dropped": sum(link.inputs_dropped for link in server.links.values()),
                                  "end_undelivered": server.undelivered} | extra
    if as_json:
        print(json.dumps(summary))
    else:
        out.print(f"{summary['winner']} win ({summary['reason']}) after {summary['duration_s']:.0f} s")


@app.command("play")
def play_cmd(
    bridge: Annotated[str, typer.Option(
        help="State source: tcp://HOST:PORT (a game mod or sim-server), or timshaw:DIR (the TimShaw1 mod's files).")],
    input_mode: Annotated[str, typer.Option(
        "--input", help="Where inputs go: bridge, device (the game window: walk by --movement, chat typed into the "
        "chat box, votes clicked, task panels solved, meeting chat read from its pixels), gamepad (vgamepad; chat "
        "typed on the keyboard), keyboard (WASD), or dry (log only).")] = "bridge",
    movement: Annotated[str, typer.Option(help="--input device: walk by keyboard (WASD) or gamepad (vgamepad).")
                        ] = "keyboard",
    window: Annotated[str, typer.Option(help="--input device: the game window's title (or a part of it).")
                      ] = "Among Us",
    input_log: Annotated[Path | None, typer.Option(
        help="--input device: append each input decided as a JSON line {wall, kind, what} (latency benchmark).")
                         ] = None,
    brain: Annotated[str, typer.Option(help="builtin or llm.")] = "builtin",
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible server (or OPENAI_BASE_URL).")] = None,
    model: Annotated[str | None, typer.Option(help="Model name (or AMONGUS_MODEL).")] = None,
    map_name: MapOption = "skeld",
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="The agent's recording of the game.")] = None,
    persona: Annotated[Path | None, typer.Option(help="Persona JSON.")] = None,
    seat: Annotated[int | None, typer.Option(help="Seat (player id) to join; default: any free seat.", min=0,
                                             max=14)] = None,
    player: Annotated[str | None, typer.Option("--player", help="Join the seat of this player name instead.")] = None,
    token: Annotated[str | None, typer.Option(help="The bridge's token (or AMONGUS_BRIDGE_TOKEN).")] = None,
    retries: Annotated[int, typer.Option(help="Reconnect attempts in a row without a frame before giving up.",
                                         min=0, max=100)] = 8,
    feeds: Annotated[
        list[str] | None,
        typer.Option("--feed", help="Narrate the live game (repeatable): ws[:HOST:PORT], neuro[:URL], "
                     "openllmvtuber[:URL], jsonl:FILE (- for stdout)."),
    ] = None,
    feed_gap: Annotated[float | None, typer.Option(help="Wall seconds between narrated lines.", min=0, max=3600,
                                                                 callback=_finite)] = None,
    narrate: Annotated[str, typer.Option(help="Commentary lines: template (offline) or llm.")] = "template",
    neuro_timeout: Annotated[
        float, typer.Option(help="Wall seconds to wait for the Neuro API's vote before voting alone.", min=0,
                            max=600, callback=_finite)
    ] = 5.0,
    feed_token: Annotated[str | None, typer.Option(help="Token ws feed clients must give (or AMONGUS_FEED_TOKEN).")
                          ] = None,
    feed_origin: Annotated[list[str] | None, typer.Option(
        help="A browser origin ws feed clients may come from (repeatable); others are refused.")] = None,
    feed_secrets: Annotated[str, typer.Option(
        help="What a ws feed shows of the agent's secrets: none (default, safe on stream), role, or all.")] = "none",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object, last.")] = False,
) -> None:
    """Play live: the agent loop in real time against a bridge, inputs to the bridge, a device, or nowhere.

    Exits 1 when the state source is lost before the game ends.
    """
    from .sessions.feed_options import FeedOptions
    from .sessions.play import INPUTS, MOVEMENTS, PlayOptions, play_live

    _choice("--input", input_mode, INPUTS)
    _choice("--movement", movement, MOVEMENTS)
    _choice("--brain", brain, ("builtin", "llm"))
    _choice("--narrate", narrate, ("template", "llm"))
    llm = _llm(base_url, model, None) if brain == "llm" else None
    _choice("--feed-secrets", feed_secrets, ("none", "role", "all"))
    opts = PlayOptions(
        bridge=bridge, input=input_mode, map_name=map_name, out=out_file, llm=llm, persona=_persona(persona),
        seat=seat, player=player, token=token or os.environ.get("AMONGUS_BRIDGE_TOKEN"), retries=retries,
        movement=movement, window=window, input_log=input_log,
        feed=FeedOptions(_feed_specs(feeds or []), (llm or _llm(base_url, model, None)) if narrate == "llm" else None,
                         feed_gap, feed_token, feed_origin or [], feed_secrets, neuro_timeout))
    result, world = play_live(opts, announce=lambda line: err.print(line, soft_wrap=True, markup=False))
    summary = {"seat": world.hello.seat if world.hello else None, "frames": result.frames,
               "ticks": result.ticks, "winner": result.winner, "reason": result.reason, "lost": result.lost,
               "reconnects": result.reconnects, "malformed_lines": result.malformed, "inputs_sent": result.inputs_sent,
               "device_sent": result.device_sent, "device_refused": result.device_refused, "screen": result.screen,
               "inputs_dropped": getattr(world, "inputs_dropped", 0),
               "commentary": result.commentary, "recording": str(out_file) if out_file else None}
    if as_json:
        print(json.dumps(summary))
    elif result.lost is None:
        out.print(f"game over: {result.winner} ({result.reason}); {result.frames} frames, {result.ticks} ticks",
                  markup=False)
    if result.lost is not None:
        err.print(f"play: game lost: {result.lost}", soft_wrap=True, markup=False)
        raise typer.Exit(1)


@app.command("record-map")
def record_map_cmd(
    bridge: Annotated[str, typer.Option(help="State source: tcp://HOST:PORT (a game mod or sim-server).")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Map file to write, e.g. maps/mine.json.")],
    tasks: Annotated[bool, typer.Option("--tasks", help="Mark a spot wherever a task step advances.")] = False,
    explore: Annotated[
        str | None, typer.Option(help="Walk for the player with a scripted explorer over this known map (simulator).")
    ] = None,
    name: Annotated[str | None, typer.Option(help="Map name (default: the file's stem).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object, last.")] = False,
) -> None:
    """Record a map by walking it: positions become a graph, saved as a map file `map show` can draw."""
    from .mapping.record import record_map_from
    from .world.map import load_map

    known = load_map(explore) if explore else None

    def progress(rec, frames) -> None:
        if not as_json:
            err.print(f"\rframes {frames}  nodes {len(rec.nodes)}  edges {len(rec.edges)}  "
                      f"walked {rec.total_length():.0f} units  spots {len(rec.spots)}", end="")

    result = record_map_from(bridge, out_file, name=name or out_file.stem, explore=known, tasks=tasks, progress=progress)
    summary = {"frames": result.frames, "nodes": result.nodes, "edges": result.edges, "spots": result.spots,
               "components_recorded": result.components, "map": result.path}
    if as_json:
        print(json.dumps(summary))
    else:
        err.print()
        out.print(f"saved {result.path}: {result.nodes} nodes, {result.edges} edges, {result.spots} task spots")


def _error_line(message: str) -> None:
    from rich.text import Text

    # the message quotes user text (file names, values): print it as it is, never as markup
    err.print(Text("error: ", style="red") + Text(" ".join(message.split())), soft_wrap=True)


def main() -> None:
    """Entry point: run the app, turning our own errors and usage errors into one line and exit status 2.

    Click's own form for a usage error is a usage line, a hint and a boxed message: four lines or more
    where a wrong flag deserves one that says which command, what was wrong and where to look.
    """
    # Click's exception classes, whichever click this Typer uses (recent ones carry their own copy and
    # export only these three): the usage error and the base class are BadParameter's ancestors.
    ancestors = {c.__name__: c for c in typer.BadParameter.__mro__}
    usage_error, click_exception = ancestors["UsageError"], ancestors["ClickException"]
    try:
        rv = app(standalone_mode=False)
    except AmongUsError as exc:
        _error_line(str(exc))
        sys.exit(2)
    except usage_error as exc:
        if not exc.format_message().strip():  # a group called without a command: its help was the answer
            sys.exit(exc.exit_code)
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "amongus-agent"
        _error_line(f"{where}: {exc.format_message()} (see {where} --help)")
        sys.exit(2)
    except click_exception as exc:
        _error_line(exc.format_message())
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted!")
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)  # `typer.Exit(code)` comes back as its code


if __name__ == "__main__":
    main()
