"""The votes ViewSet: list, create, detail, ballot, turnout, results, export."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import BodyFirstMixin

from .. import selectors, services
from ..models import Vote
from ..permissions import may_download_ballots, may_see_results
from .serializers import (
    BallotRequestSerializer,
    BallotResponseSerializer,
    ExportSerializer,
    ResultSerializer,
    TurnoutSerializer,
    VoteCreateSerializer,
    VoteDetailSerializer,
    VoteSerializer,
)


class VoteFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Vote.Status.choices)

    class Meta:
        model = Vote
        fields = ["status"]


class VoteViewSet(
    BodyFirstMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Forum votes you may see; the forum's steering teams and staff create them.

    Ballots name options by position (see `options` of a vote): `{"choices": [1]}`, or for
    ranked choice `{"ranking": [[2], [0, 1]]}`.
    """

    queryset = Vote.objects.none()
    filterset_class = VoteFilter
    lookup_value_regex = "[0-9]+"

    def get_serializer_class(self):
        if self.action == "create":
            return VoteCreateSerializer
        return VoteDetailSerializer if self.action == "retrieve" else VoteSerializer

    def get_queryset(self):
        return selectors.votes_list(user=self.request.user)

    def get_object(self) -> Vote:
        vote = selectors.vote_get_for_user(user=self.request.user, pk=int(self.kwargs["pk"]))
        self.check_object_permissions(self.request, vote)
        # Whoever looks after the closing time sees the vote closed, even before the sweep.
        return services.vote_close_if_due(vote)

    def _detail(self, vote: Vote, *, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(
            VoteDetailSerializer(vote, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(request=VoteCreateSerializer, responses={201: VoteDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = VoteCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("opens_at", timezone.now())
        fields.setdefault("closes_at", fields["opens_at"] + services.vote_default_duration())
        vote = services.vote_create(actor=request.user, **fields)
        return self._detail(vote, status_code=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        request=BallotRequestSerializer,
        responses={201: BallotResponseSerializer, 200: BallotResponseSerializer},
    )
    @action(detail=True, methods=["post"])
    def ballot(self, request: Request, pk=None) -> Response:
        """Cast your ballot (201), or change it (200) while the vote is open and allows it.

        A secret vote answers the first ballot with a receipt code, shown only this once;
        changing the ballot needs it (`receipt`).
        """
        vote = self.get_object()
        data = BallotRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cast = services.ballot_cast(
            vote=vote,
            actor=request.user,
            choices=data.validated_data.get("choices"),
            ranking=data.validated_data.get("ranking"),
            receipt=data.validated_data.get("receipt") or None,
            organisation_id=data.validated_data.get("organisation"),
        )
        body = {
            "changed": cast.changed,
            "receipt": cast.receipt,
            "organisation": cast.elector.organisation_id,
        }
        return Response(body, status=status.HTTP_200_OK if cast.changed else status.HTTP_201_CREATED)

    @extend_schema(responses=TurnoutSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def turnout(self, request: Request, pk=None) -> Response:
        """How many of the frozen electorate have voted so far (never who, never what)."""
        vote = self.get_object()
        turnout = selectors.vote_turnout(vote)
        body = {
            "vote": vote.pk,
            "status": vote.status,
            "electorate_size": vote.electorate_size,
            "turnout": turnout,
            "share": turnout / vote.electorate_size if vote.electorate_size else None,
            "closes_at": vote.closes_at,
        }
        return Response(TurnoutSerializer(body).data)

    @extend_schema(responses=ResultSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def results(self, request: Request, pk=None) -> Response:
        """The result stored at the close; before it, the count as it stands if the vote shows it live."""
        vote = self.get_object()
        if not may_see_results(vote):
            raise exceptions.PermissionDenied(
                _("Das Ergebnis wird erst nach dem Schluss der Abstimmung veröffentlicht.")
            )
        if vote.is_closed:
            stored = vote.result
            body = {
                "final": True,
                "passed": vote.passed,
                "turnout": stored["turnout"],
                "ballots_sha256": vote.ballots_sha256,
                "result": stored,
            }
        else:
            live = services.vote_count(vote).as_dict()
            body = {
                "final": False,
                "passed": None,
                "turnout": live["ballots"],
                "ballots_sha256": "",
                "result": live,
            }
        body.update(
            vote=vote.pk,
            status=vote.status,
            closed_at=vote.closed_at,
            electorate_size=vote.electorate_size,
            electorate_sha256=vote.electorate_sha256,
        )
        return Response(ResultSerializer(body).data)

    @extend_schema(responses=ExportSerializer)
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filterset_class=None,
        renderer_classes=[JSONRenderer],
    )
    def export(self, request: Request, pk=None) -> Response:
        """The anonymised ballots and the tally's inputs as one JSON file, after the close."""
        vote = self.get_object()
        if not may_download_ballots(vote, request.user):
            if not vote.is_closed:
                reason = _("Die Stimmzettel werden erst nach dem Schluss der Abstimmung veröffentlicht.")
            else:
                reason = _(
                    "Die Stimmzettel können die Stimmberechtigten dieser Abstimmung und die "
                    "Wirtschaftsförderung herunterladen."
                )
            raise exceptions.PermissionDenied(reason)
        response = Response(services.vote_export(vote))
        response["Content-Disposition"] = f'attachment; filename="vote-{vote.pk}.json"'
        return response
