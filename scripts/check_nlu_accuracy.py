"""Fail when the held-out accuracy in a `rasa test nlu` report is too low.

Checks the intent accuracy (minimum 0.90) and, when the report folder has a
response selection report, the accuracy of picking the right FAQ topic
(--topic-minimum, 0.85 by default; see docs/nlu.md for the measured value).

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
    parser.add_argument("--topic-minimum", type=float, default=0.85)
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
    ok = accuracy >= args.minimum
    topics = args.report.parent / "response_selection_report.json"
    if topics.exists():
        topic_accuracy = float(json.loads(topics.read_text(encoding="utf-8"))["accuracy"])
        print(
            f"Held-out FAQ topic accuracy: {topic_accuracy:.3f} (minimum {args.topic_minimum:.2f})"
        )
        ok = ok and topic_accuracy >= args.topic_minimum
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
