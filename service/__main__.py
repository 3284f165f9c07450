"""Command line: ``python -m service serve | check | predict TEXT [--json] | score IN OUT``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
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
        print(f"\n{answer.alert.causes_note or 'Possible causes:'}")
        for cause in answer.causes:
            print(f"  {cause.name}")
    elif answer.in_scope:
        if answer.detail_message:
            print(f"\n{answer.detail_message}")
        print("\nLikely causes:")
        print(f"  {'cause':44s} {'confidence':>12s}  evidence")
        for cause in answer.causes:
            evidence = ", ".join(cause.evidence) or "-"
            said = cause.band or f"{cause.confidence:.2f}"  # in words; --json gives the number
            print(f"  {cause.name[:44]:44s} {said:>12s}  {evidence}")
    else:
        print(f"\n{answer.message}")
    for reply in answer.replies:
        print(f"  - {reply.effect}")
    if answer.questions:
        print("\nThese would help tell the causes apart (reply with --answer ID=yes|no|unsure):")
        for question in answer.questions:
            print(f"  {question.id}: {question.text}")
    if answer.duration_text is not None:
        print(f"\nHow long, as you wrote it: {answer.duration_text}")
    print(f"\n{answer.disclaimer}")


def parse_answers(pairs: list[str]) -> tuple[dict[str, str], str | None]:
    """``--answer id=yes`` options as the API's ``answers``, or why one cannot be read."""
    answers: dict[str, str] = {}
    for pair in pairs:
        qid, sep, reply = pair.partition("=")
        if not sep or not qid.strip():
            return {}, f"--answer {pair!r}: write it as QUESTION_ID=yes (or no, unsure)"
        answers[qid.strip()] = reply.strip().lower()
    return answers, None


def input_error(
    text: object, top_k: int | None, answers: dict[str, str] | None = None
) -> str | None:
    """The API's own request rules (``PredictRequest``), with its messages: None when valid."""
    from pydantic import ValidationError

    from service.schemas import PredictRequest, problem_of

    try:
        PredictRequest(text=text, top_k=top_k, answers=answers or {})
    except ValidationError as exc:
        return problem_of(exc)
    return None


def read_rows(source: Path) -> tuple[list[tuple[int, dict]], list[str]]:
    """The rows of a JSONL (``{"text": ..., "id": ...}``) or CSV (columns ``text``, ``id``) file,
    with their line numbers, and one ``file:line: problem`` per line that cannot be a row."""
    import csv

    rows: list[tuple[int, dict]] = []
    problems: list[str] = []
    if source.suffix == ".csv":
        with source.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if "text" not in (reader.fieldnames or []):
                return [], [f"{source}:1: no `text` column"]
            for row in reader:
                rows.append((reader.line_num, row))
        return rows, problems
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{source}:{number}: not JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict) or "text" not in obj:
                problems.append(f"{source}:{number}: no `text` key")
                continue
            rows.append((number, obj))
    return rows, problems


def score_file(
    score: Callable[[list[str]], Iterator[list[dict]]], source: Path, target: Path, top_k: int
) -> tuple[int, int, int]:
    """Score a JSONL or CSV file of texts into JSONL, with progress. A bad line is named as
    file:line on stderr and skipped, the others are scored by ``score`` (texts in, each chunk's
    answers out, in order: in process or on a cluster); an ``id`` is passed through to its
    result. Returns (scored, skipped, failed): a failed text has ``{"error": ...}``."""
    rows, problems = read_rows(source)
    good: list[tuple[int, dict]] = []
    for number, row in rows:
        if error := input_error(row.get("text"), top_k):
            problems.append(f"{source}:{number}: {error}")
        else:
            good.append((number, row))
    for problem in problems:
        print(problem, file=sys.stderr)
    done = failed = 0
    with target.open("w", encoding="utf-8") as out:
        for results in score([row["text"] for _, row in good]):
            for (number, row), result in zip(
                good[done : done + len(results)], results, strict=True
            ):
                if "error" in result:
                    failed += 1
                    print(f"{source}:{number}: {result['error']}", file=sys.stderr)
                if "id" in row:
                    result = {"id": row["id"], **result}
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
            done += len(results)
            bar = "#" * int(30 * done / max(len(good), 1))
            print(f"\r[{bar:30s}] {done}/{len(good)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return len(good) - failed, len(problems), failed


def in_process(analyser, top_k: int) -> Callable[[list[str]], Iterator[list[dict]]]:
    """The scorer of one process: chunks of the API's batch size through ``analyse_many``."""

    def score(texts: list[str]) -> Iterator[list[dict]]:
        for start in range(0, len(texts), MAX_BATCH):
            answers = analyser.analyse_many(texts[start : start + MAX_BATCH], top_k=top_k)
            yield [answer.to_dict() for answer in answers]

    return score


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
    predict.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="ID=REPLY",
        help="a reply to a follow-up question of an earlier answer (yes, no or unsure); repeat it",
    )
    score = sub.add_parser("score", help="score a JSONL or CSV file of texts into JSONL")
    score.add_argument("source", type=Path)
    score.add_argument("target", type=Path)
    score.add_argument("--top-k", type=int, default=3)
    score.add_argument("--dask", metavar="ADDRESS", help="score on this Dask scheduler")
    score.add_argument(
        "--workers", type=int, default=0, help="score on a local Dask cluster of n processes"
    )
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
            # access_log=False: the service logs each request once, as JSON (service.middleware)
            uvicorn.run(
                "service.app:app",
                host=args.host,
                port=args.port,
                workers=args.workers,
                access_log=False,
            )
        elif args.command == "predict":
            answers, error = parse_answers(args.answer)
            if error is None:
                error = input_error(args.text, args.top_k, answers)
            if error is not None:
                print(f"error: {error}", file=sys.stderr)
                return 1
            answer = _analyser(settings).analyse(args.text, top_k=args.top_k, answers=answers)
            if args.json:
                print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
            else:
                print_table(answer)
        elif args.command == "score":
            if error := input_error("x", args.top_k):  # top_k alone: each text is checked later
                print(f"error: {error}", file=sys.stderr)
                return 1
            if not args.source.is_file():
                print(f"error: {args.source}: no such file", file=sys.stderr)
                return 1
            if args.workers < 0:
                print("error: --workers must be 0 (no cluster) or more", file=sys.stderr)
                return 1
            analyser = _analyser(settings)  # verified here, once, before any worker starts
            if args.dask or args.workers:
                from functools import partial

                from service.distributed import score_on_dask
                from service.model import model_dir

                scorer = partial(
                    score_on_dask,
                    model_dir(settings),
                    top_k=args.top_k,
                    address=args.dask,
                    workers=args.workers or 2,
                )
            else:
                scorer = in_process(analyser, args.top_k)
            n, skipped, failed = score_file(scorer, args.source, args.target, args.top_k)
            print(
                f"scored {n} texts into {args.target}, skipped {skipped}, failed {failed}",
                file=sys.stderr,
            )
            return 1 if failed or (skipped and not n) else 0
    except ModelIntegrityError as exc:
        print(f"refusing to start: {exc}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as exc:  # an unreadable input or unwritable output
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
