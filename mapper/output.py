"""An output folder written all at once: every file of a run, or none of them.

Writers write into a staging folder inside ``--out``; only when every writer has finished are
the files moved into place (``os.replace``, one rename each), so a writer failing halfway
(a full disk, a value a format cannot hold) leaves the folder as it was before the run,
never a mix of new and old files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING_PREFIX = ".mapper-out-"


@contextmanager
def staged(out_dir: Path) -> Iterator[Path]:
    """A staging folder for ``out_dir``'s files, published when the block ends normally
    and removed either way."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        yield stage
        for path in sorted(stage.iterdir()):
            if path.is_file():
                os.replace(path, out_dir / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
