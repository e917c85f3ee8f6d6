from django.contrib.auth import views as auth_views
from django.urls import include, path

from govdoc.api.urls import api

urlpatterns = [
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="web/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
    path("ma-truy-cap/", include("govdoc.api.web_urls")),
    path("to-chuc/", include("govdoc.organizations.urls")),
    path("so/", include("govdoc.registers.urls")),
    path("van-ban-den/", include("govdoc.incoming.urls")),
    path("xu-ly/", include("govdoc.assignments.urls")),
    path("van-ban-di/", include("govdoc.outgoing.urls")),
    path("lien-thong/", include("govdoc.exchange.urls")),
    path("tai-lieu/", include("govdoc.documents.urls")),
    path("ho-so/", include("govdoc.records.urls")),
    path("bao-cao/", include("govdoc.reports.urls")),
    path("nhat-ky/", include("govdoc.audit.urls")),
    path("thong-bao/", include("govdoc.notifications.urls")),
    path("chu-ky-so/", include("govdoc.signatures.urls")),
    path("", include("govdoc.web.urls")),
]
