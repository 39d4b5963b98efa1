"""A JSON parser that answers hostile documents (too deep, too big) with a 400, never a 500."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json


def nested_deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects in a decoded document nest deeper than `limit`."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size limit (DATA_UPLOAD_MAX_MEMORY_SIZE) and a depth limit (JSON_MAX_DEPTH).

    The C decoder stops a document nested past the interpreter's recursion limit with a
    RecursionError before it costs anything; the walk afterwards refuses anything deeper than
    the API ever sends, so serializers never see it.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        max_size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(max_size + 1 if max_size else -1) if stream is not None else b""
        if max_size and len(raw) > max_size:
            raise ParseError(_("Die JSON-Daten sind zu groß."))
        limit = settings.JSON_MAX_DEPTH
        too_deep = ParseError(
            _("Die JSON-Daten sind zu tief verschachtelt (höchstens %(limit)d Ebenen).") % {"limit": limit}
        )
        try:
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(raw.decode(encoding), parse_constant=parse_constant)
        except RecursionError:
            raise too_deep from None
        except ValueError as exc:
            raise ParseError(_("Die JSON-Daten sind ungültig: %(error)s") % {"error": exc}) from None
        if nested_deeper_than(data, limit):
            raise too_deep
        return data
