from django.urls import path

from config.env import env_bool

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

# The benchmark's bare baseline exists only in a process started for the benchmark.
if env_bool("DJANGO_BENCH_VIEWS", False):
    from . import bench_views

    urlpatterns.append(path("bench/bare/", bench_views.bare, name="bench_bare"))
