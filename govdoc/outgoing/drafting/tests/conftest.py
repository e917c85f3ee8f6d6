"""Fixtures of the drafting tests: every template's DOCX, and its PDF converted once per test
session (LibreOffice takes seconds a document), concurrently, each conversion with its own
LibreOffice profile; the test PKI and a signature image."""

from __future__ import annotations

import io
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from govdoc.outgoing.drafting.docx_render import render_docx
from govdoc.outgoing.drafting.pdf_convert import docx_to_pdf, soffice_available
from govdoc.outgoing.drafting.templates import TEMPLATES
from govdoc.outgoing.drafting.tests.samples import content_for
from govdoc.signatures.testing_pki import TestPki, make_test_pki


@pytest.fixture(scope="session")
def docx_files() -> Mapping[str, bytes]:
    return {code: render_docx(code, content_for(code)) for code in TEMPLATES}


@pytest.fixture(scope="session")
def pdf_files(docx_files: Mapping[str, bytes]) -> Mapping[str, bytes]:
    """Every template's PDF, converted four at a time (private profiles: no clash)."""
    if not soffice_available():
        pytest.skip("LibreOffice (soffice) is not installed")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = dict(zip(docx_files, pool.map(docx_to_pdf, docx_files.values()), strict=True))
    return results


@pytest.fixture(scope="session")
def pki() -> TestPki:
    return make_test_pki()


@pytest.fixture(scope="session")
def signature_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 100), (0, 0, 200, 160)).save(buffer, "PNG")
    return buffer.getvalue()
