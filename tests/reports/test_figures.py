"""The report's figures equal what the fixture holds, counted here another way."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import translation

from projects.models import Project
from reports.selectors import report_figures
from tests.reports.conftest import END, START, at
from workflows.models import TransitionRecord

pytestmark = pytest.mark.django_db
BEGIN, UNTIL = at(2015, 4, 1, 0), at(2015, 7, 1, 0)


@pytest.fixture
def data(quarter):
    with translation.override("de"):
        return report_figures(start=START, end=END)


def group_of(data, name):
    return next(g for t in data["themes"] for g in t["groups"] if g["name"] == name)


def test_project_steps_equal_the_transition_records_in_the_period(quarter, data):
    records = TransitionRecord.objects.filter(
        subject_type=ContentType.objects.get_for_model(Project),
        kind=TransitionRecord.Kind.TRANSITION,
        created_at__gte=BEGIN,
        created_at__lt=UNTIL,
    )
    assert data["totals"]["steps"] == records.count() == 5
    listed = {p["title"]: len(p["steps"]) for t in data["themes"] for g in t["groups"] for p in g["projects"]}
    assert listed == {"Alpha": 3, "Beta": 0, "Delta": 0, "Epsilon": 2}


def test_projects_that_ran_in_the_period_are_listed_by_theme_and_group(quarter, data):
    themes = {t["name"]: [g["name"] for g in t["groups"]] for t in data["themes"]}
    assert themes == {"Fachkräfte": ["AG Fachkräfte"], "Kommunikation": ["AG Kommunikation"]}
    fachkraefte = group_of(data, "AG Fachkräfte")
    assert [p["title"] for p in fachkraefte["projects"]] == ["Alpha", "Beta", "Delta"]  # not Gamma
    assert [p["title"] for p in group_of(data, "AG Kommunikation")["projects"]] == ["Epsilon"]  # not Zeta
    assert fachkraefte["totals"] == {"projects": 3, "steps": 3, "milestones": 3, "escalations": 1, "votes": 1}
    assert data["themes"][0]["totals"] == fachkraefte["totals"]
    assert group_of(data, "AG Kommunikation")["totals"] == {
        "projects": 1, "steps": 2, "milestones": 1, "escalations": 1, "votes": 0,
    }  # fmt: skip
    alpha = fachkraefte["projects"][0]
    assert [(s["from"], s["to"]) for s in alpha["steps"]] == [
        ("Planung", "Umsetzung"), ("Umsetzung", "Auswertung"), ("Auswertung", "Abgeschlossen"),
    ]  # fmt: skip
    assert alpha["state"] == "Abgeschlossen"
    assert [p["state"] for p in fachkraefte["projects"][1:]] == [
        "Idee",
        "Planung",
    ]  # Beta's July step not yet


def test_milestones_are_starts_ends_and_tasks_with_a_due_date_done(quarter, data):
    totals = data["totals"]
    assert (totals["started"], totals["ended"], totals["tasks_done"], totals["milestones"]) == (2, 1, 1, 4)
    delta = group_of(data, "AG Fachkräfte")["projects"][2]
    assert delta["tasks_done"] == 1
    assert delta["milestones"] == [{"date": None, "text": "1 terminierte Aufgabe erledigt"}]


def test_state_chart_counts_each_project_once_per_week_in_its_state_then(quarter, data):
    chart = data["charts"]["states"]
    assert len(chart["labels"]) == 14  # weeks of 2015-04-01 (a Wednesday) to 2015-06-30
    series = {s["key"]: s["values"] for s in chart["series"]}
    first = {key: values[0] for key, values in series.items()}
    last = {key: values[-1] for key, values in series.items()}
    assert first == {"active": 2, "on_hold": 0, "completed": 0, "cancelled": 0}  # Alpha, Delta
    assert last == {"active": 2, "on_hold": 1, "completed": 1, "cancelled": 0}
    for i in range(len(chart["labels"])):
        assert sum(values[i] for values in series.values()) <= 4


def test_escalations_in_the_period_with_their_state_and_vote_result(quarter, data):
    fachkraefte = group_of(data, "AG Fachkräfte")["escalations"]
    assert [(e["title"], e["state"], e["vote_passed"]) for e in fachkraefte] == [
        ("Jobticket ins Forum", "Freigegeben – Abstimmung im Forum", True)
    ]
    assert [e["title"] for e in group_of(data, "AG Kommunikation")["escalations"]] == ["Leerstand nutzen"]
    assert data["totals"]["escalations"] == 2


def test_votes_in_the_period_with_turnout_and_result(quarter, data):
    votes = {v["title"]: v for v in data["votes"]}
    assert set(votes) == {"Jobticket für alle?", "Schwerpunkt 2016"}  # not the February one
    decided = votes["Jobticket für alle?"]
    assert (decided["turnout"], decided["electorate"], decided["turnout_percent"], decided["passed"]) == (
        quarter.votes["v1"].participations.count(), 10, 60.0, True,
    )  # fmt: skip
    running = votes["Schwerpunkt 2016"]
    assert (running["turnout"], running["closed"], running["passed"]) == (3, None, None)  # July ballot later
    assert (data["totals"]["votes"], data["totals"]["votes_closed"], data["totals"]["votes_passed"]) == (
        2,
        1,
        1,
    )


def test_seals_awarded_expired_and_revoked_in_the_period(quarter, data):
    seals = data["seals"]
    assert [s["organisation"] for s in seals["awarded"]] == ["Siegelträger 0"]
    assert [s["organisation"] for s in seals["expired"]] == ["Siegelträger 1"]
    assert [(s["organisation"], s["reason"]) for s in seals["revoked"]] == [
        ("Siegelträger 2", "Produktion verlagert")
    ]


def test_events_with_registrations_and_attendance(quarter, data):
    registrations = quarter.event.registrations
    assert data["events"] == [
        {
            "id": quarter.event.pk,
            "title": "Treffen im Juni",
            "starts": "2015-06-24T16:00+02:00",
            "venue": "VUV, Aachen",
            "host": "",
            "capacity": None,
            "confirmed": registrations.filter(status="confirmed").count(),
            "waiting": registrations.filter(status="waiting").count(),
            "attended": registrations.filter(attended=True).count(),
        }
    ]
    assert (data["totals"]["event_confirmed"], data["totals"]["event_attended"]) == (4, 3)


def test_forum_membership_at_start_and_end_by_kind_of_organisation(quarter, data):
    from workgroups.models import Membership

    members = Membership.objects.filter(body=quarter.world.forum, role="member")

    def count_at(moment, **kind):
        alive = members.filter(Q(joined_at__lt=moment), Q(left_at__isnull=True) | Q(left_at__gte=moment))
        return alive.filter(**kind)

    membership = data["membership"]
    assert membership["people_start"] == count_at(BEGIN).count() == 3
    assert membership["people_end"] == count_at(UNTIL).count() == 3
    assert (membership["joined"], membership["left"], membership["growth"]) == (1, 1, 0)
    companies_end = (
        count_at(UNTIL, user__organisation__kind="company").values("user__organisation").distinct()
    )
    assert (membership["company_start"], membership["company_end"]) == (1, companies_end.count()) == (1, 2)
    assert (membership["intermediary_start"], membership["intermediary_end"]) == (1, 1)


def test_an_english_speaker_gets_english_labels(quarter):
    with translation.override("en"):
        data = report_figures(start=START, end=END)
    assert [t["name"] for t in data["themes"]] == ["Communication", "Skilled workers"]
    assert data["language"] == "en"
