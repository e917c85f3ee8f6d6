"""Drafting documents from the NĐ 30 templates: DOCX (python-docx) and DOCX → PDF (LibreOffice).

    .venv/bin/python benchmarks/bench_drafting.py [--count 20] [--parallel 2] [--paragraphs 6]

Generates `--count` documents, cycling through the templates of
`govdoc.outgoing.drafting.templates` (công văn, quyết định, tờ trình, báo cáo, thông báo,
kế hoạch, giấy mời), each with its own subject and `--paragraphs` body paragraphs. Prints
the time per document for the DOCX alone (form values checked, content built, rendered), for
DOCX + PDF one at a time (one LibreOffice start per document, its own profile), and for
DOCX + PDF with `--parallel` conversions at once (0: skip). Then, on the PDFs, preparing the
number/date fields and writing them (`number_fields`). No database, no Django settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import _cpu_model, _meminfo_gib, load_average

from govdoc.outgoing.drafting.content import vietnamese_date_text
from govdoc.outgoing.drafting.docx_render import render_docx
from govdoc.outgoing.drafting.number_fields import prepare_number_fields, write_number_and_date
from govdoc.outgoing.drafting.pdf_convert import docx_to_pdf, find_soffice, soffice_available
from govdoc.outgoing.drafting.templates import TEMPLATES, content_from_values

PARAGRAPH = (
    "Thực hiện chỉ đạo của Lãnh đạo Bộ về đẩy mạnh chuyển đổi số trong hoạt động của cơ quan "
    "nhà nước, các đơn vị thuộc Bộ triển khai hệ thống quản lý văn bản và hồ sơ công việc trên "
    "môi trường mạng, bảo đảm kết nối, liên thông với Trục liên thông văn bản quốc gia ({n})."
)


def values(code: str, index: int, paragraphs: int) -> dict[str, str | list[str]]:
    """Complete form values for the `index`-th document, of template `code`."""
    body = [PARAGRAPH.format(n=f"{index}.{p}") for p in range(paragraphs)]
    result: dict[str, str | list[str]] = {
        "agency_name": "Bộ Tài nguyên và Môi trường",
        "agency_abbreviation": "BTNMT",
        "unit_abbreviation": "VP",
        "place": "Hà Nội",
        "subject": f"Về việc triển khai nhiệm vụ chuyển đổi số, đợt {index + 1}",
        "body": body,
        "recipients": ["Như trên", "Bộ trưởng (để báo cáo)", "Các Vụ, Cục thuộc Bộ"],
        "signing_authority": "KT.",
        "authority_title": "Bộ trưởng",
        "signer_position": "Thứ trưởng",
        "signer_name": "Nguyễn Văn An",
        "urgency": "Khẩn" if index % 5 == 0 else "",
        "drafter_initials": "PL",
        "copies": "20",
    }
    if code in ("cong_van", "to_trinh", "bao_cao"):
        result["kinh_gui"] = ["Các Vụ, Cục thuộc Bộ", "Văn phòng Bộ"]
    if code == "quyet_dinh":
        result["issuing_authority"] = "Bộ trưởng Bộ Tài nguyên và Môi trường"
        result["legal_bases"] = [
            "Căn cứ Nghị định số 68/2022/NĐ-CP ngày 22 tháng 9 năm 2022 của Chính phủ;",
            "Theo đề nghị của Chánh Văn phòng Bộ.",
        ]
    if code == "giay_moi":
        result["participants"] = ["Lãnh đạo các Vụ, Cục thuộc Bộ", "Chánh Văn phòng Bộ"]
        result["meeting_time"] = "08 giờ 00, thứ Hai, ngày 12 tháng 01 năm 2026"
        result["meeting_place"] = "Phòng họp số 1, Trụ sở Bộ"
    return result


def make_docx(index: int, paragraphs: int) -> bytes:
    codes = sorted(TEMPLATES)
    code = codes[index % len(codes)]
    return render_docx(code, content_from_values(code, values(code, index, paragraphs)))


def timed(count: int, action: Callable[[int], object]) -> tuple[float, list[float]]:
    """Total wall time and the time of each call."""
    each: list[float] = []
    started = time.perf_counter()
    for index in range(count):
        start = time.perf_counter()
        action(index)
        each.append(time.perf_counter() - start)
    return time.perf_counter() - started, each


def line(label: str, total: float, count: int, each: list[float] | None = None) -> None:
    per = total / count * 1000
    spread = ""
    if each:
        ms = sorted(1000 * t for t in each)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        spread = f"  median {statistics.median(ms):8.1f}  p95 {p95:8.1f}"
    print(f"  {label:<34} {per:9.1f} ms/document{spread}  ({count / total:.2f} documents/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="documents per case")
    parser.add_argument("--parallel", type=int, default=2, help="concurrent conversions (0: skip)")
    parser.add_argument("--paragraphs", type=int, default=6, help="body paragraphs a document")
    args = parser.parse_args()
    count = max(args.count, 1)

    print("Machine")
    print(f"  nproc         {os.cpu_count()}")
    print(f"  cpu           {_cpu_model()}")
    print(f"  memory        {_meminfo_gib()}")
    print(f"  python        {sys.version.split()[0]}; python-docx {version('python-docx')}")
    print(f"  soffice       {find_soffice() or 'not found'}")
    print(f"  load average  {load_average()}")
    print(f"\n{count} documents over {len(TEMPLATES)} templates, {args.paragraphs} paragraphs each")

    make_docx(0, args.paragraphs)  # warm-up: imports, python-docx's template
    total, each = timed(count, lambda i: make_docx(i, args.paragraphs))
    sizes = [len(make_docx(i, args.paragraphs)) for i in range(min(count, len(TEMPLATES)))]
    print(f"\nDOCX: {statistics.mean(sizes) / 1024:.0f} KiB on average")
    line("DOCX only", total, count, each)

    if not soffice_available():
        print("\nLibreOffice (soffice) not found: DOCX + PDF skipped")
        return
    docx = [make_docx(i, args.paragraphs) for i in range(count)]
    pdfs: list[bytes] = []

    def convert(index: int) -> None:
        pdfs.append(docx_to_pdf(make_docx(index, args.paragraphs)))

    total, each = timed(count, convert)
    print(f"PDF: {statistics.mean(len(p) for p in pdfs) / 1024:.0f} KiB on average")
    line("DOCX + PDF, one at a time", total, count, each)

    if args.parallel > 0:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            list(pool.map(docx_to_pdf, docx))
        elapsed = time.perf_counter() - started
        line(f"DOCX → PDF, {args.parallel} at a time (wall)", elapsed, count)

    prepared: list[bytes] = []
    total, each = timed(count, lambda i: prepared.append(prepare_number_fields(pdfs[i]).pdf))
    line("prepare number/date fields", total, count, each)
    date_text = vietnamese_date_text(dt.date.today())
    total, each = timed(
        count, lambda i: write_number_and_date(prepared[i], number=str(i + 1), date_text=date_text)
    )
    line("write number and date", total, count, each)
    print(f"\nload average at the end: {load_average()}")


if __name__ == "__main__":
    main()
