"""``cached_property`` without the lock Python 3.11's ``functools`` version takes.

Before 3.12, ``functools.cached_property`` computes under one lock per *property*, shared by
every instance (python/cpython#87634; removed in 3.12). For the gateway that is a stall, not
just overhead: while a worker thread screens a large message (``ParsedMessage._walk`` over a
big archive), the event loop screening a small message waits on the same lock. A message and
its evaluation state are built and read by one thread, so nothing needs the lock; if two
threads ever raced to fill one view they would compute the same value twice, not a wrong one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

__all__ = ["cached_property"]

_T = TypeVar("_T")

if sys.version_info >= (3, 12):
    from functools import cached_property
else:

    class cached_property(Generic[_T]):  # noqa: N801 - a drop-in for functools.cached_property
        """Compute on first access, then store in the instance ``__dict__``, which shadows this
        (non-data) descriptor: later reads are plain attribute reads."""

        def __init__(self, func: Callable[[Any], _T]) -> None:
            self.func = func
            self.attrname: str | None = None
            self.__doc__ = func.__doc__

        def __set_name__(self, owner: type, name: str) -> None:
            self.attrname = name

        @overload
        def __get__(self, instance: None, owner: type | None = None) -> cached_property[_T]: ...

        @overload
        def __get__(self, instance: object, owner: type | None = None) -> _T: ...

        def __get__(self, instance: object | None, owner: type | None = None) -> _T | cached_property[_T]:
            if instance is None:
                return self
            if self.attrname is None:
                raise TypeError("cached_property used without __set_name__")
            value = self.func(instance)
            instance.__dict__[self.attrname] = value
            return value
