from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.about, name="about"),
    path("groups/", views.groups, name="groups"),
    path("organisations/", views.organisations, name="organisations"),
]
