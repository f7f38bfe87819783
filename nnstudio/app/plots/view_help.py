"""What each dashboard view shows and how to read it, in a sentence or two: the views' tooltips
(hover over a view to read it)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

VIEW_HELP = {
    "Loss": "The loss per batch (faint), smoothed (bold) and per epoch on the training and the "
            "held-out samples, with the accuracy and the learning rate below. A held-out curve "
            "that rises while training's falls is overfitting.",
    "Activations": "Each layer's output for one held-out sample: blue positive, red negative. "
                   "Pick the sample with the spin box, or click a sample in another view.",
    "Filters": "The learned weights of the first layer: what each unit or filter looks for "
               "(blue raises its output, red lowers it).",
    "Gradients": "The size (L2 norm) of each layer's weight gradient and weights over the "
                 "steps, on a log scale: gradients shrinking towards the input layers is the "
                 "vanishing-gradient problem. Below, histograms of one layer.",
    "Misclassified": "The held-out samples the network gets wrong, most confident mistakes "
                     "first; click one to look inside.",
    "Confusion": "Rows are the true classes, columns the predicted ones: the diagonal is what "
                 "the network gets right. Click a cell to list its samples.",
    "Decision boundary": "For 2-D sets, the network's output over the plane under the training "
                         "points (the line is where it is 0.5); for sine and step, the fitted "
                         "curve over the points.",
    "Runs": "The runs on the loss plots, one row each: the dataset, the final loss and "
            "accuracy, and the settings in which they differ. Tick a run to show it.",
    "Predicted vs true": "For a numeric target, each held-out sample's prediction against its "
                         "true value: on the diagonal is a perfect fit. RMSE and R² say how "
                         "far off the network is on average.",
}


def explain_views(views: dict[str, QWidget]) -> None:
    """Give each view its tooltip."""
    for title, view in views.items():
        view.setToolTip(VIEW_HELP[title])
