"""The national reference: schema, versioned store and loading."""

from mapper.reference.schema import REFERENCE_SCHEMA
from mapper.reference.store import Reference, load_reference, releases

__all__ = ["REFERENCE_SCHEMA", "Reference", "load_reference", "releases"]
