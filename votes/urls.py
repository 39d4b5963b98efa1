from django.urls import path

from . import views

app_name = "votes"

urlpatterns = [
    path("votes/", views.vote_list, name="list"),
    path("votes/<int:pk>/", views.vote_detail, name="detail"),
]
