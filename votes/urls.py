from django.urls import path

from . import views

app_name = "votes"

urlpatterns = [
    path("votes/", views.vote_list, name="list"),
    path("votes/new/", views.vote_new, name="create"),
    path("votes/<int:pk>/", views.vote_detail, name="detail"),
    path("votes/<int:pk>/ballot/", views.vote_ballot, name="ballot"),
    path("votes/<int:pk>/turnout/", views.vote_turnout_partial, name="turnout"),
    path("votes/<int:pk>/results/", views.vote_results, name="results"),
    path("votes/<int:pk>/export.json", views.vote_export, name="export"),
]
