"""Staff and admins use reports in the UI and the API; everyone else gets 404 (sign-in first if anonymous)."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reports.models import Report
from reports.services import report_create, report_issue
from tests.reports.conftest import END, START
from tests.world import ROLES


@pytest.fixture
def world(shared_world):
    """One world for the whole table (tests.conftest.shared_world)."""
    return shared_world


pytestmark = pytest.mark.django_db
ALLOWED = {"staff", "admin"}
OTHERS = [role for role in ROLES if role not in ALLOWED and role != "anonymous"]


@pytest.fixture
def report(quarter):
    with translation.override("de"):
        return report_create(
            start=START, end=END, title="Bericht Q2/2015", actor=quarter.world.people["staff"]
        )


def signed_in(client, world, role):
    if world.people[role] is not None:
        client.force_login(world.people[role])
    return client


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_staff_see_the_report_page_with_its_figures_and_charts(client, quarter, report, role):
    response = signed_in(client, quarter.world, role).get(reverse("reports:detail", kwargs={"pk": report.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bericht Q2/2015" in html and "AG Fachkräfte" in html and "Treffen im Juni" in html
    assert html.count("<svg") >= 3  # states, vote turnout, event attendance
    assert "<script" not in html.split("<main", 1)[-1].split("</main>", 1)[0]
    assert 'style="' not in html  # the chart obeys the Content-Security-Policy
    assert '<th scope="row">Projektschritte (Zustandswechsel)</th><td>5</td>' in html
    pdf = client.get(reverse("reports:pdf", kwargs={"pk": report.pk}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Bericht Q2/2015" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("name", ["list", "detail", "pdf"])
def test_everyone_else_gets_404_for_pages_and_pdf(client, quarter, report, role, name):
    kwargs = {} if name == "list" else {"pk": report.pk}
    response = signed_in(client, quarter.world, role).get(reverse(f"reports:{name}", kwargs=kwargs))
    assert response.status_code == 404


@pytest.mark.parametrize("role", OTHERS)
@pytest.mark.parametrize("name", ["regenerate", "issue", "delete"])
def test_everyone_else_gets_404_for_the_actions(client, quarter, report, role, name):
    url = reverse(f"reports:{name}", kwargs={"pk": report.pk})
    assert signed_in(client, quarter.world, role).post(url).status_code == 404
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT


def test_anonymous_is_sent_to_sign_in(client, report):
    response = client.get(reverse("reports:detail", kwargs={"pk": report.pk}))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_create_a_quarter_report_in_the_page_then_issue_it(client, quarter):
    client.force_login(quarter.world.people["staff"])
    response = client.post(reverse("reports:list"), {"start": "2015-04-01", "end": "2015-06-30", "title": ""})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.title == "Fortschrittsbericht 01.04.2015 bis 30.06.2015"
    client.post(reverse("reports:issue", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.is_issued
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Neu berechnen" not in page and "Herausgegeben am" in page
    response = client.post(reverse("reports:regenerate", kwargs={"pk": report.pk}), follow=True)
    assert "bleibt unverändert" in response.content.decode()


def test_the_form_offers_quarters_and_explains_a_wrong_period(client, quarter):
    client.force_login(quarter.world.people["staff"])
    page = client.get(reverse("reports:list")).content.decode()
    assert "Quartal" in page
    response = client.post(reverse("reports:list"), {"start": "2015-06-30", "end": "2015-04-01"})
    assert response.status_code == 200
    assert "Das Ende des Zeitraums liegt vor seinem Beginn." in response.content.decode()
    response = client.post(reverse("reports:list"), {"start": "2015-06-30"})
    assert "Wählen Sie ein Quartal oder geben Sie Beginn und Ende an." in response.content.decode()
    assert not Report.objects.exists()


class TestApi:
    @pytest.mark.parametrize("role", sorted(ALLOWED))
    def test_staff_create_regenerate_issue_and_download(self, api_client, quarter, role):
        api_client.force_authenticate(quarter.world.people[role])
        created = api_client.post(
            "/api/v1/reports/", {"start": "2015-04-01", "end": "2015-06-30", "title": "Q2"}, format="json"
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert body["status"] == "draft" and body["data"]["totals"]["steps"] == 5
        url = f"/api/v1/reports/{body['id']}/"
        assert api_client.get("/api/v1/reports/").json()["results"][0]["id"] == body["id"]
        assert "data" not in api_client.get("/api/v1/reports/").json()["results"][0]
        regenerated = api_client.post(url + "regenerate/", {"title": "Q2/2015"}, format="json")
        assert regenerated.status_code == 200 and regenerated.json()["title"] == "Q2/2015"
        issued = api_client.post(url + "issue/")
        assert issued.status_code == 200 and issued.json()["status"] == "issued"
        assert api_client.post(url + "regenerate/", {}, format="json").status_code == 409
        assert api_client.post(url + "issue/").status_code == 409
        assert api_client.delete(url).status_code == 409
        pdf = api_client.get(url + "pdf/")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert "Q2/2015" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
        assert api_client.get(url).json()["data"]["totals"] == body["data"]["totals"]

    def test_bad_input_is_a_400_with_field_messages(self, api_client, quarter):
        api_client.force_authenticate(quarter.world.people["staff"])
        response = api_client.post("/api/v1/reports/", {"start": "gestern", "title": ""}, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {"start", "end", "title"}
        response = api_client.post(
            "/api/v1/reports/", {"start": "2015-06-30", "end": "2015-04-01", "title": "Q2"}, format="json"
        )
        assert response.status_code == 400 and "vor seinem Beginn" in response.json()["detail"]
        assert not Report.objects.exists()

    def test_a_draft_can_be_deleted(self, api_client, quarter, report):
        api_client.force_authenticate(quarter.world.people["staff"])
        assert api_client.delete(f"/api/v1/reports/{report.pk}/").status_code == 204
        assert not Report.objects.exists()

    @pytest.mark.parametrize("role", OTHERS)
    def test_everyone_else_gets_404(self, api_client, quarter, report, role):
        api_client.force_authenticate(quarter.world.people[role])
        base = f"/api/v1/reports/{report.pk}/"
        assert api_client.get("/api/v1/reports/").status_code == 404
        assert api_client.get(base).status_code == 404
        pdf = api_client.get(base + "pdf/")
        assert pdf.status_code == 404 and pdf["Content-Type"] == "application/json"
        assert api_client.post(base + "regenerate/", {}, format="json").status_code == 404
        assert api_client.post(base + "issue/").status_code == 404
        assert api_client.delete(base).status_code == 404
        assert (
            api_client.post(
                "/api/v1/reports/", {"start": "2015-04-01", "end": "2015-06-30", "title": "x"}, format="json"
            ).status_code
            == 404
        )
        report.refresh_from_db()
        assert report.status == Report.Status.DRAFT

    def test_anonymous_must_sign_in(self, api_client, report):
        assert api_client.get("/api/v1/reports/").status_code in (401, 403)

    def test_an_issued_report_reads_the_same_after_the_data_changed(self, api_client, quarter, report):
        from tests.reports.conftest import at, give_history

        staff = quarter.world.people["staff"]
        report_issue(report=report, actor=staff)
        api_client.force_authenticate(staff)
        before = api_client.get(f"/api/v1/reports/{report.pk}/").json()["data"]
        give_history(quarter.projects["delta"], "generic", [(at(2015, 6, 2), "execution")])
        assert api_client.get(f"/api/v1/reports/{report.pk}/").json()["data"] == before


@pytest.mark.parametrize(
    "role, shown", [("staff", True), ("admin", True), ("member", False), ("steering", False)]
)
def test_the_navigation_leads_staff_to_the_reports(client, world, role, shown):
    client.force_login(world.people[role])
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert (f'href="{reverse("reports:list")}"' in page) is shown
