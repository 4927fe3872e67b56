"""Project configuration: ``[tool.mapper]`` in ``pyproject.toml`` or a ``mapper.toml``.

The file is found from the working directory upward; in each directory ``mapper.toml`` comes
before a ``pyproject.toml`` that has a ``[tool.mapper]`` table, and the first found wins (no
merging of several files). Precedence for every value: command-line flag > config file >
default. :class:`Config` keeps, for each value, where it came from, so ``mapper config show``
can say so.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from mapper.errors import ConfigError
from mapper.paths import regular_file
from mapper.policy.moments import parse_moment
from mapper.result import resolve_severity
from mapper.rules.links import check_docs_url
from mapper.writers import WRITERS

CONFIG_FILES = ("mapper.toml", "pyproject.toml")
FAIL_ON = ("error", "warning", "info", "never")
DEFAULT = "default"
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Config:
    """The effective settings of a check, and the source of each one (``sources[name]``)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "error"
    policy: str | None = None
    reference: str | None = None  # a reference store folder
    release: str | None = None
    as_of: date | None = None  # or a datetime: the check's moment on the cut-over timeline
    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    sheet: str | None = None
    baseline: str | None = None  # a baseline file of accepted findings
    output_format: str | None = None  # what `mapper check` prints (default text)
    docs_url: str | None = None  # documentation base URL of rule links (default mapper's)
    path: Path | None = None  # the config file read, if any
    sources: dict[str, str] = field(default_factory=dict)

    def source(self, name: str) -> str:
        """Where a value came from: the config file, ``command line`` or ``default``."""
        return self.sources.get(name, DEFAULT)

    def override(self, **values: Any) -> Config:
        """A copy with values given on the command line (None means: not given)."""
        given = {k: v for k, v in values.items() if v is not None}
        unknown = set(given) - set(SETTINGS)
        if unknown:
            raise TypeError(f"not a setting: {', '.join(sorted(unknown))}")
        if "columns" in given:
            # --column names one field at a time: the file's other fields still apply.
            given["columns"] = {**self.columns, **given["columns"]}
        if "fail_on" in given:
            _check_fail_on(given["fail_on"], COMMAND_LINE)
        if "docs_url" in given:
            given["docs_url"] = check_docs_url(given["docs_url"])
        sources = {**self.sources, **dict.fromkeys(given, COMMAND_LINE)}
        return replace(self, **given, sources=sources)

    def items(self) -> list[tuple[str, Any, str]]:
        """(toml key, value, source) for every setting, in a stable order."""
        return [(toml_key(n), getattr(self, n), self.source(n)) for n in SETTINGS]


SETTINGS = tuple(f.name for f in fields(Config) if f.name not in ("path", "sources"))


def toml_key(name: str) -> str:
    return name.replace("_", "-")


def find_config(start: Path | None = None) -> Path | None:
    """The nearest config file from ``start`` (default: the working directory) upward."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and (name == "mapper.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Read ``path``, or the config file found from ``start`` upward; defaults if none."""
    if path is None:
        path = find_config(start)
        if path is None:
            return Config()
    elif not path.exists():
        raise ConfigError(f"{path}: no such config file")
    regular_file(path, "config file")
    table = _read_table(path)
    return _parse(table, path)


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return False  # not ours to judge: another tool's broken pyproject is not our config
    return isinstance(data.get("tool"), dict) and "mapper" in data["tool"]


def _read_table(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("mapper", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.mapper] must be a table")
        return table
    return data


def _prefix(path: Path) -> str:
    return "tool.mapper." if path.name == "pyproject.toml" else ""


def _parse(table: dict[str, Any], path: Path) -> Config:
    known = {toml_key(n): n for n in SETTINGS}
    values: dict[str, Any] = {}
    for key, raw in table.items():
        if key not in known:
            hint = difflib.get_close_matches(key, known, n=1)
            raise ConfigError(
                f"{path}: unknown key '{_prefix(path)}{key}'"
                + (f" (did you mean '{hint[0]}'?)" if hint else "")
                + "; keys are: "
                + ", ".join(known)
            )
        name = known[key]
        values[name] = _convert(name, raw, f"{path}: {_prefix(path)}{key}", path.parent)
    sources = dict.fromkeys(values, str(path))
    return Config(**values, path=path, sources=sources)


def _convert(name: str, raw: Any, where: str, base: Path) -> Any:
    if name in ("select", "ignore"):
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise ConfigError(f"{where} must be a list of rule codes or prefixes")
        return tuple(v.strip() for item in raw for v in item.split(",") if v.strip())
    if name in ("severity", "columns"):
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise ConfigError(f"{where} must be a table of strings")
        if name == "severity":
            try:
                return resolve_severity(raw)
            except ConfigError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        return {str(k): v for k, v in raw.items()}
    if name == "fail_on":
        _check_fail_on(raw, where)
        return raw
    if name == "as_of":
        if isinstance(raw, date):
            return raw
        try:
            return parse_moment(str(raw))
        except ValueError:
            raise ConfigError(
                f"{where} must be a date, YYYY-MM-DD, or a date-time, YYYY-MM-DDTHH:MM "
                f"(got '{raw}')"
            ) from None
    if name == "sheet" and isinstance(raw, int):
        return str(raw)
    if not isinstance(raw, str):
        raise ConfigError(f"{where} must be a string")
    if name == "output_format" and raw not in WRITERS:
        raise ConfigError(f"{where}: '{raw}' is not a format; formats are: " + ", ".join(WRITERS))
    if name == "docs_url":
        return check_docs_url(raw, where)
    if name in ("reference", "baseline") or (name == "policy" and raw.endswith(".toml")):
        # A relative path is relative to the config file, not to where mapper runs.
        return str((base / raw).resolve()) if not Path(raw).is_absolute() else raw
    return raw


def _check_fail_on(value: Any, where: str) -> None:
    if value not in FAIL_ON:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(FAIL_ON)} (got '{value}')")
