from django.urls import path

from config.env import env_bool

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
]

# The benchmark's views exist only in a process started for the benchmark.
if env_bool("DJANGO_BENCH_VIEWS", False):
    from .bench_views import urlpatterns as bench_urlpatterns

    urlpatterns += bench_urlpatterns
