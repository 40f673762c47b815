"""Neural Network Playground: train small networks live and watch backpropagation work."""

import os as _os

# Training multiplies tiny matrices; a second BLAS thread only stalls them (see core/blas.py).
# Set before numpy is imported; core.blas also asks an already-loaded OpenBLAS.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
