"""Helpers for the check cells of the notebooks' exercises.

Every exercise has an answer cell, where the student writes a value or a
function, and a check cell that says whether the answer is right. In the
student edition (``make student``) the answer is replaced by
``raise NotImplementedError()``; a check must then say what to do, not show
a traceback from deep inside the package. These three functions give every
check the same clear messages:

    >>> from tutorcluster.exercises import answered, call, expect
    >>> answered(my_prediction, "my_prediction")          # doctest: +SKIP
    >>> labels = call(first_assignment, X, centres)       # doctest: +SKIP
    >>> expect(np.array_equal(labels, truth), "Some points were not sent to their nearest centre.")  # doctest: +SKIP

A failed check raises :class:`ExerciseError`, an ``AssertionError``, so the
graders (nbgrader) count it as a failed test.
"""

import numbers

import numpy as np


class ExerciseError(AssertionError):
    """An answer is missing or wrong; the message says what to do."""


def answered(value, name, *, kind=None):
    """Check that the student has filled in ``name``.

    Parameters
    ----------
    value : object
        The student's answer; ``None`` or ``...`` (Ellipsis) mean "not yet".
    name : str
        The variable's name, for the message.
    kind : {"number", "integer"} or None
        What the answer must be, if anything particular.

    Returns
    -------
    value : object
        The answer, unchanged.
    """
    if value is None or value is Ellipsis:
        raise ExerciseError(f"{name} is still empty: write your answer in the cell above "
                            f"(replace the ... or the `raise NotImplementedError()`), run it, "
                            f"then run this check again.")
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ExerciseError(f"{name} must be a number, got {value!r}.")
        if kind == "integer" and float(value) != int(value):
            raise ExerciseError(f"{name} must be a whole number, got {value!r}.")
    return value


def call(function, *args, name=None, **kwargs):
    """Call the student's ``function``; explain a missing answer clearly.

    Returns
    -------
    result : object
        What the function returned.
    """
    name = name or getattr(function, "__name__", "your function")
    if not callable(function):
        raise ExerciseError(f"{name} must be a function (a `def` in the cell above), "
                            f"got {type(function).__name__}.")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise ExerciseError(f"{name} is not written yet: replace `raise NotImplementedError()` "
                            f"in the cell above with your code, run it, then run this check "
                            f"again.") from None


def expect(condition, message):
    """Fail with ``message`` (what is wrong, and a hint) unless ``condition`` holds."""
    if not bool(condition):
        raise ExerciseError(message)
