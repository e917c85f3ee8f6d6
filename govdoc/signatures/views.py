"""Administrator screens: the signing credentials of an agency (list with validity, register
a PKCS#12 file or a PKCS#11 token key, deactivate) and the trust store (list for every
administrator; upload a root certificate in PEM or DER, or withdraw one, for the
installation's administrators only: an agency administrator who tries gets a 403 page).
Anyone else gets 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from govdoc.core.errors import DomainError, Forbidden, NotFound
from govdoc.core.forms import StyledFormMixin
from govdoc.organizations.access import administered_agencies, agency_for_admin, is_any_admin
from govdoc.organizations.models import Agency, User
from govdoc.signatures import services
from govdoc.signatures.credentials import MAX_CERTIFICATE_SIZE, MAX_PKCS12_SIZE
from govdoc.signatures.models import SigningCredential, TrustAnchor
from govdoc.signatures.selectors import (
    EXPIRY_WARNING_DAYS,
    credential_for_admin,
    credentials_of_agency,
    trust_anchors_for_admin,
)

FILE_ERRORS = {
    "required": "Vui lòng chọn tệp.",
    "empty": "Tệp rỗng.",
    "invalid": "Tệp không hợp lệ.",
}


# --- forms -----------------------------------------------------------------------------------


class _OwnerForm(StyledFormMixin, forms.Form):
    owner_person = forms.ModelChoiceField(
        label="Người sở hữu",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Chứng thư số của cơ quan (con dấu) —",
        error_messages={"invalid_choice": "Lựa chọn không hợp lệ, vui lòng chọn lại."},
    )
    label = forms.CharField(label="Tên gọi", max_length=200, required=False)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(agency=agency, is_active=True).order_by("full_name")


class Pkcs12Form(_OwnerForm):
    file = forms.FileField(label="Tệp PKCS#12 (.p12, .pfx)", error_messages=FILE_ERRORS)
    password = forms.CharField(
        label="Mật khẩu của tệp",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Chỉ dùng để mở và kiểm tra tệp; hệ thống không lưu mật khẩu.",
    )


class Pkcs11Form(_OwnerForm):
    file = forms.FileField(label="Chứng thư số (PEM hoặc DER)", error_messages=FILE_ERRORS)
    module_path = forms.CharField(label="Thư viện PKCS#11", max_length=500, required=False)
    token_label = forms.CharField(label="Nhãn thiết bị (token)", max_length=100, required=False)
    key_label = forms.CharField(label="Nhãn khóa", max_length=100, required=False)


class TrustAnchorForm(StyledFormMixin, forms.Form):
    certificate = forms.FileField(
        label="Chứng thư số gốc (PEM hoặc DER)", error_messages=FILE_ERRORS
    )


# --- helpers ---------------------------------------------------------------------------------


def _require_any_admin(request: HttpRequest) -> None:
    if not is_any_admin(request.user):
        raise Http404()


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "signatures/forbidden.html",
        {"message": message, "back_url": reverse("signatures:trust_anchors")},
        status=403,
    )


def _may_manage_trust_store(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


def _agency_or_404(request: HttpRequest, pk: int) -> Agency:
    try:
        return agency_for_admin(request.user, pk)
    except NotFound:
        raise Http404() from None


def _work_agencies(request: HttpRequest) -> list[Agency]:
    return list(
        administered_agencies(request.user).filter(is_hosted=True, is_active=True).order_by("name")
    )


def _list_url(agency_id: int) -> str:
    return reverse("signatures:credentials") + f"?co-quan={agency_id}"


def _read_upload(upload: Any, limit: int) -> bytes:
    data: bytes = upload.read(limit + 1)
    return data


def _apply_errors(form: forms.Form, error: DomainError) -> None:
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


@dataclass(frozen=True)
class Row:
    credential: SigningCredential
    state: str  # "expired", "expiring", "valid", "inactive"
    days_left: int


def _row(credential: SigningCredential, now: dt.datetime) -> Row:
    days_left = (
        timezone.localtime(credential.valid_to).date() - timezone.localtime(now).date()
    ).days
    if not credential.is_active:
        state = "inactive"
    elif credential.valid_to <= now:
        state = "expired"
    elif credential.valid_to <= now + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        state = "expiring"
    else:
        state = "valid"
    return Row(credential=credential, state=state, days_left=days_left)


# --- credentials -----------------------------------------------------------------------------


@login_required
def credentials(request: HttpRequest) -> HttpResponse:
    _require_any_admin(request)
    agencies = _work_agencies(request)
    chosen = request.GET.get("co-quan", "")
    agency: Agency | None = None
    if chosen:
        agency = _agency_or_404(request, int(chosen)) if chosen.isdigit() else None
        if agency is None:
            raise Http404()
    elif agencies:
        home = getattr(request.user, "agency_id", None)
        agency = next((a for a in agencies if a.pk == home), agencies[0])
    show_all = request.GET.get("tat-ca") == "1"
    now = timezone.now()
    rows = (
        [_row(c, now) for c in credentials_of_agency(agency, active_only=not show_all)]
        if agency is not None
        else []
    )
    return render(
        request,
        "signatures/credentials.html",
        {
            "agencies": agencies,
            "agency": agency,
            "rows": rows,
            "show_all": show_all,
            "warning_days": EXPIRY_WARNING_DAYS,
        },
    )


def _register(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    agency = _agency_or_404(request, pk)
    form_class = Pkcs12Form if kind == "pkcs12" else Pkcs11Form
    form: Pkcs12Form | Pkcs11Form
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, agency=agency)
        if form.is_valid():
            data = form.cleaned_data
            owner = data.get("owner_person")
            try:
                if isinstance(form, Pkcs12Form):
                    credential = services.credential_register_pkcs12(
                        actor=request.user,
                        p12_bytes=_read_upload(data["file"], MAX_PKCS12_SIZE),
                        password=data.get("password") or "",
                        owner_person=owner,
                        owner_agency=None if owner else agency,
                        label=data.get("label") or "",
                    )
                else:
                    credential = services.credential_register_pkcs11(
                        actor=request.user,
                        certificate=_read_upload(data["file"], MAX_CERTIFICATE_SIZE),
                        module_path=data.get("module_path") or "",
                        token_label=data.get("token_label") or "",
                        key_label=data.get("key_label") or "",
                        owner_person=owner,
                        owner_agency=None if owner else agency,
                        label=data.get("label") or "",
                    )
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã đăng ký chứng thư số “{credential}”.")
                return redirect(_list_url(agency.pk))
    else:
        form = form_class(agency=agency)
    return render(
        request,
        "signatures/credential_form.html",
        {"form": form, "agency": agency, "kind": kind},
    )


@login_required
def credential_add_pkcs12(request: HttpRequest, pk: int) -> HttpResponse:
    return _register(request, pk, kind="pkcs12")


@login_required
def credential_add_pkcs11(request: HttpRequest, pk: int) -> HttpResponse:
    return _register(request, pk, kind="pkcs11")


@login_required
@require_POST
def credential_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    credential = credential_for_admin(request.user, pk)
    if credential is None:
        raise Http404()
    try:
        services.credential_deactivate(actor=request.user, credential=credential)
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ngừng sử dụng chứng thư số “{credential}”.")
    return redirect(_list_url(credential.agency_id))


# --- trust store -----------------------------------------------------------------------------


@login_required
def trust_anchors(request: HttpRequest) -> HttpResponse:
    _require_any_admin(request)
    can_manage = _may_manage_trust_store(request)
    if request.method == "POST" and not can_manage:
        return _forbidden(request, services.ONLY_INSTALLATION_ADMIN)
    if request.method == "POST":
        form = TrustAnchorForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                anchor = services.trust_anchor_add(
                    actor=request.user,
                    data=_read_upload(form.cleaned_data["certificate"], MAX_CERTIFICATE_SIZE),
                )
            except NotFound:
                raise Http404() from None
            except Forbidden as error:
                return _forbidden(request, error.message)
            except DomainError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Đã thêm chứng thư số gốc “{anchor.subject}”.")
                return redirect("signatures:trust_anchors")
    else:
        form = TrustAnchorForm()
    return render(
        request,
        "signatures/trust_anchors.html",
        {
            "form": form,
            "anchors": list(trust_anchors_for_admin(request.user)),
            "now": timezone.now(),
            "can_manage": can_manage,
        },
    )


@login_required
@require_POST
def trust_anchor_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_any_admin(request)
    if not _may_manage_trust_store(request):
        return _forbidden(request, services.ONLY_INSTALLATION_ADMIN)
    anchor = TrustAnchor.objects.filter(pk=pk).first()
    if anchor is None:
        raise Http404()
    try:
        services.trust_anchor_deactivate(actor=request.user, anchor=anchor)
    except NotFound:
        raise Http404() from None
    except Forbidden as error:
        return _forbidden(request, error.message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã ngừng tin cậy chứng thư số gốc “{anchor.subject}”.")
    return redirect("signatures:trust_anchors")


# --- signature image / seal image ------------------------------------------------------------


class CredentialImageForm(StyledFormMixin, forms.Form):
    image = forms.FileField(
        label="Ảnh chữ ký hoặc con dấu (PNG nền trong suốt, tối đa 2 MB)",
        error_messages=FILE_ERRORS,
    )


@login_required
@require_POST
def credential_set_image(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the signature image (a person's) or the seal image (an agency's)."""
    credential = credential_for_admin(request.user, pk)
    if credential is None:
        raise Http404()
    form = CredentialImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Vui lòng chọn tệp ảnh PNG.")
        return redirect(_list_url(credential.agency_id))
    try:
        services.credential_set_image(
            actor=request.user,
            credential=credential,
            png=_read_upload(form.cleaned_data["image"], services.MAX_IMAGE_SIZE),
        )
    except NotFound:
        raise Http404() from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã cập nhật ảnh chữ ký, con dấu của “{credential}”.")
    return redirect(_list_url(credential.agency_id))
