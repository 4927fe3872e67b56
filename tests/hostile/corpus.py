"""A seeded corpus of bad and unusual inputs for ``mapper check`` (small files only).

Each input class of docs/CONTRACTS.md has a generator: given a ``random.Random``, it returns
a :class:`Case` (files to write into a fresh folder, and the command-line arguments). The
same seed gives the same corpus, so a defect the runner finds is reproduced by its name.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
import xlsxwriter

CATALOG = "catalog.csv"
CODES = ("XA01ABD075A002010100483", "ZD03AAA0043010100166", "001102000010000", "")
HEADER = ["商品编码", "通用名称", "规格", "医保编码", "单价", "数量", "类别"]


@dataclass
class Case:
    """One input: the files it needs (name -> bytes, or a special marker) and its options."""

    name: str
    klass: str
    args: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    fifos: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # name -> target


def _cell(rng: random.Random) -> str:
    pool = [
        "",
        " ",
        "阿莫西林胶囊",
        "0.25g*24粒",
        '=HYPERLINK("http://e")',
        "a,b",
        'say "hi"',
        "line\nbreak",
        "cr\rcell",
        "\u3000全角\u3000",
        "😀",
        "x" * rng.choice([1, 300, 140_000]),
        "nan",
        "inf",
        "-1e999",
        "１２．５",
        "\x00nul",
        "\ufeffbom",
    ]
    return rng.choice(pool)


def _rows(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    for i in range(n):
        rows.append(
            [
                str(1000 + i),
                _cell(rng),
                _cell(rng),
                rng.choice(CODES) if rng.random() < 0.8 else _cell(rng),
                rng.choice(["12.5", "nan", "inf", "", "-3", "1e308", "abc"]),
                rng.choice(["1", "2", "", "1e308", "x"]),
                rng.choice(["西药", "中成药", "医疗服务项目", "保健品", ""]),
            ]
        )
    return rows


def _quote(value: str, rng: random.Random, delimiter: str) -> str:
    needs = any(c in value for c in (delimiter, '"', "\n", "\r"))
    if needs or rng.random() < 0.2:
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_text(rng: random.Random, rows: list[list[str]], delimiter: str = ",") -> str:
    end = rng.choice(["\n", "\r\n", "\r"])
    lines = [delimiter.join(_quote(c, rng, delimiter) for c in row) for row in rows]
    return end.join(lines) + rng.choice([end, ""])


def _encoded(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding, errors="replace")


def gen_encodings(rng: random.Random) -> Case:
    text = csv_text(rng, [HEADER, *_rows(rng, rng.randint(1, 5))])
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "big5"])
    data = _encoded(text, encoding)
    if rng.random() < 0.3:  # a stray byte or a truncated sequence
        at = rng.randrange(len(data))
        data = data[:at] + bytes([rng.choice([0x80, 0xFF, 0xC3, 0x00])]) + data[at:]
    given = rng.choice([None, None, "utf-8", "gbk", "utf-16", "rot13", "hex", "latin-1", "nope"])
    args = [CATALOG] + (["--encoding", given] if given else [])
    return Case(f"encoding-{encoding}-{given}", "encodings", args, {CATALOG: data})


def gen_line_endings(rng: random.Random) -> Case:
    rows = [HEADER, *_rows(rng, rng.randint(1, 6))]
    ends = ["\n", "\r\n", "\r"]
    text = "".join(",".join(_quote(c, rng, ",") for c in row) + rng.choice(ends) for row in rows)
    if rng.random() < 0.3:
        text = "导出日期 2026-11-01" + rng.choice(ends) + rng.choice(ends) + text
    return Case("line-endings", "line_endings", [CATALOG], {CATALOG: text.encode()})


def gen_ragged(rng: random.Random) -> Case:
    rows = [HEADER, *_rows(rng, rng.randint(2, 6))]
    victim = rng.randrange(1, len(rows))
    rows[victim] = rows[victim][: rng.randint(0, 6)] + ["extra"] * rng.randint(0, 3)
    return Case("ragged", "ragged", [CATALOG], {CATALOG: csv_text(rng, rows).encode()})


def gen_quoting(rng: random.Random) -> Case:
    rows = [HEADER, *_rows(rng, rng.randint(1, 4))]
    text = csv_text(rng, rows)
    at = rng.randrange(len(text))
    text = text[:at] + rng.choice(['"', '""', '"\n', "\\", '"x"y']) + text[at:]
    return Case("quoting", "quoting", [CATALOG], {CATALOG: text.encode()})


def gen_headers(rng: random.Random) -> Case:
    header = list(HEADER)
    choice = rng.randrange(6)
    if choice == 0:
        header = ["医保编码", "医保编码", "", "通用名称", "row", "code"]
    elif choice == 1:
        header = [h + " " * rng.randint(0, 3) for h in header]
    elif choice == 2:
        header = ["x" * 200_000, *header]
    elif choice == 3:
        header = ["名称", "规格"]  # no code column
    elif choice == 4:
        header = ["=cmd|' /C calc'!A0", *header]
    rows = [header, *[r[: len(header)] + [""] * (len(header) - len(r)) for r in _rows(rng, 3)]]
    if rng.random() < 0.3:
        rows = rows[:1]  # a header and nothing else
    return Case(f"headers-{choice}", "headers", [CATALOG], {CATALOG: csv_text(rng, rows).encode()})


def gen_values(rng: random.Random) -> Case:
    rows = [HEADER, *_rows(rng, rng.randint(1, 8))]
    out = rng.random() < 0.5
    args = [CATALOG, *(["--out", "out"] if out else ["--format", rng.choice(["json", "csv"])])]
    return Case("values", "values", args, {CATALOG: csv_text(rng, rows).encode()})


def xlsx_bytes(rng: random.Random) -> bytes:
    """A workbook written by xlsxwriter: title rows, gaps, a stray far cell, hidden sheets."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        if rng.random() < 0.2:
            book.add_worksheet("hidden").hide()
        sheet = book.add_worksheet("目录")
        row = rng.randint(0, 3)
        if rng.random() < 0.3:
            sheet.set_row(0, 30, book.add_format({"bold": True}))  # an empty formatted row
        sheet.write_row(row, rng.randint(0, 2), HEADER)
        for values in _rows(rng, rng.randint(0, 5)):
            row += rng.randint(1, 2)
            sheet.write_row(row, 0, [v[:1000] for v in values])
        if rng.random() < 0.3:
            sheet.write(rng.choice([1_048_575, 50_000, 40]), rng.choice([16_383, 1_500, 30]), "x")
    return buffer.getvalue()


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return out.getvalue()


def gen_xlsx(rng: random.Random) -> Case:
    data = xlsx_bytes(rng)
    damage = rng.randrange(8)
    if damage == 1:
        data = data[: rng.randrange(len(data))]  # truncated
    elif damage == 2:
        data = b"%PDF-1.4 not a workbook"
    elif damage == 3:  # malformed sheet XML
        data = _rezip(data, lambda n, c: c[: len(c) // 2] if "worksheets/" in n else c)
    elif damage == 4:  # no shared strings part
        data = _rezip(data, lambda n, c: None if n.endswith("sharedStrings.xml") else c)
    elif damage == 5:
        data = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1000)  # a fake OLE file
    elif damage == 6:  # rows in reverse order
        data = _rezip(data, _reverse_rows)
    name = rng.choice(["catalog.xlsx", "catalog.xls", "catalog.xlsm"])
    args = [
        name,
        *(["--sheet", rng.choice(["目录", "2", "nosuch", "hidden"])] if rng.random() < 0.3 else []),
    ]
    return Case(f"xlsx-{damage}", "xlsx", args, {name: data})


def replace_sheet_data(workbook: bytes, sheet_data: bytes) -> bytes:
    """The workbook with its first sheet's <sheetData> replaced by ``sheet_data`` (XML)."""

    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        start, end = content.index(b"<sheetData"), content.index(b"</sheetData>") + 12
        return content[:start] + b"<sheetData>" + sheet_data + b"</sheetData>" + content[end:]

    return _rezip(workbook, change)


def _reverse_rows(name: str, content: bytes) -> bytes:
    if "worksheets/" not in name:
        return content
    import re

    rows = re.findall(rb"<row .*?</row>", content, re.S)
    if not rows:
        return content
    start, end = content.index(rows[0]), content.rindex(rows[-1]) + len(rows[-1])
    return content[:start] + b"".join(reversed(rows)) + content[end:]


def gen_parquet(rng: random.Random) -> Case:
    rows = _rows(rng, rng.randint(0, 4))
    choice = rng.randrange(5)
    buffer = io.BytesIO()
    if choice == 0:  # repeated column names
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table([pa.array([r[3] for r in rows], pa.string())] * 2, names=["医保编码"] * 2)
        pq.write_table(table, buffer)
    elif choice == 1:  # typed and nested columns
        frame = pl.DataFrame(
            {"医保编码": [r[3] for r in rows], "单价": [float("nan")] * len(rows)},
            schema={"医保编码": pl.String, "单价": pl.Float64},
        )
        if rng.random() < 0.5:
            frame = frame.with_columns(nested=pl.lit([1, 2]))
        frame.write_parquet(buffer)
    else:
        frame = pl.DataFrame(rows or None, schema=HEADER, orient="row")
        frame.write_parquet(buffer)
    data = buffer.getvalue()
    if choice == 3:
        data = data[: len(data) // 2]
    elif choice == 4:
        data = b"PAR1" + bytes(50) + b"PAR1"
    return Case(f"parquet-{choice}", "parquet", ["catalog.parquet"], {"catalog.parquet": data})


def gen_paths(rng: random.Random) -> Case:
    good = csv_text(rng, [HEADER, *_rows(rng, 2)]).encode()
    choice = rng.randrange(6)
    if choice == 0:
        return Case("path-fifo", "paths", ["pipe.csv"], fifos=["pipe.csv"])
    if choice == 1:
        return Case("path-dev-zero", "paths", ["zero.csv"], links={"zero.csv": "/dev/zero"})
    if choice == 2:
        return Case("path-missing", "paths", ["missing.csv"])
    if choice == 3:
        return Case("path-dir", "paths", ["folder.csv"], {"folder.csv/x": good})
    if choice == 4:
        return Case("path-suffix", "paths", ["catalog.pdf"], {"catalog.pdf": good})
    return Case(
        "path-diff-fifo",
        "paths",
        [CATALOG, "--diff", "old.csv"],
        {CATALOG: good},
        fifos=["old.csv"],
    )


def gen_options(rng: random.Random) -> Case:
    good = csv_text(rng, [HEADER, *_rows(rng, 2)]).encode()
    options = [
        ["--as-of", "2026-13-45"],
        ["--column", "code=不存在"],
        ["--column", "nonsense"],
        ["--sheet", "3"],
        ["--select", "ZZZ999"],
        ["--format", "xlsx"],
        ["--out-format", "csv"],
        ["--release", "1999-01"],
        ["--fail-on", "warning", "--exit-zero"],
        ["--policy", "nowhere"],
    ]
    return Case("options", "options", [CATALOG, *rng.choice(options)], {CATALOG: good})


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def gen_config(rng: random.Random) -> Case:
    good = csv_text(rng, [HEADER, *_rows(rng, 2)]).encode()
    texts = [
        f"a = {_deep(5000)}\n",
        "select = 5\n",
        "fail-on = 'sometimes'\n",
        "[columns]\ncode = 7\n",
        "as-of = 'tomorrow'\n",
        "unknown-key = 1\n",
        "not toml at all [[[",
        "\xff\xfe",
    ]
    text = rng.choice(texts)
    return Case(
        "config",
        "config",
        [CATALOG, "--config", "mapper.toml"],
        {CATALOG: good, "mapper.toml": text.encode("utf-8", "surrogateescape")},
    )


def gen_baseline(rng: random.Random) -> Case:
    good = csv_text(rng, [HEADER, *_rows(rng, 2)]).encode()
    entry = {"rule": "REF001", "item_id": "1000", "field": "code", "value_hash": "", "count": 1}
    variants: list[object] = [
        {"version": 1, "entries": [{**entry, "count": 10**30}]},
        {"version": 1, "entries": [{**entry, "count": True}]},
        {"version": 1, "entries": 5},
        {"version": 2, "entries": []},
        [],
        None,
        {"version": 1, "entries": [{**entry, "rule": 5}]},
    ]
    text = json.dumps(rng.choice(variants))
    if rng.random() < 0.25:
        text = '{"version": 1, "entries": ' + _deep(20_000) + "}"
    return Case(
        "baseline",
        "baselines",
        [CATALOG, "--baseline", "base.json"],
        {CATALOG: good, "base.json": text.encode()},
    )


def gen_policy(rng: random.Random) -> Case:
    good = csv_text(rng, [HEADER, *_rows(rng, 2)]).encode()
    texts = [
        "rules = 5\n",
        "rules = [5, 6]\n",
        "[[rules]]\nid = 1\n",
        "[[rules]]\nid='x'\nwhen=['class']\npooled_fund=true\npersonal_account=true\nreason='PAY001'\nquote='q'\n",
        "[[rules]]\nid='x'\nwhen='class'\nclasses='health'\npooled_fund=true\npersonal_account=true\nreason='PAY004'\nquote='q'\n",
        "extends = 5\n",
        "extends = 'policy.toml'\nname = 'policy'\n",
        f"x = {_deep(5000)}\n",
        "go_live = 2022\n",
    ]
    return Case(
        "policy",
        "policies",
        [CATALOG, "--policy", "policy.toml"],
        {CATALOG: good, "policy.toml": rng.choice(texts).encode()},
    )


GENERATORS: dict[str, Callable[[random.Random], Case]] = {
    "encodings": gen_encodings,
    "line_endings": gen_line_endings,
    "ragged": gen_ragged,
    "quoting": gen_quoting,
    "headers": gen_headers,
    "values": gen_values,
    "xlsx": gen_xlsx,
    "parquet": gen_parquet,
    "paths": gen_paths,
    "options": gen_options,
    "config": gen_config,
    "baselines": gen_baseline,
    "policies": gen_policy,
}


def corpus(seed: int, per_class: int) -> list[Case]:
    """``per_class`` cases of every input class, the same for the same seed."""
    cases = []
    for klass, generate in GENERATORS.items():
        rng = random.Random(f"{seed}:{klass}")
        for i in range(per_class):
            case = generate(rng)
            case.name = f"{klass}-{i}-{case.name}"
            cases.append(case)
    return cases


def materialise(case: Case, folder: str | os.PathLike[str]) -> None:
    """Write a case's files (and FIFOs, symlinks) into ``folder``."""
    root = os.fspath(folder)
    for name, data in case.files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    for name in case.fifos:
        os.mkfifo(os.path.join(root, name))
    for name, target in case.links.items():
        os.symlink(target, os.path.join(root, name))
