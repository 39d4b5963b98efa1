from django.core import checks

from .models import WorkflowSubject, subject_models


def subjects_implement_protocol(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Every workflow subject says who holds which role; without it nobody could take a step."""
    errors = []
    for model in subject_models():
        for method in ("workflow_roles", "workflow_role_holders"):
            if getattr(model, method) is getattr(WorkflowSubject, method):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} is a WorkflowSubject but does not implement {method}()",
                        hint="See workflows/README.md, 'Putting a model on the engine'.",
                        obj=model,
                        id="workflows.E001",
                    )
                )
    return errors
