from django.urls import path

from govdoc.registers import views

app_name = "registers"
urlpatterns = [
    path("books/", views.books, name="books"),
    path("books/tao/", views.book_create_view, name="book_create"),
    path("books/<int:pk>/", views.book_detail, name="book"),
    path("books/<int:pk>/sua/", views.book_edit_view, name="book_edit"),
    path("books/<int:pk>/khoa/", views.book_close_view, name="book_close"),
    path("books/<int:pk>/mo-lai/", views.book_reopen_view, name="book_reopen"),
]
