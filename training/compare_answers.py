"""Dump the analyser's JSON answer for every text in ``corpus/`` (and a few odd inputs), or compare
two dumps: the check that a refactor changed no answer.

    python -m training.compare_answers dump before.jsonl      # on the old code
    python -m training.compare_answers dump after.jsonl       # on the new code, model retrained
    python -m training.compare_answers diff before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from training.triage_eval import REFERENCE_DAY
from triage import artifact
from triage.analyser import Analyser

ODD_INPUTS = [
    " ",
    "a",
    "no",
    "?",
    "😀" * 50,
    "x" * 5000,
    "lip " * 1000,
    "NO CHEST PAIN",
    "\u0000",
    "lip\ttwitch\n\n",
    "12345",
    "Mi labio tiembla",
    "my lip twitches",
]


def corpus_texts(corpus: Path) -> list[str]:
    texts = []
    for path in sorted(corpus.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts + ODD_INPUTS


def dump(corpus: Path, models: Path, out: Path) -> int:
    analyser = Analyser.from_serving(artifact.load_serving(artifact.newest(models)))
    lines = []
    for text in corpus_texts(corpus):
        answer = analyser.analyse(text, top_k=11, today=REFERENCE_DAY).to_dict()
        answer.pop("model_version")  # differs with every retraining by design
        lines.append(json.dumps({"text": text, "answer": answer}, sort_keys=True))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def diff(before: Path, after: Path) -> int:
    old = {json.loads(x)["text"]: x for x in before.read_text(encoding="utf-8").splitlines()}
    new = {json.loads(x)["text"]: x for x in after.read_text(encoding="utf-8").splitlines()}
    shared = old.keys() & new.keys()
    changed = [t for t in shared if old[t] != new[t]]
    print(f"{len(shared)} texts in both, {len(changed)} answers differ")
    for text in changed[:20]:
        print(f"- {text[:100]!r}")
    return 1 if changed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--corpus", type=Path, default=Path("corpus"))
    d.add_argument("--models", type=Path, default=Path("models"))
    c = sub.add_parser("diff")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        print(f"{dump(args.corpus, args.models, args.out)} answers written to {args.out}")
        return 0
    return diff(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
