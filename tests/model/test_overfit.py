"""Overfit a tiny corpus, save, load: the model learns and survives the round trip unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.artifact import load_pipeline, save_model
from training.corpus import Example
from training.train import fit_bundle
from triage import artifact
from triage.analyser import Analyser

TINY = {
    "caffeine": [
        "cola and coffee twitching lip",
        "six coffees and my lip twitches",
        "energy drinks all day, lip jumping",
        "espresso twitch",
    ],
    "smoking_withdrawal": [
        "gave up vaping lip jumps",
        "quit smoking, lip twitches",
        "stopped cigarettes last week twitch",
        "no more nicotine twitch",
    ],
    "electrolyte_imbalance": [
        "diarrhoea and sweating cramps twitch",
        "low potassium cramps twitch",
        "dehydrated after vomiting lip",
        "water pills magnesium low",
    ],
    "stress": [
        "deadline pressure and no sleep twitch",
        "exams stress lip twitch",
        "anxious and not sleeping twitch",
        "burnout at work twitch",
    ],
    "herpes": [
        "fever blister coming on lip",
        "cold sore blister on lip",
        "tingling then blisters lip",
        "herpes lip burning",
    ],
    "bells_palsy": [
        "face paralysed on the left side",
        "half my face droops",
        "cannot close one eye face weak",
        "drooling one side face numb",
    ],
    "hypoparathyroidism": [
        "calcium tablets for tingling lips",
        "low calcium tingling mouth",
        "after thyroid surgery tingling hands",
        "parathyroid low cramps",
    ],
    "parkinsons": [
        "shaking chin and slow walking",
        "tremor in hands and jaw",
        "slow stiff shuffling tremor",
        "soft voice tremor lips",
    ],
    "als": [
        "muscles wasting and twitching for a year",
        "weakness spreading over months",
        "slurred speech getting worse months",
        "twitching everywhere weak arms",
    ],
    "hemifacial_spasm": [
        "half face spasms eye to mouth",
        "one side eyelid to cheek spasm",
        "left face twitch spreading months",
        "eye squeezes cheek pulls",
    ],
    "tourette": [
        "throat clearing tic since school",
        "tics since childhood",
        "vocal tics and urge",
        "blinking tics hold back",
    ],
    "out_of_scope": [
        "best pizza in town",
        "tax return question",
        "football score today",
        "recipe for bread",
        "knee hurts running",
    ],
}


def test_overfit_save_load_round_trip(knowledge, tmp_path: Path):
    examples = [Example(t, label) for label, texts in TINY.items() for t in texts]
    bundle, _ = fit_bundle(examples, knowledge, folds=2)
    texts = [ex.text for ex in examples]
    before = bundle["pipeline"].predict_proba(texts)
    labels = list(bundle["pipeline"].classes_)
    predicted = [labels[i] for i in before.argmax(axis=1)]
    assert np.mean([p == ex.label for p, ex in zip(predicted, examples, strict=True)]) >= 0.9

    meta = {"labels": labels, "oos_threshold": bundle["oos_threshold"]}
    saved = save_model(bundle, tmp_path, meta)
    loaded = load_pipeline(saved)
    after = loaded.bundle["pipeline"].predict_proba(texts)
    np.testing.assert_array_equal(before, after)
    analyser = Analyser.from_serving(artifact.load_serving(saved))
    assert np.max(np.abs(analyser.probabilities(texts) - before)) <= 1e-9
    assert analyser.analyse("six coffees and my lip twitches").causes[0].id == "caffeine"


def test_training_is_deterministic(knowledge):
    examples = [Example(t, label) for label, texts in TINY.items() for t in texts]
    first, _ = fit_bundle(examples, knowledge, folds=2)
    second, _ = fit_bundle(examples, knowledge, folds=2)
    texts = ["lip twitch after coffee", "tics since I was a kid"]
    np.testing.assert_array_equal(
        first["pipeline"].predict_proba(texts), second["pipeline"].predict_proba(texts)
    )
    assert first["oos_threshold"] == second["oos_threshold"]
