from django.contrib import admin

from workflows.admin import WorkflowSubjectAdminMixin

from .models import Ticket


@admin.register(Ticket)
class TicketAdmin(WorkflowSubjectAdminMixin, admin.ModelAdmin):
    list_display = ["title", "state"]
