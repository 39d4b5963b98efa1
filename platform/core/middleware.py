import logging
import re
import time
import uuid

from django.conf import settings

from .logging import redact, request_id_var

logger = logging.getLogger("core.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# URL parts that are secrets in their own right (password-reset and invitation links).
SENSITIVE_URL_KWARGS = frozenset({"token", "uidb64", "key", "secret", "signature"})


def redacted_path(request) -> str:
    """The request's path with secret URL parts (named in SENSITIVE_URL_KWARGS) replaced."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SENSITIVE_URL_KWARGS and isinstance(value, str) and value:
                path = path.replace(f"/{value}/", "/[redacted]/")
    return redact(path)


class RequestIdMiddleware:
    """Give each request an id (taken from X-Request-ID when sane), log one line per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.id
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": redacted_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy (CSP_POLICY) and Permissions-Policy on every answer.

    Pages and the API docs load scripts and styles from this origin only; data: images are
    allowed because Swagger UI draws its icons from data: URIs inside its own stylesheet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CSP_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CSP_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
