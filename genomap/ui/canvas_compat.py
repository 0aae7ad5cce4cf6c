"""Work around a PySide6 refcount bug that kills the app on Python 3.11.

PySide6/shiboken 6.12 returns ``None`` from every *void* Qt method (``setZValue``,
``setData``, ``setPen``...) and from ``item.data(key)`` for unset keys without taking
a reference, as if ``None`` were immortal -- which it only is from Python 3.12 on
(PEP 683).  On 3.11 each such call lowers ``None``'s refcount by one; after a few
tens of thousands of calls (building a 1,600-person scene, or a minute of hovering)
CPython aborts with "Fatal Python error: none_dealloc".

``pin_none()`` gives ``None`` an enormous extra refcount once, which makes it
effectively immortal the way 3.12 does.  It is a no-op on 3.12+ and on interpreters
other than CPython.  The canvas calls it on import; the application bootstrap should
call it too (it is idempotent) so every window is covered.
"""

from __future__ import annotations

import platform
import sys

_PINNED = False
_PIN = 1 << 40  # far beyond any realistic number of leaked decrefs


def pin_none() -> bool:
    """Make ``None`` immortal on CPython < 3.12; return True if a pin was applied."""
    global _PINNED
    if _PINNED or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    import ctypes

    refcnt = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field of PyObject
    refcnt.value += _PIN
    _PINNED = True
    return True
