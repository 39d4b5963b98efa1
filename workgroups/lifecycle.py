"""Hooks run when a membership ends, filled by the apps above workgroups in AppConfig.ready().

workgroups may not import projects; projects registers what leaving means for its rows
(follows, assignments) with `on_membership_end`. A hook runs inside the transaction that ends
the membership, after the role's auth group is gone, so a permission filter in the database
already sees the person without it.
"""

from collections.abc import Callable

_ON_MEMBERSHIP_END: list[Callable] = []


def on_membership_end(hook: Callable) -> Callable:
    """Register `hook(*, membership, actor)`; registering the same function twice is harmless."""
    if hook not in _ON_MEMBERSHIP_END:
        _ON_MEMBERSHIP_END.append(hook)
    return hook


def membership_end_hooks_run(*, membership, actor) -> None:
    for hook in _ON_MEMBERSHIP_END:
        hook(membership=membership, actor=actor)
