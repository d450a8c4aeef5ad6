"""Replace a file in one step, so a reader never sees a half-written report."""

import contextlib
import os
import stat
import tempfile
from pathlib import Path

_DEFAULT_MODE = 0o644


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; Windows cannot open a directory, and does not need it.
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`.

    The folder is created if needed. The new file keeps the permissions of the file it
    replaces (0644 for a new file, not mkstemp's 0600). On any failure the temporary file is
    removed, the previous file is left as it was, and the exception propagates.

    Returns:
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _DEFAULT_MODE
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(path.parent)
    return path


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Encode `text` and write it with `atomic_write_bytes`.

    Returns:
        The path written.
    """
    return atomic_write_bytes(path, text.encode(encoding))
