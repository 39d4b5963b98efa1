"""Computing a report costs the same number of queries for a little data and for more of everything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Registration
from projects.models import Task
from reports.selectors import report_figures
from reports.services import report_create
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.conftest import END, START, at, make_event, make_project, make_seal, make_vote, register
from workgroups.models import Body, Membership
from workgroups.services import body_create

pytestmark = pytest.mark.django_db


def grow(quarter, n: int) -> None:
    """n more of every kind of row the report reads, inside the period."""
    world = quarter.world
    group = body_create(
        kind=Body.Kind.WORKING_GROUP, name=f"AG Neu {n}", slug=f"ag-neu-{n}", parent=world.steering
    )
    people = [UserFactory() for _i in range(n)]
    for i in range(n):
        project = make_project(
            group, f"Neu {n}-{i}", [(at(2015, 4, 2 + i), "idea"), (at(2015, 5, 2 + i), "planning")]
        )
        Task.objects.create(
            project=project,
            title="Erledigt",
            due_date=START,
            status=Task.Status.DONE,
            completed_at=at(2015, 5, 9),
        )
        make_vote(
            title=f"Frage {n}-{i}", origin=group, opened=at(2015, 5, 1), closes=at(2015, 5, 20), closed=True,
            passed=i % 2 == 0, electors=people, cast=[at(2015, 5, 3)] * i,
        )  # fmt: skip
        make_seal(
            OrganisationFactory(), people[i], awarded=at(2015, 5, 1).date(), until=at(2015, 6, 1).date()
        )
        event = make_event(f"e-{n}-{i}", f"Treffen {n}-{i}", at(2015, 6, 1 + i))
        for person in people:
            register(event, person, Registration.Status.CONFIRMED, attended=True)
        Membership.objects.create(body=world.forum, user=people[i], joined_at=at(2015, 4, 3))


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def test_figures_take_a_constant_number_of_queries(quarter):
    def compute():
        return report_figures(start=START, end=END)

    compute()  # content types and definitions cached like in a running process
    small = count_queries(compute)
    grow(quarter, 6)
    bigger = count_queries(compute)
    assert report_figures(start=START, end=END)["totals"]["projects"] == 4 + 6
    assert small == bigger
    assert small <= 12, small


def test_the_report_page_takes_a_constant_number_of_queries(client, quarter):
    staff = quarter.world.people["staff"]
    client.force_login(staff)
    small = report_create(start=START, end=END, title="klein", actor=staff)
    grow(quarter, 5)
    big = report_create(start=START, end=END, title="groß", actor=staff)
    client.get(reverse("reports:detail", kwargs={"pk": small.pk}))
    queries = [
        count_queries(lambda r=report: client.get(reverse("reports:detail", kwargs={"pk": r.pk})))
        for report in (small, big)
    ]
    assert queries[0] == queries[1]
