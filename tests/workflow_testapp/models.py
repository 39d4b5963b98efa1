from django.conf import settings
from django.db import models

from workflows.models import WorkflowSubject


class Ticket(WorkflowSubject):
    """A subject with the simplest role mapping: a row per person and role."""

    title = models.CharField(max_length=200)
    ready = models.BooleanField(default=True)  # what the `ticket_ready` guard reads
    touched = models.PositiveIntegerField(default=0)  # counted up by the `ticket_touch` effect

    def __str__(self) -> str:
        return self.title

    def workflow_roles(self, user) -> set[str]:
        return set(self.roles.filter(user=user).values_list("role", flat=True))

    def workflow_role_holders(self, role: str):
        from accounts.models import User

        return User.objects.filter(ticket_roles__ticket=self, ticket_roles__role=role)

    def workflow_notification_data(self) -> dict[str, str]:
        return {"title": self.title, "url": f"/tickets/{self.pk}/", "group": "AG Test", "project": self.title}


class TicketRole(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_roles")
    role = models.CharField(max_length=16)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user", "role"], name="ticket_role_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role}"
