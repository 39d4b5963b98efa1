"""The forum's votes over the API: list, create, detail, ballot, turnout, results, export.

Ballots name options by their **position** (`options[].position` of the vote, 0-based), never
by label: `{"choices": [1]}` for one choice, `{"choices": [0, 2]}` for approval, and for ranked
choice `{"ranking": [[2], [0, 1]]}`: tiers best first, options in one tier ranked equal, options
left out ranked below every listed one.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from . import selectors, services
from .models import Option, Vote
from .permissions import may_download_ballots, may_see_results


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Option
        fields = ["position", "label"]
        read_only_fields = fields


class VoteSerializer(serializers.ModelSerializer):
    """A vote in a list: its settings and status, and how many have voted."""

    origin_body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    turnout = serializers.IntegerField(read_only=True, help_text=_("Zahl der abgegebenen Stimmen."))

    class Meta:
        model = Vote
        fields = [
            "id",
            "title",
            "method",
            "status",
            "electorate_kind",
            "secret",
            "results_live",
            "opens_at",
            "closes_at",
            "origin_body",
            "electorate_size",
            "turnout",
            "passed",
        ]
        read_only_fields = fields


class StandingSerializer(serializers.Serializer):
    """One electorate entry the caller may cast for (themselves, or an organisation)."""

    capacity = serializers.ChoiceField(
        choices=["member", "representative", "deputy"],
        read_only=True,
        help_text=_("Als Forumsmitglied, als Vertretung oder als Stellvertretung einer Organisation."),
    )
    organisation = serializers.IntegerField(source="elector.organisation_id", read_only=True, allow_null=True)
    organisation_name = serializers.SerializerMethodField()
    has_voted = serializers.SerializerMethodField()
    voted_at = serializers.SerializerMethodField()
    ballot = serializers.SerializerMethodField(
        help_text=_(
            'Offene Abstimmung: die abgegebene Stimme ({"choices": [...]} oder {"ranking": [[...]]}, '
            "Optionen als Text). Geheime Abstimmung: immer leer – niemand, auch die Plattform nicht, "
            "kann sie der Person zuordnen."
        )
    )

    def get_organisation_name(self, standing: selectors.Standing) -> str:
        return str(standing.elector.organisation) if standing.elector.organisation_id else ""

    def get_has_voted(self, standing: selectors.Standing) -> bool:
        return standing.participation is not None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_voted_at(self, standing: selectors.Standing) -> datetime.datetime | None:
        participation = standing.participation
        return (participation.changed_at or participation.cast_at) if participation else None

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_ballot(self, standing: selectors.Standing) -> dict[str, Any] | None:
        if standing.content is None:
            return None
        vote, labels = self.context["vote"], self.context["labels"]
        (ballot,) = services.labelled_ballots(vote, labels, [standing.content])
        ballot.pop("count")
        return ballot


class VoteDetailSerializer(serializers.ModelSerializer):
    """A vote with its options, frozen electorate, turnout and what the caller may do."""

    origin_body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    options = OptionSerializer(many=True, read_only=True)
    electorate_size = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Zahl der Stimmberechtigten, festgeschrieben bei Öffnung."),
    )
    electorate_sha256 = serializers.CharField(
        read_only=True,
        help_text=_(
            "SHA-256 über die sortierten Kennungen der Stimmberechtigten (Personen oder "
            "Organisationen), dezimal und durch Kommas getrennt."
        ),
    )
    turnout = serializers.SerializerMethodField()
    may_vote = serializers.SerializerMethodField()
    has_voted = serializers.SerializerMethodField()
    electors = serializers.SerializerMethodField(
        help_text=_("Für wen der Aufrufer abstimmen kann: sich selbst oder eine Organisation.")
    )
    may_see_results = serializers.SerializerMethodField()
    may_download_ballots = serializers.SerializerMethodField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "title",
            "description",
            "method",
            "status",
            "electorate_kind",
            "opens_at",
            "closes_at",
            "opened_at",
            "closed_at",
            "quorum_kind",
            "quorum_value",
            "threshold",
            "secret",
            "results_live",
            "ballots_changeable",
            "origin_body",
            "options",
            "electorate_size",
            "electorate_sha256",
            "turnout",
            "ballots_sha256",
            "passed",
            "may_vote",
            "has_voted",
            "electors",
            "may_see_results",
            "may_download_ballots",
        ]
        read_only_fields = fields

    def get_turnout(self, vote: Vote) -> int:
        return selectors.vote_turnout(vote)

    def _standing(self, vote: Vote) -> list[selectors.Standing]:
        if "standing" not in self.context:
            self.context["standing"] = selectors.vote_standing(vote=vote, user=self.context["request"].user)
        return self.context["standing"]

    def get_may_vote(self, vote: Vote) -> bool:
        """Open, in the electorate, and either not voted yet or allowed to change the ballot."""
        if not vote.is_open or vote.closes_at <= timezone.now():
            return False
        return any(s.participation is None or vote.ballots_changeable for s in self._standing(vote))

    def get_has_voted(self, vote: Vote) -> bool:
        return any(s.participation is not None for s in self._standing(vote))

    @extend_schema_field(StandingSerializer(many=True))
    def get_electors(self, vote: Vote) -> list[dict[str, Any]]:
        context = {**self.context, "vote": vote, "labels": services.vote_labels(vote)}
        return StandingSerializer(self._standing(vote), many=True, context=context).data

    def get_may_see_results(self, vote: Vote) -> bool:
        return may_see_results(vote)

    def get_may_download_ballots(self, vote: Vote) -> bool:
        return may_download_ballots(vote, self.context["request"].user)


class VoteCreateSerializer(serializers.ModelSerializer):
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        max_length=services.MAX_OPTIONS,
        help_text=_("Die Optionen in ihrer Reihenfolge; bei Ja / Nein / Enthaltung entfällt das Feld."),
    )
    opens_at = serializers.DateTimeField(required=False, help_text=_("Leer: sofort."))
    closes_at = serializers.DateTimeField(required=False, help_text=_("Leer: nach der üblichen Dauer."))

    class Meta:
        model = Vote
        fields = [*services.VOTE_FIELDS, "options"]


class BallotRequestSerializer(serializers.Serializer):
    choices = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        max_length=services.MAX_OPTIONS,
        help_text=_(
            "Ja / Nein / Enthaltung, eine Option: genau eine Position; Zustimmung: die Positionen "
            "aller gewählten Optionen."
        ),
    )
    ranking = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), max_length=services.MAX_OPTIONS),
        required=False,
        max_length=services.MAX_OPTIONS,
        help_text=_(
            "Rangfolge (Schulze): Ränge, der beste zuerst, je eine Liste von Positionen; Optionen in "
            "einem Rang gelten als gleich gut, nicht genannte als schlechter als alle genannten."
        ),
    )
    receipt = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text=_("Geheime Abstimmung: der Beleg-Code der ersten Stimmabgabe, nötig zum Ändern."),
    )
    organisation = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Abstimmung je Organisation: für welche Organisation (wenn mehrere möglich)."),
    )


class BallotResponseSerializer(serializers.Serializer):
    changed = serializers.BooleanField(help_text=_("Eine früher abgegebene Stimme wurde geändert."))
    receipt = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Geheime Abstimmung, erste Stimmabgabe: der Beleg-Code. Er wird nur dieses eine Mal "
            "gezeigt; die Plattform speichert nur seinen Hash. Nötig zum Ändern der Stimme und zum "
            "Nachprüfen im veröffentlichten Export."
        ),
    )
    organisation = serializers.IntegerField(allow_null=True)


class TurnoutSerializer(serializers.Serializer):
    vote = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Vote.Status.choices)
    electorate_size = serializers.IntegerField(allow_null=True)
    turnout = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text=_("Beteiligung als Anteil (0 bis 1)."))
    closes_at = serializers.DateTimeField()


class ResultSerializer(serializers.Serializer):
    vote = serializers.IntegerField()
    final = serializers.BooleanField(
        help_text=_("Endergebnis (nach dem Schluss gespeichert) oder Zwischenstand (live).")
    )
    status = serializers.ChoiceField(choices=Vote.Status.choices)
    closed_at = serializers.DateTimeField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True, help_text=_("Leer, solange die Abstimmung läuft."))
    turnout = serializers.IntegerField()
    electorate_size = serializers.IntegerField(allow_null=True)
    electorate_sha256 = serializers.CharField()
    ballots_sha256 = serializers.CharField(help_text=_("Leer, solange die Abstimmung läuft."))
    result = serializers.JSONField(
        help_text=_(
            "Die Auszählung: Stimmen je Option, Reihenfolge mit Gleichständen, Quorum; bei Ja / Nein "
            "die Mehrheit; bei Rangfolge die paarweise Matrix und die stärksten Pfade."
        )
    )


class ExportBallotSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    ranking = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ExportSerializer(serializers.Serializer):
    """The published export (see votes.export): recount it with `manage.py vote_recount FILE.json`."""

    vote = serializers.CharField()
    method = serializers.ChoiceField(choices=Vote.Method.choices)
    options = serializers.ListField(child=serializers.CharField())
    ballots = ExportBallotSerializer(many=True)
    electorate_size = serializers.IntegerField()
    electorate_sha256 = serializers.CharField()
    ballots_sha256 = serializers.CharField()
    receipts = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Geheime Abstimmung: die Hashes aller Beleg-Codes, sortiert."),
    )


class VoteFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Vote.Status.choices)

    class Meta:
        model = Vote
        fields = ["status"]


class VoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Forum votes you may see; the forum's steering teams and staff create them.

    Ballots name options by position (see `options` of a vote): `{"choices": [1]}`, or for
    ranked choice `{"ranking": [[2], [0, 1]]}`.
    """

    queryset = Vote.objects.none()
    filterset_class = VoteFilter
    lookup_value_regex = "[0-9]+"

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in ("POST", "PUT", "PATCH"):
            # A body that cannot be read is a 400 whatever it is sent to, before any lookup.
            request.data  # noqa: B018

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
                    "Geschäftsstelle herunterladen."
                )
            raise exceptions.PermissionDenied(reason)
        response = Response(services.vote_export(vote))
        response["Content-Disposition"] = f'attachment; filename="vote-{vote.pk}.json"'
        return response
