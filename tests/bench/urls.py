"""The site's URLs with the benchmark's views, as a process started with DJANGO_BENCH_VIEWS=1 routes them."""

from config.urls import urlpatterns as site
from portal.bench_views import urlpatterns as bench

urlpatterns = [*bench, *site]
