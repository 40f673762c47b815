"""Reading a whole file with a size limit checked first (a 2 GB file is refused before it is read)."""

from __future__ import annotations

import os
from pathlib import Path

from playground.core.io.atomic import describe_os_error


def read_bytes_limited(path: str | os.PathLike[str], max_bytes: int, what: str) -> bytes:
    """The file's bytes; ``ValueError`` with one line when it is larger than ``max_bytes`` or unreadable.

    ``what`` names the kind of file in the message (e.g. ``"experiment files"``).
    The message does not include the path; callers prefix it.
    """
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            raise ValueError(f"the file is {size / 2**20:.0f} MB; {what} over {max_bytes // 2**20} MB are refused")
        return Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read ({describe_os_error(exc)})") from None
