from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>.pdf", views.document_pdf, name="pdf"),
    path("verify/", views.signature_verify, name="signature_verify"),
    path("<int:pk>/paper/", views.paper_attach, name="paper_attach"),
    path("borrow/", views.borrow_list, name="borrow_list"),
    path("borrow/new/", views.borrow_create, name="borrow_create"),
    path("borrow/<int:pk>/decide/", views.borrow_decide, name="borrow_decide"),
]
