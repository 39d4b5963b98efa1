"""Authentication backends of the platform."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for sign-ins that come from a client (with a request).

    authenticate() without a request (management commands, scripts, tests) has no client to
    lock out; axes would refuse it with an error, here the next backend simply decides.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
