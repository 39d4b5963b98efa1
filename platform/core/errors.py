"""Domain errors: raised by services, shown to people by views and the API."""


class DomainError(Exception):
    """A request that the rules of the platform refuse; `reason` is shown to the user."""

    status_code = 400

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Conflict(DomainError):
    """The thing changed under the user's feet (someone else acted first)."""

    status_code = 409
