"""Structured (JSON) log lines that carry the id of the request they belong to."""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}

# A safety net for any log line (e.g. Django's own "Internal Server Error: /path"): links that
# carry a secret, in a path (password reset) or a query string, never reach the log.
_SECRETS = [
    (re.compile(r"(/reset/)[^/\s?#\"']+/[^/\s?#\"']+"), r"\1[redacted]/[redacted]"),
    (
        re.compile(r"([?&;](?:token|key|code|signature|secret|uid|uidb64)=)[^&\s#\"']+", re.IGNORECASE),
        r"\1[redacted]",
    ),
]


def redact(text: str) -> str:
    """`text` with secret parts of links replaced by [redacted]."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                entry[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
