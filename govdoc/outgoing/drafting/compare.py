"""Compare two versions of a draft ("so sánh phiên bản"): paragraph by paragraph, with the
words changed inside a changed paragraph marked.

Text comes from a DOCX (python-docx: body paragraphs and table cells in document order) or a
PDF (pypdf: lines, re-joined into paragraphs where a line obviously continues the previous
one). The draft placeholders (`[SO]`, `[NGAY_BAN_HANH]`, `[CHU_KY]`) are left out.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from govdoc.outgoing.drafting.content import PLACEHOLDERS

Kind = Literal["docx", "pdf"]

UNREADABLE = "Không đọc được nội dung tệp {kind} để so sánh."
UNKNOWN_KIND = "Chỉ so sánh được tệp DOCX hoặc PDF."

CHANGED_THRESHOLD = 0.5
"""Two paragraphs at least this similar (difflib ratio of their words) are shown as one
changed paragraph; less similar, as one removed and one added."""

TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
SENTENCE_END = re.compile(r"[.;:!?]$")


class CompareError(Exception):
    """A version cannot be read; the message is Vietnamese and safe to show."""


class LineKind(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class PartKind(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class TextPart:
    text: str
    kind: PartKind = PartKind.SAME


@dataclass(frozen=True)
class DiffLine:
    """One paragraph of the comparison. `parts` spell the paragraph: for a changed one, the
    removed words (kind removed) and the added words (kind added) in reading order."""

    kind: LineKind
    parts: tuple[TextPart, ...]
    old_index: int | None = None
    """Position (from 0) of the paragraph in the old version; None for an added one."""
    new_index: int | None = None

    @property
    def old_text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind is not PartKind.ADDED)

    @property
    def new_text(self) -> str:
        return "".join(p.text for p in self.parts if p.kind is not PartKind.REMOVED)


def extract_paragraphs(data: bytes, kind: Kind) -> list[str]:
    """The text of a DOCX or PDF as paragraphs (whitespace normalised, empty ones dropped)."""
    if kind == "docx":
        raw = _docx_paragraphs(data)
    elif kind == "pdf":
        raw = _pdf_paragraphs(data)
    else:
        raise CompareError(UNKNOWN_KIND)
    cleaned = (_clean(text) for text in raw)
    return [text for text in cleaned if text]


def compare_versions(
    old: bytes, new: bytes, *, old_kind: Kind = "docx", new_kind: Kind = "docx"
) -> list[DiffLine]:
    """The paragraphs of both versions, aligned: same, added, removed, or changed (with the
    word changes marked)."""
    return compare_paragraphs(extract_paragraphs(old, old_kind), extract_paragraphs(new, new_kind))


def compare_paragraphs(old: Sequence[str], new: Sequence[str]) -> list[DiffLine]:
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                lines.append(
                    DiffLine(
                        LineKind.SAME,
                        (TextPart(old[i1 + offset]),),
                        old_index=i1 + offset,
                        new_index=j1 + offset,
                    )
                )
        elif tag == "delete":
            lines.extend(_removed(old, range(i1, i2)))
        elif tag == "insert":
            lines.extend(_added(new, range(j1, j2)))
        else:
            lines.extend(_replace(old, new, i1, i2, j1, j2))
    return lines


def _removed(old: Sequence[str], indexes: range) -> Iterator[DiffLine]:
    for i in indexes:
        yield DiffLine(LineKind.REMOVED, (TextPart(old[i], PartKind.REMOVED),), old_index=i)


def _added(new: Sequence[str], indexes: range) -> Iterator[DiffLine]:
    for j in indexes:
        yield DiffLine(LineKind.ADDED, (TextPart(new[j], PartKind.ADDED),), new_index=j)


def _replace(
    old: Sequence[str], new: Sequence[str], i1: int, i2: int, j1: int, j2: int
) -> Iterator[DiffLine]:
    """Pair replaced paragraphs in order when similar enough; the rest removed / added."""
    i, j = i1, j1
    while i < i2 and j < j2:
        if _similarity(old[i], new[j]) >= CHANGED_THRESHOLD:
            yield DiffLine(LineKind.CHANGED, _word_diff(old[i], new[j]), old_index=i, new_index=j)
            i += 1
            j += 1
            continue
        # Which side has a paragraph that matches better further on?
        ahead_new = any(_similarity(old[i], new[k]) >= CHANGED_THRESHOLD for k in range(j + 1, j2))
        if ahead_new:
            yield from _added(new, range(j, j + 1))
            j += 1
        else:
            yield from _removed(old, range(i, i + 1))
            i += 1
    yield from _removed(old, range(i, i2))
    yield from _added(new, range(j, j2))


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=_words(a), b=_words(b), autojunk=False).ratio()


def _words(text: str) -> list[str]:
    return [token for token in TOKEN.findall(text) if not token.isspace()]


def _word_diff(old: str, new: str) -> tuple[TextPart, ...]:
    a = TOKEN.findall(old)
    b = TOKEN.findall(new)
    parts: list[TextPart] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(parts, "".join(a[i1:i2]), PartKind.SAME)
            continue
        if tag in ("delete", "replace"):
            _append(parts, "".join(a[i1:i2]), PartKind.REMOVED)
        if tag in ("insert", "replace"):
            _append(parts, "".join(b[j1:j2]), PartKind.ADDED)
    return tuple(parts)


def _append(parts: list[TextPart], text: str, kind: PartKind) -> None:
    if not text:
        return
    if parts and parts[-1].kind is kind:
        parts[-1] = TextPart(parts[-1].text + text, kind)
    else:
        parts.append(TextPart(text, kind))


def _clean(text: str) -> str:
    for placeholder in PLACEHOLDERS:
        text = text.replace(placeholder, " ")
    return " ".join(text.replace("\u00a0", " ").split())


def _docx_paragraphs(data: bytes) -> list[str]:
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:
        raise CompareError(UNREADABLE.format(kind="DOCX")) from error
    paragraphs: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraphs.append(block.text)
        elif isinstance(block, Table):
            paragraphs.extend(_table_paragraphs(block))
    return paragraphs


def _table_paragraphs(table: Table) -> Iterator[str]:
    seen: list[object] = []  # the cell elements themselves (kept alive: identity is stable)
    for row in table.rows:
        for cell in row.cells:
            if any(element is cell._tc for element in seen):
                continue  # a merged cell appears once per grid column it spans
            seen.append(cell._tc)
            for block in cell.iter_inner_content():
                if isinstance(block, Paragraph):
                    yield block.text
                else:
                    yield from _table_paragraphs(block)


def _pdf_paragraphs(data: bytes) -> list[str]:
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:
        raise CompareError(UNREADABLE.format(kind="PDF")) from error
    paragraphs: list[str] = []
    for page in pages:
        lines = [line.strip() for line in page.splitlines()]
        current = ""
        for line in lines:
            if not line:
                if current:
                    paragraphs.append(current)
                current = ""
                continue
            if current and _continues(current, line):
                current = f"{current} {line}"
            else:
                if current:
                    paragraphs.append(current)
                current = line
        if current:
            paragraphs.append(current)
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    """A wrapped line: the previous one does not end a sentence and this one starts with a
    lower-case letter (justified body text wraps like that)."""
    return not SENTENCE_END.search(previous) and line[:1].islower()
