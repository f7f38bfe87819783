"""The live views of the training dashboard (pyqtgraph): loss, activations, filters,
gradients, misclassified samples, confusion matrix and decision boundary.

``Dashboard`` owns them and redraws them from one timer; see ``dashboard.py``.
"""
