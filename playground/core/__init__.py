"""The engine: pure numpy, no Qt. Specs, datasets, the network, optimizers and the trainer."""
