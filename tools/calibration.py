#!/usr/bin/env python3
"""Calibration of hoptac's confidences: how often a fact extracted with a given confidence is right.

usage: calibration.py GOLD_DIR PREDICTIONS.jsonl [--scorer PATH]

Each extracted event, agreement, figure and person is marked right or wrong by the comparison
rules of the project's scorer (imported from ../shared/tools/score.py: the same predicates, and
the same one-to-one pairing of records), then grouped by its `confidence` into bands; the table
gives the precision of each band. Types and kinds the scorer does not compare are left out.
"""
import importlib.util
import json
import sys
from pathlib import Path

BANDS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def load_scorer(path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pairing(gold, pred, match):
    """Indexes of predicted records paired with a gold record in a largest one-to-one pairing."""
    options = [[i for i, p in enumerate(pred) if match(g, p)] for g in gold]
    owner = {}

    def assign(gi, seen):
        for pi in options[gi]:
            if pi not in seen:
                seen.add(pi)
                if pi not in owner or assign(owner[pi], seen):
                    owner[pi] = gi
                    return True
        return False

    for gi in range(len(gold)):
        assign(gi, set())
    return set(owner)


def judged(score, gold, pred):
    """(type, confidence, right) for every compared record of one document."""
    out = []
    compared = {
        "events": (lambda xs: xs, score.event_match),
        "agreements": (lambda xs: [x for x in xs if x.get("kind") in score.COMPARED_AGREEMENTS], score.agreement_match),
        "figures": (lambda xs: [x for x in xs if x.get("unit") not in (None, "other")], score.figure_match),
    }
    for ty, (keep, match) in compared.items():
        g, p = keep(gold.get(ty) or []), keep(pred.get(ty) or [])
        right = pairing(g, p, match)
        out += [(ty, x.get("confidence", 1.0), i in right) for i, x in enumerate(p)]
    names = {score.fold(x["name"]) for x in gold.get("people") or []}
    out += [("people", x.get("confidence", 1.0), score.fold(x.get("name", "")) in names) for x in pred.get("people") or []]
    return out


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) < 2:
        print(__doc__)
        return 2
    scorer = Path(argv[argv.index("--scorer") + 1]) if "--scorer" in argv else Path(__file__).resolve().parents[2] / "shared/tools/score.py"
    score = load_scorer(scorer)
    gold_dir, preds = Path(args[0]), {}
    for line in open(args[1], encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            preds[Path(r["document"]["source"]).name] = r
    rows = []
    for gf in sorted(gold_dir.glob("*.gold.json")):
        name = gf.name[: -len(".gold.json")] + ".txt"
        rows += judged(score, json.loads(gf.read_text(encoding="utf-8")), preds.get(name, {}))
    print(f"{'confidence':>12} {'facts':>6} {'right':>6} {'precision':>10}")
    for lo, hi in BANDS:
        band = [r for r in rows if lo <= r[1] < hi]
        if band:
            right = sum(1 for r in band if r[2])
            label = f"{lo:.1f}–{min(hi, 1.0):.1f}"
            print(f"{label:>12} {len(band):6} {right:6} {right / len(band):10.3f}")
    total = sum(1 for r in rows if r[2])
    print(f"{'all':>12} {len(rows):6} {total:6} {total / max(len(rows), 1):10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
