"""Views that exist for the benchmark only (routed only with DJANGO_BENCH_VIEWS=1, see bench/run.py).

- `bare`: the baseline page of bench/run.py, no database, no template.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

MAX_SIZE = 2_000_000


def bare(request: HttpRequest) -> HttpResponse:
    """A page of `?size=` bytes that touches neither the database nor a template."""
    try:
        size = min(max(int(request.GET.get("size", "1000")), 0), MAX_SIZE)
    except ValueError:
        size = 1000
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
]
