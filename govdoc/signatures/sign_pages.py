"""Sign a PDF on a page (NĐ 30 Điều 5): the competent person with their own credential, or
the clerk with the agency's, upload the file, type the password (or the token's PIN) and get
the signed file back as a download. A refusal shows its Vietnamese message on the form and
nothing is downloaded. The password is never put back into the form; the services journal
every attempt."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from govdoc.core.errors import DomainError, ValidationFailed
from govdoc.core.forms import StyledFormMixin
from govdoc.organizations.access import has_role
from govdoc.organizations.roles import Role
from govdoc.signatures import signing
from govdoc.signatures.models import SigningCredential
from govdoc.signatures.pades import DEFAULT_PLACEHOLDER, Box
from govdoc.signatures.pkcs12_provider import WRONG_PASSWORD
from govdoc.signatures.verify_pages import is_too_large, too_large_message

AS_PERSON = "ca-nhan"
AS_AGENCY = "co-quan"
AT_PLACEHOLDER = "van-ban"
AT_BOX = "toa-do"
MAIN = "chinh"
ATTACHMENT = "phu-luc"

FILE_ERRORS = {
    "required": "Vui lòng chọn tệp PDF cần ký.",
    "empty": "Tệp rỗng.",
    "invalid": "Tệp không hợp lệ.",
}
BOX_REQUIRED = "Vui lòng nhập đủ trang và tọa độ x1, y1, x2, y2 của ô chữ ký."
BOX_ORDER = "Tọa độ không hợp lệ: cần x1 < x2 và y1 < y2."
NUMBER_REQUIRED = "Vui lòng nhập số, ký hiệu của văn bản."
PLACEHOLDER_REQUIRED = "Vui lòng nhập đoạn chữ đánh dấu vị trí chữ ký."
PLACEHOLDER_NOT_FOUND = "Không tìm thấy vị trí đặt chữ ký trong văn bản."
NO_AGENCY = "Bạn chưa thuộc cơ quan nào để ký số của cơ quan."


class SignForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="Tệp PDF cần ký", error_messages=FILE_ERRORS)
    mode = forms.ChoiceField(
        label="Ký với tư cách",
        choices=[(AS_PERSON, "Ký với tư cách cá nhân"), (AS_AGENCY, "Ký số của cơ quan")],
        initial=AS_PERSON,
        widget=forms.RadioSelect,
    )
    placement = forms.ChoiceField(
        label="Vị trí chữ ký",
        choices=[
            (AT_PLACEHOLDER, "Tại đoạn chữ đánh dấu trong văn bản"),
            (AT_BOX, "Theo trang và tọa độ"),
        ],
        initial=AT_PLACEHOLDER,
        required=False,
        widget=forms.RadioSelect,
    )
    placeholder = forms.CharField(
        label="Đoạn chữ đánh dấu", max_length=100, required=False, initial=DEFAULT_PLACEHOLDER
    )
    page = forms.IntegerField(label="Trang", min_value=1, required=False)
    x1 = forms.FloatField(label="x1", min_value=0, required=False)
    y1 = forms.FloatField(label="y1", min_value=0, required=False)
    x2 = forms.FloatField(label="x2", min_value=0, required=False)
    y2 = forms.FloatField(label="y2", min_value=0, required=False)
    number_symbol = forms.CharField(label="Số, ký hiệu văn bản", max_length=100, required=False)
    document_part = forms.ChoiceField(
        label="Ký trên",
        choices=[(MAIN, "Văn bản chính"), (ATTACHMENT, "Phụ lục, tài liệu kèm theo")],
        initial=MAIN,
        required=False,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="Mật khẩu tệp chứng thư số (hoặc mã PIN của thiết bị ký số)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if is_too_large(upload):
            raise forms.ValidationError(too_large_message(upload.name or ""))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == AS_AGENCY:
            if not (data.get("number_symbol") or "").strip():
                self.add_error("number_symbol", NUMBER_REQUIRED)
        elif data.get("placement") == AT_BOX:
            names = ("page", "x1", "y1", "x2", "y2")
            if any(data.get(name) is None for name in names):
                if not any(self.has_error(name) for name in names):
                    self.add_error("page", BOX_REQUIRED)
            elif data["x1"] >= data["x2"] or data["y1"] >= data["y2"]:
                self.add_error("x2", BOX_ORDER)
        elif not (data.get("placeholder") or "").strip():
            self.add_error("placeholder", PLACEHOLDER_REQUIRED)
        return data

    def box(self) -> Box | None:
        data = self.cleaned_data
        if data.get("placement") != AT_BOX:
            return None
        return Box(int(data["page"]) - 1, data["x1"], data["y1"], data["x2"], data["y2"])


def is_clerk(user: Any) -> bool:
    return has_role(user, getattr(user, "agency_id", None), Role.CLERK)


def has_personal_credential(user: Any) -> bool:
    return SigningCredential.objects.filter(owner_person=user, is_active=True).exists()


def signed_file_name(name: str) -> str:
    """ "<name>-da-ky.pdf" for an upload called "<name>.pdf"."""
    stem = PurePath(name or "").stem or "van-ban"
    return f"{stem}-da-ky.pdf"


def _show_refusal(form: SignForm, error: DomainError) -> None:
    """The service's refusal on the form: on the field it names, else on top."""
    placed = False
    for field, message in error.fields.items():
        target = "password" if field == "pin" else field
        if target in form.fields:
            form.add_error(target, message)
            placed = True
    if placed:
        return
    message = error.message
    if message == WRONG_PASSWORD or message.startswith("Mã PIN"):
        form.add_error("password", message)
    elif message == PLACEHOLDER_NOT_FOUND and form.cleaned_data.get("mode") == AS_PERSON:
        form.add_error("placeholder", message)
    else:
        form.add_error(None, message)


def _sign(form: SignForm, *, data: bytes, actor: Any) -> signing.SignedResult:
    values = form.cleaned_data
    secret = values.get("password") or None
    if values["mode"] == AS_AGENCY:
        agency = getattr(actor, "agency", None)
        if agency is None:  # pragma: no cover - the page requires an agency
            raise ValidationFailed(NO_AGENCY)
        return signing.sign_as_agency(
            pdf=data,
            actor=actor,
            agency=agency,
            password=secret,
            pin=secret,
            number_symbol=str(values["number_symbol"]).strip(),
            attachment=values.get("document_part") == ATTACHMENT,
        )
    box = form.box()
    return signing.sign_as_person(
        pdf=data,
        actor=actor,
        password=secret,
        pin=secret,
        appearance_box=box,
        placeholder=None if box else str(values["placeholder"]).strip(),
    )


@login_required
def sign(request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: sign the uploaded file and send it back, or show why not."""
    user = request.user
    if getattr(user, "agency_id", None) is None:
        raise Http404()
    clerk = is_clerk(user)
    status = 200
    if request.method == "POST":
        form = SignForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data: bytes = upload.read()
            try:
                result = _sign(form, data=data, actor=user)
            except DomainError as error:
                _show_refusal(form, error)
                status = error.status
            else:
                response = HttpResponse(result.pdf, content_type="application/pdf")
                response["Content-Disposition"] = content_disposition_header(
                    True, signed_file_name(upload.name or "")
                )
                response["Cache-Control"] = "no-store"
                return response
        else:
            status = 400
    else:
        form = SignForm()
    context = {
        "form": form,
        "is_clerk": clerk,
        "has_credential": has_personal_credential(user),
        "max_size_mb": f"{int(settings.GOVDOC_MAX_FILE_SIZE) / (1024 * 1024):.0f}",
    }
    return render(request, "signatures/sign.html", context, status=status)
