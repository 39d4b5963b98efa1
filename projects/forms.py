from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User

from .models import Project, Task
from .positions import UNPLACED, Place


class DateInput(forms.DateInput):
    """<input type="date"> wants its value as 2026-12-15, whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format=format)


class ProjectForm(forms.ModelForm):
    partner_organisations = forms.ModelMultipleChoiceField(
        label=_("Partnerorganisationen"),
        queryset=Organisation.objects.filter(is_confirmed=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Project
        fields = [
            "type",
            "title",
            "summary",
            "description",
            "goals",
            "start_date",
            "end_date",
            "partner_organisations",
            "is_public",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "goals": forms.Textarea(attrs={"rows": 4}),
        }


class ListSelect(forms.Select):
    """A select of a long list (a group's members) drawn in Python: the same markup as Django's
    template, without a template rendered per option (most of the board's form before)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, group_options, _index in widget["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    assignee = forms.ModelChoiceField(
        label=_("Zuständig"), queryset=User.objects.none(), required=False, widget=ListSelect
    )
    due_date = forms.DateField(
        label=_("Fällig am"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Bitte ein Datum wie 2015-06-24 angeben.")},
    )
    priority = forms.TypedChoiceField(
        label=_("Priorität"), choices=Task.Priority.choices, coerce=int, initial=Task.Priority.NORMAL
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["assignee"].queryset = members


class MoveForm(forms.Form):
    """Where a card goes: a column and, from a drop or the move menu, the card it goes below."""

    UNKNOWN_STATUS = _("Unbekannter Status.")

    status = forms.ChoiceField(choices=Task.Status.choices, error_messages={"invalid_choice": UNKNOWN_STATUS})
    # Empty or absent: no place asked for (the select form); "top": the column's top; else a card's id.
    after = forms.CharField(required=False, max_length=20)
    # The column the card was in when the reader's board was drawn.
    expected_status = forms.ChoiceField(
        choices=Task.Status.choices, required=False, error_messages={"invalid_choice": UNKNOWN_STATUS}
    )

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_after(self) -> Task | None | Place:
        value = self.cleaned_data["after"].strip()
        if not value:
            return UNPLACED
        if value == "top":
            return None
        after = None
        if value.isascii() and value.isdigit() and int(value) < 2**31:
            after = Task.objects.filter(pk=int(value), project=self.project).only("project_id").first()
        if after is None:
            raise forms.ValidationError(
                _("Die Karte, unter die sie verschoben werden soll, gehört nicht zu diesem Projekt.")
            )
        return after

    def clean_expected_status(self) -> str | None:
        return self.cleaned_data["expected_status"] or None


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Kommentar"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class MyTasksFilter(forms.Form):
    scope = forms.ChoiceField(
        label=_("Aufgaben"),
        required=False,
        choices=[("mine", _("mir zugewiesen")), ("all", _("alle meiner Gruppen"))],
    )
    group = forms.ChoiceField(label=_("Arbeitsgruppe"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle"))] + list(Task.Status.choices)
    )
    due = forms.ChoiceField(
        label=_("Fälligkeit"),
        required=False,
        choices=[
            ("", _("alle")),
            ("overdue", _("überfällig")),
            ("week", _("in den nächsten 7 Tagen")),
            ("none", _("ohne Datum")),
        ],
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("alle"))] + list(groups)
