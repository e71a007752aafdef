"""The `amongus-agent` command line.

Every command that reads data turns a bad file or a bad argument into one line on standard error
and exit status 2 (see `errors.py`); `--json` output is a single JSON object on the last line so
scripts can read it without parsing the human view.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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

err = Console(stderr=True, highlight=False)
out = Console(highlight=False)

MapOption = Annotated[
    str, typer.Option("--map", "-m", help=f"Map name ({', '.join(available('maps')) or 'skeld'}) or path to a map file.")
]


def _version(value: bool) -> None:
    if value:
        print(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


def _load(map_name: str):
    from .world.map import load_map
    from .world.tasks import load_tasks

    game_map = load_map(map_name)
    # the task table goes by the map's own name, also when the map was given as a path
    return game_map, load_tasks(game_map.name, game_map)


@map_app.command("show")
def map_show(
    map_name: MapOption = "skeld",
    out_file: Annotated[Path, typer.Option("--out", "-o", help="PNG file to write.")] = Path("map.png"),
    scale: Annotated[float, typer.Option(help="Pixels per world unit.", min=5, max=200)] = 40.0,
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
        "task_types": len(tasks.tasks),
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


def main() -> None:
    """Entry point: run the app, turning our own errors into one line and exit status 2."""
    try:
        app()
    except AmongUsError as exc:
        err.print(f"[red]error:[/] {exc}", soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
