"""Vote pages: the list, creating a vote, the ballot (htmx, and plain forms), turnout, results, export."""

from .ballot import vote_ballot, vote_detail, vote_turnout_partial
from .pages import vote_list, vote_new
from .results import result_context, vote_export, vote_results

__all__ = [
    "result_context",
    "vote_ballot",
    "vote_detail",
    "vote_export",
    "vote_list",
    "vote_new",
    "vote_results",
    "vote_turnout_partial",
]
