from django.db.models import F

from workflows.registry import register_effect, register_guard


@register_guard("ticket_ready")
def ticket_ready(ctx) -> str | None:
    return None if ctx.subject.ready else "Das Ticket ist noch nicht bereit."


@register_effect("ticket_touch")
def ticket_touch(ctx) -> None:
    type(ctx.subject).objects.filter(pk=ctx.subject.pk).update(touched=F("touched") + 1)
