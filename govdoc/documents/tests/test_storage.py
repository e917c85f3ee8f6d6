from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.files.storage import default_storage

from govdoc.conftest import make_pdf
from govdoc.core.errors import ValidationFailed
from govdoc.documents.models import StoredFile
from govdoc.documents.sniffing import PDF
from govdoc.documents.storage import Upload, check_upload, open_stored, store_bytes

pytestmark = pytest.mark.django_db


def test_bytes_are_stored_under_their_hash_once() -> None:
    data = make_pdf("a")
    first = store_bytes(data=data, kind=PDF)
    second = store_bytes(data=data, kind=PDF)
    digest = hashlib.sha256(data).hexdigest()
    assert first.pk == second.pk and first.sha256 == digest
    assert first.storage_name == f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    assert default_storage.exists(first.storage_name)
    assert open_stored(first) == data
    assert StoredFile.objects.count() == 1


def test_size_cap_and_type_checks(settings: Any) -> None:
    settings.GOVDOC_MAX_FILE_SIZE = 100
    with pytest.raises(ValidationFailed) as caught:
        check_upload(Upload(name="x.pdf", data=make_pdf("y" * 200)), field="f")
    assert "vượt quá dung lượng" in caught.value.fields["f"]
    settings.GOVDOC_MAX_FILE_SIZE = 10_000
    with pytest.raises(ValidationFailed) as caught:
        check_upload(Upload(name="x.docx", data=make_pdf()), field="f")
    assert "nội dung là PDF" in caught.value.fields["f"]
    with pytest.raises(ValidationFailed):
        check_upload(Upload(name="x.exe", data=b"MZ\x90\x00"), field="f")
    assert check_upload(Upload(name="X.PDF", data=make_pdf()), field="f") is PDF
