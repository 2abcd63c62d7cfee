"""Compare NLU pipelines on the held-out set; prints a Markdown table.

Trains each pipeline (config.yml and every file in scripts/nlu_variants/) on
data/nlu and evaluates it on tests/data/nlu_heldout, which is never used
for training. Takes about a minute per pipeline on 2 cores.

Usage: .venv/bin/python scripts/compare_nlu_pipelines.py [--out docs/nlu-comparison.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "data" / "nlu_heldout"


def evaluate(config: Path, work: Path) -> dict[str, float]:
    rasa = str(Path(sys.executable).parent / "rasa")
    name = config.stem
    started = time.monotonic()
    subprocess.run(
        [rasa, "train", "nlu", "--config", str(config), "--nlu", "data/nlu",
         "--out", str(work), "--fixed-model-name", name],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    out = work / f"results-{name}"
    subprocess.run(
        [rasa, "test", "nlu", "--model", str(work / f"{name}.tar.gz"), "--nlu", str(HELDOUT),
         "--out", str(out)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    return {
        "accuracy": report["accuracy"],
        "macro_f1": report["macro avg"]["f1-score"],
        "train_seconds": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    configs = [ROOT / "config.yml", *sorted((ROOT / "scripts" / "nlu_variants").glob("*.yml"))]
    rows = [
        "| pipeline | held-out accuracy | macro F1 | training (s) |",
        "| --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for config in configs:
            result = evaluate(config, Path(tmp))
            label = "config.yml (chosen)" if config.name == "config.yml" else config.stem
            rows.append(
                f"| {label} | {result['accuracy']:.3f} | {result['macro_f1']:.3f} "
                f"| {result['train_seconds']:.0f} |"
            )
            print(rows[-1], flush=True)
    table = "\n".join(rows)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
