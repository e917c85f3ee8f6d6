from django.urls import path, re_path

from govdoc.outgoing.views import (
    circuit_pages,
    copy_pages,
    draft_form_pages,
    draft_pages,
    issue_pages,
    issued_pages,
    queue_pages,
    review_pages,
    version_pages,
)

app_name = "outgoing"

urlpatterns = [
    # Queues
    path("", queue_pages.queue_view, name="queue"),
    re_path(
        r"^(?P<slug>" + "|".join(queue_pages.TABS) + r")/$",
        queue_pages.queue_view,
        name="queue_tab",
    ),
    # Drafting
    path("soan-thao/", draft_form_pages.draft_create_view, name="draft_create"),
    path("co-quan/", draft_form_pages.agency_search_view, name="agency_search"),
    path("mau/", draft_form_pages.template_fields_view, name="template_fields"),
    path("du-thao/<int:pk>/", draft_pages.draft_detail_view, name="draft_detail"),
    path("du-thao/<int:pk>/sua/", draft_form_pages.draft_edit_view, name="draft_edit"),
    path("du-thao/<int:pk>/noi-dung/", version_pages.draft_body_view, name="draft_body"),
    path(
        "du-thao/<int:pk>/phien-ban/<int:number>/",
        draft_pages.version_file_view,
        name="draft_version_file",
    ),
    path("du-thao/<int:pk>/so-sanh/", version_pages.draft_compare_view, name="draft_compare"),
    path("du-thao/<int:pk>/dinh-kem/", version_pages.draft_attach_view, name="draft_attach"),
    path(
        "du-thao/<int:pk>/dinh-kem/<int:attachment_pk>/",
        draft_pages.attachment_file_view,
        name="draft_attachment_file",
    ),
    path(
        "du-thao/<int:pk>/dinh-kem/<int:attachment_pk>/go/",
        version_pages.draft_detach_view,
        name="draft_detach",
    ),
    path("du-thao/<int:pk>/y-kien/", review_pages.draft_comment_view, name="draft_comment"),
    # Review, signing, issuance
    path("du-thao/<int:pk>/trinh/", review_pages.draft_submit_view, name="draft_submit"),
    path("du-thao/<int:pk>/them-buoc/", review_pages.step_add_view, name="step_add"),
    path(
        "du-thao/<int:pk>/buoc/<int:step_pk>/duyet/",
        review_pages.step_approve_view,
        name="step_approve",
    ),
    path(
        "du-thao/<int:pk>/buoc/<int:step_pk>/tra-lai/",
        review_pages.step_return_view,
        name="step_return",
    ),
    path(
        "du-thao/<int:pk>/nguoi-ky-tra-lai/",
        review_pages.signer_return_view,
        name="draft_signer_return",
    ),
    path("du-thao/<int:pk>/huy/", review_pages.draft_cancel_view, name="draft_cancel"),
    path("du-thao/<int:pk>/ky/", issue_pages.draft_sign_view, name="draft_sign"),
    path("du-thao/<int:pk>/phat-hanh/", issue_pages.draft_issue_view, name="draft_issue"),
    # Issued documents
    path("<int:pk>/", issued_pages.issued_detail_view, name="issued_detail"),
    path("<int:pk>/tep/<int:file_pk>/", issued_pages.issued_file_view, name="issued_file"),
    path(
        "<int:pk>/noi-nhan/<int:dispatch_pk>/buu-dien/",
        issued_pages.dispatch_post_view,
        name="dispatch_post",
    ),
    path(
        "<int:pk>/noi-nhan/<int:dispatch_pk>/gui-lai/",
        issued_pages.dispatch_retry_view,
        name="dispatch_retry",
    ),
    path(
        "<int:pk>/noi-nhan/<int:dispatch_pk>/thao-tac/<slug:key>/",
        issued_pages.dispatch_action_view,
        name="dispatch_action",
    ),
    path("<int:pk>/thay-doi/", issued_pages.outgoing_change_view, name="outgoing_change"),
    path("<int:pk>/kiem-tra-chu-ky/", issued_pages.issued_verify_view, name="issued_verify"),
    path("<int:pk>/sao/", copy_pages.copy_make_view, name="copy_make"),
    path("<int:pk>/ban-sao/<int:copy_pk>/", copy_pages.copy_file_view, name="copy_file"),
    path("<int:pk>/ban-sao/<int:copy_pk>/ky/", copy_pages.copy_sign_view, name="copy_sign"),
    # Default circuits (administrators)
    path("quy-trinh/", circuit_pages.circuits_view, name="circuits"),
    path("quy-trinh/mac-dinh/", circuit_pages.circuit_edit_view, name="circuit_edit_default"),
    path("quy-trinh/loai/<int:type_pk>/", circuit_pages.circuit_edit_view, name="circuit_edit"),
]
