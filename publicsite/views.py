"""The public pages: open to everyone, German and English, showing only what the initiative makes
public (publicsite/selectors.py chooses it in the database)."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.models import Organisation

from . import selectors

LANDING_SEALS = 12
LANDING_EVENTS = 5
LANDING_GROUPS_PER_THEME = 6
# The lists that grow with the initiative come in pages, so that a page costs the same for 40
# working groups or 400 (issue 12: each page's time independent of the size of the initiative).
GROUPS_PER_PAGE = 20
ORGANISATIONS_PER_PAGE = 100


def landing_context() -> dict:
    """What the front page shows everyone (portal's home renders it with publicsite/_landing.html)."""
    groups = list(selectors.workgroups_public(with_projects=False))
    for index, group in enumerate(groups):  # the page of the groups list that describes it
        group.public_page = index // GROUPS_PER_PAGE + 1
    return {
        # Each theme with its first groups and how many more there are (the page stays short).
        "themes": [
            (theme, theme_groups[:LANDING_GROUPS_PER_THEME], len(theme_groups[LANDING_GROUPS_PER_THEME:]))
            for theme, theme_groups in selectors.themes_with_groups(groups)
        ],
        "seals": selectors.seal_holders(limit=LANDING_SEALS),
        "events": selectors.events_upcoming(limit=LANDING_EVENTS),
        "organisation_count": selectors.organisations_public_count(),
    }


def about(request):
    return render(request, "publicsite/about.html", {"themes": selectors.themes_public()})


def groups(request):
    page = Paginator(selectors.workgroups_public(), GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "publicsite/groups.html",
        {"themes": selectors.themes_with_groups(page.object_list), "page_obj": page},
    )


def organisations(request):
    """Companies first, then the chambers, associations, universities and administration."""
    listed = Paginator(selectors.organisations_public(companies_first=True), ORGANISATIONS_PER_PAGE)
    page = listed.get_page(request.GET.get("page"))
    companies = [o for o in page.object_list if o.kind == Organisation.Kind.COMPANY]
    others = [o for o in page.object_list if o.kind != Organisation.Kind.COMPANY]
    context = {"companies": companies, "others": others, "page_obj": page}
    return render(request, "publicsite/organisations.html", context)
