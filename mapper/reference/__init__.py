"""The national reference: schema, versioned store, loading, release import and diffs.

Import, diff, history and impact live in their own modules (``importer``, ``diff``,
``history``, ``impact``) and are imported where used, so loading a store stays light.
"""

from mapper.reference.layouts import LAYOUTS
from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.reference.store import (
    Reference,
    load_reference,
    open_reference,
    reference_in_force,
    releases,
)

__all__ = [
    "LAYOUTS",
    "REFERENCE_SCHEMA",
    "Reference",
    "load_reference",
    "open_reference",
    "reference_in_force",
    "releases",
]
