from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/archive/", views.project_archive, name="archive"),
    path("projects/<int:pk>/transition/", views.project_transition, name="transition"),
    path("projects/<int:pk>/board/", views.board, name="board"),
    path("projects/<int:pk>/board/live/", views.board_live, name="board_live"),
    path("projects/<int:pk>/board/<slug:status>/", views.board_column, name="board_column"),
    path("groups/<slug:slug>/projects/new/", views.project_create, name="create"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("search/", views.search, name="search"),
]
