"""Guards against Qt binding regressions that would crash the application.

PySide6 6.12.0 drops a reference to ``None`` on every call of a Qt method that
returns nothing; on Python 3.11 that aborts the process ("none_dealloc") after a
few thousand calls — i.e. while drawing any real genogram.  pyproject.toml keeps
PySide6 below 6.12; this test fails if a bad binding ever comes back.
"""

import sys

from PySide6.QtWidgets import QGraphicsRectItem


def test_void_qt_calls_keep_none_refcount(qapp):
    item = QGraphicsRectItem(0, 0, 1, 1)
    before = sys.getrefcount(None)
    for _ in range(2000):
        item.setZValue(1.0)
        item.data(7)
    assert sys.getrefcount(None) >= before - 50
    for _ in range(100_000):  # a big genogram's worth of calls: 6.12.0 aborted the process here
        item.setZValue(1.0)
