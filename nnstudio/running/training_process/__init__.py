"""Training runs for the app, in a process of their own.

The window must stay smooth while a network trains, and a Python thread shares the GIL with
every pyqtgraph repaint; so the app trains in a child process (``process``) that runs the
same session as ``nnstudio train`` (``child``) and streams host copies of its events back
through a pipe (``messages``); the window sends typed commands the other way (``commands``),
spells a run's state as one ``RunState`` (``state``) and feeds the views through the
``RunListener`` interface (``listener``). Nothing here imports Qt.
"""
