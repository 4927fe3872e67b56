"""Input paths mapper reads: regular files only.

A FIFO blocks the reader forever and a device (a ``.csv`` symlink to /dev/zero) never ends,
so every file mapper reads (catalog, --diff catalog, config, baseline, policy) is checked
here first, after following symlinks.
"""

from __future__ import annotations

import stat
from pathlib import Path

from mapper.errors import InputError

KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def regular_file(path: Path | str, what: str = "file") -> None:
    """Raise an InputError naming ``path`` unless it is (a symlink to) a regular file."""
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        raise InputError("no such file (文件不存在)", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror or exc}", file=str(path)) from None
    if not stat.S_ISREG(mode):
        kind = KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise InputError(
            f"is {kind}, not a regular {what} (不是普通文件); save it to a file first",
            file=str(path),
        )
