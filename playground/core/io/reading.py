"""Reading a whole file with a size limit: regular files only, never more than the limit plus one byte.

The size a file claims (``st_size``) is checked first, so a 2 GB file is
refused before it is read; but named pipes and devices (``/dev/zero``) claim
0 bytes and never end, so they are refused outright, and the reading itself
stops one byte past the limit, whatever the file claimed.
"""

from __future__ import annotations

import os
import stat

from playground.core.io.atomic import describe_os_error, not_regular

#: Bytes asked of the system per read call.
_CHUNK = 1 << 20


def read_bytes_limited(path: str | os.PathLike[str], max_bytes: int, what: str) -> bytes:
    """The file's bytes; ``ValueError`` with one line when it is larger than ``max_bytes``, not a
    regular file (a folder, a named pipe, a device) or unreadable.

    ``what`` names the kind of file in the message (e.g. ``"experiment files"``).
    The message does not include the path; callers prefix it.
    """
    try:
        # O_NONBLOCK: opening a named pipe would otherwise wait for a writer, forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ValueError(f"cannot read ({describe_os_error(exc)})") from None
    try:
        st = os.fstat(fd)
        mode, size = st.st_mode, st.st_size
        if not stat.S_ISREG(mode):
            raise ValueError(f"cannot read ({describe_os_error(not_regular(path, mode))})")
        if size > max_bytes:
            raise ValueError(_too_large(size, max_bytes, what))
        chunks, total = [], 0
        while total <= max_bytes:  # the file may have grown since fstat: stop one byte past the limit
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise ValueError(_too_large(total, max_bytes, what, more=True))
        return b"".join(chunks)
    except OSError as exc:
        raise ValueError(f"cannot read ({describe_os_error(exc)})") from None
    finally:
        os.close(fd)


def _too_large(size: int, max_bytes: int, what: str, more: bool = False) -> str:
    amount = f"over {max_bytes / 2**20:.0f}" if more else f"{size / 2**20:.0f}"
    return f"the file is {amount} MB; {what} over {max_bytes // 2**20} MB are refused"
