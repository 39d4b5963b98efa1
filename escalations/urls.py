from django.urls import path

from . import views

app_name = "escalations"

urlpatterns = [
    path("escalations/", views.escalation_list, name="list"),
    path("escalations/<int:pk>/", views.escalation_detail, name="detail"),
]
