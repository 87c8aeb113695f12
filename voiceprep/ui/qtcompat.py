"""Work-around for a reference-counting bug in PySide6 6.12.0, applied when ``voiceprep.ui`` is
imported.

PySide6 6.12.0 on CPython 3.11: every call of a C++ method that returns ``void`` (``setText``,
``update``, ``setValue``...) gives Python ``None`` without taking a reference, and every
``Signal.emit()`` does the same with ``True``. Each call steals one reference from the singleton.
Python 3.11's ``None`` starts with about 5,000 references, so after a few thousand widget
updates (a recording screen makes hundreds a second) the interpreter aborts with "Fatal Python
error: none_dealloc" (or bool_dealloc). PySide6 6.11.3 does not have the bug.

The fix here measures the leak on a probe and, only if it is there, adds 2**40 references to
``None``, ``True`` and ``False`` (singletons that are never freed while the interpreter runs), so
a session would need about 10**12 calls to run out. Python 3.12+ makes these objects immortal,
so nothing is done there. The real fix is a PySide6 without the bug (``!= 6.12.0``).
"""

from __future__ import annotations

import ctypes
import sys

_applied: bool | None = None
BUMP = 1 << 40


def leaks() -> dict[str, int]:
    """References lost per call, measured on a probe: {"none": n, "bool": n} (0 = no leak)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal(int)

    probe = _Probe()
    n = 32
    before = sys.getrefcount(None)
    for _ in range(n):
        probe.setObjectName("probe")  # a void C++ method
    none_lost = before - sys.getrefcount(None)
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for i in range(n):
        probe.ping.emit(i)
    bool_lost = before - (sys.getrefcount(True) + sys.getrefcount(False))
    return {"none": round(none_lost / n), "bool": round(bool_lost / n)}


def apply() -> bool:
    """Protect the interpreter if this PySide6 leaks; returns whether anything was done."""
    global _applied
    if _applied is not None:
        return _applied
    _applied = False
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    found = leaks()
    if found["none"] <= 0 and found["bool"] <= 0:
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += BUMP
    _applied = True
    return True
