"""The filters of the lists of work files ("my files", "Mục lục hồ sơ") and of the index's
download: year, status and a text search on the code, title and notation, read from the
query string (`nam`, `trang_thai`, `q`). The pages and the export share them, so that the
download holds what the page shows."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Max, Min, Q, QuerySet
from django.http import HttpRequest

from govdoc.records.forms.file_forms import FileFilterForm
from govdoc.records.models import CaseFile
from govdoc.records.workflow import FileStatus

# How many years the year list offers, newest first.
MAX_YEARS = 30


def filter_years(agency_id: int | None) -> list[int]:
    """The years the filter offers, newest first: from the agency's newest file's year to its
    oldest one's (at most `MAX_YEARS`), whoever asks.

    One statement, which PostgreSQL answers with two probes of the lists' index
    `(agency, -year, …)`, the first row each way. The distinct
    years of the files the person sees would cost a scan of all of them (200,000 for an
    agency's leader), and even a probe filtered by the person (their own files) walks the
    agency's files when they have few or none; the agency's range says nothing a person of
    the agency may not know, and a year without a file of theirs simply lists nothing."""
    if agency_id is None:
        return []
    span = CaseFile.objects.filter(agency_id=agency_id).aggregate(
        newest=Max("year"), oldest=Min("year")
    )
    newest, oldest = span["newest"], span["oldest"]
    if newest is None or oldest is None:
        return []
    return list(range(newest, max(oldest, newest - MAX_YEARS + 1) - 1, -1))


def search_condition(text: str) -> Q:
    """Files whose code, title or notation contains `text`, in any case ("ĐẤT đai" finds
    "đất đai").

    PostgreSQL: `icontains`, i.e. `UPPER(column) LIKE UPPER('%text%')`, which the trigram
    indexes of migration 0005 serve. SQLite's `LIKE` and `UPPER` fold ASCII letters only, so
    there a case-insensitive regular expression of the literal text (Python's `re`, which
    folds every letter) scans instead."""
    if connection.vendor == "postgresql":
        return Q(code__icontains=text) | Q(title__icontains=text) | Q(notation__icontains=text)
    pattern = re.escape(text)
    return Q(code__iregex=pattern) | Q(title__iregex=pattern) | Q(notation__iregex=pattern)


def filtered_case_files(
    request: HttpRequest, files: QuerySet[CaseFile]
) -> tuple[FileFilterForm, QuerySet[CaseFile]]:
    """The filter form bound to the request, and `files` narrowed by what it asks (all of
    them when it is empty or invalid)."""
    agency_id = getattr(request.user, "agency_id", None)
    form = FileFilterForm(request.GET or None, years=filter_years(agency_id))
    if form.is_valid():
        data = form.cleaned_data
        if data.get("nam"):
            files = files.filter(year=data["nam"])
        if data.get("trang_thai"):
            files = files.filter(status=data["trang_thai"])
        text = search_text(form)
        if text:
            files = files.filter(search_condition(text))
    return form, files


def search_text(form: FileFilterForm) -> str:
    """The search of a valid form, with its spaces collapsed ("" without one)."""
    return " ".join(str(form.cleaned_data.get("q") or "").split())


def filter_labels(form: FileFilterForm) -> dict[str, str]:
    """What a valid form filters by, as labels for the head of an exported index."""
    if not form.is_bound or not form.is_valid():
        return {}
    data = form.cleaned_data
    labels: dict[str, str] = {}
    if data.get("nam"):
        labels["Năm"] = str(data["nam"])
    if data.get("trang_thai"):
        labels["Trạng thái"] = str(FileStatus(data["trang_thai"]).label)
    text = search_text(form)
    if text:
        labels["Tìm"] = text
    return labels
