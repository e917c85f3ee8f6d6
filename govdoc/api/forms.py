"""The form of the token screen: it parses input; the token service decides what is valid."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from govdoc.core.forms import StyledFormMixin

DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "vd: Phần mềm một cửa"}),
    )
    expires_at = forms.DateField(
        label="Hết hạn sau ngày (không bắt buộc)",
        required=False,
        widget=forms.TextInput(attrs=DATE_ATTRS),
        error_messages={"invalid": "Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy."},
    )

    def expiry(self) -> dt.datetime | None:
        """The token works through the whole chosen day (local time), so it ends at the
        next midnight."""
        day: dt.date | None = self.cleaned_data.get("expires_at")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
