from django.urls import path

from . import views

app_name = "escalations"

urlpatterns = [
    path("escalations/", views.escalation_list, name="list"),
    path("escalations/<int:pk>/", views.escalation_detail, name="detail"),
    path("escalations/<int:pk>/edit/", views.escalation_edit, name="edit"),
    path("escalations/<int:pk>/transition/", views.escalation_transition, name="transition"),
    path("escalations/<int:pk>/review/", views.escalation_review, name="review"),
    path("groups/<slug:slug>/escalations/new/", views.escalation_create, name="create"),
]
