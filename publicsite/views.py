"""The public pages: open to everyone, German and English, showing only what the initiative makes
public (publicsite/selectors.py chooses it in the database)."""

from django.shortcuts import render

from accounts.models import Organisation

from . import selectors

LANDING_SEALS = 12
LANDING_EVENTS = 5


def landing_context() -> dict:
    """What the front page shows everyone (portal's home renders it with publicsite/_landing.html)."""
    return {
        "themes": selectors.themes_with_groups(selectors.workgroups_public(with_projects=False)),
        "seals": selectors.seal_holders(limit=LANDING_SEALS),
        "events": selectors.events_upcoming(limit=LANDING_EVENTS),
        "organisation_count": selectors.organisations_public_count(),
    }


def about(request):
    return render(request, "publicsite/about.html", {"themes": selectors.themes_public()})


def groups(request):
    return render(
        request,
        "publicsite/groups.html",
        {"themes": selectors.themes_with_groups(selectors.workgroups_public())},
    )


def organisations(request):
    listed = list(selectors.organisations_public())
    companies = [o for o in listed if o.kind == Organisation.Kind.COMPANY]
    others = [o for o in listed if o.kind != Organisation.Kind.COMPANY]
    return render(request, "publicsite/organisations.html", {"companies": companies, "others": others})
