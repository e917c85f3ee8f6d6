from __future__ import annotations

from govdoc.records.views.disposal_urls import urlpatterns as disposal_urls
from govdoc.records.views.export_urls import urlpatterns as export_urls
from govdoc.records.views.file_urls import urlpatterns as file_urls
from govdoc.records.views.hold_urls import urlpatterns as hold_urls
from govdoc.records.views.plan_urls import urlpatterns as plan_urls
from govdoc.records.views.transfer_urls import urlpatterns as transfer_urls

app_name = "records"

urlpatterns = [*plan_urls, *transfer_urls, *hold_urls, *disposal_urls, *export_urls, *file_urls]
