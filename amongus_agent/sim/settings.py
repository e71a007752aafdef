"""Game settings: every rule number in one place, defaults as in the real game's lobby.

Defaults follow the game's published default options (SkeldJS GameOptions): 10 players, kill
cooldown 45 s, medium kill distance, crew vision 1x and impostor 1.5x, one emergency meeting each,
15 s discussion and 120 s voting, 1 common / 1 long / 2 short tasks. Two impostors is the usual
lobby for ten players. Values the game does not publish in world units (vision radius, speeds,
use and report ranges) are estimates and say so.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import DataError
from ..ports import DEFAULT_RULES, MAX_PLAYERS, Rules
from ..world.loading import validation_message

KILL_DISTANCES = {"short": 1.0, "medium": 1.8, "long": 2.5}
_R = DEFAULT_RULES  # the one table of the rule values a player knows; the simulator adds its own
SIM_VERSION = "skeld_sim_v1"  # bump when rules change, so results stay comparable


class GameSettings(BaseModel):
    # Every number is finite and in a range: the real lobby's where the game has one, else generous
    # bounds that keep a game (and its recording) finite and no speed, distance or duration so close
    # to zero that the simulation divides by it.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    map: str = Field("skeld", min_length=1, max_length=4096)
    players: int = Field(10, ge=4, le=MAX_PLAYERS)
    impostors: int = Field(2, ge=1, le=3)
    tick_hz: int = Field(10, ge=2, le=60, description="fixed simulation steps per game second")
    player_speed: float = Field(_R.player_speed, ge=0.25, le=10, description="units per second at full stick (estimate)")
    ghost_speed_factor: float = Field(1.5, ge=0.25, le=5)
    vision_radius: float = Field(3.5, ge=0.5, le=50, description="world units at 1.0x vision (estimate)")
    crew_vision: float = Field(1.0, ge=0.25, le=5, description="the lobby offers 0.25x to 5x")
    impostor_vision: float = Field(1.5, ge=0.25, le=5, description="the lobby offers 0.25x to 5x")
    lights_vision_factor: float = Field(0.25, ge=0.05, le=1, description="crew vision while lights are out")
    kill_cooldown_s: float = Field(_R.kill_cooldown_s, ge=0, le=600, description="the lobby offers 10 to 60 s")
    initial_kill_cooldown_s: float = Field(10.0, ge=0, le=600, description="at game start, as in the real game")
    kill_distance: str = Field("medium", pattern="^(short|medium|long)$")
    use_distance: float = Field(_R.use_range, ge=0.05, le=10, description="from a standing spot, vent or button (estimate)")
    report_distance: float = Field(_R.report_range, ge=0.05, le=20, description="estimate")
    emergency_meetings: int = Field(1, ge=0, le=9, description="the lobby offers 0 to 9")
    button_cooldown_s: float = Field(15.0, ge=0, le=600, description="the lobby offers 0 to 60 s")
    discussion_s: float = Field(_R.discussion_s, ge=0, le=600, description="the lobby offers 0 to 120 s")
    voting_s: float = Field(_R.voting_s, ge=1, le=600, description="the lobby offers up to 300 s")
    confirm_ejects: bool = True
    anonymous_votes: bool = False
    common_tasks: int = Field(1, ge=0, le=2)
    long_tasks: int = Field(1, ge=0, le=3)
    short_tasks: int = Field(2, ge=0, le=5)
    sabotage_cooldown_s: float = Field(30.0, ge=0, le=600)
    reactor_countdown_s: float = Field(30.0, ge=1, le=600)
    oxygen_countdown_s: float = Field(30.0, ge=1, le=600)
    door_close_s: float = Field(10.0, ge=0.1, le=600)
    fix_duration_s: float = Field(3.0, ge=0.1, le=600, description="lights, comms and each O2 keypad (estimate)")
    chat_max_chars: int = Field(_R.chat_max_chars, ge=1, le=500)
    max_game_s: float = Field(1800.0, ge=1, le=86400,
                              description="hard cap; a game that hits it ends with reason time_limit")
    freeplay: bool = Field(False, description="practice, as the game's Freeplay: no kills, sabotages or wins")

    @model_validator(mode="after")
    def _enough_crew(self) -> GameSettings:
        if self.players - self.impostors <= self.impostors:  # as the lobby: fewer than half the players
            raise ValueError(f"impostors: {self.impostors} impostors need more than {2 * self.impostors} players, "
                             f"not {self.players}")
        return self

    @property
    def dt(self) -> float:
        return 1.0 / self.tick_hz

    @property
    def kill_range(self) -> float:
        return KILL_DISTANCES[self.kill_distance]

    def rules(self) -> Rules:
        """What a player of this game knows of its rules (handed to every seat in its observation)."""
        return Rules(player_speed=self.player_speed, tick_s=self.dt, kill_cooldown_s=self.kill_cooldown_s,
                     kill_range=self.kill_range, use_range=self.use_distance, report_range=self.report_distance,
                     chat_max_chars=self.chat_max_chars, discussion_s=self.discussion_s, voting_s=self.voting_s)


ENV_PREFIX = "AMONGUS_"


def load_settings(overrides: dict[str, object] | None = None, environ: Mapping[str, str] | None = None,
                  origins: Mapping[str, str] | None = None) -> GameSettings:
    """Defaults, then `AMONGUS_<FIELD>` environment variables, then explicit overrides (the CLI's).

    A bad value raises one `DataError` naming the field and where its value came from (`origins`
    names the overrides' flags; environment variables name themselves).
    """
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    came_from: dict[str, str] = {}
    for name in GameSettings.model_fields:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name], came_from[name] = env[key], key
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
            came_from[name] = (origins or {}).get(name, "")
    try:
        return GameSettings.model_validate(values)
    except ValidationError as exc:
        where, message = validation_message(exc)
        if not where and message.startswith("Value error, impostors: "):  # the players/impostors cross-check
            where, message = "impostors", message.removeprefix("Value error, impostors: ")
        field = where.split(".", 1)[0].split("[", 1)[0]
        if came_from.get(field):
            where = f"{where} ({came_from[field]})"
        raise DataError("settings", where, message) from None


def parse_assignments(items: list[str], flags: Mapping[str, str] | None = None) -> dict[str, object]:
    """`["kill_cooldown_s=30", "confirm_ejects=false"]` -> dict, naming the bad item on error.

    `flags` maps the settings a command chooses with its own flag (`players` -> `--players`): those
    are refused here with a pointer to the flag, instead of being silently overridden by it.
    """
    out: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in GameSettings.model_fields:
            known = ", ".join(GameSettings.model_fields)
            raise DataError(f"--set {_shown(item)}", "", f"expected FIELD=VALUE with FIELD one of: {known}")
        if flags and key in flags:
            raise DataError(f"--set {_shown(item)}", "", f"{key} is chosen with {flags[key]}, not --set")
        out[key] = value.strip()
    return out


def settings_from_cli(assignments: list[str] | None, flags: Mapping[str, tuple[str, object]],
                      environ: Mapping[str, str] | None = None) -> GameSettings:
    """A command's settings: `--set` items, then its own flags (`{"players": ("--players", 8)}`, None when
    not given) over the environment and defaults. `--set` may not name what a flag chooses."""
    overrides = parse_assignments(assignments or [], {name: flag for name, (flag, _) in flags.items()})
    origins = {name: f"--set {name}={value}" for name, value in overrides.items()}
    for name, (flag, value) in flags.items():
        if value is not None:
            overrides[name], origins[name] = value, f"{flag} {value}"
    return load_settings(overrides, environ, {k: _shown(v) for k, v in origins.items()})


def _shown(text: str, limit: int = 60) -> str:
    """User text as a message quotes it: one line, cut short."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
