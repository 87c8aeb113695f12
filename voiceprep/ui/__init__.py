"""The desktop app (PySide6).

``controller`` is the one state machine, ``workers`` the one background thread that owns the
speech model; everything else is a passive view. Nothing here imports the speech engine, the
analysis or the store at module import time, so the window appears before any of them load.
"""

from voiceprep.ui import qtcompat as _qtcompat

_qtcompat.apply()
