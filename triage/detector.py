"""The learned warning-sign detector: the long tail of wordings behind the red-flag rules.

Rules catch the clear, general signs; people also tell an emergency in words nobody wrote a
pattern for ("like an elephant sitting on me", "the words came out scrambled"). The detector is a
set of linear models with a calibrated sigmoid each, over the same text processing as the
classifier, read in its serving form (``triage.compact``): one head per alarm level (is this an
emergency? an urgent facial palsy?) decides, and one model per warning sign names the sign. Its
hits join the rules' as candidates of the referral policy, so it can only raise a level.

Denied, feared and past words are marked as negated before the detector reads a text
(``guarded``), so "no chest pain" or "what if it is a stroke" give it nothing to go on; its
evidence is never such a word, and slow onset holds its hits back like the rules'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from triage import evidence
from triage.compact import CompactLinearModel
from triage.knowledge import Sign
from triage.redflags import FlagHit
from triage.text import NEG_PREFIX, Analysis

HEADS = ("emergency", "urgent")  # the first labels of the model: one decision per alarm level
GENERIC = {"emergency": "a sign of an emergency", "urgent": "a sign of a facial-nerve palsy"}


def guarded_rendered(analysis: Analysis) -> list[str | None]:
    """The rendered tokens with feared and past ones marked as denied, and the words of time and
    the denying words themselves left out: what the detector reads.

    "Twenty minutes ago" says when, not what; read as a feature, it taught the detector that a
    twitch which started recently is an emergency. A denying word ("not", "no") says that the
    words after it are denied, which their NEG_ mark already says; read as a feature of its own,
    it taught the detector that a text with a denial is an emergency (people tell emergencies as
    what they cannot do), so "I don't drink coffee" was one. Only the rendering differs from the
    analysis, so serving builds no second ``Analysis``."""
    if not (any(analysis.hypothetical) or any(analysis.is_time) or any(analysis.is_trigger)):
        return analysis.rendered
    return [
        None
        if time or trigger
        else NEG_PREFIX + r
        if r and hyp and not r.startswith(NEG_PREFIX)
        else r
        for r, hyp, time, trigger in zip(
            analysis.rendered,
            analysis.hypothetical,
            analysis.is_time,
            analysis.is_trigger,
            strict=True,
        )
    ]


def guarded(analysis: Analysis) -> Analysis:
    """The analysis as the detector reads it (``guarded_rendered``), for training and checks."""
    return replace(analysis, rendered=guarded_rendered(analysis))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@dataclass(frozen=True)
class DetectorThresholds:
    """The probability at which each head raises its level; chosen on grouped out-of-fold
    predictions of the triage batches, never on a held-out text."""

    emergency: float
    urgent: float


class SignDetector:
    """``model``'s labels are ``HEADS`` and then the ids of ``signs`` (none: heads only, and a
    hit is named generically)."""

    def __init__(
        self, model: CompactLinearModel, signs: list[Sign], thresholds: DetectorThresholds
    ) -> None:
        if model.labels != [*HEADS, *(s.id for s in signs)]:
            raise ValueError("the detector's labels must be its heads, then its signs")
        self.model = model
        self.signs = signs
        self.thresholds = thresholds
        self.cuts = (thresholds.emergency, thresholds.urgent)
        # the sign columns of each head's level, looked up once rather than on every text
        self.columns_of_level = {
            level: [len(HEADS) + i for i, s in enumerate(signs) if s.level == level]
            for level in HEADS
        }

    def probabilities(self, analysis: Analysis) -> dict[str, float]:
        """The calibrated probability of each head and sign."""
        logits = self.model.logits(self.model.encode_rendered(guarded_rendered(analysis))).tolist()
        return {label: sigmoid(z) for label, z in zip(self.model.labels, logits, strict=True)}

    def find(self, analysis: Analysis, filler: frozenset[str] = frozenset()) -> list[FlagHit]:
        """A hit per head over its threshold, named by the most likely sign of its level, with
        the words that raised it most."""
        encoded = self.model.encode_rendered(guarded_rendered(analysis))
        logits = self.model.logits(encoded).tolist()
        head_p = [sigmoid(logits[h]) for h in range(len(HEADS))]
        raised = [h for h in range(len(HEADS)) if head_p[h] >= self.cuts[h]]
        if not raised:
            return []
        # ``filler``: words that are never a sign, times among them ("twenty minutes" says
        # when, not what): a head raised by such words alone has nothing to show and adds no hit
        eligible = evidence.candidates(analysis, hypothetical_too=True, filler=filler)
        hits = []
        for head in raised:
            level = HEADS[head]
            best = max(self.columns_of_level[level], key=logits.__getitem__, default=None)
            columns = [head] if best is None else [best, head]
            scores = self.model.token_scores(
                encoded, len(analysis.rendered), columns, centred=False
            )
            # the sign's own words when it has any, else the words that raised the head
            found = next(
                (s for s in (evidence.spans(analysis, c, eligible) for c in scores.tolist()) if s),
                [],
            )
            if not found:  # raised by the intercept or by denied words alone: nothing to show
                continue
            start, end = found[0]
            sign = None if best is None else self.signs[best - len(HEADS)]
            hits.append(
                FlagHit(
                    id=sign.id if sign else level,
                    name=sign.name if sign else GENERIC[level],
                    level=level,
                    sudden_only=True,
                    text=analysis.span_text(start, end),
                    start=analysis.starts[start],
                    end=analysis.ends[end - 1],
                    source="detector",
                    probability=round(head_p[head], 4),
                )
            )
        return hits
