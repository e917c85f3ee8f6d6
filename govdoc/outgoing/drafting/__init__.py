"""Drafting outgoing documents in the NĐ 30 layout (Phụ lục I): typed content, a registry of
templates with their form fields, DOCX rendering (python-docx), DOCX→PDF (LibreOffice
headless), writing the number and date into an already signed PDF, and comparing versions.

Pure library code: no models, no Django settings.

The number and the date are given after signing (NĐ 30 Điều 15), so a draft carries the
placeholders `[SO]` and `[NGAY_BAN_HANH]` (white text) and `[CHU_KY]` for the signature
image. The flow is:

    docx = render_docx("quyet_dinh", content)          # or an uploaded DOCX
    pdf = docx_to_pdf(docx)
    pdf = prepare_number_fields(pdf).pdf                # empty read-only fields, BEFORE signing
    signed = sign_pdf(pdf=pdf, ..., appearance=Appearance(placeholder="[CHU_KY]", ...))
    issued = write_number_and_date(signed, number="15", date_text=vietnamese_date_text(day))
"""
