"""Settings kept across runs (QSettings): window layout, recent files, last choices.

Tests and screenshots pass a settings file so they never touch the person's own settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "NN Studio"
APPLICATION = "NN Studio"
MAX_RECENT = 8

GEOMETRY = "window/geometry"
TAB_STATE = "window/state/tab{}"  # one dock layout per centre tab (see tab_layouts.py)
RECENT = "files/recent"
LAST_DIR = "files/last_dir"
LAST_PRESET = "choices/last_preset"
CORES = "training/cores"  # CPU cores a run's batches are shared across (cores_menu.py)


def make_settings(path: str | None = None) -> QSettings:
    """The person's settings, or an INI file at ``path`` when one is given."""
    if path:
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION,
                     APPLICATION)


def tab_state_key(tab: int) -> str:
    return TAB_STATE.format(tab)


def _as_list(value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]


def recent_files(settings: QSettings) -> list[str]:
    return _as_list(settings.value(RECENT, []))


def add_recent_file(settings: QSettings, path: str) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [p for p in recent_files(settings) if p != path]
    files = files[:MAX_RECENT]
    settings.setValue(RECENT, files)
    return files


def remove_recent_file(settings: QSettings, path: str) -> None:
    settings.setValue(RECENT, [p for p in recent_files(settings) if p != path])


def clear_recent_files(settings: QSettings) -> None:
    settings.setValue(RECENT, [])


def last_dir(settings: QSettings) -> str:
    value = settings.value(LAST_DIR, "")
    return str(value) if value and Path(str(value)).is_dir() else str(Path.home())


def set_last_dir(settings: QSettings, path: str) -> None:
    settings.setValue(LAST_DIR, str(Path(path).resolve().parent))
