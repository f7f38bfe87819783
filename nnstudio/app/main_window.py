"""The main window: canvas in the middle, docks around it, menus, toolbar, status bar,
recent files and settings.

Hooks for later views (training, plots, the digit pad):
- ``window.document``: the EditedNetwork (signals, ``snapshot()`` for a run);
- ``window.add_dock(widget, title, object_name, area)``: a dock with a View menu toggle,
  whose place is saved and restored with the rest of the layout;
- ``window.actions.train_start`` / ``train_pause`` / ``train_stop`` / ``train_step`` and
  ``window.train_controls`` (signals ``start_requested``... and ``set_state``);
- ``window.menus``: the menus by name (``file``, ``export``, ``edit``, ``view``, ``train``,
  ``help``), to add entries to;
- ``window.closing``: emitted once closing is decided, so a worker can stop and be waited for;
- ``window.prepare_screenshot(epochs)``: emitted before a ``--screenshot`` picture is taken.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import SimpleNamespace, TracebackType

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QToolBar,
    QToolButton,
    QWidget,
)

from nnstudio.app import dialogs
from nnstudio.app import settings as app_settings
from nnstudio.app.actions import Actions
from nnstudio.app.builder.canvas import NetworkScene, NetworkView
from nnstudio.app.builder.clipboard import fragment_from_mime, fragment_to_mime, make_fragment
from nnstudio.app.builder.edited_network import EditedNetwork
from nnstudio.app.builder.inspector import Inspector
from nnstudio.app.builder.palette import LayerPalette
from nnstudio.app.builder.summary import SummaryPanel
from nnstudio.app.data_import import DataImportMixin
from nnstudio.app.file_menu import FileMenuMixin
from nnstudio.app.image_file import save_png
from nnstudio.app.theme_menu import add_theme_menu
from nnstudio.app.toolbar_fit import ToolbarFit
from nnstudio.app.train_controls import TrainControls
from nnstudio.spec.network import Analysis
from nnstudio.spec.presets import DEFAULT_PRESET, load_preset, preset_names

APP_TITLE = "NN Studio"
PASTE_STEP = 30.0


class MainWindow(FileMenuMixin, DataImportMixin, QMainWindow):
    closing = Signal()
    # Emitted by take_screenshot before the picture, with the number of epochs to train
    # first (``nnstudio --screenshot --train-epochs N``); slots run synchronously.
    prepare_screenshot = Signal(int)

    def __init__(self, settings: QSettings | None = None, open_source: str | None = None,
                 persist: bool = True, interactive: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.settings = settings if settings is not None else app_settings.make_settings()
        self.persist = persist
        self.interactive = interactive
        self.current_preset = ""
        self._paste_count = 0
        self._fitted_once = False
        self._closing_emitted = False
        # The open file and its file_stamp when this window last read or wrote it.
        self.disk_stamp: tuple[str, tuple | None] = ("", None)

        self.document = EditedNetwork(parent=self)
        self.scene = NetworkScene(self.document, self)
        self.view = NetworkView(self.scene)
        self.setCentralWidget(self.view)
        self.palette = LayerPalette()
        self.inspector = Inspector(self.document)
        self.summary = SummaryPanel(self.document)

        stack = self.document.undo_stack
        self.actions = Actions(self, stack.createUndoAction(self, "&Undo"),
                               stack.createRedoAction(self, "&Redo"))
        self.train_controls = TrainControls(self.actions, self)
        self.menus = SimpleNamespace()
        self.docks: dict[str, QDockWidget] = {}
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self.add_dock(self.palette, "Layers", "palette_dock",
                      Qt.DockWidgetArea.LeftDockWidgetArea)
        self.add_dock(self.inspector, "Inspector", "inspector_dock",
                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.add_dock(self.summary, "Summary", "summary_dock",
                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.docks["palette_dock"], self.docks["inspector_dock"]],
                         [210, 380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["inspector_dock"], self.docks["summary_dock"]],
                         [400, 400], Qt.Orientation.Vertical)
        self._connect_signals()
        from nnstudio.app.training.attach import TrainingUI

        self.training = TrainingUI(self)
        from nnstudio.app.inspect.attach import InspectUI

        self.inspect = InspectUI(self)
        from nnstudio.app.experiments.attach import ExperimentsUI

        self.experiments = ExperimentsUI(self)
        from nnstudio.app.timeline.attach import TimelineUI

        self.timeline = TimelineUI(self)
        from nnstudio.app.weight_edit.attach import WeightEditing

        self.weight_editing = WeightEditing(self)
        from nnstudio.app.tab_layouts import TabLayouts
        from nnstudio.app.training.attach import BUILDER_DOCKS, DASHBOARD_TAB

        # Inside wants the room: only the digit pad stays beside it by default.
        inside_aside = ("palette_dock", "summary_dock", "inspector_dock", "training_dock",
                        "health_dock")
        self.tab_layouts = TabLayouts(self, self.training.tabs,
                                      aside={DASHBOARD_TAB: BUILDER_DOCKS,
                                             self.inspect.tab_index: inside_aside,
                                             **self.experiments.docks_aside()},
                                      raised={DASHBOARD_TAB: "training_dock",
                                              self.inspect.tab_index: "draw_dock",
                                              **self.experiments.docks_raised()})
        self.actions.reset_layout.triggered.connect(self.tab_layouts.reset)
        self.resize(1400, 900)
        if self.persist:
            self.restore_layout()

        if open_source is None or not self.open_source(open_source):
            self.load_preset(DEFAULT_PRESET)
        self._update_selection_actions()
        # After the first document is loaded: loading must not clear a recovery file
        # before offer_recovery has had its chance.
        from nnstudio.app.recovery import Autosaver

        self.autosaver = Autosaver(self)

    # -- docks -------------------------------------------------------------------------
    def add_dock(self, widget: QWidget, title: str, object_name: str,
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                 tabify_with: str | None = None) -> QDockWidget:
        """Put ``widget`` in a dock with a View menu toggle; its place and visibility are
        saved with the window layout (``object_name`` must be unique and stable)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name)
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.addDockWidget(area, dock)
        if tabify_with and tabify_with in self.docks:
            self.tabifyDockWidget(self.docks[tabify_with], dock)
        self.docks[object_name] = dock
        toggle = dock.toggleViewAction()
        toggle.setStatusTip(f"Show or hide the {title} panel")
        self.menus.docks.addAction(toggle)
        self.restoreDockWidget(dock)
        return dock

    # -- building the window -----------------------------------------------------------
    def _build_menus(self) -> None:
        a, bar = self.actions, self.menuBar()
        file = bar.addMenu("&File")
        file.addAction(a.new)
        presets = file.addMenu("New from &Preset")
        presets.addAction(a.new_from_preset)
        presets.addSeparator()
        for name in preset_names():
            title = load_preset(name).title
            action = presets.addAction(title)
            action.setData(name)
            action.setStatusTip(f"Start from the {title} preset")
            action.triggered.connect(lambda _=False, n=name: self.new_from_preset(n))
        file.addAction(a.open)
        recent = file.addMenu("Open &Recent")
        recent.aboutToShow.connect(self._fill_recent_menu)
        file.addAction(a.import_onnx)
        data = file.addMenu("Import &Data")
        data.addAction(a.import_data)
        data.addAction(a.import_image_folder)
        file.addSeparator()
        file.addAction(a.save)
        file.addAction(a.save_as)
        export = file.addMenu("&Export")
        for kind, text in (("torch", "&PyTorch Code…"), ("onnx", "&ONNX…"),
                           ("npz", "&Weights (.npz)…")):
            action = export.addAction(text)
            action.setObjectName(f"export_{kind}")
            action.triggered.connect(lambda _=False, k=kind: self.export_model(k))
        export.addSeparator()
        export.addAction(a.export_network)
        export.addAction(a.export_image)
        file.addSeparator()
        file.addAction(a.quit)

        edit = bar.addMenu("&Edit")
        for action in (a.undo, a.redo, None, a.cut, a.copy, a.paste, a.delete, None,
                       a.select_all, a.auto_layout):
            edit.addSeparator() if action is None else edit.addAction(action)

        view = bar.addMenu("&View")
        for action in (a.zoom_in, a.zoom_out, a.fit_view, a.actual_size, None, a.reset_layout):
            view.addSeparator() if action is None else view.addAction(action)
        add_theme_menu(self, view)
        view.addSeparator()
        docks = view  # a toggle for every dock and the toolbar goes below

        train = bar.addMenu("&Train")
        for action in (a.train_start, a.train_pause, a.train_stop, a.train_step):
            train.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a.shortcuts)
        help_menu.addAction(a.about)
        self.menus = SimpleNamespace(file=file, presets=presets, recent=recent, export=export,
                                     edit=edit, view=view, docks=docks, train=train,
                                     help=help_menu)

    def _build_toolbar(self) -> None:
        a = self.actions
        bar = QToolBar("Main toolbar")
        bar.setObjectName("main_toolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (a.new, a.new_from_preset, a.open, a.save, None, a.undo, a.redo,
                       a.delete, None, a.auto_layout, a.fit_view, None, a.train_start,
                       a.train_pause, a.train_stop, a.train_step):
            bar.addSeparator() if action is None else bar.addAction(action)
        for action in (a.undo, a.redo):  # their text grows ("Undo Set dense1 units")
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar
        self.toolbar_fit = ToolbarFit(bar, keep_words=(a.train_start, a.train_pause,
                                                       a.train_stop, a.train_step))
        self.menus.docks.addAction(bar.toggleViewAction())

    def _build_status_bar(self) -> None:
        self.validity_label = QLabel()
        self.validity_label.setObjectName("validity")
        self.zoom_label = QLabel("100%")
        self.zoom_label.setMinimumWidth(48)
        self.statusBar().addPermanentWidget(self.validity_label)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _connect_signals(self) -> None:
        a, doc = self.actions, self.document
        a.new.triggered.connect(self.new_network)
        a.new_from_preset.triggered.connect(self.show_gallery)
        a.open.triggered.connect(self.open_dialog)
        a.import_onnx.triggered.connect(lambda: self.import_onnx())
        a.import_data.triggered.connect(self.import_data_file)
        a.import_image_folder.triggered.connect(self.import_image_folder)
        self.setAcceptDrops(True)  # a table, array file or image folder: DataImportMixin
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.export_network.triggered.connect(self.export_network)
        a.export_image.triggered.connect(self.export_image)
        a.quit.triggered.connect(self.close)
        a.cut.triggered.connect(self.cut)
        a.copy.triggered.connect(self.copy)
        a.paste.triggered.connect(self.paste)
        a.delete.triggered.connect(self.delete_selection)
        a.select_all.triggered.connect(self.select_all)
        a.auto_layout.triggered.connect(self.auto_layout)
        a.zoom_in.triggered.connect(self.view.zoom_in)
        a.zoom_out.triggered.connect(self.view.zoom_out)
        a.fit_view.triggered.connect(self.fit_to_view)
        a.actual_size.triggered.connect(lambda: self.view.set_zoom(1.0))
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(lambda: dialogs.show_about(self))
        doc.analysis_changed.connect(self._show_validity)
        doc.modified_changed.connect(self.setWindowModified)
        doc.path_changed.connect(lambda _: self._update_title())
        doc.reset.connect(self._update_title)
        self.scene.selectionChanged.connect(self._on_selection_changed)
        self.scene.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.palette.layer_activated.connect(self.append_layer)
        self.summary.node_activated.connect(self.select_node)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z:.0%}"))

    # -- status --------------------------------------------------------------------
    def _update_title(self) -> None:
        path = self.document.path
        name = Path(path).name if path else (self.document.spec.name or "untitled")
        self.setWindowTitle(f"{name}[*] — {APP_TITLE}")
        self.setWindowModified(self.document.is_modified)

    def _show_validity(self, analysis: Analysis) -> None:
        if analysis.ok:
            self.validity_label.setText(f"Valid network · {analysis.total_params:,} parameters")
            self.validity_label.setStyleSheet("color: #15803d")
            self.validity_label.setToolTip("")
        else:
            count = len(analysis.problems)
            self.validity_label.setText(f"{count} problem{'s' * (count != 1)}")
            self.validity_label.setStyleSheet("color: #d62728")
            self.validity_label.setToolTip("\n".join(str(p) for p in analysis.problems))

    def validity_text(self) -> str:
        return self.validity_label.text()

    def _report(self, title: str, text: str) -> None:
        if self.interactive:
            dialogs.show_error(self, title, text)
        else:
            print(f"{title}: {text}", file=sys.stderr)

    # -- editing -----------------------------------------------------------------------
    def selected_node_ids(self) -> list[str]:
        return self.scene.selected_node_ids()

    def select_node(self, node_id: str) -> None:
        self.scene.select_nodes([node_id])
        item = self.scene.nodes.get(node_id)
        if item is not None:
            self.view.ensureVisible(item, 40, 40)

    def append_layer(self, type_name: str) -> str | None:
        """What a double-click in the palette does: add after the selected layer."""
        selected = self.selected_node_ids()
        try:
            node_id = self.document.append_layer(type_name, selected[-1] if selected else None)
        except ValueError as error:
            self.statusBar().showMessage(str(error), 6000)
            return None
        self.select_node(node_id)
        return node_id

    def copy(self) -> bool:
        ids = self.selected_node_ids()
        if not ids:
            return False
        QGuiApplication.clipboard().setMimeData(
            fragment_to_mime(make_fragment(self.document.spec, ids)))
        self._paste_count = 0
        return True

    def cut(self) -> None:
        if self.copy():
            self.document.remove(self.selected_node_ids(), self.scene.selected_edges())

    def paste(self) -> list[str]:
        fragment = fragment_from_mime(QGuiApplication.clipboard().mimeData())
        if fragment is None:
            self.statusBar().showMessage("The clipboard holds no layers", 4000)
            return []
        self._paste_count += 1
        offset = PASTE_STEP * self._paste_count
        ids = self.document.add_fragment(*fragment, offset=(offset, offset))
        self.scene.select_nodes(ids)
        return ids

    def delete_selection(self) -> None:
        self.document.remove(self.selected_node_ids(), self.scene.selected_edges())

    def select_all(self) -> None:
        for item in [*self.scene.nodes.values(), *self.scene.edges]:
            item.setSelected(True)

    def auto_layout(self) -> None:
        self.document.auto_layout()
        self.fit_to_view()

    def fit_to_view(self) -> None:
        self.view.fit_network()

    def _on_selection_changed(self) -> None:
        self.inspector.show_nodes(self.selected_node_ids())
        self._update_selection_actions()

    def _update_selection_actions(self) -> None:
        has_nodes = bool(self.selected_node_ids())
        self.actions.copy.setEnabled(has_nodes)
        self.actions.cut.setEnabled(has_nodes)
        self.actions.delete.setEnabled(has_nodes or bool(self.scene.selected_edges()))

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) for every menu action with a shortcut, under its menu's name."""
        rows: list[tuple[str, str]] = []
        fixed = {self.actions.undo: "Undo", self.actions.redo: "Redo"}
        for menu in (self.menus.file, self.menus.edit, self.menus.view, self.menus.train,
                     self.menus.help):
            actions = [a for a in menu.actions() if a.menu() is None]
            actions += [a for a in self.menus.presets.actions() if menu is self.menus.file]
            entries = [(fixed.get(a, a.text()), a) for a in actions if a.shortcuts()]
            if entries:
                rows.append((menu.title().replace("&", ""), ""))
                rows += [(text.replace("&", "").rstrip("…"),
                          ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                                    for k in action.shortcuts()))
                         for text, action in entries]
        return rows

    def show_shortcuts(self) -> None:
        dialogs.ShortcutsDialog(self.shortcut_rows(), self).exec()

    # -- layout and closing ------------------------------------------------------------
    def restore_layout(self) -> None:
        geometry = self.settings.value(app_settings.GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.tab_layouts.restore(self.settings)

    def save_layout(self) -> None:
        self.settings.setValue(app_settings.GEOMETRY, self.saveGeometry())
        self.tab_layouts.save(self.settings)
        self.settings.sync()

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._fitted_once:
            self._fitted_once = True
            self.fit_to_view()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.maybe_save():
            event.ignore()
            return
        if self.persist:
            self.save_layout()
        if not self._closing_emitted:
            self._closing_emitted = True
            self.closing.emit()
        event.accept()

    def export_model(self, kind: str, path: str | None = None) -> list:
        from nnstudio.app.model_export import export_model

        return export_model(self, kind, path)

    def take_screenshot(self, path: str, width: int = 1400, height: int = 900,
                        train_epochs: int = 0) -> bool:
        """Lay the window out at ``width`` x ``height``, fit the network, save a PNG (True,
        or an OSError naming the file)."""
        self.resize(width, height)
        self.show()
        for _ in range(3):
            QApplication.processEvents()
        self.prepare_screenshot.emit(train_epochs)
        QApplication.processEvents()
        self.fit_to_view()
        QApplication.processEvents()
        save_png(self.grab(), path)
        return True


def install_exception_hook(window: MainWindow) -> None:
    """Show unexpected errors in a dialog (with the details to copy) instead of losing
    them, log them, and save the work to the recovery file first."""

    def hook(kind: type[BaseException], error: BaseException,
             trace: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, error, trace))
        print(text, file=sys.stderr)
        log = dialogs.write_error_log(text)
        try:
            window.autosaver.autosave()
        except Exception:  # noqa: BLE001 - reporting must not fail on a second error
            pass
        if window.interactive and QApplication.instance() is not None:
            dialogs.show_exception(window, f"{kind.__name__}: {error}", text, log)

    sys.excepthook = hook
