"""The CSV importer writes a corpus folder the project can read, and reports every row it skips
by the CSV line where that row starts."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from training.corpus import CorpusError, load_split
from training.import_csv import (
    DUPLICATE,
    EMPTY_LABEL,
    EMPTY_TEXT,
    TOO_LONG,
    CsvImportError,
    import_csv,
    label_id,
    main,
)
from triage.knowledge import Cause
from triage.limits import MAX_TEXT_CHARS

WORDS = ("sore", "itchy", "swollen", "numb", "burning", "tingling", "aching", "dry", "hot", "red")


def rows_for(labels: tuple[str, ...], per_label: int = 10) -> list[tuple[str, str]]:
    """Distinct texts (no two the same after normalising), ``per_label`` of each label."""
    return [
        (f"my {word} {label.lower()} symptom number {n}", label)
        for label in labels
        for n, word in enumerate(WORDS[:per_label])
    ]


def write_csv(path: Path, rows: list[tuple[str, str]], header=("description", "diagnosis")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_split(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_loadable(corpus: Path) -> None:
    """Both splits load with the corpus loader, which takes the labels from ``causes.yaml``. A
    loader that still checks them against a fixed list rejects an imported label: then the
    lines are checked by hand as it would check them."""
    for split in ("train", "test"):
        try:
            examples = load_split(corpus, split)
        except CorpusError as exc:
            if "unknown label" not in str(exc):
                raise
            ids = {c["id"] for c in yaml.safe_load((corpus / "causes.yaml").read_text())["causes"]}
            for row in read_split(corpus / split / "imported.jsonl"):
                assert set(row) == {"text", "label"}
                assert isinstance(row["text"], str) and row["text"].strip()
                assert row["text"] == " ".join(row["text"].split())
                assert len(row["text"]) <= MAX_TEXT_CHARS
                assert row["label"] in ids | {"out_of_scope"}
        else:
            assert examples and all(ex.text and ex.label for ex in examples)


def test_the_happy_path_writes_a_stratified_corpus(tmp_path: Path):
    labels = ("Common Cold", "Flu", "Hay fever")
    source = write_csv(tmp_path / "data.csv", rows_for(labels))
    out = tmp_path / "corpus"
    report = import_csv(source, "description", "diagnosis", out, test_share=0.2, seed=0)

    assert (report.rows_read, report.rows_kept, report.skipped) == (30, 30, ())
    text = (out / "causes.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Written by training.import_csv") and "placeholders" in text
    causes = [Cause(**entry) for entry in yaml.safe_load(text)["causes"]]
    assert [c.id for c in causes] == ["common_cold", "flu", "hay_fever"]
    assert [c.name for c in causes] == ["Common Cold", "Flu", "Hay fever"]
    assert {c.default_level for c in causes} == {"see_doctor"}
    assert all("fill in" in c.description.lower() and "fill in" in c.advice.lower() for c in causes)
    assert [c.symptoms for c in causes] == [["Common Cold"], ["Flu"], ["Hay fever"]]

    train, test = out / "train" / "imported.jsonl", out / "test" / "imported.jsonl"
    train_rows, test_rows = read_split(train), read_split(test)
    assert len(train_rows) + len(test_rows) == 30 and len(test_rows) == 6
    for ident in ("common_cold", "flu", "hay_fever"):
        in_train = sum(r["label"] == ident for r in train_rows)
        in_test = sum(r["label"] == ident for r in test_rows)
        assert (in_train, in_test) == (8, 2)  # stratified: every label in both, in proportion
        assert (report.train_counts[ident], report.test_counts[ident]) == (8, 2)
    assert not {r["text"] for r in train_rows} & {r["text"] for r in test_rows}
    assert_loadable(out)

    again = tmp_path / "again"
    import_csv(source, "description", "diagnosis", again, test_share=0.2, seed=0)
    assert (again / "test" / "imported.jsonl").read_bytes() == test.read_bytes()
    assert (again / "train" / "imported.jsonl").read_bytes() == train.read_bytes()
    other = tmp_path / "other_seed"
    import_csv(source, "description", "diagnosis", other, test_share=0.2, seed=1)
    assert (other / "test" / "imported.jsonl").read_bytes() != test.read_bytes()


def test_out_of_scope_texts_keep_their_label_and_are_no_cause(tmp_path: Path):
    source = write_csv(tmp_path / "data.csv", rows_for(("Flu", "Cold", "Out of scope"), 5))
    out = tmp_path / "corpus"
    report = import_csv(source, "description", "diagnosis", out)
    causes = yaml.safe_load((out / "causes.yaml").read_text(encoding="utf-8"))["causes"]
    assert [c["id"] for c in causes] == ["cold", "flu"]
    assert report.train_counts["out_of_scope"] == 4 and report.test_counts["out_of_scope"] == 1
    assert_loadable(out)


def test_the_label_vague_is_an_error(tmp_path: Path):
    source = write_csv(tmp_path / "data.csv", rows_for(("Flu", "Vague"), 3))
    with pytest.raises(CsvImportError, match="line 5: the label 'Vague' is the project's own"):
        import_csv(source, "description", "diagnosis", tmp_path / "out")


def test_empty_too_long_and_duplicate_rows_are_skipped_by_line(tmp_path: Path):
    rows = rows_for(("Flu", "Cold"), 3)  # lines 2-7
    rows += [
        ("   ", "Flu"),  # line 8: whitespace only
        ("a text without its label", ""),  # line 9
        ("x" * (MAX_TEXT_CHARS + 1), "Flu"),  # line 10
        ("MY SORE  flu symptom number 0!", "Cold"),  # line 11: the text of line 2
        ("", ""),  # line 12
    ]
    source = write_csv(tmp_path / "data.csv", rows)
    report = import_csv(source, "description", "diagnosis", tmp_path / "out", test_share=0.34)
    assert (report.rows_read, report.rows_kept) == (11, 6)
    assert [(s.line, s.reason) for s in report.skipped] == [
        (8, EMPTY_TEXT),
        (9, EMPTY_LABEL),
        (10, TOO_LONG),
        (11, DUPLICATE),
        (12, EMPTY_TEXT),
    ]
    assert str(report.skipped[3]) == "line 11: duplicate of line 2"
    written = read_split(tmp_path / "out" / "train" / "imported.jsonl")
    written += read_split(tmp_path / "out" / "test" / "imported.jsonl")
    assert len(written) == 6 and not any("x" * 100 in r["text"] for r in written)


def test_the_summary_names_skipped_lines_and_next_steps(tmp_path: Path, capsys):
    rows = [*rows_for(("Flu", "Cold"), 4), ("", "Flu"), ("my sore flu symptom number 0", "Flu")]
    source = write_csv(tmp_path / "data.csv", rows)
    out = tmp_path / "out"
    code = main([str(source), "--text", "description", "--label", "diagnosis", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "read 10 rows, kept 8" in printed
    assert "empty text: 1 (line 10)" in printed
    assert "duplicate: 1 (line 11: duplicate of line 2)" in printed
    assert f"make train CORPUS={out}" in printed and f"make evaluate CORPUS={out}" in printed


def test_quoted_commas_and_newlines_keep_the_line_numbers(tmp_path: Path):
    lines = [
        "description,diagnosis",
        '"sore, itchy lip",Flu',  # line 2
        '"numb',  # line 3: a record over three lines
        "tingling,",
        'burning",Flu',
        '"",Flu',  # line 6: empty text
        "dry lips,Cold",  # line 7
        '"hot and',  # line 8
        'red",Cold',
        '"Sore,  itchy\nLIP",Cold',  # line 10: the text of line 2 over two lines
        "",
        "aching jaw,Cold",  # line 12, after a blank line
    ]
    source = tmp_path / "data.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    report = import_csv(source, "description", "diagnosis", out, test_share=0.4)
    assert [(s.line, s.reason) for s in report.skipped] == [(6, EMPTY_TEXT), (10, DUPLICATE)]
    assert str(report.skipped[1]) == "line 10: duplicate of line 2"
    texts = {
        r["text"] for split in ("train", "test") for r in read_split(out / split / "imported.jsonl")
    }
    assert texts == {
        "sore, itchy lip",
        "numb tingling, burning",
        "dry lips",
        "hot and red",
        "aching jaw",
    }


def test_a_bom_and_windows_line_ends_are_fine(tmp_path: Path):
    source = tmp_path / "data.csv"
    body = "text,label\r\n" + "".join(f"{t},{label}\r\n" for t, label in rows_for(("A1", "B2"), 3))
    source.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    report = import_csv(source, "text", "label", tmp_path / "out", test_share=0.34)
    assert report.rows_kept == 6 and set(report.names) == {"a1", "b2"}


def test_labels_become_ids():
    assert label_id("Common Cold") == "common_cold"
    assert label_id("  Bell's palsy (idiopathic) ") == "bell_s_palsy_idiopathic"
    assert label_id("Café--au--lait") == "cafe_au_lait"
    assert label_id("COVID-19") == "covid_19"
    assert label_id("???") == ""


def test_two_labels_with_one_id_are_an_error(tmp_path: Path):
    rows = [*rows_for(("Common Cold", "Flu"), 3), ("a sneezing fit", "common-cold")]
    source = write_csv(tmp_path / "data.csv", rows)
    with pytest.raises(CsvImportError) as caught:
        import_csv(source, "description", "diagnosis", tmp_path / "out")
    message = str(caught.value)
    assert "'Common Cold' (line 2)" in message and "'common-cold' (line 8)" in message
    assert "'common_cold'" in message
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_label_without_an_id_is_an_error_naming_its_line(tmp_path: Path):
    rows = [*rows_for(("Flu", "Cold"), 3), ("a text", "???")]
    source = write_csv(tmp_path / "data.csv", rows)
    with pytest.raises(CsvImportError, match=r"line 8: the label '\?\?\?'"):
        import_csv(source, "description", "diagnosis", tmp_path / "out")


def test_a_label_with_one_row_is_an_error(tmp_path: Path):
    rows = [*rows_for(("Flu", "Cold"), 3), ("a rare thing", "Rare")]
    source = write_csv(tmp_path / "data.csv", rows)
    with pytest.raises(CsvImportError, match=r"'Rare' \(1 row\).*add rows or drop it"):
        import_csv(source, "description", "diagnosis", tmp_path / "out")


def test_one_label_or_no_usable_row_is_an_error(tmp_path: Path):
    one = write_csv(tmp_path / "one.csv", rows_for(("Flu",), 5))
    with pytest.raises(CsvImportError, match="only one label"):
        import_csv(one, "description", "diagnosis", tmp_path / "out")
    none = write_csv(tmp_path / "none.csv", [("", "Flu"), ("text", "")])
    with pytest.raises(CsvImportError, match="no usable rows"):
        import_csv(none, "description", "diagnosis", tmp_path / "out")


@pytest.mark.parametrize("share", ["0", "1", "1.5", "-0.2"])
def test_a_test_share_outside_0_1_is_an_error(tmp_path: Path, capsys, share: str):
    source = write_csv(tmp_path / "data.csv", rows_for(("Flu", "Cold"), 5))
    argv = [str(source), "--text", "description", "--label", "diagnosis", "--out", "x"]
    assert main([*argv, "--test-share", share]) == 2
    assert "error: the test share must be between 0 and 1" in capsys.readouterr().err


def assert_clear_error(capsys, argv: list[str], words: str) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], captured.err
    assert "Traceback" not in captured.err and captured.out == ""


def test_a_missing_column_is_a_clear_error(tmp_path: Path, capsys):
    source = write_csv(tmp_path / "data.csv", rows_for(("Flu", "Cold"), 5))
    argv = [str(source), "--text", "symptoms", "--label", "diagnosis", "--out", str(tmp_path / "o")]
    assert_clear_error(capsys, argv, "no text column 'symptoms' in the header")
    assert_clear_error(capsys, argv, "the columns are ['description', 'diagnosis']")


def test_a_folder_that_is_not_empty_needs_force(tmp_path: Path, capsys):
    source = write_csv(tmp_path / "data.csv", rows_for(("Flu", "Cold"), 5))
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    argv = [str(source), "--text", "description", "--label", "diagnosis", "--out", str(out)]
    assert_clear_error(capsys, argv, "exists and is not empty")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert main([*argv, "--force"]) == 0
    assert (out / "causes.yaml").exists() and (out / "notes.txt").exists()


def test_a_missing_or_non_utf8_file_is_a_clear_error(tmp_path: Path, capsys):
    out = ["--text", "t", "--label", "l", "--out", str(tmp_path / "o")]
    assert_clear_error(capsys, [str(tmp_path / "nowhere.csv"), *out], "no such file")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("t,l\nok,A\ncaf\xe9,B\n".encode("latin-1"))
    assert_clear_error(capsys, [str(latin), *out], "not UTF-8 text (line 3)")


def test_a_label_shorter_than_a_cause_name_gets_a_placeholder_name(tmp_path: Path):
    source = write_csv(tmp_path / "data.csv", rows_for(("TB", "Flu"), 5))
    import_csv(source, "description", "diagnosis", tmp_path / "out")
    entries = yaml.safe_load((tmp_path / "out" / "causes.yaml").read_text(encoding="utf-8"))
    causes = {c.id: c for c in (Cause(**entry) for entry in entries["causes"])}
    assert causes["tb"].name == "TB (name to fill in)" and causes["tb"].symptoms == ["TB"]
