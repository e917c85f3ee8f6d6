"""The filters of the lists of drafts and of issued documents."""

from __future__ import annotations

from typing import Any

from django import forms

from govdoc.core.forms import StyledFormMixin
from govdoc.documents.models import DocumentType
from govdoc.outgoing.selectors import IssuedFilters
from govdoc.outgoing.workflow import DraftStatus, OutgoingStatus

PER_PAGE = (25, 50, 100)


class IssuedFilterForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(
        label="Năm",
        required=False,
        min_value=1900,
        max_value=9999,
        error_messages={"invalid": "Năm phải là số.", "min_value": "Năm không hợp lệ."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    number = forms.IntegerField(
        label="Số",
        required=False,
        min_value=1,
        error_messages={"invalid": "Số phải là số nguyên.", "min_value": "Số từ 1 trở lên."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    q = forms.CharField(label="Trích yếu, ký hiệu", required=False, max_length=200)
    status = forms.ChoiceField(
        label="Tình trạng",
        required=False,
        choices=[("", "Tất cả"), *OutgoingStatus.choices],
    )
    document_type = forms.ModelChoiceField(
        label="Loại văn bản",
        queryset=DocumentType.objects.filter(is_active=True).order_by("rank", "name"),
        required=False,
        empty_label="Tất cả",
    )

    def filters(self) -> IssuedFilters:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        document_type = data.get("document_type")
        return IssuedFilters(
            year=data.get("year"),
            number=data.get("number"),
            q=data.get("q") or "",
            status=data.get("status") or "",
            document_type_id=document_type.pk if document_type else None,
        )

    @property
    def filtered(self) -> bool:
        f = self.filters()
        return bool(f.year or f.number or f.q or f.status or f.document_type_id)


class MineFilterForm(StyledFormMixin, forms.Form):
    trang_thai = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("mo", "Đang xử lý"), ("", "Tất cả"), *DraftStatus.choices],
        initial="mo",
    )

    def status(self) -> str:
        """ "mo" (the open ones) unless another valid choice was made."""
        if not self.is_bound or not self.is_valid():
            return "mo"
        return str(self.cleaned_data.get("trang_thai") or "")
