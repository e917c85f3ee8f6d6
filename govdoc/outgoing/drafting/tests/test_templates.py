from __future__ import annotations

import pytest

from govdoc.core.errors import ValidationFailed
from govdoc.outgoing.drafting.content import SigningAuthority, Urgency
from govdoc.outgoing.drafting.templates import (
    TEMPLATES,
    FieldKind,
    check_fields,
    content_from_values,
    get_template,
)
from govdoc.outgoing.drafting.tests.samples import values_for

REQUIRED_TEMPLATES = {
    "cong_van": "Công văn",
    "quyet_dinh": "Quyết định",
    "to_trinh": "Tờ trình",
    "bao_cao": "Báo cáo",
    "thong_bao": "Thông báo",
    "ke_hoach": "Kế hoạch",
    "giay_moi": "Giấy mời",
}


def test_registry_has_the_templates_with_vietnamese_names_and_labelled_fields() -> None:
    # given the registry, then every required template is there with its Vietnamese name
    for code, name in REQUIRED_TEMPLATES.items():
        template = get_template(code)
        assert template.name == name
        # and each field has a code, a Vietnamese label and a kind a web form can render
        assert template.required_fields and template.optional_fields
        for spec in template.fields:
            assert spec.code and spec.label and isinstance(spec.kind, FieldKind)
            assert spec.missing_message.startswith(("Vui lòng nhập ", "Vui lòng chọn "))
        codes = [spec.code for spec in template.fields]
        assert len(codes) == len(set(codes))


def test_template_specific_fields() -> None:
    # then the công văn asks for Kính gửi and has no type; the quyết định for its bases;
    # the giấy mời for the time, the place and who is invited
    assert get_template("cong_van").type_code == ""
    assert {"kinh_gui"} <= {f.code for f in get_template("cong_van").required_fields}
    assert {"issuing_authority", "legal_bases"} <= {
        f.code for f in get_template("quyet_dinh").required_fields
    }
    assert {"meeting_time", "meeting_place", "participants"} <= {
        f.code for f in get_template("giay_moi").required_fields
    }
    assert get_template("giay_moi").field("body") in get_template("giay_moi").optional_fields
    assert {t.type_code for t in TEMPLATES.values()} >= {"QĐ", "TTr", "BC", "TB", "KH", "GM"}


@pytest.mark.parametrize("code", sorted(REQUIRED_TEMPLATES))
def test_complete_values_pass(code: str) -> None:
    # given complete values, when they are checked, then nothing is raised
    check_fields(code, values_for(code))


@pytest.mark.parametrize("code", sorted(REQUIRED_TEMPLATES))
def test_missing_required_fields_are_named(code: str) -> None:
    # given values with every required field empty (lists empty, texts blank)
    template = get_template(code)
    values = values_for(code)
    for spec in template.required_fields:
        values[spec.code] = [] if spec.kind is FieldKind.LIST else "  "
    # when they are checked
    with pytest.raises(ValidationFailed) as caught:
        check_fields(code, values)
    # then each required field has its Vietnamese message, and no other field
    assert set(caught.value.fields) == {spec.code for spec in template.required_fields}
    assert caught.value.fields["subject"] == "Vui lòng nhập trích yếu nội dung."
    assert caught.value.fields["signer_name"] == "Vui lòng nhập họ và tên người ký."


def test_absent_keys_count_as_missing() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_fields("thong_bao", {})
    assert "agency_name" in caught.value.fields
    assert caught.value.fields["body"] == "Vui lòng nhập nội dung văn bản."


def test_too_long_values_and_lines() -> None:
    # given a subject over 500 characters and a recipient line over 300
    values = values_for("cong_van")
    values["subject"] = "x" * 501
    values["recipients"] = ["Như trên", "y" * 301]
    values["signer_name"] = "z" * 51
    # when checked, then each is refused with its limit
    with pytest.raises(ValidationFailed) as caught:
        check_fields("cong_van", values)
    fields = caught.value.fields
    assert fields["subject"] == "Trích yếu nội dung không được dài quá 500 ký tự."
    assert fields["recipients"] == "Nơi nhận: dòng 2 không được dài quá 300 ký tự."
    assert fields["signer_name"] == "Họ và tên người ký không được dài quá 50 ký tự."


def test_bad_choice_number_and_line_break() -> None:
    values = values_for("bao_cao")
    values["urgency"] = "Rất khẩn"
    values["copies"] = "ba trăm"
    values["place"] = "Hà Nội\nĐà Nẵng"
    with pytest.raises(ValidationFailed) as caught:
        check_fields("bao_cao", values)
    assert caught.value.fields == {
        "urgency": "Độ khẩn: lựa chọn không hợp lệ.",
        "copies": "Số lượng bản phải là số nguyên từ 1 đến 999.",
        "place": "Địa danh chỉ được nhập trên một dòng.",
    }


def test_signing_for_someone_needs_the_authority_title() -> None:
    # given a deputy signing "KT." without saying for whom
    values = values_for("to_trinh")
    values["authority_title"] = ""
    with pytest.raises(ValidationFailed) as caught:
        check_fields("to_trinh", values)
    assert set(caught.value.fields) == {"authority_title"}
    assert "KT." in caught.value.fields["authority_title"]


def test_unknown_template_is_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_fields("thu_tinh", values_for("cong_van"))
    assert caught.value.message == "Không có mẫu văn bản “thu_tinh”."
    assert "template" in caught.value.fields


def test_content_from_values_builds_the_typed_content() -> None:
    # given form values where lists come as text areas (one line each)
    values = values_for("cong_van")
    values["kinh_gui"] = "Các Vụ, Cục thuộc Bộ\n\n Văn phòng Bộ \n"
    values["agency_abbreviation"] = "btnmt"
    # when the content is built
    content = content_from_values("cong_van", values)
    # then the symbol is agency-unit, lists are split into lines, choices typed
    assert content.symbol == "BTNMT-VP"
    assert content.type_name == ""
    assert content.kinh_gui == ("Các Vụ, Cục thuộc Bộ", "Văn phòng Bộ")
    assert content.signature.authority is SigningAuthority.KT
    assert content.copies == 300
    assert content.urgency is Urgency.NORMAL
    # and a quyết định gets "QĐ-BTNMT" and its legal bases
    decision = content_from_values("quyet_dinh", values_for("quyet_dinh"))
    assert decision.symbol == "QĐ-BTNMT"
    assert decision.legal_bases[0].startswith("Căn cứ Nghị định")
    assert decision.urgency is Urgency.THUONG_KHAN
    # and a giấy mời its meeting
    invitation = content_from_values("giay_moi", values_for("giay_moi"))
    assert invitation.meeting is not None
    assert invitation.meeting.place.startswith("Phòng họp số 1")
    assert len(invitation.meeting.participants) == 2
