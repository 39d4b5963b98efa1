from django.db import transaction

from ..models import Body, Theme
from ..permissions import body_grant_permissions


@transaction.atomic
def body_create(
    *,
    kind: str,
    name: str,
    slug: str,
    parent: Body | None = None,
    theme: Theme | None = None,
    description: str = "",
) -> Body:
    """Create a body and grant its role groups their permissions."""
    body = Body(kind=kind, name=name, slug=slug, parent=parent, theme=theme, description=description)
    body.full_clean()
    body.save()
    body_grant_permissions(body)
    return body
