"""How well the language gate tells English from other languages, on blind-written sets.

``corpus/language/lang_N.jsonl`` hold texts labelled with their ISO 639-1 code, one writer and
brief each (``lang_N.brief.md``): complaints in other languages, and English that language
identifiers get wrong (short, text-speak, foreign names). ``lang_1`` chose the thresholds in
``lexicon.language``; the others measure them.
"""

from __future__ import annotations

import json
from pathlib import Path

from training.corpus import load_measure_sets
from triage.analyser import Analyser

DEV_SET = "lang_1"  # the set the thresholds were chosen on


def language_scores(analyser: Analyser, rows: list[dict]) -> dict:
    """English texts answered as another language, other languages answered as English (each
    would get a guessed cause), and the other-language texts whose answer still guessed one."""
    english = [r for r in rows if r["lang"] == "en"]
    other = [r for r in rows if r["lang"] != "en"]
    answers = {id(r): analyser.analyse(r["text"]) for r in rows}
    rejected = [r for r in english if answers[id(r)].language != "en"]
    missed = [r for r in other if answers[id(r)].language == "en"]
    guessed = [r for r in other if answers[id(r)].causes]
    return {
        "english": len(english),
        "english_rejected": len(rejected),
        "english_rejected_rate": round(len(rejected) / len(english), 4) if english else None,
        "other": len(other),
        "other_missed": len(missed),
        "other_recall": round(1 - len(missed) / len(other), 4) if other else None,
        "other_with_cause": len(guessed),
        "missed_examples": [r["text"] for r in missed[:5]],
        "rejected_examples": [r["text"] for r in rejected[:5]],
    }


def language_report(analyser: Analyser, corpus_dir: Path) -> dict:
    """Each set's scores, and ``held_out``: the sets that did not choose the thresholds, pooled."""
    sets = load_measure_sets(corpus_dir, "language")  # rows: {"text", "lang"}
    report = {name: language_scores(analyser, rows) for name, rows in sets.items()}
    held_out = [row for name, rows in sets.items() if name != DEV_SET for row in rows]
    if held_out:
        report["held_out"] = language_scores(analyser, held_out)
    return report


def main() -> None:
    from triage import artifact

    analyser = Analyser.from_serving(artifact.load_serving(artifact.newest(Path("models"))))
    for name, rows in load_measure_sets(Path("corpus"), "language").items():
        scores = language_scores(analyser, rows)
        tag = " (chose the thresholds)" if name == DEV_SET else ""
        print(f"{name}{tag}: {json.dumps(scores, ensure_ascii=False)}")


if __name__ == "__main__":
    main()
