"""A small labelled corpus of another domain, made by the tests: four everyday complaints, each
text put together from its own phrases and some shared ones, so that no two texts are alike and
the classes overlap a little, as real descriptions do. It shows that nothing in the pipeline is
tied to lip twitching."""

from __future__ import annotations

import csv
import random
from pathlib import Path

PHRASES = {
    "Common cold": [
        "runny nose",
        "blocked nose",
        "sneezing all day",
        "scratchy throat",
        "a mild cough",
        "watery eyes",
        "feel a bit run down",
        "my nose is streaming",
        "stuffy head",
        "sore throat when I swallow",
        "everyone at work has a cold",
    ],
    "Sprained ankle": [
        "twisted my ankle",
        "rolled my foot on the kerb",
        "ankle is swollen",
        "bruise on the side of my foot",
        "it hurts to put weight on it",
        "went over on it playing football",
        "ankle puffed up",
        "limping since",
        "stepped off a step badly",
        "the joint feels loose",
    ],
    "Migraine": [
        "throbbing headache on one side",
        "light hurts my eyes",
        "I saw zigzag lines first",
        "feel sick with the headache",
        "need to lie in a dark room",
        "pounding in my temple",
        "noise makes the head pain worse",
        "the headache lasts all day",
        "flashing lights before the pain",
        "head pain behind one eye",
    ],
    "Eczema": [
        "dry itchy skin",
        "red patches on my elbows",
        "skin cracks on my hands",
        "itchy rash behind my knees",
        "flaky skin that weeps",
        "scratching at night",
        "rough patches on my wrists",
        "skin feels tight and sore",
        "it flares up in winter",
        "the rash is scaly",
    ],
}
OPENERS = ["", "hi, ", "help: ", "question - ", "so ", "ok so ", "my son has ", "I've got "]
LINKS = [" and ", ", ", " plus ", " also ", "; "]
ENDINGS = ["", " what is it?", " any ideas?", " since monday.", " for two days.", " thanks",
           " should I worry?", " it's annoying."]  # fmt: skip


def texts(per_class: int = 40, seed: int = 0) -> list[tuple[str, str]]:
    """(text, label) rows, ``per_class`` for each label, all different."""
    rng = random.Random(seed)
    rows, seen = [], set()
    for label, phrases in PHRASES.items():
        made = 0
        while made < per_class:
            parts = rng.sample(phrases, rng.randint(2, 3))
            text = rng.choice(OPENERS) + rng.choice(LINKS).join(parts) + rng.choice(ENDINGS)
            if text.lower() not in seen:
                seen.add(text.lower())
                rows.append((text.strip(), label))
                made += 1
    rng.shuffle(rows)
    return rows


def write_csv(path: Path, per_class: int = 40, seed: int = 0) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["description", "condition"])
        writer.writerows(texts(per_class, seed))
    return path
