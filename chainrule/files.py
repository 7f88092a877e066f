"""Output files, written as a shell redirection would, but whole or not at all.

- A regular file (or a new path) is written atomically: a temporary file
  beside it, flushed to disk, then renamed over it. A failed run leaves an
  existing file as it was.
- A symbolic link is followed: its target is replaced atomically, the link
  stays a link (``-o current.tex`` pointing at ``week3.tex``).
- A character device, a FIFO or a socket (``/dev/null``, ``/dev/stdout`` on
  a pipe, a named pipe) is written through, as ``>`` does: it is never
  replaced by a regular file. A FIFO waits for its reader.
- A directory or a block device is refused with a clear message.

A file with several hard links is replaced, so the other names keep the old
contents (as editors that save atomically do).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from chainrule.errors import ChainruleError, UsageError


def write_file(data: bytes, path: Path | str) -> None:
    """Write ``data`` to ``path`` as described above; a ``ChainruleError`` if it cannot be."""
    named = os.fspath(path)
    path = Path(path)
    try:
        status = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        status = None  # a new file (or a dangling link: its target is created)
    except OSError as err:
        raise _cannot(path, err) from None
    if named.endswith(os.sep) and (status is None or not stat.S_ISDIR(status.st_mode)):
        raise UsageError(f"cannot write {path}: a file name cannot end in {os.sep}", parameters=("output",))
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise UsageError(f"cannot write {path}: it is a directory; give a file name", parameters=("output",))
    if status is not None and stat.S_ISBLK(status.st_mode):
        raise UsageError(f"cannot write {path}: it is a block device", parameters=("output",))
    if status is not None and not stat.S_ISREG(status.st_mode):
        write_through(data, path)
        return
    write_atomically(data, Path(os.path.realpath(path)))


def write_through(data: bytes, path: Path) -> None:
    """Write ``data`` into an existing device, FIFO or socket, as ``>`` would (never replacing it)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise _cannot(path, err) from None
    try:
        write_all(fd, data)
    except OSError as err:
        raise _cannot(path, err) from None
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a pipe or device may take part of it)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[written:]


def write_atomically(data: bytes, path: Path) -> None:
    """Write ``data`` to the regular file ``path`` atomically; ``ChainruleError`` (exit 1) if it
    cannot be written."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise _cannot(path, err) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise _cannot(path, err) from None
        raise


def _cannot(path: Path, err: OSError) -> ChainruleError:
    return ChainruleError(f"cannot write {path}: {err.strerror or err}")


__all__ = ["write_all", "write_atomically", "write_file", "write_through"]
