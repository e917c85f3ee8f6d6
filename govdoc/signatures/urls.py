from django.urls import path

from govdoc.signatures import sign_pages, verify_pages, views

app_name = "signatures"
urlpatterns = [
    path("", views.credentials, name="credentials"),
    path("co-quan/<int:pk>/them-p12/", views.credential_add_pkcs12, name="credential_add_pkcs12"),
    path(
        "co-quan/<int:pk>/them-pkcs11/",
        views.credential_add_pkcs11,
        name="credential_add_pkcs11",
    ),
    path("<int:pk>/ngung/", views.credential_deactivate, name="credential_deactivate"),
    path("<int:pk>/anh/", views.credential_set_image, name="credential_set_image"),
    path("kho-tin-cay/", views.trust_anchors, name="trust_anchors"),
    path(
        "kho-tin-cay/<int:pk>/ngung/",
        views.trust_anchor_deactivate,
        name="trust_anchor_deactivate",
    ),
    path("kiem-tra/", verify_pages.verify, name="verify"),
    path("ky/", sign_pages.sign, name="sign"),
]
