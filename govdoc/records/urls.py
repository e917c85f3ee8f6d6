from __future__ import annotations

from govdoc.records.views.file_urls import urlpatterns as file_urls
from govdoc.records.views.plan_urls import urlpatterns as plan_urls

app_name = "records"

urlpatterns = [*plan_urls, *file_urls]
