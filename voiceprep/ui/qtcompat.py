"""Work-arounds for bugs in the installed PySide6, applied once when ``voiceprep.ui`` is imported.

PySide6 6.12.0: every ``SignalInstance.emit()`` called from Python returns ``True``/``False``
without taking a reference, so each emit steals one reference from the bool singleton. Python
3.11 bools are not immortal: after a few thousand emits (a 20 Hz recording tick reaches that
in minutes) the interpreter aborts with "Fatal Python error: bool_dealloc". The shim measures
the leak on a probe signal and, only if it is there, wraps ``emit`` to give the reference back,
so a fixed PySide6 is left untouched.
"""

from __future__ import annotations

import ctypes
import sys

_applied: bool | None = None


def _bool_refs() -> int:
    return sys.getrefcount(True) + sys.getrefcount(False)


def emit_leaks_bool_refs() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal(int)

    probe = _Probe()
    before = _bool_refs()
    for i in range(16):
        probe.ping.emit(i)
    leaked = _bool_refs() - before <= -8
    if leaked:  # give back what the probe itself took
        for _ in range(before - _bool_refs()):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return leaked


def apply() -> bool:
    """Install the emit fix if this PySide6 needs it; returns whether it was installed."""
    global _applied
    if _applied is not None:
        return _applied
    from PySide6.QtCore import SignalInstance

    if not emit_leaks_bool_refs():
        _applied = False
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    py_object = ctypes.py_object

    def emit(self, *args):  # type: ignore[no-untyped-def]
        result = original(self, *args)
        if result is True or result is False:
            incref(py_object(result))
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _applied = True
    return True
