"""The running of a session, without Qt: build.py turns a NetworkSpec into an engine Network
(checking memory.py's estimate and weight_check.py's shapes on the way), session.py puts
data, network, loss, optimizer and Trainer together for one run (the CLI and the app share
it), inspection_copy.py keeps the CPU copy of the trained network that the views question,
gradcheck.py compares backprop with finite differences, and training_process/ runs a session
in a child process of its own for the app."""
