"""``mapper.suggest``: propose national codes for uncoded or mis-mapped catalog items.

    >>> from mapper.suggest import suggest
    >>> frame = suggest("sample_catalogs/pharmacy_catalog_gbk.csv", k=5)

How it works (docs/suggest.md): exact keys first (批准文号 / 注册证编号, 本位码 / UDI-DI with a
valid check digit, and previously approved mappings), then fuzzy matching on name, spec, dosage
form and manufacturer, blocked by code system and a bigram index over reference names.
"""

from mapper.suggest.engine import SUGGESTION_COLUMNS, suggest
from mapper.suggest.identifiers import gtin_check_digit, is_valid_gtin
from mapper.suggest.index import ReferenceIndex, build_index
from mapper.suggest.memory import load_memory, remember, save_memory
from mapper.suggest.spec import parse_specs

__all__ = [
    "SUGGESTION_COLUMNS",
    "ReferenceIndex",
    "build_index",
    "gtin_check_digit",
    "is_valid_gtin",
    "load_memory",
    "parse_specs",
    "remember",
    "save_memory",
    "suggest",
]
