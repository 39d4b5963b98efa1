"""`make bench`, the committee report: its figures and its PDF for a quarter at `seed_load --scale 1`.

In a database of its own (PostgreSQL `<DATABASE_URL's name>_report` on the server of DATABASE_URL,
created and dropped again, else a temporary SQLite file) it loads the synthetic dataset
(`seed_load --scale BENCH_SCALE`), then gives the last full quarter something to report: every
project's start moves a month before the quarter and each project takes one to three workflow
steps inside it; tasks with a due date that are done were done in it; BENCH_REPORT_VOTES (8)
closed forum votes with the whole forum as electorate and about half of it voting,
BENCH_REPORT_EVENTS (10) events with 60 registrations each, BENCH_REPORT_SEALS (40) seals
awarded, expiring or revoked in it, a tenth of the forum joining or leaving in it.

It measures, BENCH_REPORT_RUNS (5) times each, median and worst:
1. the figures (`reports.selectors.report_figures`), with their number of queries;
2. the PDF (`reports.pdf.render_report_pdf`) from those figures, with its pages and bytes;
3. the whole draft (`reports.services.report_create`: figures, PDF and the stored row).
Aim: the whole draft under 5 s. Prints a table; writes bench/results/report-<sqlite|postgresql>.json.
Exits 1 when something fails (a missed aim is reported, not an error).
"""

import datetime
import io
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from run import ROOT, BenchError, env_float, log, manage, scratch_drop, scratch_env, setup_django

RESULTS = ROOT / "bench" / "results"
SCALE = env_float("BENCH_SCALE", 1.0)
RUNS = int(env_float("BENCH_REPORT_RUNS", 5))
VOTES = int(env_float("BENCH_REPORT_VOTES", 8))
EVENTS = int(env_float("BENCH_REPORT_EVENTS", 10))
SEALS = int(env_float("BENCH_REPORT_SEALS", 40))
AIM_SECONDS = 5.0
SEED = 2015


def moment_in(rng: random.Random, period) -> datetime.datetime:
    return period.begin_at + (period.end_before - period.begin_at) * rng.random()


def quarter_activity(period) -> dict[str, int]:
    """Rows inside `period` for every part of the report (written in bulk, as the services would)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from accounts.models import Organisation
    from events.models import Event, Registration
    from projects.models import Project, Task
    from seals.models import Application, Seal
    from votes.models import Elector, Participation, Vote
    from workflows.models import TransitionRecord
    from workgroups.models import Body, Membership, Role

    rng = random.Random(SEED)
    counts = {}
    with transaction.atomic():
        project_type = ContentType.objects.get_for_model(Project)
        records = TransitionRecord.objects.filter(subject_type=project_type)
        records.update(created_at=period.begin_at - datetime.timedelta(days=30))
        steps = []
        for project in Project.objects.select_related("workflow"):
            definition, state, sequence = (
                project.workflow.definition,
                project.state,
                project.workflow_sequence,
            )
            for _i in range(rng.randint(1, 3)):
                targets = [t.to for t in definition.transitions_from(state) if not t.to_previous]
                if not targets:
                    break
                sequence += 1
                target = rng.choice(targets)
                steps.append(
                    TransitionRecord(
                        subject_type=project_type, subject_id=project.pk, sequence=sequence,
                        kind=TransitionRecord.Kind.TRANSITION, workflow_id=project.workflow_id,
                        transition="bench", from_state=state, to_state=target,
                        created_at=moment_in(rng, period),
                    )
                )  # fmt: skip
                state = target
        steps.sort(key=lambda r: (r.subject_id, r.sequence))
        TransitionRecord.objects.bulk_create(steps, batch_size=2000)
        counts["project steps"] = len(steps)
        done = Task.objects.filter(status=Task.Status.DONE, due_date__isnull=False)
        counts["tasks done"] = done.update(completed_at=period.begin_at + datetime.timedelta(days=40))

        forum = Body.objects.get(kind=Body.Kind.FORUM)
        members = list(
            Membership.objects.filter(body=forum, role=Role.MEMBER, left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        staff = (
            Membership.objects.filter(body=forum, role=Role.STAFF).values_list("user_id", flat=True).first()
        )
        for i in range(VOTES):
            opened = moment_in(rng, period)
            vote = Vote.objects.create(
                title=f"Benchmark-Abstimmung {i + 1}", method=Vote.Method.YES_NO_ABSTAIN, opens_at=opened,
                closes_at=opened + datetime.timedelta(days=7), opened_at=opened, status=Vote.Status.CLOSED,
                closed_at=opened + datetime.timedelta(days=7), result={"bench": True},
                passed=rng.random() < 0.6, electorate_size=len(members), created_by_id=staff,
            )  # fmt: skip
            electors = Elector.objects.bulk_create(
                [Elector(vote=vote, user_id=u) for u in members], batch_size=2000
            )
            Participation.objects.bulk_create(
                [
                    Participation(vote=vote, elector=e, cast_by_id=e.user_id, cast_at=opened)
                    for e in electors
                    if rng.random() < 0.5
                ],
                batch_size=2000,
            )
        counts["votes"] = VOTES
        for i in range(EVENTS):
            starts = moment_in(rng, period)
            event = Event.objects.create(
                slug=f"bench-{i}", title=f"Benchmark-Treffen {i + 1}", starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=3), venue="Aachen", capacity=50,
            )  # fmt: skip
            Registration.objects.bulk_create(
                [
                    Registration(
                        event=event, user_id=u, registered_at=starts - datetime.timedelta(days=9),
                        status=Registration.Status.CONFIRMED if n < 50 else Registration.Status.WAITING,
                        attended=(rng.random() < 0.8) if n < 50 else None,
                    )
                    for n, u in enumerate(rng.sample(members, min(60, len(members))))
                ]
            )  # fmt: skip
        counts["events"] = EVENTS
        organisations = list(Organisation.objects.order_by("pk")[:SEALS])
        for n, organisation in enumerate(organisations):
            application = Application.objects.create(organisation=organisation, applicant_id=members[n])
            kind = n % 3
            awarded = moment_in(rng, period).date() - datetime.timedelta(days=0 if kind == 0 else 700)
            until = moment_in(rng, period).date()
            Seal.objects.create(
                organisation=organisation, application=application,
                awarded_at=datetime.datetime.combine(awarded, datetime.time(12), tzinfo=datetime.UTC),
                valid_from=awarded,
                valid_until=until if kind == 1 else awarded + datetime.timedelta(days=730),
                revoked_at=moment_in(rng, period) if kind == 2 else None,
                revoke_reason="Benchmark" if kind == 2 else "",
            )  # fmt: skip
        counts["seals"] = len(organisations)
        forum_rows = Membership.objects.filter(body=forum, role=Role.MEMBER)
        forum_rows.update(joined_at=period.begin_at - datetime.timedelta(days=200))
        tenth = members[: max(1, len(members) // 10)]
        forum_rows.filter(user_id__in=tenth[::2]).update(joined_at=moment_in(rng, period))
        forum_rows.filter(user_id__in=tenth[1::2]).update(left_at=moment_in(rng, period))
        counts["forum members coming or going"] = len(tenth)
    return counts


def timed(function, runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _i in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return seconds, result


def measure() -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation
    from pypdf import PdfReader

    from accounts.models import User
    from reports.models import Report
    from reports.pdf import render_report_pdf
    from reports.periods import quarter_label, quarter_of
    from reports.selectors import report_figures
    from reports.services import report_create

    period = quarter_of(quarter_of(timezone.localdate()).start - datetime.timedelta(days=1))
    started = time.perf_counter()
    counts = quarter_activity(period)
    log(f"activity in {period.start}–{period.end}: {counts} ({time.perf_counter() - started:.1f} s)")
    translation.activate("de")
    staff = User.objects.filter(is_active=True).order_by("pk").first()
    staff.is_superuser = True

    def figures():
        return report_figures(start=period.start, end=period.end)

    figures()  # warm: content types and parsed definitions, as in a running process
    with CaptureQueriesContext(connection) as captured:
        data = figures()
    data_seconds, data = timed(figures, RUNS)
    draft = Report(title=quarter_label(period), period_start=period.start, period_end=period.end, data=data)
    pdf_seconds, pdf = timed(lambda: render_report_pdf(draft), RUNS)

    def whole():
        with transaction.atomic():
            report = report_create(
                start=period.start, end=period.end, title=quarter_label(period), actor=staff
            )
            transaction.set_rollback(True)
        return report

    whole_seconds, _report = timed(whole, RUNS)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if Report.objects.exists():
        raise BenchError("the timed drafts were meant to be rolled back")
    totals = data["totals"]
    if not totals["projects"] or not totals["steps"]:
        raise BenchError(f"the quarter has nothing to report: {totals}")

    def row(name: str, seconds: list[float], note: str) -> dict:
        return {
            "step": name,
            "median_s": statistics.median(seconds),
            "max_s": max(seconds),
            "runs": len(seconds),
            "note": note,
        }

    return {
        "period": [period.start.isoformat(), period.end.isoformat()],
        "activity": counts,
        "totals": totals,
        "queries": len(captured),
        "pdf_bytes": len(pdf),
        "pdf_pages": pages,
        "rows": [
            row("figures", data_seconds, f"{len(captured)} queries, {totals['projects']} projects"),
            row("PDF", pdf_seconds, f"{pages} pages, {len(pdf) // 1024} KiB"),
            row("whole draft", whole_seconds, "figures + PDF + stored row"),
        ],
    }


def table(result: dict) -> str:
    header = f"{'committee report':<14} {'median s':>9} {'max s':>7} {'runs':>5}  note"
    lines = [
        f"Committee report ({result['database']}, scale {SCALE:g}, quarter {' to '.join(result['period'])})",
        header,
        "-" * (len(header) + 30),
    ]
    for row in result["rows"]:
        lines.append(
            f"{row['step']:<14} {row['median_s']:>9.3f} {row['max_s']:>7.3f} {row['runs']:>5}  {row['note']}"
        )
    whole = result["rows"][-1]["max_s"]
    lines.append(f"aim: the whole draft under {AIM_SECONDS:g} s: {'ok' if whole < AIM_SECONDS else 'MISSED'}")
    return "\n".join(lines)


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not 0 < SCALE <= 20 or RUNS < 1:
        sys.exit("BENCH_SCALE must be in (0, 20] and BENCH_REPORT_RUNS at least 1.")
    started_at = datetime.datetime.now(datetime.UTC)
    workdir = Path(tempfile.mkdtemp(prefix="aachen-bench-report-"))
    server_url = os.environ.get("DATABASE_URL", "").strip()
    scratch = None
    try:
        env, database, scratch = scratch_env(workdir, server_url, "report")
        manage(env, "migrate", "--noinput")
        print(manage(env, "seed_load", "--scale", f"{SCALE:g}", "--force"), end="", flush=True)
        setup_django({**env, "DJANGO_LOG_LEVEL": "WARNING"})
        result = {"started_at": started_at.isoformat(timespec="seconds"), "database": database, **measure()}
        from django.db import connections

        connections.close_all()
    except BenchError as exc:
        log(f"failed: {exc}")
        return 1
    finally:
        if scratch:
            scratch_drop(server_url, scratch)
        shutil.rmtree(workdir, ignore_errors=True)
    result["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    result["scale"] = SCALE
    result["aim"] = f"the whole draft (figures, PDF, stored) under {AIM_SECONDS:g} s"
    print()
    print(table(result))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"report-{database}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    log(f"written {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
