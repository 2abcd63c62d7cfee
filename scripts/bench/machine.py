"""Describe the machine and software the bench ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from scripts.bench.common import PYTHON, ROOT, base_env


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    cores: int
    ram_gib: float
    os_name: str
    kernel: str
    python: str
    packages: dict[str, str]
    spacy_pipeline: str
    load_average: tuple[float, float, float]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release().get("PRETTY_NAME", platform.system())
    except OSError:
        return platform.system()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _spacy_pipeline() -> str:
    completed = subprocess.run(
        [PYTHON, "-m", "bot", "nlp", "status"], cwd=ROOT, env=base_env(),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    status = completed.stdout.strip() or completed.stderr.strip().splitlines()[-1:]
    if completed.returncode != 0:
        raise RuntimeError(f"the Dutch spaCy pipeline is missing: {status}; run `make install`")
    return str(status)


def describe() -> Machine:
    """CPU, cores, RAM, OS, Python and the versions that matter for the numbers."""
    return Machine(
        cpu_model=_cpu_model(),
        cores=os.cpu_count() or 0,
        ram_gib=_ram_gib(),
        os_name=_os_name(),
        kernel=platform.release(),
        python=platform.python_version(),
        packages={
            name: _version(name)
            for name in ("rasa", "rasa-sdk", "tensorflow", "spacy", "sanic", "aiohttp")
        },
        spacy_pipeline=_spacy_pipeline(),
        load_average=os.getloadavg(),
    )
