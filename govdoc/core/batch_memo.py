"""Look-ups remembered for the length of one batch of work (an applier's transaction over
twenty packets, say), and never outside one: the agency's clerks or a document type are read
once per batch instead of once per document. Outside `batch_memo()` every look-up runs as
written, so a page or an API call always reads what is in the database now."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("govdoc_batch_memo", default=None)


@contextmanager
def batch_memo() -> Iterator[None]:
    """Remember `remembered` look-ups until the block ends (a block inside one shares it)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, look_up: Callable[[], T]) -> T:
    """`look_up()`, or what it gave for `key` earlier in the same batch. Give keys that name
    the question fully (a prefix for the caller, then its arguments)."""
    memo = _memo.get()
    if memo is None:
        return look_up()
    if key not in memo:
        memo[key] = look_up()
    return cast(T, memo[key])
