"""The timeline of a training in the window: a slider over the run's checkpoints that the
inspection views and the digit pad follow, the time-lapse of one input's class
probabilities, and "Continue training from here" (a branch)."""
