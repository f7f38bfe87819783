"""The command line as a teacher meets it: eval's confusion matrix has headers, and the
toy sets' points, noise and test share are flags."""

from __future__ import annotations

import pytest

from nnstudio.cli import main
from nnstudio.cli.train import confusion_table


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_prints_the_confusion_matrix_under_its_class_names(capsys) -> None:
    code, out, _ = run(capsys, "eval", "xor-mlp")
    assert code == 0
    lines = out.splitlines()
    header = lines.index("confusion matrix (rows: true class, columns: predicted class):")
    assert lines[header + 1].split() == ["true", "\\", "predicted", "0", "1"]
    assert [line.split()[0] for line in lines[header + 2:header + 4]] == ["0", "1"]


def test_confusion_table_columns_are_as_wide_as_their_names() -> None:
    text = confusion_table(["T-shirt/top", "Bag"], [[1234, 5], [6, 7]])
    header, first, second = text.splitlines()
    assert header.endswith("T-shirt/top  Bag") and first.endswith("       1234    5")
    assert first.startswith("     T-shirt/top") and second.strip().startswith("Bag")


def test_toy_flags_shape_the_toy_set(capsys) -> None:
    code, out, err = run(capsys, "train", "xor-mlp", "--toy-samples", "40", "--toy-noise",
                       "0.1", "--toy-test-ratio", "0.25", "--epochs", "1")
    assert code == 0 and "on xor (30 samples" in out + err and "(10 samples)" in out
    with pytest.raises(SystemExit) as exit_:
        main(["train", "xor-mlp", "--toy-test-ratio", "0.95"])
    assert exit_.value.code == 2 and "--toy-test-ratio" in capsys.readouterr().err
