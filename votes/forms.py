"""Forms of the vote pages: creating a vote, and the ballot for each method.

A ranked ballot is one rank select per option (1 = best; equal numbers rank equal; empty leaves
the option out). The "nach oben" / "nach unten" buttons are submit buttons: without JavaScript
the page comes back rearranged (`ranks_move`), with it static/js/ballot.js does the same in place.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Vote

YES_NO_ABSTAIN_SHOWN = (_("Ja"), _("Nein"), _("Enthaltung"))


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _datetime_field(label, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        error_messages={"invalid": _("Bitte Datum und Uhrzeit wie 24.06.2015 18:00 angeben.")},
    )


class VoteForm(forms.Form):
    title = forms.CharField(label=_("Frage"), max_length=300)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    method = forms.ChoiceField(label=_("Verfahren"), choices=Vote.Method.choices)
    options = forms.CharField(
        label=_("Optionen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Eine Option je Zeile. Bei Ja / Nein / Enthaltung stehen die Optionen fest."),
    )
    electorate_kind = forms.ChoiceField(label=_("Stimmberechtigt"), choices=Vote.ElectorateKind.choices)
    opens_at = _datetime_field(_("Öffnet"), required=False, help_text=_("Leer lassen: öffnet sofort."))
    closes_at = _datetime_field(_("Schließt"), required=True)
    quorum_kind = forms.ChoiceField(label=_("Quorum"), choices=Vote.QuorumKind.choices)
    quorum_value = forms.IntegerField(
        label=_("Quorum (Wert)"),
        required=False,
        min_value=1,
        help_text=_("Prozent der Stimmberechtigten, oder die Zahl der nötigen Abstimmenden."),
    )
    threshold = forms.ChoiceField(
        label=_("Mehrheit"),
        choices=Vote.Threshold.choices,
        help_text=_("Eine Zwei-Drittel-Mehrheit gibt es nur bei Ja / Nein / Enthaltung."),
    )
    secret = forms.BooleanField(
        label=_("Geheime Abstimmung"),
        required=False,
        help_text=_("Niemand, auch keine Administration, kann eine Stimme der abstimmenden Person zuordnen."),
    )
    results_live = forms.BooleanField(label=_("Zwischenstand während der Abstimmung zeigen"), required=False)
    ballots_changeable = forms.BooleanField(
        label=_("Stimmen bis zum Schluss änderbar"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        now = timezone.localtime().replace(second=0, microsecond=0)
        kwargs["initial"].setdefault("closes_at", now + datetime.timedelta(days=14))
        super().__init__(*args, **kwargs)

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at") or timezone.now(), cleaned.get("closes_at")
        if closes is not None and closes <= timezone.now():
            self.add_error("closes_at", _("Der Schluss der Abstimmung muss in der Zukunft liegen."))
        elif closes is not None and closes <= opens:
            self.add_error("closes_at", _("Die Abstimmung muss nach ihrer Öffnung schließen."))
        return cleaned


def option_labels(vote: Vote, options) -> list[tuple[int, str]]:
    """(position, label shown) of each option; yes/no/abstain in the reader's language."""
    if vote.method == Vote.Method.YES_NO_ABSTAIN:
        return [(option.position, str(YES_NO_ABSTAIN_SHOWN[option.position])) for option in options]
    return [(option.position, option.label) for option in options]


class BallotForm(forms.Form):
    """The ballot of one elector; `ballot()` gives ballot_cast's `choices=` or `ranking=` argument."""

    receipt = forms.CharField(
        label=_("Beleg-Code Ihrer Stimmabgabe"),
        required=False,
        max_length=40,
        help_text=_("Steht auf der Bestätigung Ihrer ersten Stimmabgabe, z. B. ABCD-EFGH-IJKL-MNOP."),
        error_messages={"required": _("Bitte den Beleg-Code Ihrer ersten Stimmabgabe angeben.")},
    )

    def __init__(self, *args, vote: Vote, options, needs_receipt: bool = False, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.vote = vote
        self.labels = option_labels(vote, options)
        if not needs_receipt:
            del self.fields["receipt"]
        else:
            self.fields["receipt"].required = True
            self.fields["receipt"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        choices = [(position, label) for position, label in self.labels]
        if vote.ranked:
            count = len(self.labels)
            rank_choices = [("", _("nicht einordnen"))] + [
                (rank, _("Rang %(rank)d") % {"rank": rank}) for rank in range(1, count + 1)
            ]
            for position, label in self.labels:
                self.fields[rank_field(position)] = forms.TypedChoiceField(
                    label=_("Rang für „%(option)s“") % {"option": label},
                    choices=rank_choices,
                    coerce=int,
                    empty_value=None,
                    required=False,
                )
        elif vote.method == Vote.Method.APPROVAL:
            self.fields["choices"] = forms.TypedMultipleChoiceField(
                label=_("Ihre Zustimmung (beliebig viele Optionen)"),
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            self.fields["choice"] = forms.TypedChoiceField(
                label=_("Ihre Stimme"),
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Bitte eine Option wählen.")},
            )

    def clean(self):
        cleaned = super().clean()
        nothing_ranked = all(cleaned.get(rank_field(p)) is None for p, _label in self.labels)
        if self.vote.ranked and not self.errors and nothing_ranked:
            raise forms.ValidationError(_("Bitte mindestens eine Option einordnen."))
        return cleaned

    def ranks(self) -> dict[int, int | None]:
        return {position: self.cleaned_data.get(rank_field(position)) for position, _label in self.labels}

    def ballot(self) -> dict:
        if self.vote.ranked:
            return {"ranking": ranking_from_ranks(self.ranks())}
        if self.vote.method == Vote.Method.APPROVAL:
            return {"choices": sorted(set(self.cleaned_data["choices"]))}
        return {"choices": [self.cleaned_data["choice"]]}


def rank_field(position: int) -> str:
    return f"rank_{position}"


# Ranked ballots: ranks (1 best, None left out) <-> tiers, and the moves of the keyboard buttons.

Ranks = dict[int, int | None]


def ranking_from_ranks(ranks: Ranks) -> list[list[int]]:
    """Tiers of option positions, best first; equal ranks share a tier, options without one are left out."""
    levels = sorted({rank for rank in ranks.values() if rank is not None})
    return [sorted(p for p, rank in ranks.items() if rank == level) for level in levels]


def ranks_from_content(content: list[int]) -> Ranks:
    """A stored ranked ballot (the rank of every option, 0 best) as ranks 1, 2, …, None.

    The service stores options left out one tier below the last listed one, so a last tier and
    options left out are the same ballot; like the export's canonical form, the last tier comes
    back as left out (unless it is the only one)."""
    listed = sorted(set(content))
    ranks: Ranks = {position: listed.index(rank) + 1 for position, rank in enumerate(content)}
    if len(listed) > 1:
        return {p: (None if rank == len(listed) else rank) for p, rank in ranks.items()}
    return ranks


def content_from_ranks(ranks: Ranks) -> list[int]:
    """The stored form of a ranked ballot (as votes.services.ballot_content writes it)."""
    tiers = ranking_from_ranks(ranks)
    content = [len(tiers)] * len(ranks)
    for rank, tier in enumerate(tiers):
        for position in tier:
            content[position] = rank
    return content


def ranks_order(ranks: Ranks) -> list[int]:
    """Positions in the order the ballot shows them: by rank, then left out; option order within."""
    return sorted(ranks, key=lambda p: (ranks[p] is None, ranks[p] or 0, p))


def ranks_renumber(order: list[int], ranks: Ranks, *, moved: int, moved_ranked: bool) -> Ranks:
    """Ranks 1, 2, … down `order`; neighbours that were equal stay equal, except next to `moved`."""
    result: Ranks = {}
    current = 0
    previous: int | None = None
    for position in order:
        ranked = moved_ranked if position == moved else ranks[position] is not None
        if not ranked:
            result[position] = None
            previous = None
            continue
        tied = (
            previous is not None and moved not in (position, previous) and ranks[position] == ranks[previous]
        )
        if not tied:
            current += 1
        result[position] = current
        previous = position
    return result


def ranks_move(ranks: Ranks, position: int, direction: str) -> Ranks:
    """One step of "nach oben" / "nach unten" for `position` (static/js/ballot.js does the same).

    Up: an option left out joins the ranking at its end; one ranked equal with others leaves
    that tier upwards; otherwise it swaps with the option above. Down mirrors it; the last ranked
    option moving down is left out when options without a rank follow.
    """
    order = ranks_order(ranks)
    if position not in ranks or direction not in ("up", "down"):
        return ranks
    index = order.index(position)
    rank = ranks[position]
    same = [p for p in order if rank is not None and ranks[p] == rank]
    if direction == "up":
        if rank is None:
            order.remove(position)
            order.insert(sum(1 for p in order if ranks[p] is not None), position)
            return ranks_renumber(order, ranks, moved=position, moved_ranked=True)
        if len(same) > 1 and same[0] == position:
            return ranks_renumber(order, ranks, moved=position, moved_ranked=True)
        if index == 0:
            return ranks
        order[index - 1], order[index] = order[index], order[index - 1]
        return ranks_renumber(order, ranks, moved=position, moved_ranked=True)
    if rank is None:
        return ranks
    if len(same) > 1 and same[-1] == position:
        return ranks_renumber(order, ranks, moved=position, moved_ranked=True)
    if index == len(order) - 1:
        return ranks
    following = order[index + 1]
    if ranks[following] is None:
        return ranks_renumber(order, ranks, moved=position, moved_ranked=False)
    order[index], order[index + 1] = order[index + 1], order[index]
    return ranks_renumber(order, ranks, moved=position, moved_ranked=True)


def ranks_from_post(data, labels: list[tuple[int, str]], prefix: str | None) -> Ranks:
    """The rank selects as posted, read leniently (for rearranging, not for casting)."""
    ranks: Ranks = {}
    count = len(labels)
    for position, _label in labels:
        key = rank_field(position) if not prefix else f"{prefix}-{rank_field(position)}"
        raw = data.get(key, "")
        ranks[position] = int(raw) if raw.isdigit() and 1 <= int(raw) <= count else None
    return ranks
