"""Placement of the agency's signature: the seal over one third of the signer's image, and the
attachment stamp at the top right of the first page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from govdoc.signatures import layout
from govdoc.signatures.pades import Box


def png(width: int, height: int, dpi: int | None = None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGBA", (width, height), (200, 0, 0, 128))
    if dpi is None:
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def test_real_size_comes_from_pixels_and_resolution() -> None:
    # given a 425 px seal at 300 dpi (pHYs rounds to dots per metre), then it is 102 pt
    size = layout.png_real_size(png(425, 425, dpi=300))
    assert size.width == pytest.approx(102.0, abs=0.01)
    assert size.height == pytest.approx(102.0, abs=0.01)


def test_without_resolution_the_seal_is_36_mm_across() -> None:
    # given a seal PNG without pHYs (or no PNG at all), then it is 36 mm on its larger side
    assert layout.png_real_size(png(200, 100)).width == pytest.approx(layout.mm_to_pt(36))
    assert layout.png_real_size(png(200, 100)).height == pytest.approx(layout.mm_to_pt(18))
    assert layout.png_real_size(None).width == pytest.approx(102.05, abs=0.01)


def test_seal_covers_one_third_of_the_signer_image_on_its_left() -> None:
    # given the signer's image box 150 pt wide and a 102 pt seal
    signer = Box(1, 300, 100, 450, 170)
    # when placed
    seal = layout.seal_box(signer, layout.ImageSize(102, 102))
    # then it keeps its real size, on the same page, vertically centred
    assert seal.page == 1
    assert seal.x2 - seal.x1 == pytest.approx(102)
    assert seal.y2 - seal.y1 == pytest.approx(102)
    assert (seal.y1 + seal.y2) / 2 == pytest.approx(135)
    # and it overlaps the left third of the signer's image, sticking out on the left
    assert seal.x2 - signer.x1 == pytest.approx(50)
    assert seal.x1 < signer.x1


def test_attachment_box_is_top_right_inside_the_margins() -> None:
    # given an A4 page, when the stamp is placed
    box = layout.attachment_box()
    # then it is on the first page, within 15–20 mm of the right and 20–25 mm of the top
    assert box.page == 0
    right = layout.A4_WIDTH - box.x2
    top = layout.A4_HEIGHT - box.y2
    assert layout.mm_to_pt(15) <= right <= layout.mm_to_pt(20) + 0.01
    assert layout.mm_to_pt(20) <= top <= layout.mm_to_pt(25) + 0.01
    # and it holds three lines of 10 pt
    assert box.y2 - box.y1 >= 3 * 10
    assert box.x1 > layout.A4_WIDTH / 2


def test_stamp_lines_use_iso_8601_vietnam_time() -> None:
    # given a UTC signing time, then the stamp shows it in +07:00 without microseconds
    when = dt.datetime(2025, 3, 5, 2, 4, 5, 123, tzinfo=dt.UTC)
    lines = layout.stamp_lines("12/QĐ-BKHCN", when, agency="Bộ Khoa học")
    assert lines == [
        "Ký bởi: Bộ Khoa học",
        "Số, ký hiệu: 12/QĐ-BKHCN",
        "Thời gian ký: 2025-03-05T09:04:05+07:00",
    ]
    with pytest.raises(ValueError):
        layout.stamp_lines("1", dt.datetime(2025, 1, 1))


def test_attachment_stamp_is_a_transparent_300_dpi_png() -> None:
    # when the stamp is drawn
    data = layout.attachment_stamp_png("12/QĐ-BKHCN", dt.datetime(2025, 3, 5, 9, tzinfo=dt.UTC))
    image = Image.open(io.BytesIO(data))
    # then it is RGBA at 300 dpi, the size of the box, with a transparent background
    assert image.format == "PNG" and image.mode == "RGBA"
    assert round(image.info["dpi"][0]) == 300
    assert image.size == (792, 167)  # 190 × 40 pt at 300 dpi
    # and black text was drawn on a transparent background
    alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)
    assert alpha.getpixel((image.width - 1, image.height - 1)) == 0
    assert layout.stamp_font_path() is not None
