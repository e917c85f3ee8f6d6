from django.urls import path

from govdoc.registers import views

app_name = "registers"
urlpatterns = [
    path("books/", views.books, name="books"),
]
