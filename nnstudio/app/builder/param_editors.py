"""One editor widget per catalogue Param kind (int, float, bool, choice, padding, shape).

Each editor shows a value with ``set_value`` (without echoing it back) and calls its
``on_change`` callback with a value of the right Python type when the person edits it.
``session`` names the current editing session of the field: spin-box steps share one until
Enter or leaving the field ends it; a toggle or a choice is a session of its own. Undo
merges edits of one session only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from nnstudio.spec.catalogue import Param

INT_LIMIT = 2**31 - 1


class FloatSpinBox(QDoubleSpinBox):
    """A spin box that shows 0.001 and 1e-05 as written, not as 0.001000."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        stripped = text.strip()
        if stripped in ("", "-", "+", ".", "-.", "+.") or stripped.lower().endswith(("e", "e-")):
            return QValidator.State.Intermediate, text, pos
        try:
            value = float(stripped)
        except ValueError:
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos


def parse_shape(text: str) -> list[int] | None:
    """'1x28x28', '1, 28, 28', '[784]' or '784' as a list of positive ints; None if not."""
    parts = [p for p in re.split(r"[x×,\s\[\]()]+", text.strip().lower()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    values = [int(p) for p in parts]
    return values if all(v > 0 for v in values) else None


class ParamEditor:
    """Base: ``widget`` is what goes into the form."""

    widget: QWidget

    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        self.param = param
        self.on_change = on_change
        self._quiet = False
        self.session = object()

    def set_value(self, value: Any) -> None:
        self._quiet = True
        try:
            self._show(value)
        finally:
            self._quiet = False

    def _emit(self, value: Any, ends_session: bool = False) -> None:
        if not self._quiet:
            self.on_change(value)
            if ends_session:
                self.end_session()

    def end_session(self) -> None:
        self.session = object()

    def _show(self, value: Any) -> None:
        raise NotImplementedError


class IntEditor(ParamEditor):
    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        super().__init__(param, on_change)
        box = QSpinBox()
        box.setRange(int(param.minimum) if param.minimum is not None else -INT_LIMIT,
                     int(param.maximum) if param.maximum is not None else INT_LIMIT)
        box.setKeyboardTracking(False)
        box.setAccelerated(True)
        zero = re.search(r"\(0: ([^)]*)\)", param.help)
        if zero and box.minimum() == 0:
            box.setSpecialValueText(zero.group(1))
        box.valueChanged.connect(lambda v: self._emit(int(v)))
        box.editingFinished.connect(self.end_session)
        self.widget = self.box = box

    def _show(self, value: Any) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.box.setValue(int(value))


class FloatEditor(ParamEditor):
    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        super().__init__(param, on_change)
        box = FloatSpinBox()
        low = param.minimum if param.minimum is not None else -1e12
        high = param.maximum if param.maximum is not None else 1e12
        box.setRange(low, high)
        span = high - low
        box.setSingleStep(0.01 if span <= 1.0 else 0.1 if span <= 20 else 1.0)
        box.setKeyboardTracking(False)
        box.valueChanged.connect(lambda v: self._emit(float(v)))
        box.editingFinished.connect(self.end_session)
        self.widget = self.box = box

    def _show(self, value: Any) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool) \
                and math.isfinite(value):
            self.box.setValue(float(value))


class BoolEditor(ParamEditor):
    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        super().__init__(param, on_change)
        self.widget = self.box = QCheckBox()
        self.box.toggled.connect(lambda on: self._emit(bool(on), ends_session=True))

    def _show(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ChoiceEditor(ParamEditor):
    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        super().__init__(param, on_change)
        self.widget = self.box = QComboBox()
        for choice in param.choices:
            self.box.addItem(str(choice))
        self.box.currentIndexChanged.connect(
            lambda i: self._emit(param.choices[i], ends_session=True) if i >= 0 else None)

    def _show(self, value: Any) -> None:
        if value in self.param.choices:
            self.box.setCurrentIndex(list(self.param.choices).index(value))


class PaddingEditor(ParamEditor):
    """valid / same / a number of pixels (with a spin box for the number)."""

    MODES = ("valid", "same", "pixels")

    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        super().__init__(param, on_change)
        self.widget = QWidget()
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(0, 0, 0, 0)
        self.mode = QComboBox()
        self.mode.addItems(list(self.MODES))
        self.pixels = QSpinBox()
        self.pixels.setRange(int(param.minimum or 0), int(param.maximum or 64))
        self.pixels.setKeyboardTracking(False)
        self.pixels.setSuffix(" px")
        row.addWidget(self.mode, 1)
        row.addWidget(self.pixels, 1)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.pixels.valueChanged.connect(self._changed)
        self.pixels.editingFinished.connect(self.end_session)

    def value(self) -> Any:
        mode = self.MODES[self.mode.currentIndex()]
        return int(self.pixels.value()) if mode == "pixels" else mode

    def _changed(self, *_: Any) -> None:
        self.pixels.setEnabled(self.mode.currentIndex() == 2)
        self._emit(self.value())

    def _mode_changed(self, *_: Any) -> None:
        self._changed()
        self.end_session()

    def _show(self, value: Any) -> None:
        if value in ("valid", "same"):
            self.mode.setCurrentIndex(self.MODES.index(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            self.mode.setCurrentIndex(2)
            self.pixels.setValue(value)
        self.pixels.setEnabled(self.mode.currentIndex() == 2)


class ShapeEditor(ParamEditor):
    """A line edit for shapes such as 784 or 1x28x28."""

    def __init__(self, param: Param, on_change: Callable[[Any], None]) -> None:
        super().__init__(param, on_change)
        self.widget = self.edit = QLineEdit()
        self.edit.setPlaceholderText("e.g. 784 or 1x28x28")
        self.edit.editingFinished.connect(self._finished)
        self.edit.textEdited.connect(self._check)

    def _check(self, text: str) -> bool:
        ok = parse_shape(text) is not None
        self.edit.setProperty("invalid", not ok)
        self.edit.setToolTip("" if ok else "Write whole numbers joined by x, e.g. 1x28x28")
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        return ok

    def _finished(self) -> None:
        shape = parse_shape(self.edit.text())
        if shape is not None:
            self._check(self.edit.text())
            self._emit(shape, ends_session=True)

    def _show(self, value: Any) -> None:
        if isinstance(value, list | tuple):
            self.edit.setText("x".join(str(v) for v in value))
            self._check(self.edit.text())


EDITORS: dict[str, type[ParamEditor]] = {
    "int": IntEditor, "float": FloatEditor, "bool": BoolEditor, "choice": ChoiceEditor,
    "padding": PaddingEditor, "shape": ShapeEditor,
}


def make_editor(param: Param, on_change: Callable[[Any], None]) -> ParamEditor:
    return EDITORS.get(param.kind, ShapeEditor)(param, on_change)
