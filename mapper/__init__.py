"""mapper: check pharmacy and hospital item catalogs against China's national
medical-insurance codes (医保信息业务编码, 贯标).

    >>> import mapper
    >>> result = mapper.check("sample_catalogs/pharmacy_catalog_gbk.csv")
    >>> result.summary.coded_rate
"""

from mapper.api import check
from mapper.catalog import Catalog, read_catalog
from mapper.codes import SYSTEMS, parse_code
from mapper.errors import ConfigError, InputError, MapperError
from mapper.reference import Reference, load_reference
from mapper.result import CheckResult, Summary
from mapper.rules import RULES, Rule, Severity, get_rule

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "SYSTEMS",
    "Catalog",
    "CheckResult",
    "ConfigError",
    "InputError",
    "MapperError",
    "Reference",
    "Rule",
    "Severity",
    "Summary",
    "check",
    "get_rule",
    "load_reference",
    "parse_code",
    "read_catalog",
]
