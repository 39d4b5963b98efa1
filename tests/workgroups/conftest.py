import pytest
from django.test import Client


@pytest.fixture
def client_factory():
    """A fresh browser per person (the member's session must survive the chair's login)."""
    return Client
