"""Every menu and toolbar action of the main window, by name (``window.actions.save``...)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from nnstudio.app import theme

Key = QKeySequence.StandardKey


class Actions:
    """The window's QActions as attributes. Undo and redo come from the document's stack;
    the Train actions start disabled and are driven by ``TrainControls``."""

    def __init__(self, parent: QWidget, undo: QAction, redo: QAction) -> None:
        def icon(which: QStyle.StandardPixmap) -> QIcon:
            return theme.standard_icon(parent.style(), which)
        pix = QStyle.StandardPixmap

        def make(text: str, shortcuts: list | None = None, tip: str = "",
                 icon_id: QStyle.StandardPixmap | None = None) -> QAction:
            action = QAction(text, parent)
            if shortcuts:
                action.setShortcuts([s if isinstance(s, QKeySequence) else QKeySequence(s)
                                     for s in shortcuts])
            if icon_id is not None:
                action.setIcon(icon(icon_id))
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(tip)
            return action

        # File
        self.new = make("&New", [Key.New], "Start a new network (an Input of 784 values)",
                        pix.SP_FileIcon)
        self.new_from_preset = make("&Gallery…", ["Ctrl+Shift+N"],
                                    "Start from a ready-made network",
                                    pix.SP_FileDialogContentsView)
        self.open = make("&Open…", [Key.Open], "Open a network document",
                         pix.SP_DialogOpenButton)
        self.import_onnx = make("&Import ONNX…", [],
                                "Open an ONNX model (a PyTorch export, say) with its weights "
                                "as a new network")
        self.import_data = make("&Table or Arrays…", [],
                                "Train on your own data: a CSV/TSV table or .npz/.npy arrays "
                                "(or drop the file on the window)")
        self.import_image_folder = make("&Image Folder…", [],
                                        "Train on a folder with one subfolder of images per "
                                        "class (or drop the folder on the window)")
        self.save = make("&Save", [Key.Save], "Save the network", pix.SP_DialogSaveButton)
        self.save_as = make("Save &As…", [Key.SaveAs], "Save the network under a new name")
        self.export_network = make("Network as &JSON…", [],
                                   "Write the bare network (format nnstudio.network)")
        self.export_image = make("Canvas as &Image…", [], "Save a PNG picture of the network")
        self.quit = make("&Quit", ["Ctrl+Q"], "Close NN Studio")
        # Edit
        self.undo = undo
        self.undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo.setIcon(icon(pix.SP_ArrowBack))
        self.redo = redo
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo.setIcon(icon(pix.SP_ArrowForward))
        for action in (self.undo, self.redo):
            _TooltipFollowsText(action)
        self.cut = make("Cu&t", [Key.Cut], "Cut the selected layers")
        self.copy = make("&Copy", [Key.Copy], "Copy the selected layers")
        self.paste = make("&Paste", [Key.Paste], "Paste layers")
        self.delete = make("&Delete", ["Delete", "Backspace"],
                           "Delete the selected layers and connections", pix.SP_TrashIcon)
        self.select_all = make("Select &All", [Key.SelectAll], "Select every layer")
        self.auto_layout = make("Auto &Layout", ["Ctrl+L"],
                                "Arrange the layers top to bottom by depth")
        # View
        self.zoom_in = make("Zoom &In", ["Ctrl++", "Ctrl+="], "Zoom in")
        self.zoom_out = make("Zoom &Out", ["Ctrl+-"], "Zoom out")
        self.fit_view = make("&Fit to View", ["Ctrl+0"], "Show the whole network")
        self.actual_size = make("&Actual Size", ["Ctrl+1"], "Zoom to 100%")
        self.reset_layout = make("&Reset Layout", [],
                                 "Put every panel back where it starts, on every tab")
        # Train (wired by the training views through TrainControls)
        self.train_start = make("&Start", ["F5"], "Train the network", pix.SP_MediaPlay)
        self.train_pause = make("&Pause", ["F6"], "Pause training", pix.SP_MediaPause)
        self.train_stop = make("S&top", ["Shift+F5"], "Stop training", pix.SP_MediaStop)
        self.train_step = make("Step &One Batch", ["F10"], "Train on one batch, then pause",
                               pix.SP_MediaSkipForward)
        # Help
        self.shortcuts = make("&Keyboard Shortcuts", ["Ctrl+/", "F1"],
                              "Every shortcut and canvas gesture")
        self.about = make("&About NN Studio", [], "Version and credits")

    def all(self) -> list[QAction]:
        return [v for v in vars(self).values() if isinstance(v, QAction)]


class _TooltipFollowsText(QObject):
    """The action's tooltip says what it would do and its key: "Undo Set dense1 units
    (Ctrl+Z)", kept current as the undo stack renames the action. A child of the action,
    so the connection ends with it."""

    def __init__(self, action: QAction) -> None:
        super().__init__(action)
        self.action = action
        action.changed.connect(self.update)
        self.update()

    @Slot()
    def update(self) -> None:
        try:
            self._follow(self.action)
        except RuntimeError:  # changed() also fires while the action is being deleted
            pass

    @staticmethod
    def _follow(action: QAction) -> None:
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{name} ({key})" if key else name
        if action.toolTip() != tip:
            action.setToolTip(tip)
