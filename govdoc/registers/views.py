"""Screens of register books: the list by year and kind, one book's numbers, and the
administrator's create, rename, close and reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, NotFound
from govdoc.organizations.models import Agency
from govdoc.registers.forms import BookCreateForm, BookFilterForm, BookRenameForm
from govdoc.registers.models import RegisterBook
from govdoc.registers.selectors import (
    BookFilters,
    book_agency_ids,
    book_entries,
    book_get,
    book_years,
    can_manage_books,
    managed_agency_ids,
    visible_books,
)
from govdoc.registers.services import book_create, book_update

BOOKS_PER_PAGE = 50
ENTRIES_PER_PAGE = 100


def _apply_errors(form: Any, error: DomainError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def _book(request: HttpRequest, pk: int, *, manage: bool = False) -> RegisterBook:
    try:
        return book_get(actor=request.user, pk=pk, manage=manage)
    except NotFound:
        raise Http404() from None


@login_required
def books(request: HttpRequest) -> HttpResponse:
    agency_ids = book_agency_ids(request.user)
    if not agency_ids:
        raise Http404()
    agencies = Agency.objects.filter(pk__in=agency_ids).order_by("name")
    form = BookFilterForm(request.GET or None, agencies=agencies, years=book_years(request.user))
    cleaned: dict[str, Any] = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = BookFilters(
        agency_id=cleaned["agency"].pk if cleaned.get("agency") else None,
        year=cleaned.get("year"),
        kind=cleaned.get("kind") or "",
    )
    paginator = Paginator(visible_books(request.user, filters), BOOKS_PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    managed = managed_agency_ids(request.user)
    return render(
        request,
        "registers/books.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "query": query.urlencode(),
            "managed_ids": managed,
            "can_create": bool(managed),
            "several_agencies": len(agency_ids) > 1,
        },
    )


@login_required
def book_detail(request: HttpRequest, pk: int) -> HttpResponse:
    book = _book(request, pk)
    paginator = Paginator(book_entries(book=book), ENTRIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(
        request,
        "registers/book_detail.html",
        {
            "book": book,
            "page": page,
            "entries": page.object_list,
            "can_manage": can_manage_books(request.user, book.agency_id),
        },
    )


@login_required
def book_create_view(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.filter(pk__in=managed_agency_ids(request.user)).order_by("name")
    if not agencies.exists():
        raise Http404()
    home: int | None = getattr(request.user, "agency_id", None)
    default = (agencies.filter(pk=home).first() if home else None) or agencies.first()
    initial = {"agency": default.pk if default else None}
    if request.method == "POST":
        form = BookCreateForm(request.POST, agencies=agencies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                book = book_create(
                    agency=data["agency"],
                    year=data["year"],
                    kind=data["kind"],
                    series=data.get("series") or "",
                    name=data.get("name") or "",
                    actor=request.user,
                )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã tạo {book.name} năm {book.year}.")
                return redirect("registers:book", pk=book.pk)
    else:
        form = BookCreateForm(agencies=agencies, initial=initial)
    return render(
        request,
        "registers/book_form.html",
        {"form": form, "creating": True, "single_agency": agencies.count() == 1},
    )


@login_required
def book_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    book = _book(request, pk, manage=True)
    if request.method == "POST":
        form = BookRenameForm(request.POST)
        if form.is_valid():
            try:
                book_update(book=book, name=form.cleaned_data["name"], actor=request.user)
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Đã đổi tên sổ.")
                return redirect("registers:book", pk=book.pk)
    else:
        form = BookRenameForm(initial={"name": book.name})
    return render(
        request, "registers/book_form.html", {"form": form, "creating": False, "book": book}
    )


def _set_closed(request: HttpRequest, pk: int, *, closed: bool) -> HttpResponse:
    book = _book(request, pk, manage=True)
    try:
        book_update(book=book, is_closed=closed, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Đã khóa {book.name} năm {book.year}: không cấp thêm số."
            if closed
            else f"Đã mở lại {book.name} năm {book.year}.",
        )
    return redirect("registers:book", pk=book.pk)


@login_required
@require_POST
def book_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_closed(request, pk, closed=True)


@login_required
@require_POST
def book_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_closed(request, pk, closed=False)
