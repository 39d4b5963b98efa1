"""Views that exist for the benchmark only (routed only with DJANGO_BENCH_VIEWS=1, see bench/run.py).

- `bare`: the baseline page of bench/run.py, no database, no template.
- `ballot`: casting a ballot over HTTP for bench/votes_forum.py until votes has its API; it does
  what an API endpoint would (token or session authentication, the vote looked up through the
  permission-filtered selector, `ballot_cast`, domain errors as 4xx with their reason), nothing more.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework import status
from rest_framework.decorators import api_view
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from votes.selectors import vote_get_for_user
from votes.services import ballot_cast

MAX_SIZE = 2_000_000


def bare(request: HttpRequest) -> HttpResponse:
    """A page of `?size=` bytes that touches neither the database nor a template."""
    try:
        size = min(max(int(request.GET.get("size", "1000")), 0), MAX_SIZE)
    except ValueError:
        size = 1000
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


@api_view(["POST"])
def ballot(request: Request, pk: int) -> Response:
    """Cast or change the caller's ballot: `{"ranking": [[positions], ...]}` or `{"choices": [positions]}`
    (plus `receipt` to change a secret ballot). 201 with the receipt on the first cast, 200 after."""
    if not isinstance(request.data, dict):
        raise ParseError("a ballot is a JSON object")
    vote = vote_get_for_user(user=request.user, pk=pk)
    result = ballot_cast(
        vote=vote,
        actor=request.user,
        choices=request.data.get("choices"),
        ranking=request.data.get("ranking"),
        receipt=request.data.get("receipt"),
    )
    return Response(
        {"changed": result.changed, "receipt": result.receipt},
        status=status.HTTP_200_OK if result.changed else status.HTTP_201_CREATED,
    )


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/votes/<int:pk>/ballot/", ballot, name="bench_ballot"),
]
