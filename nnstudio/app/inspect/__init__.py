"""Looking inside the network: the digit pad and its live prediction, activations, saliency
and gradients for one input, the filter explorer, the diagram of a small dense network,
backpropagation step by step, and the gradient check."""
