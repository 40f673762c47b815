"""Reading a weight ``.npz`` archive without trusting it: sizes, shapes and types come first, data last.

``np.load`` decompresses a member whatever its size and converts whatever it holds: a 4 MB
archive of zeros can unpack to gigabytes, and a header may claim 10¹² elements. Here the zip
directory and each member's ``.npy`` header (shape, dtype, order) are read first and compared
with what the metadata's layer sizes need; a member's data is read only when its header and
its uncompressed size fit, so reading never allocates more than the network's weights.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import numpy as np
from numpy.lib import format as npy_format

from playground.core.io.weight_checks import WeightFileError, check_names, dtype_problem, shape_error

#: The metadata member (a JSON string) is a few kB; larger ones are refused before they are read.
MAX_METADATA_BYTES = 1024 * 1024
_SUFFIX = ".npy"


class NpzArchive:
    """The members of an ``.npz`` archive by name (without ``.npy``), read one checked header at a time."""

    def __init__(self, zf: zipfile.ZipFile) -> None:
        self._zf = zf
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            name = info.filename.removesuffix(_SUFFIX)
            if info.is_dir() or not info.filename.endswith(_SUFFIX):
                raise WeightFileError(f"holds {info.filename!r}, which is not an array (.npy) entry")
            if name in self.members:
                raise WeightFileError(f"holds the entry {name} twice")
            self.members[name] = info

    def metadata_text(self) -> str:
        """The ``metadata`` member: one JSON string (0-d unicode array)."""
        if "metadata" not in self.members:
            raise WeightFileError("no metadata entry (not a weight file written by this app?)")
        info = self.members["metadata"]
        if info.file_size > MAX_METADATA_BYTES:
            raise WeightFileError(f"the metadata entry is {info.file_size / 2**20:.1f} MB; at most "
                                  f"{MAX_METADATA_BYTES // 2**20} MB is read")
        with self._zf.open(info) as f:
            shape, fortran, dtype = _header(f, "metadata")
            if shape != () or dtype.kind != "U":
                raise WeightFileError("the metadata entry must be a JSON string")
            data = _data(f, info, "metadata", dtype.itemsize)
        return str(np.frombuffer(data, dtype=dtype)[0])

    def float_arrays(self, shapes: dict[str, tuple[int, ...]], sizes: list[int]) -> dict[str, np.ndarray]:
        """Every weight member as a float64 array, each checked against ``shapes`` before its data is read."""
        names = [n for n in self.members if n != "metadata"]
        check_names(names, sizes)
        return {name: self._float_array(name, need, sizes) for name, need in shapes.items()}

    def _float_array(self, name: str, need: tuple[int, ...], sizes: list[int]) -> np.ndarray:
        info = self.members[name]
        with self._zf.open(info) as f:
            shape, fortran, dtype = _header(f, name)
            problem = dtype_problem(dtype)
            if problem is not None:
                raise WeightFileError(f"{name} {problem}")
            if shape != need:
                raise shape_error(name, shape, sizes, need)
            data = _data(f, info, name, math.prod(shape) * dtype.itemsize)
        arr = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
        return arr.astype(np.float64)  # a new, writable, native-order array


@contextmanager
def open_npz(raw: bytes) -> Iterator[NpzArchive]:
    """The archive in ``raw``; a damaged zip becomes :class:`WeightFileError` ("not a readable .npz archive")."""
    if not raw.startswith(b"PK"):  # a bare .npy, a pickle or anything else
        raise WeightFileError("not a readable .npz archive (not a zip file)")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            yield NpzArchive(zf)
    except WeightFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error, NotImplementedError,
            RuntimeError, ValueError, UnicodeDecodeError) as exc:  # what a damaged zip or member raises
        raise WeightFileError(f"not a readable .npz archive ({_short(exc)})") from None


def _header(f: IO[bytes], name: str) -> tuple[tuple[int, ...], bool, np.dtype]:
    """``(shape, fortran_order, dtype)`` from a member's ``.npy`` header, without reading its data."""
    try:
        version = npy_format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(f)
        else:
            raise WeightFileError(f"{name} is in .npy format {version[0]}.{version[1]}, which is not read "
                                  f"(versions 1.0 and 2.0 are)")
    except WeightFileError:
        raise
    except (ValueError, TypeError, SyntaxError, OverflowError, RecursionError) as exc:  # a broken header
        raise WeightFileError(f"{name} has a broken array header ({_short(exc)})") from None
    if dtype.hasobject:
        raise WeightFileError(f"{name} holds pickled objects, which are never loaded (plain arrays only)")
    return tuple(shape), bool(fortran), dtype


def _data(f: Any, info: zipfile.ZipInfo, name: str, nbytes: int) -> bytes:
    """The rest of the member (its array data): exactly ``nbytes``, as the zip directory must say.

    The directory's uncompressed size is compared first, so nothing larger is ever unpacked;
    the zip reader itself stops at that size and checks the CRC.
    """
    expected = f.tell() + nbytes
    if info.file_size != expected:
        raise WeightFileError(f"{name} is damaged: the entry unpacks to {info.file_size:,} bytes, "
                              f"its header describes {expected:,}")
    data = f.read(nbytes + 1)
    if len(data) != nbytes:
        raise WeightFileError(f"{name} is truncated ({len(data):,} of {nbytes:,} bytes)")
    return bytes(data)


def _short(exc: BaseException) -> str:
    """An exception's text on one line, at most 100 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 100 else text[:97] + "..."
