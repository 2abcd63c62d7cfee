"""Train the three models of the bench into a work folder, timing each `rasa` call.

- ours: ``rasa train`` with the project's config.yml on data/ and domain.yml;
- stock: ``rasa init --no-prompt`` (creates the moodbot and trains it in one go);
- default pipeline: ``rasa train nlu`` with the config.yml that ``rasa init`` writes
  (pipeline left empty, so Rasa fills in its default pipeline) on our data/ and domain.yml.

Every call gets its own empty Rasa cache (RASA_CACHE_DIRECTORY), so no run reuses
components trained earlier (by `make train` or by a previous bench).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import rasa

from scripts.bench.common import RASA, ROOT, base_env, progress, run_logged

INIT_CONFIG = Path(rasa.__file__).parent / "cli" / "initial_project" / "config.yml"
DEFAULT_CONFIG = (
    Path(rasa.__file__).parent / "engine" / "recipes" / "config_files" / ("default_config.yml")
)


@dataclass(frozen=True)
class TrainedModel:
    name: str
    path: Path
    seconds: float | None  # None: reused from an earlier run of the bench (--work-dir)
    command: str

    @property
    def size_bytes(self) -> int:
        return self.path.stat().st_size


def _env(work: Path, name: str) -> dict[str, str]:
    cache = work / "rasa-cache" / name
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    return base_env(RASA_CACHE_DIRECTORY=str(cache))


def train_ours(work: Path, reuse: bool = False) -> TrainedModel:
    """A fresh copy of our bot's model, trained exactly as `make train` does."""
    out = work / "models"
    target = out / "klantcontact.tar.gz"
    command = [RASA, "train", "--config", "config.yml", "--domain", "domain.yml", "--data",
               "data", "--out", str(out), "--fixed-model-name", "klantcontact"]  # fmt: skip
    shown = "rasa train --config config.yml --domain domain.yml --data data"
    if reuse and target.exists():
        progress(f"reusing {target}")
        return TrainedModel("ours", target, None, shown)
    progress("training our bot (rasa train, fresh cache) ...")
    seconds = run_logged(command, work / "logs" / "train-ours.log", env=_env(work, "ours"))
    progress(f"  trained in {seconds:.0f} s")
    return TrainedModel("ours", target, seconds, shown)


def init_stock(work: Path, reuse: bool = False) -> tuple[TrainedModel, Path]:
    """The stock bot: ``rasa init --no-prompt`` scaffolds the moodbot and trains it."""
    project = work / "stock"
    models = sorted((project / "models").glob("*.tar.gz"))
    shown = "rasa init --no-prompt (scaffold + train)"
    if reuse and models:
        progress(f"reusing {models[-1]}")
        return TrainedModel("stock", models[-1], None, shown), project
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    progress("creating and training the stock bot (rasa init --no-prompt) ...")
    seconds = run_logged(
        [RASA, "init", "--no-prompt", "--init-dir", str(project)],
        work / "logs" / "init-stock.log", cwd=project, env=_env(work, "stock"),
    )  # fmt: skip
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError(f"rasa init wrote no model into {project / 'models'}")
    progress(f"  created and trained in {seconds:.0f} s")
    return TrainedModel("stock", models[-1], seconds, shown), project


def train_default_pipeline(work: Path, reuse: bool = False) -> TrainedModel:
    """NLU with the config `rasa init` writes (defaults filled in by Rasa), on our data."""
    folder = work / "default-pipeline"
    target = work / "models" / "default-pipeline.tar.gz"
    shown = "rasa train nlu --config <rasa init config.yml> --nlu data --domain domain.yml"
    if reuse and target.exists():
        progress(f"reusing {target}")
        return TrainedModel("default pipeline", target, None, shown)
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.yml"
    shutil.copyfile(INIT_CONFIG, config)  # Rasa writes the filled-in defaults into this copy
    progress("training Rasa's default NLU pipeline on our data (rasa train nlu) ...")
    seconds = run_logged(
        [RASA, "train", "nlu", "--config", str(config), "--nlu", "data", "--domain", "domain.yml",
         "--out", str(target.parent), "--fixed-model-name", "default-pipeline"],
        work / "logs" / "train-default-pipeline.log", cwd=ROOT, env=_env(work, "default"),
    )  # fmt: skip
    progress(f"  trained in {seconds:.0f} s")
    return TrainedModel("default pipeline", target, seconds, shown)
