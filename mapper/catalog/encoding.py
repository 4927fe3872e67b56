"""Text encoding detection for catalog exports (UTF-8, UTF-8 with BOM, GBK/GB18030).

Chinese till and HIS systems mostly export GBK; newer ones UTF-8, often with a BOM so Excel
opens them. Decoding is strict: a byte that fits no candidate is an error naming its row,
never a silent replacement character.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from mapper.errors import InputError

AUTO_CANDIDATES = ("utf-8", "gb18030")


@dataclass(frozen=True)
class Decoded:
    """UTF-8 bytes of a file and the encoding they were decoded from."""

    data: bytes
    encoding: str


def _row_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _decode(raw: bytes, encoding: str, file: str) -> str:
    if _known(encoding) and not getattr(codecs.lookup(encoding), "_is_text_encoding", True):
        raise InputError(f"unknown encoding '{encoding}' (not a text encoding)", file=file)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"cannot be read as {encoding}: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
            f"is not valid {encoding} (文件编码不是{encoding}); check the export or pass "
            "--encoding",
            file=file,
            row=_row_of(raw, exc.start),
        ) from None
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'", file=file) from None
    except UnicodeError as exc:  # a codec's own complaint (UTF-16 without a BOM …)
        raise InputError(
            f"cannot be read as {encoding}: {exc} (文件编码不是{encoding}); check the export or "
            "pass --encoding",
            file=file,
        ) from None


def decode_to_utf8(raw: bytes, file: str, encoding: str | None = None) -> Decoded:
    """Return the file's content as UTF-8 bytes, detecting the encoding unless given."""
    if encoding is not None:
        name = codecs.lookup(encoding).name if _known(encoding) else encoding
        text = _decode(raw, encoding, file)
        text = text.removeprefix("\ufeff")
        return Decoded(text.encode("utf-8"), name)
    if raw.startswith(codecs.BOM_UTF8):
        _decode(raw[3:], "utf-8", file)  # validate; the BOM is dropped
        return Decoded(raw[3:], "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_decode(raw, "utf-16", file).encode("utf-8"), "utf-16")
    try:
        raw.decode("utf-8")
        return Decoded(raw, "utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(
                "is neither UTF-8 nor GBK/GB18030 (无法识别文件编码): first bad byte "
                f"0x{raw[utf8_error.start]:02x} at offset {utf8_error.start}; pass --encoding",
                file=file,
                row=_row_of(raw, utf8_error.start),
            ) from None
    name = "gbk" if _fits(raw, "gbk") else "gb18030"
    return Decoded(text.encode("utf-8"), name)


def _fits(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True
