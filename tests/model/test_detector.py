"""The learned warning-sign detector: it only raises, it respects denial and fear, its evidence
is the input's own words, and its serving form gives the probabilities it was fitted with."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from tests.rules import read_cases
from training.detector import DetectorFit
from triage import artifact
from triage.analyser import Analyser
from triage.detector import HEADS, guarded
from triage.referral import RANK

RANKS = {None: -1, **RANK}


@pytest.fixture(scope="module")
def rules_only(analyser: Analyser) -> Analyser:
    return analyser.with_detector(None)


def test_the_served_model_carries_the_detector(analyser: Analyser):
    assert analyser.detector is not None
    assert analyser.detector.model.labels[: len(HEADS)] == list(HEADS)


def test_the_detector_only_raises_the_level(analyser: Analyser, rules_only: Analyser, detector_fit):
    texts = detector_fit.data.texts[::7]
    with_detector = analyser.analyse_many(texts)
    without = rules_only.analyse_many(texts)
    for text, a, b in zip(texts, with_detector, without, strict=True):
        assert RANKS[a.referral.level] >= RANKS[b.referral.level], text
        rule_ids = [f.id for f in b.red_flags]
        assert [f.id for f in a.red_flags if f.source == "rule"] == rule_ids


@pytest.mark.parametrize(
    "text",
    [
        "it feels like an elephant is sitting on my chest",
        "my words keep coming out scrambled and wrong since lunch",
        "i cant get air in, like breathing through a straw",
    ],
)
def test_it_catches_wordings_and_shows_their_words(analyser: Analyser, text: str):
    answer = analyser.analyse(text)
    assert answer.referral.level == "emergency"
    for flag in answer.red_flags:
        assert flag.text and flag.text in text
        if flag.source == "detector":
            assert 0.0 <= flag.probability <= 1.0
            assert any("learned warning-sign detector" in r for r in answer.referral.reasons)


@pytest.mark.parametrize("text", [c["text"] for c in read_cases("red_flags_silent")])
def test_a_sign_the_rules_read_as_denied_gives_the_detector_nothing(analyser: Analyser, text: str):
    analysis = analyser.processor.analyse(text)
    _, denied = analyser.flags.find_with_denied(analysis)
    denied |= {sign for flag in denied for sign in analyser.signs_of_flag.get(flag, ())}
    hits = [h for h in analyser.warning_signs(analysis) if h.source == "detector"]
    assert not [h.id for h in hits if h.id in denied], text


@pytest.mark.parametrize("text", ["my face is not drooping", "my arm isn't weak", "no chest pain"])
def test_denied_signs_raise_nothing(analyser: Analyser, rules_only: Analyser, text: str):
    assert analyser.analyse(text).referral == rules_only.analyse(text).referral


def test_guarded_marks_feared_words_as_denied(analyser: Analyser):
    analysis = analyser.processor.analyse("what if it is a stroke? my lip twitches")
    seen = guarded(analysis)
    marked = {a for a, b in zip(analysis.rendered, seen.rendered, strict=True) if a != b}
    assert "stroke" in marked and "lip" not in marked


def test_the_detector_does_not_read_the_words_of_time(analyser: Analyser):
    """ "Twenty minutes ago" says when, not what: a twitch that started recently is no sign."""
    analysis = analyser.processor.analyse("my lip started twitching twenty minutes ago")
    seen = guarded(analysis).rendered
    dropped = [lower for lower, r in zip(analysis.lower, seen, strict=True) if r is None]
    assert dropped == ["minutes", "ago"]
    assert "twitch" in seen and "lip" in seen
    # the same text without the time gives the detector exactly the same features
    without = analyser.processor.analyse("my lip started twitching twenty")
    assert [r for r in seen if r] == [r for r in guarded(without).rendered if r]


def test_the_detector_does_not_read_the_denying_words_themselves(analyser: Analyser):
    """The NEG_ marks carry a denial; "not" itself once made "I don't drink coffee" an alarm."""
    analysis = analyser.processor.analyse("my lip twitches and I don't drink coffee")
    seen = guarded(analysis).rendered
    dropped = [lower for lower, r in zip(analysis.lower, seen, strict=True) if r is None]
    assert dropped == ["n't"]
    assert "NEG_coffee" in seen and "do" in seen


def test_the_serving_form_gives_the_fitted_probabilities(
    trained_model_dir: Path, detector_fit: DetectorFit
):
    served = artifact.load_serving(trained_model_dir).detector
    fitted = detector_fit.detector
    analyser = Analyser.from_serving(artifact.load_serving(trained_model_dir))
    for text in detector_fit.data.texts[:200]:
        analysis = analyser.processor.analyse(text)
        a, b = served.probabilities(analysis), fitted.probabilities(analysis)
        assert a.keys() == b.keys()
        assert np.allclose(list(a.values()), list(b.values()), atol=1e-12)


def test_thresholds_keep_grouped_false_alarms_within_the_bound(detector_fit: DetectorFit):
    alarms = np.array(detector_fit.data.alarms)
    raised = detector_fit.head_proba[:, 0] >= detector_fit.detector.thresholds.emergency
    assert raised[alarms != "emergency"].mean() <= 0.04 + 1e-9
    # even a detector of five batches ranks a held-out batch's emergencies above the rest
    assert roc_auc_score(alarms == "emergency", detector_fit.head_proba[:, 0]) > 0.8


def test_one_batch_is_refused_rather_than_validated_on_itself(knowledge, detector_fit):
    from training.corpus import load_split
    from training.detector import fit_detector
    from triage.knowledge import load_signs

    corpus = Path(__file__).resolve().parents[2] / "corpus"
    one = [c for c in load_split(corpus, "triage") if c.group == "cases_ord_a"]
    with pytest.raises(ValueError, match="needs 2 batches"):
        fit_detector(one, knowledge, load_signs(corpus))
    assert detector_fit.grouped_alarms()[:3] and set(detector_fit.grouped_alarms()) <= {
        "emergency",
        "urgent",
        "none",
    }


def test_fitting_the_detector_reports_its_progress(knowledge):
    """The first `make serve` trains for minutes: each left-out batch is reported."""
    from tests.conftest import CORPUS, DETECTOR_BATCHES
    from training.corpus import load_split
    from training.detector import fit_detector
    from triage.knowledge import load_signs

    cases = [c for c in load_split(CORPUS, "triage") if c.group in DETECTOR_BATCHES]
    seen: list[tuple[int, int]] = []
    fit_detector(cases, knowledge, load_signs(CORPUS), progress=lambda d, t: seen.append((d, t)))
    n = len(DETECTOR_BATCHES)
    assert seen == [(i, n) for i in range(1, n + 1)]
