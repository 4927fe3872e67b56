"""Build step: ship the reference store of ``reference_codes/`` inside the wheel.

Everything else about the package is declared in pyproject.toml. ``reference_codes/`` stays
at the top of the repository (the project's fixed shape), so it is not a package of its own;
``build_py`` copies the store into ``mapper/reference_codes/`` of the build, where
``importlib.resources`` finds it once installed (``mapper.reference.store.default_root``).

What is copied is what the store's ``manifest.json`` lists (plus the manifest and README), not
a glob: a release imported into the store ships without touching this file, and the scripts
that build the snapshot (``make_snapshot.py`` …) do not become modules of ``mapper``. A listed
file that is missing stops the build, so a wheel never holds a broken store. The sdist carries
the folder through MANIFEST.in, so ``python -m build`` (sdist, then wheel from it) ships it too.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

STORE = Path(__file__).parent / "reference_codes"
PACKAGED = Path("mapper") / "reference_codes"


def store_files(store: Path) -> list[str]:
    """The store's files relative to it: the manifest, its README, every file listed."""
    manifest = json.loads((store / "manifest.json").read_text("utf-8"))
    listed = sorted({entry["path"] for entry in manifest.get("entries", [])})
    missing = [name for name in listed if not (store / name).is_file()]
    if missing:
        raise SystemExit(f"{store}/manifest.json lists missing files: {', '.join(missing)}")
    extra = [name for name in ("README.md",) if (store / name).is_file()]
    return ["manifest.json", *extra, *listed]


class BuildWithStore(build_py):
    """``build_py`` that also copies the shipped reference store into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's reference_codes/ directly
        target = Path(self.build_lib) / PACKAGED
        for name in store_files(STORE):
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(STORE / name, destination)


setup(cmdclass={"build_py": BuildWithStore})
