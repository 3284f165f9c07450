"""First contact: a new blind batch is scored once, before anything is changed for it, and that
figure is kept beside the batch (``corpus/<split>/first_contact.yaml``), never overwritten.

A figure measured after the rules or a model were changed to fit a batch says how well they fit
it, not how well they meet the next person; only the first one says how the service generalises.
Two kinds of batch are scored: triage batches (``corpus/triage``, warning signs: emergencies
caught and false alarms) and blind cause batches of the training split (``corpus/train`` files
with a writer's brief in ``corpus/train/briefs/``: top-1, top-3, out-of-scope recall and false
rejects).

    python -m training.first_contact [BATCH ...]            # score the triage batches not recorded
    python -m training.first_contact --split train [BATCH]  # the same for blind cause batches
    python -m training.first_contact --check                # list unrecorded batches; exit 1 if any
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

from training.classifier_eval import cause_scores
from training.corpus import Example, load_split
from training.triage_eval import REFERENCE_DAY, alarm_scores, alarms_of
from triage import artifact
from triage.analyser import Analyser

RECORD = "first_contact.yaml"
SPLITS = ("triage", "train")
HEADERS = {
    "triage": "The first-contact figure of every blind triage batch",
    "train": "The first-contact figure of every blind cause batch (a training file with a brief)",
}


def read_record(corpus_dir: Path, split: str = "triage") -> dict[str, dict]:
    path = corpus_dir / split / RECORD
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


def blind_groups(corpus_dir: Path, split: str) -> dict[str, list[Example]]:
    """The blind batches of a split, by group: every triage batch; of the training split, the
    files whose writer's brief is kept in ``briefs/`` (the project's own texts have none)."""
    groups: dict[str, list[Example]] = {}
    briefs = corpus_dir / split / "briefs"
    for case in load_split(corpus_dir, split):
        if split == "triage" or (briefs / f"{case.group}.md").exists():
            groups.setdefault(case.group, []).append(case)
    return groups


def score_batch(analyser: Analyser, cases: list) -> dict:
    scores = alarm_scores([c.alarm for c in cases], alarms_of(analyser, [c.text for c in cases]))
    return _rounded(scores)


def score_cause_batch(analyser: Analyser, cases: list[Example]) -> dict:
    """Top-1 and top-3 of the in-scope texts, out-of-scope recall and false rejects (in-scope
    texts answered as out of scope), as ``classifier_eval.scope_scores`` counts them."""
    answers = analyser.analyse_many([c.text for c in cases], today=REFERENCE_DAY)
    return _rounded(cause_scores([c.label for c in cases], answers))


def _rounded(scores: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items()}


def _summary(split: str, r: dict) -> str:
    if split == "triage":
        return (
            f"emergencies {r['emergency_caught']}/{r['emergencies']}, "
            f"false alarms {r['false_alarms']}/{r['non_emergencies']}"
        )
    parts = []
    if r["in_scope"]:
        parts.append(
            f"top-1 {r['top1']:.3f}, top-3 {r['top3']:.3f} of {r['in_scope']} in scope, "
            f"false rejects {r['false_rejects']}"
        )
    if r["out_of_scope"]:
        parts.append(f"out of scope recognised {r['oos_caught']}/{r['out_of_scope']}")
    return "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--split", choices=SPLITS, default="triage", help="which batches")
    parser.add_argument("--check", action="store_true", help="only list unrecorded batches")
    parser.add_argument("--note", default="", help="what answered (e.g. 'rules only')")
    parser.add_argument("batches", nargs="*", help="only these batches (default: every new one)")
    args = parser.parse_args(argv)
    if args.check:
        missing = [
            f"{split}/{group}"
            for split in SPLITS
            for group in blind_groups(args.corpus, split)
            if group not in recorded(read_record(args.corpus, split))
        ]
        for name in missing:
            print(f"not scored at first contact: {name}")
        return 1 if missing else 0
    split = args.split
    groups = blind_groups(args.corpus, split)
    record = read_record(args.corpus, split)
    done = recorded(record)
    new = [g for g in groups if g not in done and (not args.batches or g in args.batches)]
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
            **(score_batch if split == "triage" else score_cause_batch)(analyser, groups[group]),
        }
        print(f"{group}: {_summary(split, record[group])}")
    path = args.corpus / split / RECORD
    header = (
        f"# {HEADERS[split]}: scored once by the analyser\n"
        "# of the day, before any rule or model was changed for it (training/first_contact.py).\n"
        "# Never edited by hand; a test fails when a batch has no entry.\n"
    )
    body = yaml.safe_dump({"batches": record}, sort_keys=True, allow_unicode=True)
    path.write_text(header + body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
