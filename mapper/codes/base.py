"""The building blocks of a national code system: segments, shapes and systems.

A *shape* is one fixed-length layout of a code, written as a template of per-position
character classes: ``d`` a digit, ``l`` an upper-case letter, ``a`` a letter or digit, and any
upper-case character stands for itself (the system prefix such as ``X`` or ``C``). A *system*
groups the shapes a catalog line of one kind may carry (the drug system has the 23-character
western-drug shape and the 20-character Chinese-patent shape).

Everything here works on whole columns: the checks are polars expressions, and only the rows
that fail the cheap full-pattern test ever reach the per-position explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

CLASS_REGEX = {"d": "[0-9]", "l": "[A-Z]", "a": "[A-Z0-9]"}
CLASS_LABEL = {
    "d": ("数字", "a digit"),
    "l": ("大写字母", "an upper-case letter"),
    "a": ("字母或数字", "a letter or digit"),
}


@dataclass(frozen=True)
class Segment:
    """One named part of a code, e.g. the 5-character enterprise code of a drug code."""

    name: str
    label: str
    template: str

    @property
    def length(self) -> int:
        return len(self.template)


def _char_regex(c: str) -> str:
    return CLASS_REGEX.get(c, re.escape(c))


def _char_label(c: str) -> tuple[str, str]:
    return CLASS_LABEL.get(c, (f"“{c}”", f"'{c}'"))


@dataclass(frozen=True)
class CodeShape:
    """A fixed-length code layout made of segments."""

    key: str
    label: str
    segments: tuple[Segment, ...]
    examples: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        return "".join(s.template for s in self.segments)

    @property
    def length(self) -> int:
        return len(self.template)

    @property
    def prefix(self) -> str:
        """The literal leading characters of the shape (may be empty, as for service codes)."""
        out = []
        for c in self.template:
            if c in CLASS_REGEX:
                break
            out.append(c)
        return "".join(out)

    @property
    def body_regex(self) -> str:
        return "".join(_char_regex(c) for c in self.template)

    @property
    def regex(self) -> str:
        return f"^{self.body_regex}$"

    def parse(self, code: str) -> dict[str, str] | None:
        """Split ``code`` into its named segments, or None when it does not fit the shape."""
        if re.fullmatch(self.body_regex, code) is None:
            return None
        out, pos = {}, 0
        for seg in self.segments:
            out[seg.name] = code[pos : pos + seg.length]
            pos += seg.length
        return out

    def explain_expr(self, code: pl.Expr) -> pl.Expr:
        """Why ``code`` does not fit this shape: wrong length or the first bad position.

        Returns a bilingual sentence, or null where the code fits. Evaluate it only on rows
        already known to be malformed: it builds one small expression per position.
        """
        n = self.length
        length = code.str.len_chars()
        wrong_length = pl.format(
            f"{self.label}编码应为{n}位，实为{{}}位 / "
            f"a {self.key} code has {n} characters, this has {{}}",
            length,
            length,
        )
        per_position = []
        pos = 0
        for seg in self.segments:
            for offset, c in enumerate(seg.template):
                i = pos + offset
                char = code.str.slice(i, 1)
                zh, en = _char_label(c)
                per_position.append(
                    pl.when(~char.str.contains(f"^{_char_regex(c)}$")).then(
                        pl.format(
                            f"第{i + 1}位（{seg.label}）应为{zh}，实为“{{}}” / position {i + 1} "
                            f"({seg.name}) must be {en}, found '{{}}'",
                            char,
                            char,
                        )
                    )
                )
            pos += seg.length
        return (
            pl.when(length != n)
            .then(wrong_length)
            .otherwise(pl.coalesce(per_position) if per_position else pl.lit(None, pl.String))
        )


@dataclass(frozen=True)
class CodeSystem:
    """A national code system: the shapes its codes take and where that is documented."""

    key: str
    label: str
    shapes: tuple[CodeShape, ...]
    source: str
    # Line types (see mapper.fields.LINE_TYPES) whose items must carry a code of this system.
    line_types: tuple[str, ...] = field(default=())

    @property
    def regex(self) -> str:
        return "^(?:" + "|".join(s.body_regex for s in self.shapes) + ")$"

    def parse(self, code: str) -> tuple[CodeShape, dict[str, str]] | None:
        """Parse ``code`` with the first shape it fits."""
        for shape in self.shapes:
            parts = shape.parse(code)
            if parts is not None:
                return shape, parts
        return None

    def intended_shape_expr(self, code: pl.Expr) -> pl.Expr:
        """Index of the shape a malformed code was most likely meant to have.

        Shapes are told apart by prefix, then by nearest length.
        """
        if len(self.shapes) == 1:
            return pl.lit(0)
        length = code.str.len_chars().cast(pl.Int64)  # u32 would wrap below zero
        distances = [
            (length - shape.length).abs()
            + pl.when(code.str.starts_with(shape.prefix)).then(0).otherwise(1000)
            for shape in self.shapes
        ]
        nearest = pl.min_horizontal(distances)
        expr: pl.Expr = pl.lit(0)
        for idx in reversed(range(len(self.shapes))):  # reversed: the first shape wins ties
            expr = pl.when(distances[idx] == nearest).then(pl.lit(idx)).otherwise(expr)
        return expr

    def explain_expr(self, code: pl.Expr) -> pl.Expr:
        """Why ``code`` is not a well-formed code of this system (null when it is)."""
        if len(self.shapes) == 1:
            reason = self.shapes[0].explain_expr(code)
        else:
            intended = self.intended_shape_expr(code)
            reason = pl.lit(None, pl.String)
            for idx, shape in reversed(list(enumerate(self.shapes))):
                reason = pl.when(intended == idx).then(shape.explain_expr(code)).otherwise(reason)
        return (
            pl.when(code.str.contains(self.regex)).then(pl.lit(None, pl.String)).otherwise(reason)
        )

    def claims_expr(self, code: pl.Expr) -> pl.Expr:
        """True where the code's leading characters say it belongs to this system."""
        prefixes = sorted({s.prefix for s in self.shapes if s.prefix})
        if prefixes:
            return pl.any_horizontal([code.str.starts_with(p) for p in prefixes])
        return code.str.contains("^[0-9]")
