from django.urls import path

from govdoc.signatures import views

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
    path("kho-tin-cay/", views.trust_anchors, name="trust_anchors"),
    path(
        "kho-tin-cay/<int:pk>/ngung/",
        views.trust_anchor_deactivate,
        name="trust_anchor_deactivate",
    ),
]
