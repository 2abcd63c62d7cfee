"""Paths, environment and small helpers shared by the benchmark modules."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
RASA = str(VENV_BIN / "rasa")
PYTHON = sys.executable
SPACY_DIR = ROOT / "var" / "spacy-nl"
MODEL = ROOT / "models" / "klantcontact.tar.gz"

_STARTED = time.monotonic()


def progress(message: str) -> None:
    """Print a progress line with the minutes and seconds since the bench started."""
    elapsed = int(time.monotonic() - _STARTED)
    print(f"[bench {elapsed // 60:02d}:{elapsed % 60:02d}] {message}", flush=True)


def base_env(**extra: str) -> dict[str, str]:
    """The environment `make` exports, plus what every bench subprocess needs."""
    env = dict(os.environ)
    env.update(
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONDONTWRITEBYTECODE="1",
        KC_SPACY_DIR=str(SPACY_DIR),
        RASA_TELEMETRY_ENABLED="false",
    )
    env.update(extra)
    return env


def run_logged(
    command: list[str],
    log: Path,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    timeout: float = 1800,
) -> float:
    """Run ``command`` with output to ``log``; return its wall-clock seconds; raise on failure."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as handle:
        completed = subprocess.run(
            command, cwd=cwd, env=env or base_env(), stdout=handle, stderr=subprocess.STDOUT,
            timeout=timeout, check=False,
        )  # fmt: skip
    seconds = time.monotonic() - started
    if completed.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}):\n{tail}")
    return seconds


def wait_for_fresh_model(inputs: Path, timeout: float = 3600) -> None:
    """Wait until models/klantcontact.tar.gz is newer than ``inputs`` (another process trains)."""
    deadline = time.monotonic() + timeout
    announced = False
    while time.monotonic() < deadline:
        if MODEL.exists() and MODEL.stat().st_mtime > inputs.stat().st_mtime:
            return
        if not announced:
            progress(f"waiting for {MODEL.name} to be newer than {inputs.name} ...")
            announced = True
        time.sleep(15)
    raise RuntimeError(f"{MODEL} did not become newer than {inputs} within {timeout:.0f} s")
