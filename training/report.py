"""Markdown for people: ``reports/report.md``, ``reports/summary.md`` and the model card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# kept in the repository: ``make compare`` (heavy, not in CI) writes it, the report shows it
REPRESENTATIONS = Path(__file__).resolve().parents[1] / "benchmarks" / "representations.json"

SUMMARY_KEYS = (
    ("heldout", "top1_accuracy", "held-out top-1 accuracy (in-scope texts)"),
    ("heldout", "top3_accuracy", "held-out top-3 accuracy"),
    ("heldout", "served_top1_accuracy", "top-1 as served (called out of scope = miss)"),
    ("heldout", "served_top3_accuracy", "top-3 as served (called out of scope = miss)"),
    ("heldout", "macro_f1", "held-out macro-F1 (every label)"),
    ("heldout", "oos_recall", "out-of-scope texts recognised"),
    ("heldout", "false_reject_rate", "in-scope texts called out of scope"),
    ("heldout", "ece", "expected calibration error"),
    ("triage", "emergency_recall", "emergency recall (triage cases)"),
    ("triage", "under_triage_rate", "under-triage rate"),
    ("triage", "over_triage_rate", "over-triage rate"),
    ("triage", "exact_rate", "exact referral level"),
)


def summary_table(metrics: dict[str, Any]) -> str:
    lines = ["| metric | value |", "|---|---|"]
    for section, key, label in SUMMARY_KEYS:
        if key in metrics.get(section, {}):  # a corpus without triage cases has no triage line
            lines.append(f"| {label} | {metrics[section][key]:.3f} |")
    verdict = (
        "passed"
        if metrics["gates"]["passed"]
        else "FAILED: " + "; ".join(metrics["gates"]["failures"])
    )
    lines.append(f"| quality gates | {verdict} |")
    return "\n".join(lines)


def _comparison(metrics: dict[str, Any]) -> list[str]:
    if "comparison" not in metrics:
        return ["(comparison skipped with --no-compare)"]
    out = [
        "| model | accuracy | macro-F1 | top-3 | ECE | log loss | train s/fold | latency ms/text |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in metrics["comparison"].items():
        out.append(
            f"| {name} | {r['accuracy']['mean']:.3f} ± {r['accuracy']['sd']:.3f} "
            f"| {r['macro_f1']['mean']:.3f} ± {r['macro_f1']['sd']:.3f} "
            f"| {r['top3_accuracy']['mean']:.3f} | {r['ece']['mean']:.3f} | {r['log_loss']['mean']:.3f} "
            f"| {r['train_seconds']:.2f} | {r['latency_ms']:.2f} |"
        )
    best = max(metrics["comparison"], key=lambda n: metrics["comparison"][n]["macro_f1"]["mean"])
    out += [
        "",
        f"Highest cross-validated macro-F1: **{best}**. The calibrated logistic regression is the "
        "chosen model because it is among the most accurate, it is calibrated by one temperature "
        "(so its confidences mean what they say), and it is linear: every word's push towards a "
        "cause is exact, which is what the evidence in each answer is built from. Naive Bayes and "
        "the keyword baseline are poorly calibrated; the SVM needs per-class sigmoid calibration "
        "that breaks that exact decomposition; spaCy's textcat is slower to train and to call.",
    ]
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _alarm_row(name: str, r: dict[str, Any]) -> str:
    return (
        f"| {name} | {r['emergency_caught']}/{r['emergencies']} ({_pct(r['emergency_recall'])}) "
        f"| {_pct(r['urgent_recall'])} | {r['false_alarms']}/{r['non_emergencies']} "
        f"({_pct(r['false_alarm_rate'])}) |"
    )


def _relabelled(metrics: dict[str, Any]) -> list[str]:
    out = []
    for name, r in metrics.get("relabelled", {}).items():
        out += [
            f"### Relabelled cases: `{name}` ({r['n']} cases, judged again under a changed rule)",
            "",
            f"Emergency recall {r['emergency_recall']:.3f}, under-triage {r['under_triage_rate']:.3f}, "
            f"over-triage {r['over_triage_rate']:.3f}, exact level {r['exact_rate']:.3f}.",
            "",
        ]
    return out


def _cause_row(name: str, r: dict[str, Any]) -> str:
    oos = (
        f"{r['oos_caught']}/{r['out_of_scope']} ({_pct(r['oos_recall'])})"
        if r["out_of_scope"]
        else "-"
    )
    return (
        f"| {name} | {r['in_scope'] or '-'} | {_pct(r['top1'])} | {_pct(r['top3'])} "
        f"| {oos} | {_pct(r['false_reject_rate'])} |"
    )


def _grouped_classifier(metrics: dict[str, Any]) -> list[str]:
    grouped = metrics.get("classifier_grouped") or {}
    if "pooled" not in grouped:
        return ["## Causes, leave-one-batch-out", "", f"Not measured: {grouped.get('skipped')}", ""]
    header = [
        "| batch | in scope | top-1 | top-3 | out of scope recognised | false rejects |",
        "|---|---|---|---|---|---|",
    ]
    first = metrics.get("classifier_first_contact") or {}
    return [
        "## Causes, leave-one-batch-out (new writers)",
        "",
        "The held-out split was written in the training texts' style, so it says little about the "
        "next writer. Here each training batch (one writer and brief) is predicted by a classifier "
        "fitted on the other batches, with the out-of-scope threshold chosen on the other batches' "
        "predictions; an in-scope text answered as out of scope counts as a miss for top-1 and "
        f"top-3. The served threshold ({grouped['served_threshold']}) is chosen on all of them.",
        "",
        *header,
        _cause_row("**all batches**", grouped["pooled"]),
        *[_cause_row(name, r) for name, r in grouped["groups"].items()],
        "",
        *_scope_gates(metrics),
        "### Blind cause batches at first contact",
        "",
        "Scored once by the served model of the day, before any of them was trained on "
        "(`corpus/train/first_contact.yaml`, `python -m training.first_contact --split train`).",
        "",
        *header,
        *[_cause_row(f"{name} ({r['model']})", r) for name, r in sorted(first.items())],
        "",
    ]


def _scope_gates(metrics: dict[str, Any]) -> list[str]:
    gates = metrics.get("scope_gates")
    if not gates:
        return []
    return [
        "### The out-of-scope gate, chosen by measurement",
        "",
        "Both gates leave-one-batch-out on the same batches, each batch's threshold chosen on the "
        "others. The cost is what the gate adds to the analysis of one text.",
        "",
        "| gate | out of scope recognised | false rejects | added µs per text |",
        "|---|---|---|---|",
        *[
            f"| {name} | {_pct(r['oos_recall'])} | {_pct(r['false_reject_rate'])} "
            f"| {r['added_us_per_text']:.0f} |"
            for name, r in gates.items()
        ],
        "",
    ]


def _warning_signs(metrics: dict[str, Any]) -> list[str]:
    ws = metrics.get("warning_signs") or {}
    if not ws:
        return []
    header = "| answered by | emergencies caught | urgent or higher (urgent cases) | false alarms |"
    out = [
        f"## Warning signs, leave-one-batch-out ({ws['cases']} triage cases in {ws['batches']} blind batches)",
        "",
        "Each batch (one writer, one brief) is scored by a detector fitted on the other batches. "
        "False alarms: non-emergencies answered 'emergency'. The rules' figure proves little: they "
        "were written with every batch in view; their honest figure is the first-contact record "
        "below.",
        "",
        header,
        "|---|---|---|---|",
        *[_alarm_row(name, r) for name, r in ws["grouped"].items()],
        "",
        f"Detector thresholds (chosen on these out-of-fold predictions): emergency "
        f"{ws['thresholds']['emergency']:.3f}, urgent {ws['thresholds']['urgent']:.3f}.",
        "",
        "![trade-off](tradeoff.png)",
        "",
        "### Per batch: rules / detector / both",
        "",
        "| batch | cases | emergencies caught | false alarms |",
        "|---|---|---|---|",
    ]
    for group, by in ws["per_group"].items():
        caught = " / ".join(str(by[k]["emergency_caught"]) for k in ("rules", "detector", "both"))
        false = " / ".join(str(by[k]["false_alarms"]) for k in ("rules", "detector", "both"))
        out.append(
            f"| {group} | {by['both']['n']} | {caught} of {by['both']['emergencies']} "
            f"| {false} of {by['both']['non_emergencies']} |"
        )
    out += [
        "",
        "### First contact: each batch scored once, as it came, before anything changed for it",
        "",
        "| batch | answered by | emergencies caught | false alarms |",
        "|---|---|---|---|",
    ]
    for group, r in sorted(ws["first_contact"].items()):
        false = (
            f"{r['false_alarms']}/{r['non_emergencies']}" if "false_alarms" in r else "not recorded"
        )
        out.append(
            f"| {group} | {r.get('answered_by', '')} | {r['emergency_caught']}/{r['emergencies']} | {false} |"
        )
    out += ["", *_first_contact_rounds(ws["first_contact"]), *_representations()]
    return [*out, ""]


def _language_and_vague(metrics: dict[str, Any]) -> list[str]:
    """The language gate on blind sets, and the answers to vague texts."""
    out = [
        "## Texts not in English (blind sets; `lang_1` chose the thresholds)",
        "",
        "| set | English texts answered as another language | other languages answered as English | "
        "other languages still given a cause |",
        "|---|---|---|---|",
    ]
    for name, r in metrics.get("language", {}).items():
        out.append(
            f"| {name} | {r['english_rejected']}/{r['english']} | {r['other_missed']}/{r['other']} "
            f"| {r['other_with_cause']}/{r['other']} |"
        )
    if vague := metrics.get("vague"):
        out += [
            "",
            "## Vague texts (blind-written: twitching with no trigger, pattern or other symptom)",
            "",
            "No cause can be told from these, so a confident cause is overconfidence; the answer "
            "should say what detail would help. Calibration (ECE) on texts with a right answer is "
            "in the held-out table above; here, with no right answer, ECE is taken against an even "
            "truth (any of the 11 causes, each 1/11): the mean distance of the top confidence "
            "from 1/11.",
            "",
            "| set | texts | answered in scope | says what detail would help | median top confidence "
            "| ECE (even truth) | top confidence ≥ 0.8 | raised to urgent or emergency |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, v in vague.items():
            out.append(
                f"| {name} | {v['n']} | {_pct(v['in_scope_rate'])} | {_pct(v['detail_rate'])} "
                f"| {v['median_top_confidence']} | {v['ece_even_truth']} | {_pct(v['confident_rate'])} "
                f"| {v['false_alarms']} ({_pct(v['false_alarm_rate'])}) |"
            )
    return [*out, ""]


def _interview(metrics: dict[str, Any]) -> list[str]:
    """Follow-up questions, measured by simulated patients (training/interview_eval.py)."""
    report = metrics.get("interview") or {}
    if not report:
        return []
    out = [
        "## Follow-up questions (simulated patients)",
        "",
        "Blind-written vague first messages, each with its writer's cause and the person's hidden "
        "yes/no facts. The simulator answers each question asked from the facts (unsure where "
        "they are silent), two rounds of up to three questions. The model's reply table is "
        "learned from these sets (training/reply_table.py), so each set is scored by a table "
        "learned from the others (leave-one-set-out); `hand_set`: the blind sets by the bank's "
        "hand-set table alone. `heldout_typical`: the held-out split with the replies a typical "
        "patient of the labelled cause gives by the model's table, a consistency check, not a "
        "blind figure.",
        "",
        f"Scored by: {report.get('scored_by', 'the bank')}.",
        "",
        "| set | texts | top-1 before / after 1 / after 2 rounds | top-3 before / 1 / 2 "
        "| questions asked (mean, max) | right answers turned wrong |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in report.items():
        if not isinstance(r, dict) or not r.get("n"):
            continue
        top1 = " / ".join(f"{v:.3f}" for v in r["top1"])
        top3 = " / ".join(f"{v:.3f}" for v in r["top3"])
        out.append(
            f"| {name} | {r['n']} | {top1} | {top3} | {r['asked_mean']}, {r['asked_max']} "
            f"| {r['right_turned_wrong']} |"
        )
    first = metrics.get("interview_first_contact") or {}
    for round_ in first.get("rounds", []):
        out += [
            "",
            f"First contact, {round_['name']} (scored once, model {round_['model']}, before "
            "anything changed for these sets):",
            "",
            "| set | texts | top-1 before / 1 / 2 rounds | top-3 before / 1 / 2 |",
            "|---|---|---|---|",
        ]
        for name, r in round_["sets"].items():
            top1 = " / ".join(f"{v:.3f}" for v in r["top1"])
            top3 = " / ".join(f"{v:.3f}" for v in r["top3"])
            out.append(f"| {name} | {r['n']} | {top1} | {top3} |")
        if taught := round_.get("taught"):
            out += ["", f"What it taught: {taught}"]
    return [*out, ""]


def _first_contact_rounds(record: dict[str, dict]) -> list[str]:
    """The batches scored together by one model (and the same note), summed: one figure per
    round of new writers."""
    rounds: dict[tuple[str, str], list[dict]] = {}
    for entry in record.values():
        if "false_alarms" in entry and "model" in entry:
            key = (entry["model"], entry.get("answered_by", ""))
            rounds.setdefault(key, []).append(entry)
    if not rounds:
        return []
    out = [
        "### First contact by round (batches scored together by one model)",
        "",
        "| model | answered by | batches | emergency recall | false alarms |",
        "|---|---|---|---|---|",
    ]
    for (model, _), entries in sorted(rounds.items()):
        caught = sum(e["emergency_caught"] for e in entries)
        emergencies = sum(e["emergencies"] for e in entries)
        false = sum(e["false_alarms"] for e in entries)
        calm = sum(e["non_emergencies"] for e in entries)
        out.append(
            f"| {model} | {entries[0].get('answered_by', '')} | {len(entries)} "
            f"| {caught}/{emergencies} ({_pct(caught / emergencies if emergencies else None)}) "
            f"| {false}/{calm} ({_pct(false / calm if calm else None)}) |"
        )
    return [*out, ""]


def representations_table(result: dict[str, Any]) -> list[str]:
    """What ``make compare`` measured, as markdown: its own report and this one print it alike."""
    out = [
        f"Measured {result['measured']} on {result['cases']} cases of {result['batches']} batches, "
        f"leave-one-batch-out, emergency head only, threshold at "
        f"{result['max_false_alarm']:.0%} false alarms.",
        "",
        "| representation | grouped AUC | emergency recall | false alarms | µs per text |",
        "|---|---|---|---|---|",
    ]
    for name, r in result["representations"].items():
        out.append(
            f"| {name} | {r['auc']:.3f} | {r['emergency_recall']:.3f} | "
            f"{r['false_alarm_rate']:.3f} | {r['us_per_text']:.0f} |"
        )
    return [*out, "", result["choice"], ""]


def _representations(path: Path = REPRESENTATIONS) -> list[str]:
    """The comparison ``make compare`` measured (heavy, so not run here): shown as it was kept."""
    if not path.exists():
        return []
    result = json.loads(path.read_text(encoding="utf-8"))
    heading = "### The detector's representation, chosen by measurement (`make compare`)"
    return [heading, "", *representations_table(result)]


def _triage(triage: dict[str, Any]) -> list[str]:
    """The referral levels of the labelled triage cases; nothing for a corpus without them."""
    if not triage:
        return []
    levels = list(triage["confusion"])
    return [
        f"## Triage ({triage['n']} labelled cases, the whole analyser: classifier and rules)",
        "",
        f"Emergency recall {triage['emergency_recall']:.3f}, under-triage {triage['under_triage_rate']:.3f}, "
        f"over-triage {triage['over_triage_rate']:.3f}, exact level {triage['exact_rate']:.3f}.",
        "",
        "| expected \\ predicted | " + " | ".join(levels) + " |",
        "|---" * (len(levels) + 1) + "|",
        *[
            f"| {e} | " + " | ".join(str(triage["confusion"][e][p]) for p in levels) + " |"
            for e in levels
        ],
        "",
        "Under-triaged cases:",
        "",
        *(
            [
                f"- expected {u['expected']}, got {u['predicted']}: {u['text']}"
                for u in triage["under_triaged"]
            ]
            or ["- none"]
        ),
        "",
    ]


def write_report(metrics: dict[str, Any], meta: dict[str, Any], reports_dir: Path) -> None:
    summary = summary_table(metrics)
    (reports_dir / "summary.md").write_text(f"Model {metrics['model_version']}\n\n{summary}\n")
    lines = [
        f"# Evaluation report: model {metrics['model_version']}",
        "",
        "This is an automatic text classifier, not a diagnostic tool. These numbers are measured on "
        "a small, hand-written corpus; they say how the model behaves on texts like these.",
        "",
        "## Summary",
        "",
        summary,
        "",
        "## Held-out split (blind, written separately from the training examples)",
        "",
        "| metric | value |",
        "|---|---|",
        *[f"| {k} | {v:.4f} |" for k, v in metrics["heldout"].items() if k != "n"],
        f"| texts | {metrics['heldout']['n']} |",
        "",
        "![confusion matrix](confusion_matrix.png)",
        "",
        "![reliability diagram](reliability.png)",
        "",
        "### Per class",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
        *[
            f"| {label} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1-score']:.3f} | {int(r['support'])} |"
            for label, r in metrics["per_class"].items()
        ],
        "",
        "![per-class F1](per_class_f1.png)",
        "",
        f"## Cross-validation on the training split ({5} stratified folds, mean ± sd) and model comparison",
        "",
        *_comparison(metrics),
        "",
        *_triage(metrics["triage"]),
        *_relabelled(metrics),
        *_grouped_classifier(metrics),
        *_warning_signs(metrics),
        *_language_and_vague(metrics),
        *_interview(metrics),
        "## Error analysis: the held-out texts the model gets most wrong",
        "",
        "| text | expected | P(expected) | top 3 (confidence: evidence) |",
        "|---|---|---|---|",
    ]
    for row in metrics["errors"]:
        top = (
            "; ".join(
                f"{c['id']} {c['confidence']:.2f}: {', '.join(c['evidence']) or '-'}"
                for c in row["top3"]
            )
            or "out of scope"
        )
        text = row["text"].replace("|", "/")
        lines.append(f"| {text} | {row['expected']} | {row['p_expected']:.2f} | {top} |")
    lines += ["", f"Libraries: {meta['libraries']}", ""]
    (reports_dir / "report.md").write_text("\n".join(lines))


def write_model_card(
    metrics: dict[str, Any], meta: dict[str, Any], model_dir: Path, causes: dict[str, str]
) -> None:
    """The model card of any corpus: ``causes`` are its cause ids and names."""
    heldout, triage = metrics["heldout"], metrics.get("triage") or {}
    corpus = meta.get("corpus", {}).get("path", "corpus")
    scope = (
        f", out-of-scope recall {heldout['oos_recall']:.3f}, false reject "
        f"{heldout['false_reject_rate']:.3f}"
        if "oos_recall" in heldout
        else " (the corpus has no out-of-scope texts: every text is answered in scope)"
    )
    triage_line = (
        f"; triage: emergency recall {triage['emergency_recall']:.3f}, under-triage "
        f"{triage['under_triage_rate']:.3f}, over-triage {triage['over_triage_rate']:.3f}"
        if triage
        else ""
    )
    names = "; ".join(f"{name} (`{cid}`)" for cid, name in causes.items())
    card = f"""# Model card: {meta["version"]}

## Intended use
Suggests which of these {len(causes)} causes a person's own description most likely points to, with
calibrated confidence, the words that point to each cause, and referral advice (self care, see a
doctor, urgent, emergency): {names}. It supports people deciding whether and how soon to seek
care. **It is not a diagnosis**, and it does not replace a health professional.

## Misuse
Do not use it to rule out an emergency, to diagnose, to choose a treatment, or on texts about
other conditions. Its warning-sign rules are a safety net, not a clinical assessment.

## Data
English texts of the corpus `{corpus}`: a training split
({meta.get("training", {}).get("examples", "?")} examples), a held-out split ({heldout["n"]} texts)
and {triage.get("n", 0)} labelled triage cases. Corpus checksums are in `meta.json`.

## Model
spaCy tokenizer with lookup lemmas and NegEx-style negation marks, word (1-2) and character (3-5)
n-gram TF-IDF, logistic regression calibrated by temperature scaling on training folds, and an
out-of-scope threshold of {meta["oos_threshold"]:.3f} on P(in scope) chosen on training folds.
Red flags, negation, duration and the referral policy are rules of the corpus that override the
model.

## Metrics (held-out)
top-1 {heldout["top1_accuracy"]:.3f} ({heldout["served_top1_accuracy"]:.3f} counting texts called
out of scope as misses), top-3 {heldout["top3_accuracy"]:.3f}, macro-F1
{heldout["macro_f1"]:.3f}{scope}, ECE {heldout["ece"]:.3f}{triage_line}.

## Limitations
Measured on the corpus's own texts only; English only; no spelling correction beyond character
n-grams; the negation rules miss unusual phrasings; durations are read from simple patterns.

## Versions
{meta["libraries"]}
"""
    (model_dir / "MODEL_CARD.md").write_text(card)
