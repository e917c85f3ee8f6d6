"""Whether the agency can seal at all, asked before a number is taken (a number given to a
document that cannot be sealed would wait for nothing)."""

from __future__ import annotations

from govdoc.organizations.models import Agency
from govdoc.signatures.models import SigningCredential

NO_AGENCY_CREDENTIAL = (
    "Cơ quan chưa có chứng thư số (con dấu số) được đăng ký: quản trị cần đăng ký trước "
    "khi văn thư cấp số và phát hành."
)


def has_agency_credential(agency: Agency) -> bool:
    return SigningCredential.objects.filter(owner_agency=agency, is_active=True).exists()
