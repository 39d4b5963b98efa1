"""Putting errors raised by services onto the form the person filled in."""

from django import forms
from django.core.exceptions import ValidationError

from .errors import DomainError


def add_service_errors(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Show a service's refusal on the form: field errors where it names fields, else at the top."""
    if isinstance(exc, DomainError):
        form.add_error(None, exc.reason)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
