"""API plumbing shared by every app: pagination, throttling and the error format."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .net import client_ip


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class BodyFirstMixin:
    """A viewset that reads a write's body before it looks up the object: a body that cannot be
    read answers 400 whatever it is sent to (even an id that does not exist)."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if request.method in ("POST", "PUT", "PATCH"):
            request.data  # noqa: B018


class ClientAddressMixin:
    """Throttle by the address the trusted proxies vouch for (core.net), never by a client header."""

    def get_ident(self, request):
        return client_ip(request)


class AddressRateThrottle(ClientAddressMixin, AnonRateThrottle):
    """Requests per client address, whoever is signed in; `rate` set by subclasses."""

    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def exception_handler(exc, context):
    """Turn domain errors and model validation errors into 4xx answers with a readable reason.

    Django's Http404 carries English developer text ("No Project matches the given query."); it
    is answered with DRF's own message in the request's language instead. A PermissionDenied
    keeps the reason a service gave it (translated), else DRF's message.
    """
    if isinstance(exc, DomainError):
        return Response({"detail": exc.reason}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)
