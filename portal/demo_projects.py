"""Demo projects: the four projects of the council paper, with realistic tasks."""

import datetime

from accounts.models import Organisation, User
from projects.models import Project, Task
from projects.services import project_create as create
from projects.services import task_create, task_move
from workgroups.models import Body

PROJECTS = [
    {
        "group": "ag-fachkraefte",
        "type": Project.Type.JOBTICKET,
        "title": "Jobticket",
        "summary": "Ein Jobticket für den öffentlichen Nahverkehr für die Beschäftigten der "
        "beteiligten Unternehmen.",
        "description": "## Vorgehen\n\n1. Bedarf in den Belegschaften erheben\n2. Mit dem "
        "Verkehrsverbund verhandeln\n3. Rahmenvertrag schließen und Beschäftigte einschreiben",
        "goals": "Mindestens 1.000 Beschäftigte aus zehn Unternehmen fahren mit dem Jobticket.",
        "partners": ["Continental Reifen", "3Win Maschinenbau", "Philips GmbH"],
        "tasks": [
            (
                "Fragebogen zur Mitarbeiterbefragung entwerfen",
                "ben.schmitz@example.org",
                14,
                Task.Status.DONE,
            ),
            (
                "Befragung in den Mitgliedsunternehmen verteilen",
                "ben.schmitz@example.org",
                28,
                Task.Status.IN_PROGRESS,
            ),
            (
                "Gesprächstermin mit dem Verkehrsverbund vereinbaren",
                "anna.becker@example.org",
                35,
                Task.Status.OPEN,
            ),
            ("Tarifmodelle anderer Städte vergleichen", "anna.becker@example.org", 42, Task.Status.OPEN),
        ],
    },
    {
        "group": "ag-kommunikation",
        "type": Project.Type.EXHIBITION,
        "title": 'Industrieausstellung „Gesicht zeigen"',
        "summary": "Eine Ausstellung der Aachener Industrie in leerstehenden Ladenlokalen der Innenstadt.",
        "description": "Unternehmen zeigen in leeren Ladenlokalen, was in Aachen produziert wird.",
        "goals": "Fünf Ladenlokale, zwanzig ausstellende Unternehmen, zwei Wochen Laufzeit.",
        "partners": ["Stadt Aachen, Fachbereich Wirtschaftsförderung / Europäische Angelegenheiten"],
        "tasks": [
            ("Leerstände in der Innenstadt erfassen", "eva.klein@example.org", 10, Task.Status.IN_PROGRESS),
            ("Ausstellungskonzept abstimmen", "eva.klein@example.org", 21, Task.Status.OPEN),
            ("Versicherungsfragen für Exponate klären", None, 30, Task.Status.OPEN),
        ],
    },
    {
        "group": "ag-technologietransfer",
        "type": Project.Type.INNOVATION_CLUSTER,
        "title": "Innovationscluster",
        "summary": "Ein Innovationscluster von Unternehmen und Forschungspartnern der Region.",
        "description": "Unternehmen und Hochschulinstitute entwickeln gemeinsam Projekte.",
        "goals": "Drei gemeinsame Forschungsprojekte im ersten Jahr.",
        "partners": ["Saint-Gobain Sekurit", "Ph-Mechanik"],
        "tasks": [
            (
                "Themenlandkarte der Forschungspartner erstellen",
                "eva.klein@example.org",
                20,
                Task.Status.OPEN,
            ),
            ("Auftaktworkshop planen", "eva.klein@example.org", 45, Task.Status.OPEN),
        ],
    },
    {
        "group": "ag-csr",
        "type": Project.Type.TEACHER_INTERNSHIPS,
        "title": "Lehrerpraktikanten in der Wirtschaft",
        "summary": "Praktika für Lehrerinnen und Lehrer in den Mitgliedsunternehmen.",
        "description": "Lehrkräfte lernen Betriebe kennen und tragen ihre Eindrücke in die Schulen.",
        "goals": "Zehn Praktikumsplätze in den Sommerferien.",
        "partners": ["Brammertz Schreinerei", "Theod. Mahr Söhne"],
        "tasks": [
            (
                "Schulen über das Angebot informieren",
                "carla.hoffmann@example.org",
                15,
                Task.Status.IN_PROGRESS,
            ),
            (
                "Praktikumsplätze bei Unternehmen einsammeln",
                "carla.hoffmann@example.org",
                30,
                Task.Status.OPEN,
            ),
        ],
    },
]


def seed_projects(
    *, bodies: dict[str, Body], people: dict[str, User], organisations: dict[str, Organisation]
) -> dict[str, Project]:
    """Create each demo project once, with its tasks, as the platform admin."""
    admin = people["admin@example.org"]
    today = datetime.date.today()
    result = {}
    for spec in PROJECTS:
        group = bodies[spec["group"]]
        project = Project.objects.filter(workgroup=group, title=spec["title"]).first()
        if project is None:
            project = create(
                workgroup=group,
                actor=admin,
                type=spec["type"],
                title=spec["title"],
                summary=spec["summary"],
                description=spec["description"],
                goals=spec["goals"],
                start_date=today,
                partner_organisations=[organisations[n] for n in spec["partners"]],
            )
            for title, assignee, days, status in spec["tasks"]:
                task = task_create(
                    project=project,
                    actor=admin,
                    title=title,
                    assignee=people.get(assignee),
                    due_date=today + datetime.timedelta(days=days),
                )
                if status != Task.Status.OPEN:
                    task_move(task=task, status=status, actor=admin)
        result[spec["type"]] = project
    return result
