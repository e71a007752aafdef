#!/usr/bin/env python3
"""Latency of a critical commentary event to a websocket client with 10,000 low events queued (target: median < 50 ms).

The feed's pacing gap keeps the low chatter queued, as a speaking VTuber would; each run queues
10,000 low events, then emits one critical event and times it until a real websocket client on
localhost has it. The order guarantees are tested in tests/test_commentary_ws.py; only the speed is
measured here. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time

from websockets.sync.client import connect

from amongus_agent.commentary import Background, Feed, make_event
from amongus_agent.commentary.sinks import WsServerSink

BG = Background(map="skeld", role="impostor", player="Red")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--lows", type=int, default=10_000)
    args = ap.parse_args()

    sink = WsServerSink("127.0.0.1", 0)
    feed = Feed([sink], maxsize=args.lows * 2, gap_s=3600.0)
    arrived: dict[int, float] = {}
    cond = threading.Condition()
    ws = connect(sink.client_url, open_timeout=5)

    def read() -> None:
        try:
            for message in ws:
                e = json.loads(message)
                if e["kind"] == "death":
                    with cond:
                        arrived[e["detail"]["run"]] = time.perf_counter()
                        cond.notify_all()
        except Exception:
            pass

    threading.Thread(target=read, daemon=True).start()
    while not sink.clients:
        time.sleep(0.005)
    latencies = []
    try:
        for run in range(args.runs):
            for i in range(args.lows):
                feed.emit(make_event("decision", background=BG, game_t=run, action=f"low {run}.{i}"))
            t0 = time.perf_counter()
            feed.emit(make_event("death", background=BG, game_t=run, detail={"killer": "Blue", "run": run}))
            with cond:
                cond.wait_for(lambda r=run: r in arrived, timeout=30)
            if run in arrived:
                latencies.append(arrived[run] - t0)
    finally:
        ws.close()
        feed.close(timeout=0.5)
    median_ms = statistics.median(latencies) * 1000 if latencies else None
    print(json.dumps({
        "benchmark": "commentary_critical_latency",
        "runs": args.runs,
        "arrived": len(latencies),
        "lows_queued": args.lows,
        "latencies_ms": [round(x * 1000, 2) for x in latencies],
        "median_ms": round(median_ms, 2) if median_ms is not None else None,
        "target_median_ms": 50.0,
        "ok": median_ms is not None and len(latencies) == args.runs and median_ms < 50.0,
    }))


if __name__ == "__main__":
    main()
