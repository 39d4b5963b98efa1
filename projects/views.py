from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import parse_etags
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from guardian.core import ObjectPermissionChecker

from core.errors import DomainError
from core.forms import add_service_errors
from workflows.selectors import workflow_panel
from workflows.services.records import subject_read_locked
from workflows.views import workflow_transition_respond
from workgroups.selectors import body_get_for_user

from . import selectors, services
from .forms import CommentForm, MoveForm, MyTasksFilter, ProjectForm, TaskForm
from .models import Project, Task
from .permissions import project_state_allows, project_state_notice, task_permissions
from .workflow import project_roles_annotated, project_roles_annotations


def _project_context(request, project):
    # One checker answers all three questions from one fetch (user.has_perm fetches each time).
    perms = ObjectPermissionChecker(request.user)
    may_change = perms.has_perm("projects.change_project", project)
    may_add_task = perms.has_perm("projects.add_task_to_project", project)
    return {
        "project": project,
        "may_change": may_change,
        "may_add_task": may_add_task,
        "can_change": may_change and project_state_allows(project, "project.change"),
        "can_add_task": may_add_task and project_state_allows(project, "task.create"),
        "can_archive": perms.has_perm("projects.archive_project", project),
        "state_notice": project_state_notice(project),
    }


@login_required
def project_list(request):
    projects = selectors.projects_listed(user=request.user).filter(archived_at__isnull=True)
    return render(request, "projects/project_list.html", {"projects": projects})


@login_required
def project_detail(request, pk):
    project = selectors.project_get_for_user(user=request.user, pk=pk, summary_only_ok=True)
    if not project.full_access:
        return render(request, "projects/project_summary.html", {"project": project})
    context = _project_context(request, project)
    context["partners"] = project.partner_organisations.all()
    context.update(
        workflow_panel(
            subject=project,
            user=request.user,
            action_url=reverse("projects:transition", kwargs={"pk": project.pk}),
        )
    )
    return render(request, "projects/project_detail.html", context)


@require_POST
@login_required
def project_transition(request, pk):
    # project_get_for_user, locked, with the person's workflow roles read in the same query: the
    # transition takes this copy, so the project is read once.
    try:
        with transaction.atomic():
            project = (
                selectors.projects_visible(user=request.user)
                .annotate(**project_roles_annotations(request.user))
                .select_for_update(of=("self",))
                .filter(pk=pk)
                .first()
            )
            if project is None:
                raise Http404
            return workflow_transition_respond(
                request,
                subject=subject_read_locked(project),
                action_url=reverse("projects:transition", kwargs={"pk": project.pk}),
                redirect_url=project.get_absolute_url(),
                state_badge=True,
                roles=project_roles_annotated(project),
            )
    except DomainError as exc:
        # Refused after its first write (an effect said no): all of it was rolled back. The page
        # is loaded again, with the reason, so it shows the project as it still is.
        messages.error(request, exc.reason)
        url = reverse("projects:detail", kwargs={"pk": pk})
        if request.htmx:
            response = HttpResponse(status=200)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


@login_required
def project_create(request, slug):
    body = body_get_for_user(user=request.user, slug=slug)
    if not request.user.has_perm("workgroups.create_project", body):
        raise PermissionDenied
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.project_create(workgroup=body, actor=request.user, **data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Projekt angelegt."))
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "body": body})


@login_required
def project_edit(request, pk):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("projects.change_project", project):
        raise PermissionDenied
    if request.method != "POST" and not project_state_allows(project, "project.change"):
        messages.error(request, project_state_notice(project))
        return redirect(project)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.project_update(project=project, actor=request.user, **data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Projekt gespeichert."))
            return redirect(project)
    return render(
        request, "projects/project_form.html", {"form": form, "body": project.workgroup, "project": project}
    )


@require_POST
@login_required
def project_archive(request, pk):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    try:
        services.project_archive(
            project=project, actor=request.user, archived=request.POST.get("restore") != "1"
        )
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect(project)
    messages.success(
        request, _("Projekt archiviert.") if project.archived_at is None else _("Projekt wiederhergestellt.")
    )
    return redirect(project)


_PK = 2_147_483_647  # stands for a task's id in a URL reversed once per page


def url_maker(name: str) -> Callable[[int], str]:
    """The URL `name` for a given pk, reversed once: hot lists build a URL per row from it."""
    head, tail = reverse(name, kwargs={"pk": _PK}).split(str(_PK))
    return lambda pk: f"{head}{pk}{tail}"


class BoardColumn(NamedTuple):
    value: str
    label: str
    cards: list[dict]
    total: int
    more: dict | None  # the link to the column's next cards, None when all are shown


def _board_cards(tasks) -> list[dict]:
    """The cards with what every card shares built once per page: the status options (one list
    per status, the current one selected), the URLs from their prefix, the label."""
    statuses = MoveForm.base_fields["status"].choices
    options = {
        current: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if value == current else "", label) for value, label in statuses),
        )
        for current, _label in statuses
    }
    detail_url, move_url = url_maker("projects:task"), url_maker("projects:task_move")
    label = _('Status von „%(title)s"')
    return [
        {
            "task": task,
            "url": detail_url(task.pk),
            "move_url": move_url(task.pk),
            "move_label": label % {"title": task.title},
            "options": options[task.status],
        }
        for task in tasks
    ]


def _board_shown(query) -> dict[str, int]:
    """How many cards of each column the reader has open (the board's URL, e.g. ?done=120),
    never fewer than a column shows at first nor more than BOARD_MOST; bad values are ignored."""
    shown = {}
    for value in Task.Status.values:
        try:
            count = int(query.get(value, ""))
        except ValueError:
            continue
        shown[value] = min(max(count, selectors.BOARD_FIRST[value]), selectors.BOARD_MOST)
    return shown


def _more_link(
    project_pk: int, value: str, *, showing: int, total: int, shown: dict[str, int]
) -> dict | None:
    """The link to a column's next cards once `showing` of its `total` are on the board: htmx
    loads them into the column, without JavaScript it opens the board with the column longer."""
    if showing >= total:
        return None
    step = selectors.BOARD_STEP[value]
    if total - showing <= step:
        label = _("Alle %(total)s anzeigen") % {"total": total}
    else:
        label = _("Weitere %(count)s laden") % {"count": step}
    query = {k: v for k, v in shown.items() if v > selectors.BOARD_FIRST[k]}
    query[value] = showing + step
    board_url = reverse("projects:board", kwargs={"pk": project_pk})
    column_url = reverse("projects:board_column", kwargs={"pk": project_pk, "status": value})
    return {
        "label": label,
        "showing": showing,
        "total": total,
        "href": f"{board_url}?{urlencode(query)}#column-{value}",
        "hx": f"{column_url}?{urlencode({'offset': showing})}",
    }


def _board_columns(project: Project, shown: dict[str, int]) -> list[BoardColumn]:
    columns = selectors.board_columns(project=project, shown=shown)
    return [
        BoardColumn(
            value,
            label,
            _board_cards(tasks),
            total,
            _more_link(project.pk, value, showing=len(tasks), total=total, shown=shown),
        )
        for value, label, tasks, total in columns
    ]


# How often an open board asks whether it changed (static/js/board-live.js); README "Live board".
BOARD_POLL_MS = 4000


def board_etag(*, user, pk: int, version: int, sequence: int, may_change: bool, may_add_task: bool) -> str:
    """What an open board shows depends on: the board's version, the project's workflow step (its
    state decides what may be done), the reader (language, rights). Equal tags, equal board; the
    columns' lengths are in the URL."""
    reader = f"{user.pk}-{get_language()}-{may_change:d}{may_add_task:d}"
    return f'"board-{pk}-{version}-{sequence}-{reader}"'


def _board_context(request, project, task_form=None):
    context = _project_context(request, project)
    shown = _board_shown(request.GET)
    context["columns"] = _board_columns(project, shown)
    context["board_etag"] = board_etag(
        user=request.user,
        pk=project.pk,
        version=project.board_version,
        sequence=project.workflow_sequence,
        may_change=context["may_change"],
        may_add_task=context["may_add_task"],
    )
    context["live_interval_ms"] = BOARD_POLL_MS
    context["task_form"] = task_form or TaskForm(members=selectors.project_members(project=project))
    return context


@login_required
def board(request, pk):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    task_form = None
    if request.method == "POST":
        task_form = TaskForm(request.POST, members=selectors.project_members(project=project))
        if task_form.is_valid():
            try:
                services.task_create(project=project, actor=request.user, **task_form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                add_service_errors(task_form, exc)
            else:
                messages.success(request, _("Aufgabe angelegt."))
                return redirect("projects:board", pk=project.pk)
    return render(request, "projects/board.html", _board_context(request, project, task_form))


@require_GET
@login_required
def board_live(request, pk):
    """The board for an open board page that asks whether it changed: 304 while its ETag still
    holds (one query after the session's), else the board fragment with its new tag."""
    version, sequence, held = selectors.board_stamp(user=request.user, pk=pk)
    etag = board_etag(
        user=request.user,
        pk=pk,
        version=version,
        sequence=sequence,
        may_change="change_project" in held,
        may_add_task="add_task_to_project" in held,
    )
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        project = selectors.project_get_for_user(user=request.user, pk=pk)
        context = _board_context(request, project)
        response = render(request, "projects/_board.html", context)
        etag = context["board_etag"]
    response["ETag"] = etag
    # The browser keeps no copy: the page asks with its own tag and swaps only a new board.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
@vary_on_headers("HX-Request")
def board_column(request, pk, status):
    """A column's next cards after its first `offset` (the "more" link, htmx), with the link
    after them; without htmx the board with that column longer."""
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    if status not in Task.Status.values:
        raise Http404
    try:
        offset = min(max(int(request.GET.get("offset", "0")), 0), selectors.BOARD_MOST)
    except ValueError:
        offset = 0
    if not request.htmx:
        query = urlencode({status: offset + selectors.BOARD_STEP[status]})
        return redirect(f"{reverse('projects:board', kwargs={'pk': pk})}?{query}#column-{status}")
    tasks, total = selectors.board_column_slice(
        project=project, status=status, offset=offset, limit=selectors.BOARD_STEP[status]
    )
    context = _project_context(request, project)
    context["cards"] = _board_cards(tasks)
    context["value"] = status
    context["more"] = _more_link(pk, status, showing=offset + len(tasks), total=total, shown={})
    return render(request, "projects/_board_column_more.html", context)


def _place_announcement(columns, task_pk: int) -> str:
    """„„Titel" steht jetzt in „In Arbeit", Platz 2 von 5." for the card, from the board as drawn."""
    for column in columns:
        for place, card in enumerate(column.cards, start=1):
            if card["task"].pk == task_pk:
                return _('„%(title)s" steht jetzt in „%(column)s", Platz %(place)d von %(count)d.') % {
                    "title": card["task"].title,
                    "column": column.label,
                    "place": place,
                    "count": column.total,
                }
    return ""


@require_POST
@login_required
def task_move(request, pk):
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    form = MoveForm(request.POST, project=task.project)
    error = ""
    if form.is_valid():
        try:
            services.task_move(task=task, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = exc.reason
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied:
            if not request.htmx:
                raise
            # A drop of someone who may only read: the card goes back, with the reason.
            error = _("Sie dürfen diese Karte nicht verschieben.")
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    if request.htmx:
        project = selectors.project_get_for_user(user=request.user, pk=task.project_id)
        context = _board_context(request, project)
        context["board_error"] = error
        context["board_status"] = "" if error else _place_announcement(context["columns"], task.pk)
        return render(request, "projects/_board_moved.html", context)
    if error:
        messages.error(request, error)
    return redirect("projects:board", pk=task.project_id)


@login_required
def task_detail(request, pk):
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    members = selectors.project_members(project=task.project)
    perms = task_permissions(request.user, task)
    may_change = "change_task" in perms
    form = TaskForm(
        members=members,
        initial={
            "title": task.title,
            "description": task.description,
            "assignee": task.assignee,
            "due_date": task.due_date,
            "priority": task.priority,
        },
    )
    comment_form = CommentForm()
    if request.method == "POST" and request.POST.get("action") == "comment":
        comment_form = CommentForm(request.POST)
        if comment_form.is_valid():
            try:
                services.comment_create(task=task, actor=request.user, body=comment_form.cleaned_data["body"])
            except (ValidationError, DomainError) as exc:
                add_service_errors(comment_form, exc)
            else:
                return redirect(task)
    elif request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = TaskForm(request.POST, members=members)
        if form.is_valid():
            try:
                services.task_update(task=task, actor=request.user, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Aufgabe gespeichert."))
                return redirect(task)
    return render(
        request,
        "projects/task_detail.html",
        {
            "task": task,
            "form": form,
            "comment_form": comment_form,
            "can_change": may_change and project_state_allows(task.project, "task.change"),
            "can_comment": "comment_task" in perms and project_state_allows(task.project, "comment.create"),
            "can_delete": "delete_task" in perms and project_state_allows(task.project, "task.delete"),
            "state_notice": project_state_notice(task.project),
            "comments": selectors.comments_of(task=task),
        },
    )


@require_POST
@login_required
def task_delete(request, pk):
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    project_id = task.project_id
    try:
        services.task_delete(task=task, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.reason)
        return redirect(task)
    messages.success(request, _("Aufgabe gelöscht."))
    return redirect("projects:board", pk=project_id)


@login_required
def my_tasks(request):
    groups = list(selectors.user_group_slugs(user=request.user))
    form = MyTasksFilter(request.GET or None, groups=groups)
    if form.is_bound and not form.is_valid():
        # A group the person is not in answers like one that does not exist: nothing, and the
        # same sentence, never the unfiltered list.
        tasks = []
    else:
        filters = form.cleaned_data if form.is_bound else {}
        tasks = selectors.tasks_for_user(
            user=request.user,
            scope=filters.get("scope") or "mine",
            group=filters.get("group") or None,
            status=filters.get("status") or None,
            due=filters.get("due") or None,
        )[:500]
    task_url = url_maker("projects:task")
    rows = [(task, task_url(task.pk)) for task in tasks]
    return render(request, "projects/my_tasks.html", {"form": form, "rows": rows})


@login_required
def search(request):
    query = request.GET.get("q", "")[:200]
    results = selectors.search(user=request.user, query=query)
    return render(request, "projects/search.html", {"query": query, "results": results})
