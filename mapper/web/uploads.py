"""What an upload may be: allowed extensions, magic bytes, a display name. Pure functions, so
the rules are tested without a server."""

from __future__ import annotations

import codecs
import re

# Extension → the fixed name the upload gets in its job directory.
ALLOWED = {".csv": "upload.csv", ".tsv": "upload.tsv", ".txt": "upload.txt",
           ".xlsx": "upload.xlsx", ".xlsm": "upload.xlsm", ".xls": "upload.xls"}  # fmt: skip
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Starts of common binary files that must not pass as text.
BINARY = (ZIP, OLE, b"%PDF", b"\x7fELF", b"MZ", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b",
          b"Rar!", b"7z\xbc\xaf", b"PAR1")  # fmt: skip

MESSAGES = {
    "type": "不支持的文件类型，请上传 CSV 或 XLSX 目录。"
    "Unsupported file type: upload a CSV or XLSX catalog.",
    "magic": "文件内容与扩展名 {ext} 不符。The content does not match the extension {ext}.",
    "empty": "文件为空（0 字节）。The file is empty (0 bytes).",
    "too_large": "文件太大：上限 {limit}。The file is too large: the limit is {limit}.",
    "policy": "未知的政策 {value}。Unknown policy profile {value}.",
    "date": "检查日期格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM。"
    "The check date must be YYYY-MM-DD or YYYY-MM-DDTHH:MM.",
    "disconnect": "上传中断。The upload was interrupted.",
    "not_found": "任务不存在或已过期。No such job, or it has expired.",
}


def extension(name: str) -> str:
    """The lower-case extension of a client-side file name ('' when none)."""
    base = display_name(name)
    return "." + base.rsplit(".", 1)[1].lower() if "." in base else ""


def display_name(name: str) -> str:
    """The file name to show: last path part, no control characters, at most 120 characters.
    Only ever shown (escaped), never used as a path."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[:120] or "catalog"


def content_matches(ext: str, head: bytes) -> bool:
    """Whether the first bytes of the file fit its extension (XLSX is a ZIP, XLS an OLE file,
    CSV text without NUL bytes, or UTF-16 text with its byte-order mark)."""
    if ext in (".xlsx", ".xlsm"):
        return head.startswith(ZIP)
    if ext == ".xls":
        return head.startswith(OLE)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16_text(head)
    return not head.startswith(BINARY) and b"\x00" not in head


def _utf16_text(head: bytes) -> bool:
    """UTF-16 with a BOM, as Excel's "Unicode text" export writes it (the command line reads it
    the same way): the first bytes decode, and hold no NUL character."""
    codec = "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
    body = head[2 : len(head) - len(head) % 2]
    try:  # not final: the head may end inside a surrogate pair
        text = codecs.getincrementaldecoder(codec)("strict").decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def human_size(size: int) -> str:
    """Bytes as B, KB or MB for messages."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.0f} MB"
