"""The forum's votes over the API: list, create, detail, ballot, turnout, results, export.

Ballots name options by their **position** (`options[].position` of the vote, 0-based), never
by label: `{"choices": [1]}` for one choice, `{"choices": [0, 2]}` for approval, and for ranked
choice `{"ranking": [[2], [0, 1]]}`: tiers best first, options in one tier ranked equal, options
left out ranked below every listed one.
"""

from .views import VoteViewSet

__all__ = ["VoteViewSet"]
