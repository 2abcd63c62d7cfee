"""Fail when the held-out intent accuracy in a `rasa test nlu` report is too low.

Usage: python scripts/check_nlu_accuracy.py results/nlu/intent_report.json --minimum 0.90
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path)
    parser.add_argument("--minimum", type=float, default=0.90)
    args = parser.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    accuracy = float(report["accuracy"])
    macro_f1 = float(report["macro avg"]["f1-score"])
    print(
        f"Held-out intent accuracy: {accuracy:.3f} (minimum {args.minimum:.2f}), "
        f"macro F1 {macro_f1:.3f}"
    )
    averages = {"macro avg", "weighted avg", "micro avg"}
    weak = sorted(
        (name, values["f1-score"])
        for name, values in report.items()
        if isinstance(values, dict) and name not in averages and values.get("f1-score", 1) < 0.85
    )
    for name, f1 in weak:
        print(f"  weak intent: {name} (F1 {f1:.2f})")
    return 0 if accuracy >= args.minimum else 1


if __name__ == "__main__":
    sys.exit(main())
