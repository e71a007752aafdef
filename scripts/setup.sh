#!/usr/bin/env bash
# Set up everything amongus-agent needs on a fresh Debian/Ubuntu machine: system packages
# (Tesseract for chat OCR, Xvfb and xdotool for the input tests) and a virtual environment with
# the package and its test tools. Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-eng xvfb xdotool x11-utils fonts-dejavu-core)
EXTRAS=${EXTRAS:-dev,native}
# The native extra compiles the simulator's hot modules (mypyc): a C compiler, and Python's headers where
# the interpreter has none of its own (pyenv and python.org builds ship them; Debian's python3 does not).
if [[ ",$EXTRAS," == *",native,"* ]]; then
  SYSTEM_PACKAGES+=(gcc)
  "$PYTHON" -c 'import sys, sysconfig, os; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    2>/dev/null || SYSTEM_PACKAGES+=(python3-dev)
fi
# the local extra builds llama-cpp-python from source where PyPI has no wheel: a C++ compiler and CMake
[[ ",$EXTRAS," == *",local,"* ]] && SYSTEM_PACKAGES+=(g++ cmake)

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these system packages yourself: ${missing[*]}" >&2
  fi
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.amongus-agent-installed"
want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1) $EXTRAS"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing amongus-agent[$EXTRAS] into $VENV"
  if [[ ",$EXTRAS," == *",local,"* ]]; then
    # llama-cpp-python is built from source where PyPI has no wheel (several minutes on 2 cores). Portable
    # flags: the wheel must run on any x86-64 with AVX2 (pip may reuse it from its cache on another machine),
    # not only on the CPU it was built on.
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON}"
    echo "setup: the local extra builds llama-cpp-python if no wheel is cached (CMAKE_ARGS=$CMAKE_ARGS)"
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[$EXTRAS]"
  echo "$want" > "$stamp"
fi

# Compile the simulator's hot modules from the sources as they are now (quick when nothing changed). A failed
# build is reported and the simulator runs its sources, slower but the same games.
if [[ ",$EXTRAS," == *",native,"* && "${AMONGUS_NATIVE:-1}" != "0" ]]; then
  "$VENV/bin/python" scripts/build_native.py || echo "setup: the simulator runs interpreted (see above)" >&2
fi
