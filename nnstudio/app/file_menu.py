"""The main window's file side: new, presets, open, recent files, save, export.

A mixin of MainWindow (it uses the window's document, settings, scene, menus and status
bar); all reading and writing goes through ``nnstudio.files.documents``, as the command line's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu

from nnstudio.app import dialogs
from nnstudio.app import settings as app_settings
from nnstudio.app.builder.gallery import PresetGallery
from nnstudio.app.image_file import save_png
from nnstudio.experiments.ensemble import member_problem
from nnstudio.files import documents
from nnstudio.running.build import first_misfit, weights_fit
from nnstudio.running.weight_check import same_weights
from nnstudio.spec.edit_rules import new_network
from nnstudio.spec.presets import DEFAULT_PRESET, load_preset


class FileMenuMixin:
    """File menu behaviour; mixed into MainWindow."""

    def load_preset(self, name: str) -> bool:
        try:
            preset = load_preset(name)
        except (OSError, ValueError) as error:
            self._report("Cannot open preset", str(error))
            return False
        self.current_preset = name
        if self.persist:
            self.settings.setValue(app_settings.LAST_PRESET, name)
        self.document.replace(preset.network, preset.training, "")
        self._after_load()
        return True

    def open_source(self, source: str) -> bool:
        """Open a preset by name, or a document file by path."""
        if documents.names_preset(source):
            return self.load_preset(source)
        return self.open_file(source)

    def open_file(self, path: str) -> bool:
        """Open a project or a JSON document; an ONNX model is imported (see import_onnx)."""
        if documents.is_onnx(path):
            return self._import_onnx_file(path)
        stamp = documents.file_stamp(path)
        try:
            opened = documents.open_file(path)
        except documents.DocumentError as error:
            self._report("Cannot open the file", str(error))
            return False
        self.current_preset = ""
        self.document.replace(opened.network, opened.training, str(Path(path).resolve()))
        self.disk_stamp = (self.document.path, stamp)
        self.training.load_saved(opened.weights, opened.history,
                                 f"saved in {Path(path).name}")
        self.opened_members = self._members_that_fit(opened, Path(path).name)
        if self.opened_members:  # an ensemble: its members on the Experiments tab's page
            self.experiments.ensemble.show_saved(opened.network, opened.training,
                                                 self.opened_members,
                                                 f"saved in {Path(path).name}")
        problem = self.experiments.search.show_plan(opened.experiment)
        if problem:
            self.statusBar().showMessage(f"{Path(path).name}: its experiment section was not "
                                         f"loaded ({problem})", 10000)
        self.timeline.load(self._checkpoints_that_fit(opened, Path(path).name),
                           f"saved in {Path(path).name}")
        if self.persist:
            app_settings.add_recent_file(self.settings, path)
            app_settings.set_last_dir(self.settings, path)
        self._after_load()
        self.adopt_project_data(opened.data)  # says when the project's data are not there
        return True

    def _members_that_fit(self, opened: documents.Opened, name: str) -> list:
        """The opened ensemble's members, or none (said in a dialog) when one does not fit."""
        problem = member_problem(opened.network, [m.weights for m in opened.members]) \
            if opened.members else ""
        if problem:
            self._report("The ensemble was not loaded",
                         f"{name}: {problem}. The network opens without its ensemble.")
            return []
        return list(opened.members)

    def _checkpoints_that_fit(self, opened: documents.Opened, name: str) -> list:
        """The opened timeline, or none (said in a dialog) when a checkpoint does not fit."""
        misfit = first_misfit(opened.network, [c.weights for c in opened.checkpoints]) \
            if opened.checkpoints else None
        if misfit is not None:
            self._report("The timeline was not loaded",
                         f"{name}: checkpoint {misfit[0] + 1}'s weights do not fit the network "
                         f"({misfit[1]}). The network opens without its timeline.")
            return []
        return list(opened.checkpoints)

    def kept_with_project(self, weights: dict | None) -> dict:
        """What a project keeps beside the network, settings, weights and history (File >
        Save and the recovery file alike): the person's own data, the training's
        checkpoints, an opened ensemble's members while they still are this network's, and
        the search on the Experiments tab."""
        return {"data": self.data_source,
                "checkpoints": self.timeline.checkpoints_for(self.document.spec),
                "members": self._members_kept(weights),
                "experiment": self.experiments.search.plan_json()}

    def _members_kept(self, weights: dict | None) -> list:
        """The opened ensemble's members, unless the network changed or other weights (a
        new run) took the first member's place."""
        members = getattr(self, "opened_members", [])
        if not members or not weights_fit(self.document.spec, members[0].weights):
            return []
        if weights is not None and not same_weights(weights, members[0].weights):
            return []
        return members

    def _after_load(self) -> None:
        self._paste_count = 0
        self._update_title()
        self._show_validity(self.document.analysis)
        self.fit_to_view()

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current network (saved, discarded)."""
        if not self.document.is_modified:
            return True
        name = Path(self.document.path).name if self.document.path else \
            (self.document.spec.name or "untitled")
        answer = dialogs.ask_save_changes(self, name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def new_network(self) -> None:
        if self.maybe_save():
            self.current_preset = ""
            self.document.replace(new_network())
            self._after_load()

    def new_from_preset(self, name: str) -> bool:
        return self.maybe_save() and self.load_preset(name)

    def show_gallery(self) -> None:
        last = str(self.settings.value(app_settings.LAST_PRESET, DEFAULT_PRESET))
        gallery = PresetGallery(self, current=self.current_preset or last)
        if not gallery.exec():
            return
        if gallery.chosen_comparison():  # a course experiment: run on the Experiments tab
            self.experiments.show_side_by_side(gallery.chosen_comparison())
        elif gallery.chosen():
            self.new_from_preset(gallery.chosen() or DEFAULT_PRESET)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open Network",
                                              app_settings.last_dir(self.settings),
                                              documents.FILE_FILTER)
        if path:
            self.open_file(path)

    def import_onnx(self, path: str | None = None) -> bool:
        """An ONNX model (asked for when ``path`` is None) with its weights, as a new,
        unsaved network."""
        if not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import ONNX Model",
                                                  app_settings.last_dir(self.settings),
                                                  "ONNX models (*.onnx);;All files (*)")
            if not path:
                return False
        return self._import_onnx_file(path)

    def _import_onnx_file(self, path: str) -> bool:
        try:
            opened = documents.open_onnx(path)
        except documents.DocumentError as error:  # the message names the file
            self._report("Cannot import the ONNX model", str(error))
            return False
        self.current_preset = ""
        self.document.replace(opened.network, opened.training, "")
        self.training.load_saved(opened.weights, {}, f"imported from {Path(path).name}")
        self.document.mark_modified()  # nothing of it is saved yet
        if self.persist:
            app_settings.set_last_dir(self.settings, path)
        self._after_load()
        self.statusBar().showMessage(f"Imported {Path(path).name} with its weights; save it "
                                     f"as a project to keep it", 8000)
        return True

    def save(self) -> bool:
        if not self.document.path:
            return self.save_as()
        return self.save_to(self.document.path)

    def save_as(self) -> bool:
        current = Path(self.document.path) if self.document.path else None
        suggested = str(current.with_suffix(documents.PROJECT_SUFFIX) if current else
                        Path(app_settings.last_dir(self.settings))
                        / f"{self.document.spec.name or 'untitled'}{documents.PROJECT_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save Project", suggested,
                                              documents.FILE_FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += documents.PROJECT_SUFFIX
        return self.save_to(path)

    def changed_on_disk(self, path: str) -> bool:
        """Whether ``path`` is the open document's file and something else wrote it since
        this window opened or saved it (another window, another program)."""
        opened, stamp = self.disk_stamp
        if str(Path(path).resolve()) != opened:
            return False
        now = documents.file_stamp(path)
        return now is not None and now != stamp

    def save_to(self, path: str) -> bool:
        if self.changed_on_disk(path):
            if not self.interactive:
                self._report("Cannot save", f"{path} changed on disk since it was opened; "
                                            "it was not overwritten")
                return False
            choice = dialogs.ask_file_changed(self, Path(path).name)
            if choice == "save_as":
                return self.save_as()
            if choice != "overwrite":
                return False
        weights, history = self.training.weights_for(self.document.spec)
        note = ""
        if weights is not None and not documents.holds_weights(path):
            choice = dialogs.ask_weights_need_project(self, Path(path).name) \
                if self.interactive else "network"
            if choice == "project":
                return self.save_as()
            if choice != "network":
                return False
            weights = None
            note = " (without the trained weights: a network JSON file cannot hold them)"
        try:
            documents.save_document(path, self.document.spec, self.document.training,
                                    weights, history, **self.kept_with_project(weights))
        except documents.DocumentError as error:
            self._report("Cannot save", str(error))
            return False
        self.document.mark_saved(str(Path(path).resolve()))
        self.disk_stamp = (self.document.path, documents.file_stamp(path))
        if self.persist:
            app_settings.add_recent_file(self.settings, path)
            app_settings.set_last_dir(self.settings, path)
        self.statusBar().showMessage(f"Saved {path}{note}", 8000)
        return True

    def _fill_recent_menu(self) -> None:
        menu: QMenu = self.menus.recent
        menu.clear()
        files = app_settings.recent_files(self.settings)
        for path in files:
            action = menu.addAction(Path(path).name)
            action.setStatusTip(path)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self._open_recent(p))
        if not files:
            menu.addAction("No recent files").setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Recent Files")
        clear.setEnabled(bool(files))
        clear.triggered.connect(lambda: app_settings.clear_recent_files(self.settings))

    def _open_recent(self, path: str) -> None:
        if not Path(path).is_file():
            app_settings.remove_recent_file(self.settings, path)
            self._report("Cannot open the file", f"{path} no longer exists")
            return
        if self.maybe_save():
            self.open_file(path)

    def export_network(self) -> None:
        suggested = str(Path(app_settings.last_dir(self.settings))
                        / f"{self.document.spec.name or 'network'}.network.json")
        path, _ = QFileDialog.getSaveFileName(self, "Export Network", suggested,
                                              documents.FILE_FILTER)
        if path:
            try:
                documents.save_network_json(path, self.document.spec)
            except documents.DocumentError as error:
                self._report("Cannot export", str(error))

    def export_image(self) -> None:
        suggested = str(Path(app_settings.last_dir(self.settings))
                        / f"{self.document.spec.name or 'network'}.png")
        path, _ = QFileDialog.getSaveFileName(self, "Export Canvas Image", suggested,
                                              "PNG image (*.png)")
        if path:
            try:
                self.render_network(path)
            except OSError as error:  # it names the file
                self._report("Cannot export", str(error))

    def render_network(self, path: str, scale: float = 2.0) -> bool:
        """Draw the whole network (not just what is in view) into a PNG; True, or an
        OSError naming the file."""
        box = self.scene.network_rect().adjusted(-24, -24, 24, 24)
        image = QImage(int(box.width() * scale), int(box.height() * scale),
                       QImage.Format.Format_ARGB32)
        image.fill(self.scene.backgroundBrush().color())
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene.clearSelection()
        self.scene.render(painter, source=box)
        painter.end()
        save_png(image, path)
        return True
