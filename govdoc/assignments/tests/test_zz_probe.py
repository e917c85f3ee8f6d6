import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from govdoc.assignments.tests.test_selectors import work  # noqa
pytestmark = pytest.mark.django_db

def test_probe(work, client_for):
    for p in ("specialist", "leader", "colleague", "unit_head"):
        c = client_for(work.team[p])
        for slug in ["", "qua-han/", "trinh/", "xin-y-kien/", "y-kien-da-cho/", "gia-han/", "don-vi/", "cong-viec/", "cong-viec/giao/", f"cong-viec/{work.task.pk}/"]:
            with CaptureQueriesContext(connection) as q:
                r = c.get("/xu-ly/" + slug)
            print(p, slug, r.status_code, len(q.captured_queries))
    c = client_for(work.team["specialist"])
    r = c.get("/xu-ly/")
    open("/tmp/q_spec.html","w").write(r.content.decode())
    r = client_for(work.team["leader"]).get("/xu-ly/cong-viec/giao/")
    open("/tmp/t_form.html","w").write(r.content.decode())
    r = client_for(work.team["leader"]).get(f"/xu-ly/cong-viec/{work.task.pk}/")
    open("/tmp/t_detail.html","w").write(r.content.decode())
    r = client_for(work.team["leader"]).get(f"/xu-ly/cong-viec/")
    open("/tmp/t_list.html","w").write(r.content.decode())
