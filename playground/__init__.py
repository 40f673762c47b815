"""Neural Network Playground: train small networks live and watch backpropagation work."""

__version__ = "0.1.0"
