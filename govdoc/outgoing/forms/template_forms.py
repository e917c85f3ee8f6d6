"""The fields of a draft template (govdoc/outgoing/drafting/templates.py), as a form built
from the registry: each field with its Vietnamese label, kind and limits. What the draft's
metadata gives (the agency, the subject, the signer, the urgency…) is not asked again: the
body's preparation writes it; the recipients and the place are filled from it when left
empty."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.outgoing.drafting.templates import TEMPLATES, FieldKind, FieldSpec, Template

PREFIX = "mau"
# Written from the draft's metadata by the body's preparation (the document and its record
# agree): not asked on the form.
FROM_METADATA = frozenset(
    {
        "agency_name",
        "agency_abbreviation",
        "unit_abbreviation",
        "subject",
        "signing_authority",
        "authority_title",
        "signer_position",
        "signer_name",
        "urgency",
        "copies",
    }
)
# Filled from the metadata when left empty (shown folded on the form).
DERIVED = frozenset({"parent_agency", "kinh_gui", "recipients", "place"})


def template_of(code: str) -> Template | None:
    return TEMPLATES.get(code or "")


def _field(spec: FieldSpec) -> forms.Field:
    attrs: dict[str, Any] = {}
    help_text = spec.help_text
    if spec.code in DERIVED:
        hint = "Để trống: Hà Nội." if spec.code == "place" else "Để trống: lấy từ nơi nhận."
        if spec.code == "parent_agency":
            hint = "Để trống: cơ quan cấp trên trong danh bạ."
        help_text = f"{help_text} {hint}".strip()
    if spec.kind is FieldKind.CHOICE:
        return forms.ChoiceField(
            label=spec.label,
            choices=[("", "— Theo thông tin dự thảo —"), *spec.choices]
            if spec.code in DERIVED
            else list(spec.choices),
            required=False,
            help_text=help_text,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
    if spec.kind in (FieldKind.TEXTAREA, FieldKind.LIST):
        rows = 6 if spec.code in ("body", "legal_bases") else 3
        attrs = {"rows": rows, "class": "form-control"}
        return forms.CharField(
            label=spec.label, required=False, help_text=help_text, widget=forms.Textarea(attrs)
        )
    if spec.kind is FieldKind.NUMBER:
        attrs = {"class": "form-control", "inputmode": "numeric"}
    else:
        attrs = {"class": "form-control", "maxlength": spec.max_length}
    return forms.CharField(
        label=spec.label, required=False, help_text=help_text, widget=forms.TextInput(attrs)
    )


class TemplateValuesForm(forms.Form):
    """The values of one template; its checks are the registry's (`check_fields`), run by
    the body's preparation, so this form only collects text."""

    def __init__(self, *args: Any, template: Template, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", PREFIX)
        super().__init__(*args, **kwargs)
        self.template = template
        for spec in self.specs:
            self.fields[spec.code] = _field(spec)
            if spec.required and spec.code not in DERIVED:
                self.fields[spec.code].widget.attrs["aria-required"] = "true"

    @property
    def specs(self) -> list[FieldSpec]:
        return [spec for spec in self.template.fields if spec.code not in FROM_METADATA]

    @property
    def content_fields(self) -> list[tuple[forms.BoundField, bool]]:
        """The content to type, each with whether it is required."""
        return [(self[spec.code], spec.required) for spec in self.specs if spec.code not in DERIVED]

    @property
    def derived_fields(self) -> list[forms.BoundField]:
        return [self[spec.code] for spec in self.specs if spec.code in DERIVED]

    def required(self, code: str) -> bool:
        spec = self.template.field(code)
        return bool(spec and spec.required and code not in DERIVED)

    def typed_values(self) -> dict[str, str]:
        """What was typed (empty fields left out: the draft's metadata fills them)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {code: str(value).strip() for code, value in data.items() if str(value).strip()}
