"""First contact: a new blind triage batch is scored once, before anything is changed for it, and
that figure is kept in ``corpus/triage/first_contact.yaml``, never overwritten.

A figure measured after the rules or the detector were changed to fit a batch says how well they
fit it, not how well they meet the next person; only the first one is a safety figure.

    python -m training.first_contact [BATCH ...]    # score the batches not yet recorded
    python -m training.first_contact --check        # list unrecorded batches; exit 1 if any
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from training.corpus import Example, load_split
from training.triage_eval import alarm_scores, alarms_of
from triage import artifact
from triage.analyser import Analyser

RECORD = "first_contact.yaml"


def read_record(corpus_dir: Path) -> dict[str, dict]:
    path = corpus_dir / "triage" / RECORD
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("batches") or {}


def recorded(record: dict[str, dict]) -> set[str]:
    """The batches with a figure: an entry may cover several (``batches``)."""
    return {name for key, entry in record.items() for name in entry.get("batches", [key])}


def scored_batches(corpus_dir: Path) -> list[Example]:
    """The triage cases a learned part may learn from: those of batches whose first-contact
    figure is recorded. A new batch is scored once, as it came, before anything learns from it."""
    done = recorded(read_record(corpus_dir))
    return [case for case in load_split(corpus_dir, "triage") if case.group in done]


def score_batch(analyser: Analyser, cases: list) -> dict:
    scores = alarm_scores([c.alarm for c in cases], alarms_of(analyser, [c.text for c in cases]))
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--check", action="store_true", help="only list unrecorded batches")
    parser.add_argument("--note", default="", help="what answered (e.g. 'rules only')")
    parser.add_argument("batches", nargs="*", help="only these batches (default: every new one)")
    args = parser.parse_args(argv)
    cases = load_split(args.corpus, "triage")
    record = read_record(args.corpus)
    groups: dict[str, list] = {}
    for case in cases:
        groups.setdefault(case.group, []).append(case)
    done = recorded(record)
    new = [g for g in groups if g not in done and (not args.batches or g in args.batches)]
    if args.check:
        for group in new:
            print(f"not scored at first contact: {group}")
        return 1 if new else 0
    if not new:
        print("every batch has its first-contact figure")
        return 0
    model_dir = artifact.newest(args.models)
    if model_dir is None:
        print(f"error: no model under {args.models}/: run `make train`", file=sys.stderr)
        return 1
    analyser = Analyser.from_serving(artifact.load_serving(model_dir))
    when = datetime.now(UTC).isoformat(timespec="seconds")
    for group in new:
        record[group] = {
            "scored": when,
            "model": analyser.version,
            "answered_by": args.note or analyser.describe(),
            **score_batch(analyser, groups[group]),
        }
        r = record[group]
        print(
            f"{group}: emergencies {r['emergency_caught']}/{r['emergencies']}, "
            f"false alarms {r['false_alarms']}/{r['non_emergencies']}"
        )
    path = args.corpus / "triage" / RECORD
    header = (
        "# The first-contact figure of every blind triage batch: scored once by the analyser of the\n"
        "# day, before any rule or model was changed for it (training/first_contact.py). Never\n"
        "# edited by hand; a test fails when a batch has no entry.\n"
    )
    body = yaml.safe_dump({"batches": record}, sort_keys=True, allow_unicode=True)
    path.write_text(header + body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
