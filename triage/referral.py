"""The referral policy of CONTRACT.md: the level is the highest that any rule gives.

Every rule that fires adds a candidate (level, reason); the answer takes the highest level and the
reasons of the rules that gave it, so each referral says in plain words why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from triage.answer import Alert
from triage.knowledge import LEVELS, Cause, RedFlag, Referral
from triage.redflags import FlagHit
from triage.timeline import Timeline

RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class ReferralDecision:
    level: str | None
    advice: str | None
    reasons: list[str] = field(default_factory=list)
    active_flags: list[FlagHit] = field(default_factory=list)


def flag_levels(
    policy: Referral, rules: dict[str, RedFlag], active: list[FlagHit]
) -> list[tuple[FlagHit, str]]:
    """Each active flag as it counts (its level may be changed by ``unless``), with its reason."""
    counted = []
    for hit in active:
        rule = rules.get(hit.id)  # a detector hit is named by its sign, often a flag's id too
        unless = rule.unless if rule else None
        sign = next((h for h in active if unless and h.id in unless.flags), None)
        others_emergency = any(h.level == "emergency" for h in active if h is not hit)
        if unless is not None and sign is not None and not others_emergency:
            hit = replace(hit, level=unless.level)
            reason = unless.reason.format(text=hit.text, sign=sign.name, sign_text=sign.text)
        elif hit.source == "detector":
            reason = policy.reasons["detector"].format(name=hit.name, text=hit.text)
        elif rule is not None and rule.reason:
            reason = rule.reason.format(text=hit.text)
        else:
            reason = policy.reasons["red_flag"].format(name=hit.name, text=hit.text)
        counted.append((hit, reason))
    return counted


def decide(
    policy: Referral,
    flag_rules: dict[str, RedFlag],
    top_cause: Cause | None,
    flags: list[FlagHit],
    timeline: Timeline,
    uncertain: bool = False,
) -> ReferralDecision:
    """``top_cause`` is None when the text is out of scope: then only red flags set a level.
    ``flag_rules``: the red-flag definitions by id (their reasons, advice and ``unless``).
    ``uncertain``: the text says too little to tell the causes apart, so the likeliest cause is
    a guess and its default level is not applied ("lip twitching" is not urgent because Bell's
    palsy came first at 0.2); ``rules.uncertain_level`` stands in for it."""
    candidates: list[tuple[str, str]] = []
    held_back = [f for f in flags if f.sudden_only and timeline.slow_for(f.start, f.end)]
    counted = flag_levels(policy, flag_rules, [f for f in flags if f not in held_back])
    active = [hit for hit, _ in counted]
    for hit, reason in counted:
        candidates.append((hit.level, reason))
    if held_back:
        reason = policy.reasons["slow_onset"].format(text=timeline.onset_text)
        candidates.append((policy.rules.slow_onset_level, reason))
    if top_cause is not None and uncertain:
        candidates.append((policy.rules.uncertain_level, policy.reasons["uncertain"]))
    elif top_cause is not None:
        words = policy.level_words[top_cause.default_level]
        candidates.append(
            (
                top_cause.default_level,
                policy.reasons["default"].format(cause=top_cause.name, level_words=words),
            )
        )
        rules = policy.rules
        if timeline.duration_days is not None and timeline.duration_days > rules.duration_days_over:
            reason = policy.reasons["duration"].format(
                duration=timeline.duration_words, text=timeline.duration_text
            )
            candidates.append((rules.duration_level, reason))
        days = timeline.duration_days
        if timeline.recurring_text and (days is None or days >= rules.recurring_min_days):
            text = timeline.recurring_text
            candidates.append(
                (rules.recurring_level, policy.reasons["recurring"].format(text=text))
            )
    if not candidates:
        return ReferralDecision(level=None, advice=None, reasons=[], active_flags=active)
    level = max((lvl for lvl, _ in candidates), key=RANK.__getitem__)
    reasons = [reason for lvl, reason in candidates if lvl == level]
    if level == "self_care" and top_cause is not None and not uncertain:
        reasons.append(policy.reasons["self_care"])
    parts = [policy.advice[level]]
    parts += [flag_rules[h.id].advice for h in active if h.level == level and h.id in flag_rules]
    if top_cause is not None and not uncertain and level in ("self_care", "see_doctor"):
        # urgent or emergency: what to do now is the level's advice; the cause's would be noise
        parts.append(top_cause.advice)
    return ReferralDecision(
        level=level, advice=said_once(parts), reasons=reasons, active_flags=active
    )


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def said_once(parts: list[str | None]) -> str:
    """The advice texts joined, each sentence once: two rules may give the same counsel."""
    return _said_once(tuple(parts))


@lru_cache(maxsize=4096)  # the advice texts are few: the same joins come again and again
def _said_once(parts: tuple[str | None, ...]) -> str:
    seen: set[str] = set()
    out = []
    for part in parts:
        for sentence in _SENTENCE_END.split(part or ""):
            key = " ".join(sentence.lower().split())
            if key and key not in seen:
                seen.add(key)
                out.append(sentence.strip())
    return " ".join(out)


def alert_for(policy: Referral, level: str | None, flags: list[FlagHit]) -> Alert | None:
    """What the warning signs behind an emergency or urgent level may mean: the first concern of
    that level whose signs were found ("these can be signs of a stroke"), else the level's
    default. None when no warning sign set the level (a cause's own level, or a calm answer)."""
    if level not in ("emergency", "urgent"):
        return None
    found = {f.id for f in flags if f.level == level}
    if not found:
        return None
    concern = next((c for c in policy.concerns if c.level == level and found & set(c.signs)), None)
    if concern is None and level not in policy.concern_default:
        return None
    return Alert(
        concern=concern.id if concern else None,
        headline=concern.headline if concern else policy.concern_default[level],
        causes_note=policy.concern_causes_note,
    )
