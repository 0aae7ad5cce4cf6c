"""PyInstaller runtime hook: point GenoMap at the Graphviz engine shipped inside the bundle.

``genomap.layout.dot.find_dot`` honours ``GENOMAP_DOT``; a value the user set
wins, so a site can still choose its own Graphviz.
"""

import os
import sys


def _use_bundled_graphviz() -> None:
    base = getattr(sys, "_MEIPASS", os.path.dirname(os.path.abspath(sys.executable)))
    root = os.path.join(base, "graphviz")
    dot = os.path.join(root, "bin", "dot.exe" if sys.platform == "win32" else "dot")
    if os.path.isfile(dot) and not os.environ.get("GENOMAP_DOT"):
        os.environ["GENOMAP_DOT"] = dot
        if sys.platform == "win32":  # on Linux/macOS the bin/dot wrapper sets it
            os.environ.setdefault("GVBINDIR", os.path.join(root, "bin"))


_use_bundled_graphviz()
