"""Every write to forum votes: create, open (freeze the electorate), cast a ballot, close and count.

`opening` creates votes and freezes their electorate, `casting` takes ballots, `closing` counts
and stores the result; callers import from here.
"""

from .casting import CastResult, VoteClosed, ballot_cast, ballot_content, receipt_new, receipt_sha256
from .closing import (
    labelled_ballots,
    labelled_content,
    result_passed,
    vote_ballots,
    vote_close,
    vote_close_if_due,
    vote_count,
    vote_export,
    vote_labels,
    votes_sweep,
)
from .opening import (
    KIND_CLOSED,
    KIND_CLOSING,
    KIND_OPENED,
    MAX_OPTIONS,
    VOTE_FIELDS,
    YES_NO_ABSTAIN_LABELS,
    delegation_set,
    electorate_fingerprint,
    electorate_users,
    notification_data,
    vote_create,
    vote_create_raised,
    vote_default_duration,
    vote_open,
    vote_options_clean,
)

__all__ = [
    "KIND_CLOSED",
    "KIND_CLOSING",
    "KIND_OPENED",
    "MAX_OPTIONS",
    "VOTE_FIELDS",
    "YES_NO_ABSTAIN_LABELS",
    "CastResult",
    "VoteClosed",
    "ballot_cast",
    "ballot_content",
    "delegation_set",
    "electorate_fingerprint",
    "electorate_users",
    "labelled_ballots",
    "labelled_content",
    "notification_data",
    "receipt_new",
    "receipt_sha256",
    "result_passed",
    "vote_ballots",
    "vote_close",
    "vote_close_if_due",
    "vote_count",
    "vote_create",
    "vote_create_raised",
    "vote_default_duration",
    "vote_export",
    "vote_labels",
    "vote_open",
    "vote_options_clean",
    "votes_sweep",
]
