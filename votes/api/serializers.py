"""What the votes API reads and answers (see votes.api for how ballots name options)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import selectors, services
from ..models import Option, Vote
from ..permissions import may_download_ballots, may_see_results


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
