"""`--feed` values: `ws[:HOST:PORT]` (or `ws:PORT`), `neuro[:URL]`, `openllmvtuber[:URL]`, `jsonl:FILE` (`-` = stdout)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, Field

from ..errors import AmongUsError
from .privacy import Secrets
from .sinks import JsonlSink, NeuroSink, OpenLLMVTuberSink, Sink, WsServerSink
from .sinks.ws import DEFAULT_HOST, DEFAULT_PORT

KINDS = ("ws", "neuro", "openllmvtuber", "jsonl")


class FeedSpec(BaseModel):
    kind: Literal["ws", "neuro", "openllmvtuber", "jsonl"]
    host: str = DEFAULT_HOST
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    url: str | None = None
    path: str | None = None


def parse_feed(value: str) -> FeedSpec:
    kind, _, rest = value.partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise AmongUsError(f"--feed {value!r}: unknown sink {kind!r}; choose ws[:HOST:PORT], neuro[:URL], "
                           "openllmvtuber[:URL] or jsonl:FILE")
    if kind == "ws":
        if not rest:
            return FeedSpec(kind="ws")
        host, _, port = rest.rpartition(":")
        try:
            return FeedSpec(kind="ws", host=host.strip("[]") or DEFAULT_HOST, port=int(port))
        except ValueError:
            raise AmongUsError(f"--feed {value!r}: expected ws:HOST:PORT or ws:PORT (a port 0-65535)") from None
    if kind == "jsonl":
        if not rest:
            raise AmongUsError(f"--feed {value!r}: jsonl needs a file, e.g. jsonl:commentary.jsonl (or jsonl:- for stdout)")
        return FeedSpec(kind="jsonl", path=rest)
    if rest and not rest.startswith(("ws://", "wss://")):
        raise AmongUsError(f"--feed {value!r}: the URL must start with ws:// or wss://")
    return FeedSpec(kind=kind, url=rest or None)  # type: ignore[arg-type]


def build_sinks(specs: list[FeedSpec], token: str | None = None, origins: Iterable[str] = (),
                secrets: Secrets = "none") -> list[Sink]:
    """The sinks for `specs`. Every ws feed gets `token` if one is given, else a random one of its own;
    `origins` are the browser origins its clients may come from, `secrets` what it shows (privacy.py)."""
    sinks: list[Sink] = []
    for s in specs:
        if s.kind == "ws":
            sinks.append(WsServerSink(s.host, s.port, token=token, origins=origins, secrets=secrets))
        elif s.kind == "jsonl":
            sinks.append(JsonlSink(s.path or "-"))
        elif s.kind == "neuro":
            sinks.append(NeuroSink(s.url))
        else:
            sinks.append(OpenLLMVTuberSink(s.url))
    if sum(1 for s in sinks if s.name == "neuro") > 1:
        raise AmongUsError("--feed neuro: give it once (one game client per game)")
    return sinks
