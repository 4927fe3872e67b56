"""The national code systems, one module each, and the column-wide checks across them."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from mapper.codes import consumable, drug, herbal, institution, preparation, service
from mapper.codes.base import CodeShape, CodeSystem, Segment

SYSTEMS: dict[str, CodeSystem] = {
    s.key: s
    for s in (
        drug.SYSTEM,
        herbal.SYSTEM,
        preparation.SYSTEM,
        consumable.SYSTEM,
        service.SYSTEM,
        institution.SYSTEM,
    )
}

UNKNOWN_PREFIX = (
    "无法识别的编码类型：首字符应为X/Z(药品)、T(饮片)、J(制剂)、C(耗材)、"
    "数字(服务项目)或H/P(机构) / "
    "unknown code type: the first character must be X/Z (drugs), T (herbal pieces), J "
    "(preparations), C (consumables), a digit (service items) or H/P (institutions)"
)


SCIENTIFIC_NOTATION = (
    "编码被表格软件显示为科学计数法，后几位数字已丢失，请把该列设为文本后重新录入 / a spreadsheet "
    "turned the code into scientific notation and its last digits are lost; set the column to "
    "text and enter the code again"
)


@dataclass(frozen=True)
class ParsedCode:
    """A code split into the named segments of the shape it fits."""

    code: str
    system: CodeSystem
    shape: CodeShape
    segments: dict[str, str]


def parse_code(code: str) -> ParsedCode | None:
    """Parse one national code; None when it fits no known system."""
    for system in SYSTEMS.values():
        hit = system.parse(code)
        if hit is not None:
            return ParsedCode(code=code, system=system, shape=hit[0], segments=hit[1])
    return None


def system_expr(code: pl.Expr) -> pl.Expr:
    """The key of the system whose shape the code fits, null where it fits none."""
    out = pl.lit(None, pl.String)
    for system in reversed(list(SYSTEMS.values())):
        out = pl.when(code.str.contains(system.regex)).then(pl.lit(system.key)).otherwise(out)
    return out


def well_formed_expr(code: pl.Expr) -> pl.Expr:
    """True where the code fits some system (one combined pattern, cheap on every row)."""
    combined = "^(?:" + "|".join(s.regex[4:-2] for s in SYSTEMS.values()) + ")$"
    return code.str.contains(combined)


def explain_expr(code: pl.Expr) -> pl.Expr:
    """Why a code is malformed, judged by the system its first character claims.

    Evaluate on rows that already failed :func:`well_formed_expr`.
    """
    reason = pl.lit(UNKNOWN_PREFIX)
    for system in reversed(list(SYSTEMS.values())):
        explained = system.explain_expr(code)
        if system is service.SYSTEM:
            hint = pl.format(
                "；疑似表格软件去掉了前导0，应为“{}” / a spreadsheet probably dropped the leading "
                "zeros; it should read '{}'",
                code.str.pad_start(15, "0"),
                code.str.pad_start(15, "0"),
            )
            explained = (
                pl.when(service.lost_leading_zeros_expr(code))
                .then(pl.concat_str([explained, hint]))
                .otherwise(explained)
            )
        reason = pl.when(system.claims_expr(code)).then(explained).otherwise(reason)
    scientific = code.str.contains(r"^[0-9](?:\.[0-9]+)?E\+?[0-9]+$")
    return pl.when(scientific).then(pl.lit(SCIENTIFIC_NOTATION)).otherwise(reason)


__all__ = [
    "SYSTEMS",
    "CodeShape",
    "CodeSystem",
    "ParsedCode",
    "Segment",
    "explain_expr",
    "parse_code",
    "system_expr",
    "well_formed_expr",
]
