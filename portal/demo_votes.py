"""Demo escalations and forum votes, all through the services: who votes for which organisation,
topics of the working groups in every state of their workflow, an open ranked-choice vote and a
closed, secret yes/no vote of the member organisations with its stored result."""

import datetime

from django.utils import timezone

from accounts.models import Organisation, User
from escalations.models import Escalation
from escalations.services import escalation_create, escalation_review, escalation_transition
from projects.models import Project
from votes.models import Delegation, Vote
from votes.services import ballot_cast, delegation_set, vote_close, vote_create
from workgroups.models import Body

# Organisation → (representative, deputy) among the named demo people.
NAMED_DELEGATIONS = [
    ("3Win Maschinenbau", "anna.becker@example.org"),
    ("Continental Reifen", "ben.schmitz@example.org"),
    ("Brammertz Schreinerei", "carla.hoffmann@example.org"),
    ("Philips GmbH", "david.wagner@example.org"),
    ("Theod. Mahr Söhne", "felix.meyer@example.org"),
]

THEMES_VOTE = "Welche Themen soll das Forum 2016 vorrangig bearbeiten?"
THEMES = [
    "Fachkräftesicherung",
    "Innovation und Technologietransfer",
    "Sichtbarkeit der Industrie in der Stadt",
    "Corporate Social Responsibility",
    "Flächen für Industrie und Gewerbe",
]
# Rankings of the first generated forum members (option positions, best first, tiers as lists).
THEME_RANKINGS = [
    [[0], [1], [2]],
    [[0], [2], [1]],
    [[1], [0], [4]],
    [[0, 1], [3]],
    [[2], [0], [1], [3], [4]],
    [[4], [0]],
    [[0], [4], [1]],
    [[1], [2], [0]],
    [[0], [3], [2]],
    [[3], [0], [1]],
    [[0], [1]],
    [[2, 4], [0]],
]

MEETINGS_VOTE = "Soll das Forum künftig zweimal im Jahr tagen statt einmal?"
MEETINGS_CHOICES = [0] * 9 + [1] * 4 + [2] * 2  # Ja, Nein, Enthaltung by position

ESCALATIONS = [
    # group, chair, title, state, extra fields
    (
        "ag-fachkraefte",
        "anna.becker@example.org",
        "Jobticket: Arbeitgeberzuschuss von 15 Euro im Monat",
        "approved",
        {
            "rationale": "Die Befragung zeigt: mit einem Zuschuss der Arbeitgeber würden doppelt so viele "
            "Beschäftigte das Jobticket nutzen. Der Verkehrsverbund bietet den Rahmenvertrag nur an, "
            "wenn sich mindestens zehn Unternehmen verpflichten.",
            "decision": "Empfiehlt das Forum seinen Mitgliedsunternehmen, das Jobticket mit 15 Euro "
            "im Monat je Beschäftigtem zu bezuschussen?",
            "project": "jobticket",
            "vote_days": 14,
        },
    ),
    (
        "ag-fachkraefte",
        "anna.becker@example.org",
        "Gemeinsame Ausbildungsbörse im Herbst",
        "draft",
        {
            "rationale": "Viele Mitgliedsunternehmen suchen Auszubildende; eine gemeinsame Börse erreicht "
            "mehr Schulabgängerinnen und Schulabgänger als einzelne Auftritte.",
            "decision": "Wo soll die erste gemeinsame Ausbildungsbörse stattfinden?",
            "method": Vote.Method.SINGLE,
            "options": ["Eurogress Aachen", "Tivoli", "Super C der RWTH"],
            "vote_days": 10,
        },
    ),
    (
        "ag-csr",
        "carla.hoffmann@example.org",
        "Lehrerpraktika auch in den Herbstferien",
        "submitted",
        {
            "rationale": "Im Sommer waren alle zehn Plätze schnell vergeben; die Schulen fragen nach einem "
            "zweiten Termin.",
            "decision": "Bieten die Mitgliedsunternehmen Lehrerpraktika auch in den Herbstferien an?",
            "project": "lehrerpraktika",
            "vote_days": 14,
        },
    ),
    (
        "ag-csr",
        "carla.hoffmann@example.org",
        "Gemeinsamer Social Day aller Mitgliedsunternehmen",
        "returned",
        {
            "rationale": "Ein Tag im Jahr, an dem Beschäftigte aller Unternehmen gemeinsam in sozialen "
            "Einrichtungen der Stadt mit anpacken.",
            "decision": "Richtet der Industrie-Dialog einen jährlichen Social Day aus?",
            "vote_days": 21,
            "vote_secret": True,
        },
    ),
    (
        "ag-fachkraefte",
        "anna.becker@example.org",
        "Verbindliche Ausbildungsquote für Mitglieder",
        "refused",
        {
            "rationale": "Wer im Forum mitwirkt, soll auch ausbilden.",
            "decision": "Verpflichten sich die Mitgliedsunternehmen auf eine Ausbildungsquote "
            "von fünf Prozent?",
            "vote_days": 14,
        },
    ),
]


def seed_votes(
    *,
    people: dict[str, User],
    bodies: dict[str, Body],
    organisations: dict[str, Organisation],
    projects: dict[str, Project],
) -> dict[str, Vote]:
    """Delegations, escalations and votes, each created once; returns the demo votes by title."""
    staff = people["eva.klein@example.org"]
    _delegations(staff=staff, people=people, organisations=organisations)
    by_slug = {"jobticket": Project.Type.JOBTICKET, "lehrerpraktika": Project.Type.TEACHER_INTERNSHIPS}
    for slug, chair_email, title, state, fields in ESCALATIONS:
        group = bodies[slug]
        if Escalation.objects.filter(workgroup=group, title=title).exists():
            continue
        fields = dict(fields)
        if "project" in fields:
            fields["project"] = projects[by_slug[fields["project"]]]
        _escalation(
            group=group,
            chair=people[chair_email],
            steering=people["david.wagner@example.org"],
            title=title,
            state=state,
            fields=fields,
        )
    members = list(User.objects.filter(email__startswith="forum").order_by("email"))
    votes = {
        THEMES_VOTE: _themes_vote(steering=people["david.wagner@example.org"], voters=members),
        MEETINGS_VOTE: _meetings_vote(staff=staff),
    }
    escalated = Escalation.objects.filter(vote__isnull=False).select_related("vote").first()
    if escalated is not None:
        votes[escalated.vote.title] = escalated.vote
        if not escalated.vote.participations.exists():
            for voter, choice in zip(members[12:30], [0] * 11 + [1] * 5 + [2] * 2, strict=False):
                ballot_cast(vote=escalated.vote, actor=voter, choices=[choice])
    return votes


def _delegations(*, staff: User, people: dict[str, User], organisations: dict[str, Organisation]) -> None:
    for name, email in NAMED_DELEGATIONS:
        organisation = organisations[name]
        if not Delegation.objects.filter(organisation=organisation).exists():
            delegation_set(actor=staff, organisation=organisation, representative=people[email], deputy=None)
    # The generated forum members' firms: the first of each firm represents it, the second deputises.
    for organisation in Organisation.objects.filter(
        members__email__startswith="forum", delegation__isnull=True
    ).distinct():
        staffers = list(organisation.members.filter(email__startswith="forum").order_by("email")[:2])
        delegation_set(
            actor=staff,
            organisation=organisation,
            representative=staffers[0],
            deputy=staffers[1] if len(staffers) > 1 else None,
        )


def _escalation(*, group: Body, chair: User, steering: User, title: str, state: str, fields: dict) -> None:
    escalation = escalation_create(workgroup=group, actor=chair, title=title, **fields)
    if state == "draft":
        return
    escalation_transition(escalation=escalation, actor=chair, name="submit")
    escalation.refresh_from_db()
    if state == "approved":
        escalation_review(
            escalation=escalation,
            actor=steering,
            verdict="approve",
            reason="Gut vorbereitet; das Forum sollte darüber entscheiden.",
        )
    elif state == "submitted":
        escalation_review(
            escalation=escalation,
            actor=steering,
            verdict="object",
            reason="Bitte erst die Rückmeldung der Schulen zum Sommertermin abwarten.",
        )
    elif state == "returned":
        escalation_transition(
            escalation=escalation,
            actor=steering,
            name="return",
            comment="Bitte Kosten und einen Terminvorschlag ergänzen, dann legen wir es gern vor.",
        )
    elif state == "refused":
        escalation_transition(
            escalation=escalation,
            actor=steering,
            name="refuse",
            comment="Eine Pflicht passt nicht zu einer freiwilligen Initiative; gern als Empfehlung neu.",
        )


def _themes_vote(*, steering: User, voters: list[User]) -> Vote:
    vote = Vote.objects.filter(title=THEMES_VOTE).first()
    if vote is not None:
        return vote
    vote = vote_create(
        actor=steering,
        title=THEMES_VOTE,
        description="Die Steuerteams schlagen fünf Schwerpunkte vor. Ordnen Sie sie nach Ihrer Priorität; "
        "gezählt wird nach der Schulze-Methode.",
        method=Vote.Method.SCHULZE,
        options=THEMES,
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    for voter, ranking in zip(voters, THEME_RANKINGS, strict=False):
        ballot_cast(vote=vote, actor=voter, ranking=ranking)
    return vote


def _meetings_vote(*, staff: User) -> Vote:
    vote = Vote.objects.filter(title=MEETINGS_VOTE).first()
    if vote is not None:
        return vote
    now = timezone.now()
    vote = vote_create(
        actor=staff,
        title=MEETINGS_VOTE,
        description="Bisher tagt das Forum einmal im Jahr. Ein zweiter Termin im Herbst würde die "
        "Arbeitsgruppen enger an das Forum binden.",
        method=Vote.Method.YES_NO_ABSTAIN,
        electorate_kind=Vote.ElectorateKind.ORGANISATIONS,
        opens_at=now,
        closes_at=now + datetime.timedelta(minutes=2),
        quorum_kind=Vote.QuorumKind.SHARE,
        quorum_value=50,
        secret=True,
    )
    electors = list(vote.electors.select_related("representative", "deputy").order_by("organisation_id"))
    for elector, choice in zip(electors, MEETINGS_CHOICES, strict=False):
        ballot_cast(vote=vote, actor=elector.representative or elector.deputy, choices=[choice])
    # The demo cannot wait for the closing time: it closes the vote as the closing task would then.
    vote_close(vote=vote, now=vote.closes_at)
    vote.refresh_from_db()
    return vote
