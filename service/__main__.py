"""Command line: ``python -m service serve | check | predict TEXT [--json] | score IN OUT``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.settings import Settings
from triage.answer import Answer
from triage.artifact import ModelIntegrityError
from triage.limits import MAX_BATCH

LEVEL_MARK = {
    "self_care": "SELF CARE",
    "see_doctor": "SEE A DOCTOR",
    "urgent": "URGENT",
    "emergency": "EMERGENCY",
}


def _analyser(settings: Settings):
    from service.model import load_analyser

    analyser, reason = load_analyser(settings)
    if analyser is None:
        raise SystemExit(f"error: {reason}")
    return analyser


def print_table(answer: Answer) -> None:
    referral = answer.referral
    level = LEVEL_MARK.get(referral.level, "NO REFERRAL")
    if answer.alert is not None:  # what the warning signs may mean comes first
        print(answer.alert.headline.upper())
    print(f"Referral: {level}")
    if referral.advice:
        print(f"  {referral.advice}")
    for reason in referral.reasons:
        print(f"  - {reason}")
    if answer.in_scope and answer.alert is not None:  # not the point now: names, no numbers
        print(f"\n{answer.alert.causes_note or 'Possible causes of twitching:'}")
        for cause in answer.causes:
            print(f"  {cause.name}")
    elif answer.in_scope:
        print("\nLikely causes:")
        print(f"  {'cause':44s} {'confidence':>10s}  evidence")
        for cause in answer.causes:
            evidence = ", ".join(cause.evidence) or "-"
            print(f"  {cause.name[:44]:44s} {cause.confidence:10.2f}  {evidence}")
    else:
        print(f"\n{answer.message}")
    if answer.duration_days is not None:
        print(f"\nDuration stated: about {answer.duration_days:g} days")
    print(f"\n{answer.disclaimer}")


def score_file(analyser, source: Path, target: Path, top_k: int) -> int:
    """Score a JSONL (``{"text": ...}``) or CSV (column ``text``) file into JSONL, with progress."""
    import csv

    if source.suffix == ".csv":
        with source.open(newline="", encoding="utf-8") as handle:
            texts = [row["text"] for row in csv.DictReader(handle)]
    else:
        with source.open(encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle if line.strip()]
    chunk = MAX_BATCH
    with target.open("w", encoding="utf-8") as out:
        for start in range(0, len(texts), chunk):
            for answer in analyser.analyse_many(texts[start : start + chunk], top_k=top_k):
                out.write(json.dumps(answer.to_dict(), ensure_ascii=False) + "\n")
            done = min(start + chunk, len(texts))
            bar = "#" * int(30 * done / max(len(texts), 1))
            print(f"\r[{bar:30s}] {done}/{len(texts)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="check the model, then run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    sub.add_parser("check", help="verify the newest model and say which it is")
    predict = sub.add_parser("predict", help="analyse one text and print the answer")
    predict.add_argument("text")
    predict.add_argument(
        "--json", action="store_true", help="print the API's JSON instead of a table"
    )
    predict.add_argument("--top-k", type=int, default=3)
    score = sub.add_parser("score", help="score a JSONL or CSV file of texts into JSONL")
    score.add_argument("source", type=Path)
    score.add_argument("target", type=Path)
    score.add_argument("--top-k", type=int, default=3)
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        if args.command == "check":
            print(f"model {_analyser(settings).version} verified")
        elif args.command == "serve":
            import uvicorn

            from service.model import model_dir
            from triage.artifact import verify

            path = model_dir(settings)
            if path is not None:
                verify(path)  # refuse with one line before uvicorn prints anything
            uvicorn.run("service.app:app", host=args.host, port=args.port, workers=args.workers)
        elif args.command == "predict":
            answer = _analyser(settings).analyse(args.text, top_k=args.top_k)
            if args.json:
                print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
            else:
                print_table(answer)
        elif args.command == "score":
            n = score_file(_analyser(settings), args.source, args.target, args.top_k)
            print(f"scored {n} texts into {args.target}", file=sys.stderr)
    except ModelIntegrityError as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
