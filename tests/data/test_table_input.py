"""Tables: headers, delimiters, types, targets, missing values, and every bad input refused
with the file and line at fault and nothing half loaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnstudio.data.errors import DatasetError
from nnstudio.data.source import DataOptions, DataSource, check_source
from nnstudio.data.user_data import import_data, load_source


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def people(tmp_path: Path, rows: int = 40, name: str = "people.csv", sep: str = ",") -> Path:
    rng = np.random.default_rng(0)
    lines = [sep.join(["age", "city", "income", "bought"])]
    for i in range(rows):
        city = ["Oslo", "Lima", "Pune"][i % 3]
        age = 20 + i % 50
        lines.append(sep.join([str(age), city, f"{rng.normal(50, 10):.2f}",
                               "yes" if age > 40 else "no"]))
    return write(tmp_path, name, "\n".join(lines) + "\n")


def test_header_words_categories_and_the_last_column_as_target(tmp_path: Path) -> None:
    imported = import_data(people(tmp_path)).imported
    dataset = imported.dataset
    assert imported.columns == [("age", "numeric"), ("city", "categorical"),
                                ("income", "numeric"), ("bought", "categorical (target)")]
    assert dataset.classes == ["no", "yes"] and dataset.task == "classification"
    assert dataset.input_shape == (5,)  # age, three cities one-hot, income
    assert len(dataset.x_train) + len(dataset.x_test) == 40
    assert imported.first_rows[0] == ["age", "city", "income", "bought"]


def test_tsv_and_a_chosen_target_for_regression(tmp_path: Path) -> None:
    path = people(tmp_path, name="people.tsv", sep="\t")
    dataset = import_data(path, DataOptions(target="income")).imported.dataset
    assert dataset.task == "regression" and dataset.output_size == 1
    assert dataset.y_train.dtype == np.float32 and dataset.y_train.shape[1] == 1
    forced = import_data(path, DataOptions(target="age", task="classify")).imported.dataset
    assert forced.task == "classification" and forced.num_classes == 40


def test_no_header_names_the_columns_by_number(tmp_path: Path) -> None:
    path = write(tmp_path, "plain.csv", "".join(f"{i},{i * 2},{i % 2}\n" for i in range(20)))
    imported = import_data(path).imported
    assert [name for name, _ in imported.columns] == ["column 1", "column 2", "column 3"]
    assert imported.dataset.classes == ["0", "1"]


def test_missing_values_are_dropped_or_filled_as_chosen(tmp_path: Path) -> None:
    text = "a,b,y\n" + "".join(f"{i},{'' if i % 5 == 0 else i},{i % 2}\n" for i in range(30))
    path = write(tmp_path, "gaps.csv", text)
    dropped = import_data(path).imported
    assert len(dropped.dataset.x_train) + len(dropped.dataset.x_test) == 24
    assert "dropped 6 rows with missing values (lines 2, 7, 12, 17, 22, …)" in dropped.notes[0]
    filled = import_data(path, DataOptions(missing="fill")).imported
    assert len(filled.dataset.x_train) + len(filled.dataset.x_test) == 30
    assert np.isfinite(filled.dataset.x_train).all()


def test_saved_preprocessing_is_used_again_as_it_was(tmp_path: Path) -> None:
    path = people(tmp_path)
    first = import_data(path)
    again = load_source(first.source)
    assert again.source.preprocessing == first.source.preprocessing
    np.testing.assert_array_equal(again.imported.dataset.x_test, first.imported.dataset.x_test)
    reread = DataSource.from_json(first.source.to_json())
    assert reread == first.source


@pytest.mark.parametrize(("name", "text", "message"), [
    ("ragged.csv", "a,b,y\n1,2,0\n3,4\n5,6,1\n",
     "ragged.csv, line 3: 2 fields where the header has 3"),
    ("typo.csv", "a,b,y\n" + "".join(f"{i},{i},{i % 2}\n" for i in range(30)).replace(
        "17,17,1", "17,seventeen,1"),
     "typo.csv, line 19: 'seventeen' in column 'b', a column of numbers (29 of 30 values)"),
    ("empty.csv", "", "empty.csv: the file is empty (no rows)"),
    ("blank.csv", "\n\n  \n", "blank.csv: the file is empty (no rows)"),
    ("header.csv", "a,b,y\n", "header.csv: has a header but no rows of data"),
    ("one.csv", "a,y\n1,cat\n2,cat\n3,cat\n",
     "one.csv: the target 'y' has only one class ('cat'); a classifier needs at least two"),
    ("target.csv", "a,y\n1,0\n2,1\n", "target.csv: no column 'z' for the target; its columns "
                                      "are a, y"),
    ("words.csv", "a,y\n1,x\n2,y\n", "words.csv, line 2: the target 'y' holds 'x'; regression "
                                     "needs numbers"),
])
def test_bad_tables_are_refused_naming_the_file_and_line(
        tmp_path: Path, name: str, text: str, message: str) -> None:
    options = DataOptions(target="z") if name == "target.csv" else \
        DataOptions(task="regress") if name == "words.csv" else DataOptions()
    with pytest.raises(DatasetError) as caught:
        import_data(write(tmp_path, name, text), options)
    assert message in str(caught.value)


def test_a_binary_file_is_refused_as_not_text(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x01" * 20)
    with pytest.raises(DatasetError, match="image.csv: not UTF-8 text"):
        import_data(path)


def test_a_100k_row_file_loads_with_progress(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(size=(100_000, 8)).round(4)
    labels = (values[:, 0] > 0).astype(int)
    path = tmp_path / "big.csv"
    header = ",".join(f"f{i}" for i in range(8)) + ",label"
    np.savetxt(path, np.column_stack([values, labels]), delimiter=",", fmt="%g",
               header=header, comments="")
    seen: list[tuple[int, int]] = []
    dataset = import_data(path, progress=lambda done, total: seen.append((done, total))
                          ).imported.dataset
    assert len(dataset.x_train) + len(dataset.x_test) == 100_000
    assert len(seen) > 10 and seen[-1][0] == seen[-1][1]
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False))


def test_a_moved_or_changed_file_is_named(tmp_path: Path) -> None:
    path = people(tmp_path)
    source = import_data(path).source
    assert check_source(source) is None
    path.write_text(path.read_text() + "70,Oslo,1.0,yes\n")
    assert "people.csv have changed since the project was saved" in check_source(source)
    path.unlink()
    with pytest.raises(DatasetError, match="people.csv are missing"):
        check_source(source)


def test_a_changed_column_is_refused_with_the_saved_preprocessing(tmp_path: Path) -> None:
    path = people(tmp_path)
    source = import_data(path).source
    path.write_text(path.read_text().replace("age,", "years,", 1))
    with pytest.raises(DatasetError, match="people.csv: its columns are not the ones the "
                                           "project was trained on"):
        load_source(source)


@pytest.mark.parametrize(("text", "message"), [
    ("a,b,y\n" + "1,2,x\n3,4,y\n" * 5 + "inf,2,x\n",
     "huge.csv, line 12: 'inf' in column 'a' is not a finite number"),
    ("a,b,y\n" + "1,2,x\n3,4,y\n" * 5 + "1e309,2,x\n",
     "huge.csv, line 12: '1e309' in column 'a' is not a finite number"),
    ("a,b,y\n" + "1e300,2,x\n-1e300,4,y\n" * 5,
     "huge.csv: column 'a' holds numbers too large to standardize"),
])
def test_numbers_too_large_are_refused_naming_the_column(
        tmp_path: Path, text: str, message: str, recwarn: pytest.WarningsRecorder) -> None:
    with pytest.raises(DatasetError) as caught:
        import_data(write(tmp_path, "huge.csv", text))
    assert message in str(caught.value)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_reading_a_table_takes_a_few_times_its_size_not_ten(tmp_path: Path) -> None:
    import tracemalloc

    from nnstudio.data.table import read_table

    rng = np.random.default_rng(0)
    values = rng.normal(size=(40_000, 12))
    lines = ["a,b,c,d,e,f,g,h,i,j,k,l,label"] + [
        ",".join(f"{v:.4f}" for v in row) + f",k{i % 3}" for i, row in enumerate(values)]
    path = write(tmp_path, "wide.csv", "\n".join(lines) + "\n")
    tracemalloc.start()
    try:
        table = read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.rows.shape == (40_000, 13) and table.lines[-1] == 40_001
    assert peak < 10 * path.stat().st_size, f"{peak / path.stat().st_size:.1f} times the file"


def test_numbers_with_a_decimal_comma_are_named_not_taken_as_words(tmp_path: Path) -> None:
    rows = "\n".join(f"{i},5;{i * 2},25;{i % 2}" for i in range(1, 31))
    with pytest.raises(DatasetError) as caught:
        import_data(write(tmp_path, "euro.csv", "a;b;label\n" + rows + "\n"))
    assert str(caught.value) == ("euro.csv: column 'a' holds numbers written with a decimal "
                                 "comma ('1,5'); save the file with decimal points (1.5)")
