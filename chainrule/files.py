"""Output files are written whole or not at all: a temporary file beside the
target, flushed to disk, then renamed over it. A failed run leaves an existing
file as it was."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from chainrule.errors import ChainruleError


def write_atomically(data: bytes, path: Path) -> None:
    """Write ``data`` to ``path`` atomically; ``ChainruleError`` (exit 1) if it cannot be written."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise ChainruleError(f"cannot write {path}: {err.strerror or err}") from None
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
            raise ChainruleError(f"cannot write {path}: {err.strerror or err}") from None
        raise
