"""The file plan as printed (NĐ 30 Phụ lục V, "Mẫu danh mục hồ sơ"): the agency's name, the
title "DANH MỤC HỒ SƠ CỦA … NĂM …", the table Số và ký hiệu hồ sơ | Tên đề mục và tiêu đề
hồ sơ | Thời hạn bảo quản | Đơn vị/người lập hồ sơ | Ghi chú with the headings as rows, the
closing line with the number of files, and the head's approval. As a PDF (WeasyPrint, A4
portrait, Times New Roman or its metric twin Liberation Serif) and as an Excel workbook."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from govdoc.core.errors import ValidationFailed
from govdoc.records.models import FilePlan, PlannedFile
from govdoc.records.services.plans import (
    journal_plan,
    name_of,
    owner_label,
    plan_outline,
)
from govdoc.records.workflow import PlanStatus

COLUMNS = (
    "Số và ký hiệu hồ sơ",
    "Tên đề mục và tiêu đề hồ sơ",
    "Thời hạn bảo quản",
    "Đơn vị/người lập hồ sơ",
    "Ghi chú",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "Times New Roman"

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _two(number: int) -> str:
    tens, unit = divmod(number, 10)
    if tens == 0:
        return _DIGITS[unit]
    if tens == 1:
        head = "mười"
        tail = {0: "", 5: "lăm"}.get(unit, _DIGITS[unit])
    else:
        head = f"{_DIGITS[tens]} mươi"
        tail = {0: "", 1: "mốt", 4: "tư", 5: "lăm"}.get(unit, _DIGITS[unit])
    return f"{head} {tail}".strip()


def _three(number: int, *, full: bool) -> str:
    hundreds, rest = divmod(number, 100)
    if hundreds == 0 and not full:
        return _two(rest)
    head = f"{_DIGITS[hundreds]} trăm"
    if rest == 0:
        return head
    if rest < 10:
        return f"{head} linh {_DIGITS[rest]}"
    return f"{head} {_two(rest)}"


def in_words(number: int) -> str:
    """A count in Vietnamese words, as written on forms: 21 → "hai mươi mốt"."""
    if number < 0 or number >= 1_000_000:
        return str(number)
    thousands, rest = divmod(number, 1000)
    if thousands == 0:
        return _three(rest, full=False)
    head = f"{_three(thousands, full=False)} nghìn"
    if rest == 0:
        return head
    return f"{head} {_three(rest, full=True)}"


def counted(number: int) -> str:
    return f"{number:02d} ({in_words(number)})"


@dataclass(frozen=True)
class SheetRow:
    kind: str  # "heading", "subheading" or "file"
    number: str
    notation: str
    title: str
    retention: str
    owner: str
    note: str


@dataclass(frozen=True)
class PlanSheet:
    parent_name: str
    agency_name: str
    year: int
    title: str
    rows: tuple[SheetRow, ...]
    total: int
    permanent: int
    limited: int
    approved: bool
    approver_name: str
    approved_on: str
    decision_number: str = ""
    decision_on: str = ""

    @property
    def decision_line(self) -> str:
        """ "(Ban hành kèm theo Quyết định số … ngày dd/mm/yyyy)", once approved."""
        if not self.approved or not self.decision_number:
            return ""
        return f"(Ban hành kèm theo Quyết định số {self.decision_number} ngày {self.decision_on})"

    @property
    def closing(self) -> tuple[str, str, str]:
        return (
            f"Bản danh mục hồ sơ này có {counted(self.total)} hồ sơ, bao gồm:",
            f"{counted(self.permanent)} hồ sơ bảo quản vĩnh viễn;",
            f"{counted(self.limited)} hồ sơ bảo quản có thời hạn.",
        )

    @property
    def approval_lines(self) -> tuple[str, ...]:
        if not self.approved:
            return ("DỰ THẢO — chưa được thủ trưởng cơ quan phê duyệt",)
        return (f"Phê duyệt ngày {self.approved_on}", "THỦ TRƯỞNG CƠ QUAN", self.approver_name)


def _note(item: PlannedFile) -> str:
    parts = [item.note] if item.note else []
    if item.capital_construction:
        parts.append("Hồ sơ xây dựng cơ bản")
    return "; ".join(parts)


def plan_sheet(plan: FilePlan) -> PlanSheet:
    outline = plan_outline(plan)
    agency = plan.agency
    rows: list[SheetRow] = []
    for row in outline.rows():
        if row.heading is not None:
            rows.append(
                SheetRow(
                    kind=row.kind,
                    number=row.heading.number,
                    notation="",
                    title=row.heading.title,
                    retention="",
                    owner="",
                    note="",
                )
            )
        elif row.file is not None:
            item = row.file
            rows.append(
                SheetRow(
                    kind="file",
                    number="",
                    notation=item.notation,
                    title=item.title,
                    retention=item.retention,
                    owner=owner_label(item),
                    note=_note(item),
                )
            )
    approved = plan.status == PlanStatus.APPROVED
    approved_at = timezone.localtime(plan.approved_at) if plan.approved_at else None
    return PlanSheet(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        agency_name=agency.name,
        year=plan.year,
        title=f"DANH MỤC HỒ SƠ CỦA {agency.name.upper()} NĂM {plan.year}",
        rows=tuple(rows),
        total=outline.total,
        permanent=outline.permanent,
        limited=outline.limited,
        approved=approved,
        approver_name=name_of(plan.approved_by) if approved else "",
        approved_on=approved_at.strftime("%d/%m/%Y") if approved_at else "",
        decision_number=plan.decision_number if approved else "",
        decision_on=f"{plan.decision_date:%d/%m/%Y}" if approved and plan.decision_date else "",
    )


def plan_pdf(plan: FilePlan) -> bytes:
    # Imported on use: WeasyPrint is slow to load (as in the reports).
    from weasyprint import HTML

    sheet = plan_sheet(plan)
    html = render_to_string("records/plan_pdf.html", {"sheet": sheet, "columns": COLUMNS})
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def plan_xlsx(plan: FilePlan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet_data = plan_sheet(plan)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Danh mục hồ sơ {plan.year}"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="top", horizontal="center")

    def font(size: int = 12, **style: Any) -> Font:
        return Font(name=FONT_NAME, size=size, **style)

    def title_line(row: int, text: str, *, size: int = 12, bold: bool = True) -> None:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font(size, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    row = 1
    if sheet_data.parent_name:
        title_line(row, sheet_data.parent_name.upper(), bold=False)
        row += 1
    title_line(row, sheet_data.agency_name.upper())
    row += 2
    title_line(row, sheet_data.title, size=14)
    sheet.row_dimensions[row].height = 36
    if sheet_data.decision_line:
        row += 1
        title_line(row, sheet_data.decision_line, bold=False)
    row += 2
    header_row = row
    for column, text in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border
        number = sheet.cell(row=row + 1, column=column, value=f"({column})")
        number.font = font(10, italic=True)
        number.alignment = Alignment(horizontal="center")
        number.border = border
    sheet.row_dimensions[row].height = 32
    row += 2
    for item in sheet_data.rows:
        heading = item.kind != "file"
        values = (
            item.number if heading else item.notation,
            item.title,
            item.retention,
            item.owner,
            item.note,
        )
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font = font(bold=heading, italic=item.kind == "subheading")
            cell.border = border
            cell.alignment = center if column in {1, 3} else wrap
        row += 1
    row += 1
    for text in sheet_data.closing:
        sheet.cell(row=row, column=1, value=text).font = font()
        row += 1
    row += 1
    for text in sheet_data.approval_lines:
        sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)
        cell = sheet.cell(row=row, column=3, value=text)
        cell.font = font(bold=text.isupper() or not sheet_data.approved)
        cell.alignment = Alignment(horizontal="center")
        row += 1
    for letter, width in zip("ABCDE", (16, 56, 14, 26, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{header_row + 2}"
    sheet.print_title_rows = f"{header_row}:{header_row + 1}"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left = 1.18
    sheet.page_margins.right = 0.6
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = "Trang &P/&N"
        footer.center.font = FONT_NAME
    workbook.properties.title = sheet_data.title
    workbook.properties.creator = "govdoc"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Export:
    name: str
    content_type: str
    data: bytes


KINDS = ("pdf", "xlsx")


def plan_export(*, plan: FilePlan, kind: str, actor: Any) -> Export:
    """The plan as a PDF or a workbook, with one journal row (who took a copy, which)."""
    if kind not in KINDS:
        message = "Định dạng xuất là pdf hoặc xlsx."
        raise ValidationFailed(message, fields={"format": message})
    data = plan_pdf(plan) if kind == "pdf" else plan_xlsx(plan)
    with transaction.atomic():
        journal_plan(plan, actor=actor, action="export", data={"format": kind})
    name = f"danh-muc-ho-so-{plan.year}.{kind}"
    content_type = "application/pdf" if kind == "pdf" else XLSX_TYPE
    return Export(name=name, content_type=content_type, data=data)
