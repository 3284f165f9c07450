"""Import a CSV of labelled symptom descriptions as a corpus folder this project can train on.

Labelled texts often come as a spreadsheet export, not as the JSONL splits and ``causes.yaml``
of ``corpus/``. This tool turns such a CSV into that layout once, checking every row the way the
corpus loader would (empty, too long, duplicate), so a bad row is reported by its CSV line here
rather than stopping a training run later:

    python -m training.import_csv data.csv --text TEXT_COLUMN --label LABEL_COLUMN --out DIR
        [--test-share 0.2] [--seed 0] [--force]

It writes ``DIR/causes.yaml`` (one cause per label, its name, description, advice, level and
symptoms placeholders to fill in), ``DIR/train/imported.jsonl`` and ``DIR/test/imported.jsonl``
(a seeded split, stratified by label). Nothing is written when there is an error.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sklearn.model_selection import train_test_split

from training.corpus import normalise_for_duplicates
from triage.knowledge import OUT_OF_SCOPE, VAGUE
from triage.limits import MAX_TEXT_CHARS

FILE_NAME = "imported.jsonl"
DEFAULT_LEVEL = "see_doctor"
# The reasons a row is skipped, in the order they are checked and reported.
EMPTY_TEXT = "empty text"
EMPTY_LABEL = "empty label"
TOO_LONG = f"text longer than {MAX_TEXT_CHARS} characters"
DUPLICATE = "duplicate"
REASONS = (EMPTY_TEXT, EMPTY_LABEL, TOO_LONG, DUPLICATE)
SHOW_LINES = 5  # line numbers shown per reason in the summary
MIN_NAME = 3  # a cause's name is at least this long (``triage.knowledge.Cause``)


class CsvImportError(ValueError):
    """The CSV or the options cannot make a corpus; the message says what to change."""


@dataclass(frozen=True)
class Skip:
    """A row left out, by the CSV line where its record starts."""

    line: int
    reason: str  # one of REASONS
    detail: str = ""  # for a duplicate: "duplicate of line M"

    def __str__(self) -> str:
        return f"line {self.line}: {self.detail or self.reason}"


@dataclass(frozen=True)
class ImportReport:
    """What an import read, kept and wrote: the summary is printed from it."""

    source: Path
    out: Path
    rows_read: int
    rows_kept: int
    skipped: tuple[Skip, ...]
    names: dict[str, str]  # id -> the label as written
    train_counts: dict[str, int]  # id -> rows in the training split
    test_counts: dict[str, int]  # id -> rows in the held-out split
    others: tuple[Path, ...] = field(default=())  # other JSONL files already in the splits

    def skipped_by_reason(self) -> dict[str, list[Skip]]:
        found: dict[str, list[Skip]] = {}
        for skip in self.skipped:
            found.setdefault(skip.reason, []).append(skip)
        return {reason: found[reason] for reason in REASONS if reason in found}


@dataclass(frozen=True)
class _Row:
    line: int
    text: str
    label: str


def label_id(label: str) -> str:
    """A label as an id: lower case ASCII letters and digits, every other run one ``_``.

    Accents are dropped first ("Café" -> "cafe") so that a letter is not lost with them.
    """
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def _clean(value: str) -> str:
    """Surrounding whitespace stripped, inner runs (newlines too) one space."""
    return " ".join(value.split())


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CsvImportError(f"{path}: no such file") from exc
    except OSError as exc:
        raise CsvImportError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvImportError(
            f"{path}: not UTF-8 text (line {line}): save it as UTF-8 (CSV UTF-8)"
        ) from exc


def _column(header: list[str], name: str, role: str, path: Path) -> int:
    names = [h.strip() for h in header]
    if name.strip() not in names:
        hint = ""
        if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
            hint = " (is the file separated by commas?)"
        raise CsvImportError(
            f"{path}: no {role} column {name!r} in the header; the columns are {names}{hint}"
        )
    if names.count(name.strip()) > 1:
        raise CsvImportError(f"{path}: the column {name!r} appears more than once in the header")
    return names.index(name.strip())


def _read_rows(
    path: Path, text_column: str, label_column: str
) -> tuple[list[_Row], list[Skip], int]:
    """The usable rows, the skipped ones and the number of records read (header and blank lines
    not counted)."""
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise CsvImportError(f"{path}: empty file: expected a header line")
        text_at = _column(header, text_column, "text", path)
        label_at = _column(header, label_column, "label", path)
        rows: list[_Row] = []
        skipped: list[Skip] = []
        first_seen: dict[str, int] = {}
        read = 0
        end = reader.line_num
        for record in reader:
            line, end = end + 1, reader.line_num  # a quoted field may span several lines
            if not record:
                continue  # a blank line: no record
            read += 1
            text = _clean(record[text_at]) if text_at < len(record) else ""
            label = _clean(record[label_at]) if label_at < len(record) else ""
            if not text:
                skipped.append(Skip(line, EMPTY_TEXT))
            elif not label:
                skipped.append(Skip(line, EMPTY_LABEL))
            elif len(text) > MAX_TEXT_CHARS:
                skipped.append(Skip(line, TOO_LONG))
            elif (earlier := first_seen.setdefault(normalise_for_duplicates(text), line)) != line:
                skipped.append(Skip(line, DUPLICATE, f"duplicate of line {earlier}"))
            else:
                rows.append(_Row(line, text, label))
    except csv.Error as exc:
        raise CsvImportError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from exc
    return rows, skipped, read


def _ids(rows: list[_Row]) -> dict[str, str]:
    """Label -> id; two labels that give one id, or a label that gives none, are an error."""
    ids: dict[str, str] = {}
    owner: dict[str, tuple[str, int]] = {}  # id -> (label, its first line)
    for row in rows:
        if row.label in ids:
            continue
        ident = label_id(row.label)
        if not ident:
            raise CsvImportError(
                f"line {row.line}: the label {row.label!r} has no letter or digit to make an id"
            )
        if ident == VAGUE:  # the project's label of training texts only: never held out
            raise CsvImportError(
                f"line {row.line}: the label {row.label!r} is the project's own 'vague' label "
                "(training texts only, never held out): rename it"
            )
        if ident in owner:
            other, first = owner[ident]
            raise CsvImportError(
                f"the labels {other!r} (line {first}) and {row.label!r} (line {row.line}) "
                f"both give the id {ident!r}: write them the same way or tell them apart"
            )
        ids[row.label] = ident
        owner[ident] = (row.label, row.line)
    return ids


def _check_counts(rows: list[_Row], source: Path, read: int) -> None:
    if not rows:
        raise CsvImportError(f"{source}: no usable rows ({read} read, every one skipped)")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.label] = counts.get(row.label, 0) + 1
    if len(counts) < 2:
        raise CsvImportError(
            f"{source}: only one label ({next(iter(counts))!r}): a classifier needs at least 2"
        )
    if few := sorted(label for label, n in counts.items() if n < 2):
        listed = ", ".join(f"{label!r} ({counts[label]} row)" for label in few)
        raise CsvImportError(
            f"a label needs at least 2 usable rows to be split into train and test: {listed}: "
            "add rows or drop it"
        )


def _check_out(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise CsvImportError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise CsvImportError(f"{out}: exists and is not empty: choose another --out or use --force")


def _cause(ident: str, name: str) -> dict:
    return {
        "id": ident,
        # a cause's name has at least 3 characters: a shorter label gets a placeholder tail
        "name": name if len(name) >= MIN_NAME else f"{name} (name to fill in)",
        "default_level": DEFAULT_LEVEL,
        "description": f"TO FILL IN: what {name} is and how it causes these symptoms, in plain words.",
        "advice": f"TO FILL IN: what a person with {name} should do, and when to see a doctor.",
        "symptoms": [name],
    }


def _causes_yaml(source: Path, names: dict[str, str]) -> str:
    header = (
        f"# Written by training.import_csv from {source.name}. The ids are the CSV's labels made\n"
        "# ids: keep them, the splits in train/ and test/ use them. The names, descriptions,\n"
        "# advice, default levels and symptoms are placeholders to fill in before training.\n"
    )
    # out-of-scope texts keep their label, which is no cause (``training.corpus.corpus_labels``)
    causes = [_cause(ident, names[ident]) for ident in sorted(names) if ident != OUT_OF_SCOPE]
    body = yaml.safe_dump({"causes": causes}, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def _jsonl(rows: list[_Row], ids: dict[str, str]) -> str:
    return "".join(
        json.dumps({"text": row.text, "label": ids[row.label]}, ensure_ascii=False) + "\n"
        for row in sorted(rows, key=lambda r: r.line)  # CSV order: a diff shows what changed
    )


def _counts(rows: list[_Row], ids: dict[str, str]) -> dict[str, int]:
    counts = dict.fromkeys(sorted(ids.values()), 0)
    for row in rows:
        counts[ids[row.label]] += 1
    return counts


def import_csv(
    path: Path,
    text_column: str,
    label_column: str,
    out: Path,
    test_share: float = 0.2,
    seed: int = 0,
    force: bool = False,
) -> ImportReport:
    """Read ``path``, check every row, and write the corpus folder ``out``: everything is
    checked before anything is written, so an error leaves ``out`` as it was. Raises
    ``CsvImportError`` with a message for the user."""
    path, out = Path(path), Path(out)
    if not 0 < test_share < 1:
        raise CsvImportError(
            f"the test share must be between 0 and 1 (exclusive), not {test_share}"
        )
    _check_out(out, force)
    rows, skipped, read = _read_rows(path, text_column, label_column)
    ids = _ids(rows)
    _check_counts(rows, path, read)
    try:
        train, test = train_test_split(
            rows,
            stratify=[ids[row.label] for row in rows],
            random_state=seed,
            test_size=test_share,
        )
    except ValueError as exc:
        raise CsvImportError(
            f"cannot split {len(rows)} rows of {len(ids)} labels with a test share of "
            f"{test_share}: {exc}"
        ) from exc
    names = {ident: label for label, ident in ids.items()}
    files = {
        out / "causes.yaml": _causes_yaml(path, names),
        out / "train" / FILE_NAME: _jsonl(train, ids),
        out / "test" / FILE_NAME: _jsonl(test, ids),
    }
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise CsvImportError(f"{exc.filename or out}: cannot write: {exc.strerror or exc}") from exc
    others = tuple(
        sorted(
            p
            for split in ("train", "test")
            for p in (out / split).glob("*.jsonl")
            if p.name != FILE_NAME
        )
    )
    return ImportReport(
        source=path,
        out=out,
        rows_read=read,
        rows_kept=len(rows),
        skipped=tuple(skipped),
        names=dict(sorted(names.items())),
        train_counts=_counts(train, ids),
        test_counts=_counts(test, ids),
        others=others,
    )


def summary(report: ImportReport) -> str:
    """The lines printed after an import: what was kept, what was skipped and where, the split
    of every label, and what to do next."""
    lines = [f"{report.source}: read {report.rows_read} rows, kept {report.rows_kept}"]
    for reason, skips in report.skipped_by_reason().items():
        shown = "; ".join(str(s) if s.detail else f"line {s.line}" for s in skips[:SHOW_LINES])
        more = f"; and {len(skips) - SHOW_LINES} more" if len(skips) > SHOW_LINES else ""
        lines.append(f"  skipped, {reason}: {len(skips)} ({shown}{more})")
    width = max(len(ident) for ident in report.names)
    lines.append(f"labels: {'id':{width}s}  train  test  label")
    for ident, name in report.names.items():
        train, test = report.train_counts[ident], report.test_counts[ident]
        lines.append(f"        {ident:{width}s}  {train:5d}  {test:4d}  {name}")
    for ident in report.names:
        if not report.train_counts[ident] or not report.test_counts[ident]:
            lines.append(f"warning: {ident!r} is missing from a split: add rows for it")
    for other in report.others:
        lines.append(f"warning: {other} was already there and is part of the split too")
    out = report.out
    lines += [
        f"wrote {out / 'causes.yaml'}, {out / 'train' / FILE_NAME}, {out / 'test' / FILE_NAME}",
        f"next: fill in the placeholders of {out / 'causes.yaml'}, then",
        f"  make train CORPUS={out}      # the model, into models/{out.resolve().name}/",
        f"  make evaluate CORPUS={out}   # its report and quality gates",
        f"  make serve CORPUS={out}      # the service and page of its newest model",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The command line: 0 when the corpus is written, 2 with one ``error:`` line otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="the CSV file, with a header line")
    parser.add_argument("--text", required=True, help="the column of the symptom descriptions")
    parser.add_argument("--label", required=True, help="the column of the labels (causes)")
    parser.add_argument("--out", type=Path, required=True, help="the corpus folder to write")
    parser.add_argument("--test-share", type=float, default=0.2, help="held out (default 0.2)")
    parser.add_argument("--seed", type=int, default=0, help="of the split (default 0)")
    parser.add_argument(
        "--force", action="store_true", help="write into a folder that is not empty"
    )
    args = parser.parse_args(argv)
    try:
        report = import_csv(
            args.csv, args.text, args.label, args.out, args.test_share, args.seed, args.force
        )
    except CsvImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
