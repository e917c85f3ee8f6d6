from govdoc.assignments.views import action_pages, queue_pages, task_pages

app_name = "assignments"
urlpatterns = [*queue_pages.urlpatterns, *task_pages.urlpatterns, *action_pages.urlpatterns]
