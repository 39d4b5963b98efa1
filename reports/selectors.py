"""Reading reports, and computing a period's figures from the other apps' rows with aggregates.

`report_figures` is what a report holds: a fixed number of queries whatever the size of the data
(each table is read once, grouped in the database or in one pass here), never a hand-kept counter.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from escalations.models import Escalation
from events.selectors import events_between
from projects.models import Project, Task
from seals.selectors import seals_awarded_between, seals_expired_between, seals_revoked_between
from votes.models import Vote
from workflows.models import TransitionRecord, WorkflowDefinition
from workflows.spec import ON_HOLD, TERMINAL
from workgroups.models import Body, Membership, Role
from workgroups.permissions import is_platform_staff

from .models import Report
from .periods import Period, buckets

# The state chart's categories, in stacking order: a project's state class, a terminal state
# split into completed and cancelled.
ACTIVE_KEY, ON_HOLD_KEY, COMPLETED_KEY, CANCELLED_KEY = "active", "on_hold", "completed", "cancelled"
CATEGORY_KEYS = (ACTIVE_KEY, ON_HOLD_KEY, COMPLETED_KEY, CANCELLED_KEY)
DATA_VERSION = 1


def reports_visible(*, user: User) -> QuerySet[Report]:
    """Every report for staff and admins, none for anyone else."""
    if not is_platform_staff(user):
        return Report.objects.none()
    return Report.objects.select_related("created_by", "issued_by").defer("pdf")


def report_get_for_user(*, user: User, pk: int) -> Report:
    """The report, or 404 for one that does not exist or a person who is not staff."""
    report = reports_visible(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def report_pdf_bytes(report: Report) -> bytes:
    return bytes(Report.objects.filter(pk=report.pk).values_list("pdf", flat=True).get())


def _category_labels() -> dict[str, str]:
    return {
        ACTIVE_KEY: _("laufend"),
        ON_HOLD_KEY: _("pausiert"),
        COMPLETED_KEY: _("abgeschlossen"),
        CANCELLED_KEY: _("abgebrochen"),
    }


class _Definitions:
    """Labels and classes of workflow states, from the versions the history names (one query)."""

    def __init__(self, ids: set[int]):
        self.versions = {v.pk: v.definition for v in WorkflowDefinition.objects.filter(pk__in=ids)}

    def label(self, workflow_id: int, state: str) -> str:
        found = self.versions.get(workflow_id)
        found = found.states.get(state) if found else None
        return found.label if found else state

    def category(self, workflow_id: int, state: str) -> str:
        found = self.versions.get(workflow_id)
        found = found.states.get(state) if found else None
        if found is None or found.state_class not in (ON_HOLD, TERMINAL):
            return ACTIVE_KEY
        if found.state_class == ON_HOLD:
            return ON_HOLD_KEY
        return CANCELLED_KEY if state == "cancelled" else COMPLETED_KEY


def _state_at(history: list[tuple], moment: datetime) -> tuple | None:
    """The last history entry before `moment` (the entries are in order), or None."""
    found = None
    for entry in history:
        if entry[-1] >= moment:
            break
        found = entry
    return found


def _local(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else None


def _histories(period: Period) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]], set[int]]:
    """Project and escalation histories up to the period's end, in order; and the versions they name."""
    types = ContentType.objects.get_for_models(Project, Escalation)
    project_type, escalation_type = types[Project].pk, types[Escalation].pk
    rows = (
        TransitionRecord.objects.filter(
            subject_type_id__in=[project_type, escalation_type], created_at__lt=period.end_before
        )
        .order_by("subject_type_id", "subject_id", "sequence")
        .values_list(
            "subject_type_id", "subject_id", "kind", "transition", "from_state", "to_state", "workflow_id",
            "created_at",
        )
    )  # fmt: skip
    projects: dict[int, list[tuple]] = defaultdict(list)
    escalations: dict[int, list[tuple]] = defaultdict(list)
    versions: set[int] = set()
    for type_id, subject_id, *entry in rows:
        (projects if type_id == project_type else escalations)[subject_id].append(tuple(entry))
        versions.add(entry[4])
    return projects, escalations, versions


def _in_period(entry: tuple, period: Period) -> bool:
    return period.begin_at <= entry[-1] < period.end_before


def _project_section(
    period: Period, histories: dict[int, list[tuple]], definitions: _Definitions
) -> tuple[dict[int, list[dict]], list[int], dict[str, int], dict[str, Any]]:
    """Projects that ran in the period, by working group, with their steps and milestones."""
    done_tasks = dict(
        Task.objects.filter(
            status=Task.Status.DONE,
            due_date__isnull=False,
            completed_at__gte=period.begin_at,
            completed_at__lt=period.end_before,
        )
        .values("project_id")
        .annotate(n=Count("pk"))
        .values_list("project_id", "n")
    )
    selected = set(done_tasks)
    for project_id, history in histories.items():
        before = _state_at(history, period.begin_at)
        running = before is not None and definitions.category(before[4], before[3]) in (
            ACTIVE_KEY,
            ON_HOLD_KEY,
        )
        if running or any(_in_period(entry, period) for entry in history):
            selected.add(project_id)
    rows = Project.objects.filter(pk__in=selected).values("id", "title", "type", "workgroup_id")
    labels = dict(Project.Type.choices)
    by_group: dict[int, list[dict]] = defaultdict(list)
    totals = {"projects": 0, "steps": 0, "started": 0, "ended": 0, "tasks_done": 0, "milestones": 0}
    for row in sorted(rows, key=lambda r: (r["title"], r["id"])):
        history = histories.get(row["id"], [])
        steps, milestones = [], []
        for kind, _step, from_state, to_state, workflow_id, at in history:
            if not period.begin_at <= at < period.end_before:
                continue
            category = definitions.category(workflow_id, to_state)
            if kind == TransitionRecord.Kind.START:
                milestones.append({"date": _local(at), "text": _("Projekt gestartet")})
                totals["started"] += 1
                continue
            if kind != TransitionRecord.Kind.TRANSITION:
                continue
            steps.append(
                {
                    "date": _local(at),
                    "from": definitions.label(workflow_id, from_state),
                    "to": definitions.label(workflow_id, to_state),
                }
            )
            if category in (COMPLETED_KEY, CANCELLED_KEY):
                milestones.append(
                    {
                        "date": _local(at),
                        "text": _("Endzustand erreicht: %(state)s")
                        % {"state": definitions.label(workflow_id, to_state)},
                    }
                )
                totals["ended"] += 1
        at_end = _state_at(history, period.end_before)
        tasks_done = done_tasks.get(row["id"], 0)
        if tasks_done:
            milestones.append(
                {
                    "date": None,
                    "text": ngettext(
                        "%(count)s terminierte Aufgabe erledigt",
                        "%(count)s terminierte Aufgaben erledigt",
                        tasks_done,
                    )
                    % {"count": tasks_done},
                }
            )
        by_group[row["workgroup_id"]].append(
            {
                "id": row["id"],
                "title": row["title"],
                "type": str(labels.get(row["type"], row["type"])),
                "state": definitions.label(at_end[4], at_end[3]) if at_end else "",
                "category": definitions.category(at_end[4], at_end[3]) if at_end else ACTIVE_KEY,
                "steps": steps,
                "milestones": milestones,
                "tasks_done": tasks_done,
            }
        )
        totals["projects"] += 1
        totals["steps"] += len(steps)
        totals["tasks_done"] += tasks_done
        totals["milestones"] += len(milestones)
    chart = _state_chart(period, {pid: histories.get(pid, []) for pid in selected}, definitions)
    return by_group, sorted(selected), totals, chart


def _state_chart(period: Period, histories: dict[int, list[tuple]], definitions: _Definitions) -> dict:
    """Per slice of the period: the report's projects by the state they were in at its end."""
    slices = buckets(period)
    values = {key: [0] * len(slices) for key in CATEGORY_KEYS}
    for i, (_label, last_day) in enumerate(slices):
        moment = Period(last_day, last_day).end_before
        for history in histories.values():
            entry = _state_at(history, moment)
            if entry is not None:
                values[definitions.category(entry[4], entry[3])][i] += 1
    names = _category_labels()
    return {
        "labels": [label for label, _last in slices],
        "series": [{"key": key, "label": names[key], "values": values[key]} for key in CATEGORY_KEYS],
    }


def _escalation_section(
    period: Period, histories: dict[int, list[tuple]], definitions: _Definitions
) -> dict[int, list[dict]]:
    """Escalations raised or moved on in the period, by working group, with their state at its end."""
    moved = [pk for pk, history in histories.items() if any(_in_period(e, period) for e in history)]
    rows = (
        Escalation.objects.filter(
            Q(pk__in=moved) | Q(created_at__gte=period.begin_at, created_at__lt=period.end_before)
        )
        .values("id", "title", "workgroup_id", "vote_id", "vote__closed_at", "vote__passed")
        .order_by("created_at", "id")
    )
    by_group: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        at_end = _state_at(histories.get(row["id"], []), period.end_before)
        vote_decided = row["vote__closed_at"] is not None and row["vote__closed_at"] < period.end_before
        by_group[row["workgroup_id"]].append(
            {
                "id": row["id"],
                "title": row["title"],
                "state": definitions.label(at_end[4], at_end[3]) if at_end else "",
                "vote": row["vote_id"],
                "vote_passed": row["vote__passed"] if vote_decided else None,
            }
        )
    return by_group


def _votes(period: Period) -> list[dict]:
    """Forum votes open at some time in the period; the result for those closed within it."""
    rows = (
        Vote.objects.filter(opened_at__lt=period.end_before)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.begin_at))
        .annotate(cast=Count("participations", filter=Q(participations__cast_at__lt=period.end_before)))
        .values(
            "id", "title", "method", "origin_body_id", "origin_body__name", "opened_at", "closed_at",
            "passed", "electorate_size", "cast",
        )
        .order_by("opened_at", "id")
    )  # fmt: skip
    methods = dict(Vote.Method.choices)
    votes = []
    for row in rows:
        closed = row["closed_at"] is not None and row["closed_at"] < period.end_before
        electorate = row["electorate_size"] or 0
        votes.append(
            {
                "id": row["id"],
                "title": row["title"],
                "method": str(methods.get(row["method"], row["method"])),
                "origin": row["origin_body__name"] or _("Forum"),
                "origin_id": row["origin_body_id"],
                "opened": _local(row["opened_at"]),
                "closed": _local(row["closed_at"]) if closed else None,
                "passed": row["passed"] if closed else None,
                "turnout": row["cast"],
                "electorate": electorate,
                "turnout_percent": round(100 * row["cast"] / electorate, 1) if electorate else 0.0,
            }
        )
    return votes


def _seals(period: Period) -> dict[str, list[dict]]:
    fields = ("organisation__name", "valid_from", "valid_until", "awarded_at", "revoked_at", "revoke_reason")

    def rows(queryset) -> list[dict]:
        return [
            {
                "organisation": r["organisation__name"],
                "valid_from": r["valid_from"].isoformat(),
                "valid_until": r["valid_until"].isoformat(),
                "awarded": _local(r["awarded_at"]),
                "revoked": _local(r["revoked_at"]),
                "reason": r["revoke_reason"],
            }
            for r in queryset.order_by("organisation__name", "pk").values(*fields)
        ]

    return {
        "awarded": rows(seals_awarded_between(start=period.start, end=period.end)),
        "expired": rows(seals_expired_between(start=period.start, end=period.end)),
        "revoked": rows(seals_revoked_between(start=period.start, end=period.end)),
    }


def _events(period: Period) -> list[dict]:
    rows = (
        events_between(start=period.start, end=period.end)
        .order_by("starts_at", "pk")
        .values(
            "id", "title", "starts_at", "venue", "host__name", "capacity", "confirmed_count", "waiting_count",
            "attended_count",
        )
    )  # fmt: skip
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "starts": _local(r["starts_at"]),
            "venue": r["venue"],
            "host": r["host__name"] or "",
            "capacity": r["capacity"],
            "confirmed": r["confirmed_count"],
            "waiting": r["waiting_count"],
            "attended": r["attended_count"],
        }
        for r in rows
    ]


def _membership(period: Period) -> dict[str, Any]:
    """The forum's members (role member) at the start and the end, by kind of organisation; who came
    and went. One aggregate query."""

    def member_at(moment: datetime) -> Q:
        return Q(joined_at__lt=moment) & (Q(left_at__isnull=True) | Q(left_at__gte=moment))

    figures = {}
    for name, moment in (("start", period.begin_at), ("end", period.end_before)):
        figures[f"people_{name}"] = Count("user", filter=member_at(moment), distinct=True)
        for kind in Organisation.Kind.values:
            figures[f"{kind}_{name}"] = Count(
                "user__organisation",
                filter=member_at(moment) & Q(user__organisation__kind=kind),
                distinct=True,
            )
    figures["joined"] = Count(
        "pk", filter=Q(joined_at__gte=period.begin_at, joined_at__lt=period.end_before), distinct=True
    )
    figures["left"] = Count(
        "pk", filter=Q(left_at__gte=period.begin_at, left_at__lt=period.end_before), distinct=True
    )
    result = Membership.objects.filter(body__kind=Body.Kind.FORUM, role=Role.MEMBER).aggregate(**figures)
    result["growth"] = result["people_end"] - result["people_start"]
    return result


def report_figures(*, start: date, end: date) -> dict[str, Any]:
    """Everything a report shows for the period from `start` to `end` (both days included), as plain
    JSON values, labels in the active language. Read-only; about a dozen queries whatever the size."""
    period = Period(start, end)
    project_histories, escalation_histories, versions = _histories(period)
    definitions = _Definitions(versions)
    projects_by_group, _ids, project_totals, state_chart = _project_section(
        period, project_histories, definitions
    )
    escalations_by_group = _escalation_section(period, escalation_histories, definitions)
    votes = _votes(period)
    votes_by_group: dict[int, int] = defaultdict(int)
    for vote in votes:
        votes_by_group[vote["origin_id"]] += 1

    themes: dict[int | None, dict] = {}
    groups = Body.objects.filter(kind=Body.Kind.WORKING_GROUP).select_related("theme").order_by("name", "pk")
    for group in groups:
        theme = themes.setdefault(
            group.theme_id,
            {
                "name": group.theme.label if group.theme_id else _("ohne Themenfeld"),
                "groups": [],
                "totals": defaultdict(int),
            },
        )
        projects = projects_by_group.get(group.pk, [])
        escalations = escalations_by_group.get(group.pk, [])
        totals = {
            "projects": len(projects),
            "steps": sum(len(p["steps"]) for p in projects),
            "milestones": sum(len(p["milestones"]) for p in projects),
            "escalations": len(escalations),
            "votes": votes_by_group.get(group.pk, 0),
        }
        for key, value in totals.items():
            theme["totals"][key] += value
        theme["groups"].append(
            {
                "name": group.name,
                "slug": group.slug,
                "projects": projects,
                "escalations": escalations,
                "totals": totals,
            }
        )
    ordered_themes = sorted(themes.values(), key=lambda t: (t["name"] == _("ohne Themenfeld"), t["name"]))
    for theme in ordered_themes:
        theme["totals"] = dict(theme["totals"])

    seals = _seals(period)
    events = _events(period)
    membership = _membership(period)
    closed = [v for v in votes if v["closed"]]
    totals = {
        **project_totals,
        "escalations": sum(len(items) for items in escalations_by_group.values()),
        "votes": len(votes),
        "votes_closed": len(closed),
        "votes_passed": sum(1 for v in closed if v["passed"]),
        "seals_awarded": len(seals["awarded"]),
        "seals_expired": len(seals["expired"]),
        "seals_revoked": len(seals["revoked"]),
        "events": len(events),
        "event_confirmed": sum(e["confirmed"] for e in events),
        "event_attended": sum(e["attended"] for e in events),
        "members_start": membership["people_start"],
        "members_end": membership["people_end"],
        "members_joined": membership["joined"],
        "members_left": membership["left"],
    }
    return {
        "version": DATA_VERSION,
        "language": get_language() or "de",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated_at": _local(timezone.now()),
        "totals": totals,
        "themes": ordered_themes,
        "votes": votes,
        "seals": seals,
        "events": events,
        "membership": membership,
        "charts": {
            "states": state_chart,
            "participation": {
                "votes": [
                    {"label": v["title"], "percent": v["turnout_percent"], "turnout": v["turnout"]}
                    for v in votes
                ],
                "events": [
                    {"label": e["title"], "attended": e["attended"], "confirmed": e["confirmed"]}
                    for e in events
                ],
            },
        },
    }
