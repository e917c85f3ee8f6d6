"""Reference lists a client needs to fill a registration: document types, agencies."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from govdoc.api.schemas import AgencyOut, DocumentTypeOut, ErrorOut
from govdoc.documents.models import DocumentType
from govdoc.organizations.models import Agency

router = Router(tags=["Danh mục"])


class AgencyQuery(Schema):
    q: str = Field(
        "", title="Tìm", description="Một phần tên, chữ viết tắt hoặc mã định danh cơ quan."
    )
    limit: int = Field(20, ge=1, le=100, title="Số kết quả tối đa")


@router.get(
    "/document-types",
    response={200: list[DocumentTypeOut], 401: ErrorOut},
    summary="Danh mục loại văn bản",
    description="Các loại văn bản đang dùng (Nghị định 30/2020/NĐ-CP và loại bổ sung).",
    url_name="document_types",
)
def document_types(request: HttpRequest) -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(is_active=True).order_by("rank", "name")


@router.get(
    "/agencies",
    response={200: list[AgencyOut], 400: ErrorOut, 401: ErrorOut},
    summary="Tra cứu danh bạ cơ quan",
    description="Cơ quan đang hoạt động trong danh bạ, để điền cơ quan ban hành (issuer_id).",
    url_name="agencies",
)
def agencies(request: HttpRequest, params: Query[AgencyQuery]) -> QuerySet[Agency]:
    queryset = Agency.objects.filter(is_active=True)
    for word in params.q.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(abbreviation__icontains=word) | Q(organ_id__icontains=word)
        )
    return queryset.order_by("name")[: params.limit]
