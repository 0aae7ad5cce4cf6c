"""Shared fixtures.  The PostgreSQL fixtures (a throwaway server) live in tests/pg.py."""

from pg import backend, pg_server, pg_url  # noqa: F401  (fixtures)

import pytest


@pytest.fixture
def shown_view(qtbot):
    """``shown_view(width, height)``: a genogram view on screen (offscreen in CI), empty."""

    def show(width: int = 800, height: int = 600):
        from genomap.ui.canvas import GenogramView

        view = GenogramView()
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        qtbot.waitExposed(view)
        return view

    return show


@pytest.fixture
def demo_file(tmp_path):
    """A fresh file holding the fictional demo (three family maps), closed."""
    from genomap.demo import build_demo
    from genomap.store.document import Document

    path = tmp_path / "demo.genomap"
    with Document.create(path) as doc:
        build_demo(doc)
    return path
