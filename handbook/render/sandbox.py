"""The sandbox every theme template runs in: a book's own layouts/ is data, never code.

A book may override any template of the default theme, and a book's repository takes
changes from many people. So templates run in Jinja2's immutable sandbox, which refuses
what would reach Python itself (`cycler.__init__.__globals__`, `__subclasses__`,
`__builtins__`, any attribute starting with `_`) or change a list or dict in place, and
within limits, so that a template that loops for ever or writes gigabytes is stopped with a
`path:line` message instead of stopping the build (or a CI runner) for good:

- each render may write at most OUTPUT_LIMIT characters and take at most SECONDS (an alarm
  stops it where the build runs in a process's main thread, as every build job does; the
  live preview's renders, in a thread, have the other limits only);
- `range()` yields at most RANGE_LIMIT numbers in all, in one render (nested loops count);
- `*`, `**`, `%` and `str.format` may not make a string, list or number of more than
  RANGE_LIMIT items or digits, nor a filter take a number above it;
- each render may call at most CALL_LIMIT functions.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import operator
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from jinja2 import Template
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..errors import HandbookError, Location, Problem

OUTPUT_LIMIT = 200_000_000
"""Characters one render may write: a 1,000-page book's print HTML is about 10 million."""
SECONDS = 300
"""How long one render may take: the print HTML of a 1,000-page book takes about two seconds."""
RANGE_LIMIT = 1_000_000
CALL_LIMIT = 50_000_000


class Budget:
    """What one render may still spend."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + SECONDS
        self.numbers = RANGE_LIMIT
        self.calls = CALL_LIMIT

    def spend_call(self) -> None:
        """Count one call; stop the render past the limits."""
        self.calls -= 1
        if self.calls < 0:
            raise SecurityError(f"the template makes more than {CALL_LIMIT} calls; it is stopped")
        if not self.calls % 4096 and time.monotonic() > self.deadline:
            raise SecurityError(f"the template ran for more than {SECONDS} seconds; it is stopped")

    def spend_numbers(self, count: int) -> None:
        """Count the numbers a range yields; stop the render past the limit."""
        self.numbers -= count
        if self.numbers < 0:
            raise SecurityError(f"the template's loops count past {RANGE_LIMIT}; it is stopped")


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("handbook_template_budget", default=None)


def _spend() -> Budget:
    budget = _budget.get()
    if budget is None:  # rendering outside a top-level render (a macro called from Python): a budget of its own
        budget = Budget()
        _budget.set(budget)
    return budget


class LimitedTemplate(Template):
    """A template whose render stops at the sandbox's limits."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Return the rendered text, within the limits."""
        token = _budget.set(Budget())
        try:
            with _alarm():
                parts, size = [], 0
                for part in self.generate(*args, **kwargs):
                    size += len(part)
                    if size > OUTPUT_LIMIT:
                        raise HandbookError([Problem(Location(Path(self.filename or "layouts"), 0),
                                                     f"the template writes more than {OUTPUT_LIMIT} characters; "
                                                     "it is stopped")])
                    parts.append(part)
                return "".join(parts)
        finally:
            _budget.reset(token)


@contextlib.contextmanager
def _alarm() -> Iterator[None]:
    """Stop the block after SECONDS, where this is the main thread of a process that sets no other alarm."""
    if threading.current_thread() is not threading.main_thread() or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> NoReturn:
        raise SecurityError(f"the template ran for more than {SECONDS} seconds; it is stopped")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_WIDE = re.compile(r"\d{7,}")
"""A width or precision of a million or more in a format string."""


def limited_range(*args: int) -> range:
    """Return range(...), counted against the render's budget."""
    numbers = range(*args)
    if len(numbers) > RANGE_LIMIT:
        raise SecurityError(f"a range may hold at most {RANGE_LIMIT} numbers")
    _spend().spend_numbers(len(numbers))
    return numbers


def _guarded(name: str, function: Any) -> Any:
    """Return a filter that refuses numbers too large for any theme's use (`center(10**9)`)."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        for argument in [*args, *kwargs.values()]:
            if isinstance(argument, int) and not isinstance(argument, bool) and abs(argument) > RANGE_LIMIT:
                raise SecurityError(f"the filter {name!r} is given a number above {RANGE_LIMIT}")
        return function(*args, **kwargs)

    return guarded


def _sized(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value.bit_length() // 3  # about its number of digits
    try:
        return len(value)
    except TypeError:
        return 0


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with limits on time, loops, calls and output size."""

    template_class = LimitedTemplate
    intercepted_binops = frozenset(["*", "**", "%"])

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        """Call a function, counted against the render's budget."""
        _spend().spend_call()
        return super().call(__context, __obj, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Jinja's compiled templates call filters directly, not through `call`: guard each one.
        self.filters = {name: _guarded(name, function) for name, function in self.filters.items()}

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """Sandbox `str.format`, refusing a format with a width or precision of a million or more."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and _WIDE.search(value.__self__):
            def refuse(*args: Any, **kwargs: Any) -> str:
                raise SecurityError("a format width that large is not allowed in a template")

            return refuse
        return wrapped

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        """Refuse a `*`, `**` or `%` whose result would be too large."""
        if op == "%":
            if isinstance(left, str) and _WIDE.search(left):
                raise SecurityError("a format width that large is not allowed in a template")
            return operator.mod(left, right)
        if op == "**":
            if isinstance(right, int) and abs(right) > 64 and not (isinstance(left, int) and abs(left) <= 1):
                raise SecurityError("a power that large is not allowed in a template")
            return operator.pow(left, right)
        if isinstance(left, int) and not isinstance(left, bool):
            count, item = left, right
        else:
            count, item = right, left
        if isinstance(count, int) and not isinstance(count, bool) and isinstance(item, (str, list, tuple)):
            if count * max(1, len(item)) > RANGE_LIMIT:
                raise SecurityError("a repetition that large is not allowed in a template")
        elif max(_sized(left), _sized(right)) > RANGE_LIMIT:
            raise SecurityError("a product that large is not allowed in a template")
        return operator.mul(left, right)
