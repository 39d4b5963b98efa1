"""Liveness of the parts the platform needs: database, broker, and at least one Celery worker.

Anonymous callers (load balancers, probes) get the status only; staff also see the details.
"""

from celery import current_app
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def _check_broker() -> dict:
    if current_app.conf.task_always_eager:
        return {"ok": True, "mode": "eager"}
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True, "mode": "broker"}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def _check_workers(broker_ok: bool) -> dict:
    if current_app.conf.task_always_eager:
        return {"ok": True, "mode": "eager", "count": 0}
    if not broker_ok:
        return {"ok": False, "error": "broker unreachable"}
    try:
        replies = current_app.control.inspect(timeout=1.0).ping() or {}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}
    return {"ok": bool(replies), "count": len(replies), "workers": sorted(replies)}


@never_cache
@require_GET
def health(request):
    checks = {"database": _check_database(), "broker": _check_broker()}
    checks["workers"] = _check_workers(checks["broker"]["ok"])
    down = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "down" if down else "ok"}
    # Which part is down and why (host names, versions, errors) helps an attacker: staff only.
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        body.update(down=down, checks=checks)
    return JsonResponse(body, status=503 if down else 200)
