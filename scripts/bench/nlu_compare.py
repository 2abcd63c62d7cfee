"""Held-out intent accuracy and macro F1 of two NLU models (``rasa test nlu``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from scripts.bench.common import RASA, ROOT, base_env, progress, run_logged
from scripts.bench.training import DEFAULT_CONFIG

HELDOUT = ROOT / "tests" / "data" / "nlu_heldout"


@dataclass(frozen=True)
class NluScore:
    name: str
    pipeline: str
    accuracy: float
    macro_f1: float
    weighted_f1: float
    examples: int
    seconds: float


def evaluate(name: str, pipeline: str, model: Path, out: Path) -> NluScore:
    """Run ``rasa test nlu`` on the held-out set and read intent_report.json."""
    progress(f"testing {name} on {HELDOUT.relative_to(ROOT)} (rasa test nlu) ...")
    seconds = run_logged(
        [RASA, "test", "nlu", "--model", str(model), "--nlu", str(HELDOUT), "--out", str(out)],
        out.parent / "logs" / f"test-nlu-{out.name}.log", cwd=ROOT, env=base_env(),
    )  # fmt: skip
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    score = NluScore(
        name=name,
        pipeline=pipeline,
        accuracy=float(report["accuracy"]),
        macro_f1=float(report["macro avg"]["f1-score"]),
        weighted_f1=float(report["weighted avg"]["f1-score"]),
        examples=int(report["macro avg"]["support"]),
        seconds=seconds,
    )
    progress(f"  accuracy {score.accuracy:.3f}, macro F1 {score.macro_f1:.3f}")
    return score


def pipeline_names(config: Path) -> str:
    """The component names of a config's pipeline, joined for a table cell."""
    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    return ", ".join(component["name"] for component in pipeline)


def default_pipeline_names() -> str:
    return pipeline_names(DEFAULT_CONFIG)
