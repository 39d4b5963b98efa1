"""Reading seals and applications. The register and the verification page go by the dates, so a
seal past its end leaves the register even before the expiry task has run."""

from __future__ import annotations

import datetime
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User

from .models import Application, CriterionReview, Evidence, Seal, Statement
from .permissions import visible_condition


def seals_current(*, day: date | None = None) -> QuerySet[Seal]:
    """The public register: seals valid on `day` (today), not revoked, with their organisation."""
    day = day or timezone.localdate()
    return (
        Seal.objects.filter(revoked_at__isnull=True, valid_from__lte=day, valid_until__gte=day)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )


def seals_awarded_between(*, start: date, end: date) -> QuerySet[Seal]:
    """Seals awarded from `start` to `end` (both days included, local time)."""
    return Seal.objects.filter(awarded_at__date__gte=start, awarded_at__date__lte=end).select_related(
        "organisation"
    )


def seals_expired_between(*, start: date, end: date) -> QuerySet[Seal]:
    """Seals whose validity ended from `start` to `end` (not revoked before)."""
    return (
        Seal.objects.filter(valid_until__gte=start, valid_until__lte=end)
        .filter(Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=end))
        .select_related("organisation")
    )


def seals_revoked_between(*, start: date, end: date) -> QuerySet[Seal]:
    """Seals revoked from `start` to `end` (both days included)."""
    return Seal.objects.filter(revoked_at__date__gte=start, revoked_at__date__lte=end).select_related(
        "organisation"
    )


def seal_get_public(*, public_id) -> Seal:
    """A seal by its public id, for the verification page (anyone); 404 if unknown."""
    seal = Seal.objects.select_related("organisation", "revoked_by").filter(public_id=public_id).first()
    if seal is None:
        raise Http404
    return seal


def seal_current_by_public_id(*, public_id) -> Seal:
    """A seal in the register today (its logo may be shown); 404 otherwise."""
    seal = seals_current().filter(public_id=public_id).first()
    if seal is None:
        raise Http404
    return seal


def seals_of_organisation(*, organisation_id: int) -> QuerySet[Seal]:
    return Seal.objects.filter(organisation_id=organisation_id).select_related("organisation")


def applications_visible(*, user: User) -> QuerySet[Application]:
    """Applications `user` may see: their organisation's, or all for staff; in one query."""
    return (
        Application.objects.filter(visible_condition(user))
        .select_related("organisation", "applicant", "workflow", "renews")
        .defer("workflow__data", "workflow__source")
    )


def application_get_for_user(*, user: User, pk: int) -> Application:
    application = applications_visible(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def applications_list(*, user: User) -> QuerySet[Application]:
    """The list page: with the count of evidence files, newest first."""
    return applications_visible(user=user).annotate(evidence_count=Count("evidence", distinct=True))


def applications_queue(*, user: User) -> QuerySet[Application]:
    """Staff's queue: what waits for the office (submitted, in review), oldest first."""
    return (
        applications_list(user=user)
        .filter(state__in=("submitted", "in_review"))
        .order_by("state_entered_at", "pk")
    )


def evidence_get_for_user(*, user: User, application_pk: int, pk: int) -> Evidence:
    """An evidence file of an application the person may see; 404 for anyone else."""
    evidence = (
        Evidence.objects.filter(application__in=Application.objects.filter(visible_condition(user)))
        .filter(application_id=application_pk, pk=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def application_details(application: Application) -> dict:
    """Statements, evidence and findings by criterion (three queries)."""
    statements = {s.criterion: s for s in Statement.objects.filter(application=application)}
    evidence: dict[str, list[Evidence]] = {}
    for item in Evidence.objects.filter(application=application).select_related("uploaded_by"):
        evidence.setdefault(item.criterion, []).append(item)
    reviews = {
        r.criterion: r
        for r in CriterionReview.objects.filter(application=application).select_related("reviewer")
    }
    return {"statements": statements, "evidence": evidence, "reviews": reviews}


def organisation_engagement(*, organisation_id: int, day: date | None = None) -> dict:
    """What the platform knows of an organisation's part in the dialogue in the 12 months up to `day`:
    its people's memberships in bodies, projects it partners, tasks done, ballots cast (four queries)."""
    from projects.models import Project, Task
    from votes.models import Participation
    from workgroups.models import Membership

    day = day or timezone.localdate()
    since = day - datetime.timedelta(days=365)
    since_dt = datetime.datetime.combine(since, datetime.time.min, tzinfo=timezone.get_current_timezone())
    people = User.objects.filter(organisation_id=organisation_id).values("pk")
    memberships = list(
        Membership.objects.filter(user__in=people)
        .filter(Q(left_at__isnull=True) | Q(left_at__gte=since_dt))
        .select_related("user", "body")
        .order_by("body__name", "user__last_name")
    )
    projects = list(
        Project.objects.filter(partner_organisations__pk=organisation_id)
        .filter(Q(archived_at__isnull=True) | Q(updated_at__gte=since_dt))
        .select_related("workgroup")
        .distinct()
        .order_by("title")
    )
    tasks = list(
        Task.objects.filter(assignee__in=people, status=Task.Status.DONE, completed_at__gte=since_dt)
        .select_related("project", "assignee")
        .order_by("-completed_at")[:50]
    )
    ballots = list(
        Participation.objects.filter(cast_by__in=people, cast_at__gte=since_dt)
        .select_related("vote", "cast_by")
        .order_by("-cast_at")[:50]
    )
    return {
        "since": since,
        "memberships": memberships,
        "projects": projects,
        "tasks": tasks,
        "ballots": ballots,
    }
