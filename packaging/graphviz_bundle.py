"""Stage the Graphviz ``dot`` engine for the GenoMap bundle, so users need nothing installed.

``python packaging/graphviz_bundle.py DEST`` copies into ``DEST``::

    DEST/bin/dot            (Linux/macOS: a tiny sh wrapper; the real program is libexec/dot,
                            keeping its name because dot picks its layout engine from argv[0])
    DEST/lib/*.so*          the shared libraries dot needs (collected with ldd), glibc excluded
    DEST/lib/graphviz/      the plugins GenoMap uses (core + dot/neato layout) and a config6a
                            regenerated for exactly those plugins (``dot -c``)
    DEST/COPYING-graphviz   Graphviz's licence (EPL)

GenoMap only asks dot for ``-Tjson0`` with empty, fixed-size node labels, so the
text-layout (pango/cairo) and bitmap plugins, with their large dependency trees,
are left out.  The PyInstaller spec puts ``DEST`` at ``graphviz/`` inside the
bundle and the runtime hook points ``GENOMAP_DOT`` (honoured by
``genomap.layout.dot.find_dot``) at ``graphviz/bin/dot``.

Windows: the official Graphviz installer's ``bin`` folder is self-contained (dot.exe,
its DLLs, plugins and ``config6``); it is copied as-is.  macOS: dylibs are collected
with ``otool -L`` and rewritten with ``install_name_tool`` (untested here).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

# The plugins GenoMap needs; dot reads its plugin list from config6a (regenerated below).
LINUX_PLUGINS = ("core", "dot_layout", "neato_layout")
# Libraries every Linux system provides and that must come from the host (the C
# library and its loader must match each other and the kernel): never bundled.
SYSTEM_LIBS = re.compile(
    r"^(linux-vdso|linux-gate|ld-linux.*|libc|libm|libdl|libpthread|librt|libresolv|libutil|"
    r"libnsl|libanl|libmvec|libBrokenLocale|libcrypt)\.so"
)

WRAPPER = """#!/bin/sh
# GenoMap's bundled Graphviz: run dot with its own libraries and plugins.
case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac  # no external commands: PATH may be bare
LD_LIBRARY_PATH="$here/../lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \\
GVBINDIR="$here/../lib/graphviz" \\
exec "$here/../libexec/dot" "$@"
"""


def _ldd(path: Path) -> dict[str, Path]:
    """name -> resolved path of every shared library ``path`` loads (transitively, as ldd reports)."""
    out = subprocess.run(["ldd", str(path)], check=True, capture_output=True, text=True).stdout
    libs: dict[str, Path] = {}
    for line in out.splitlines():
        m = re.match(r"\s*(\S+)\s+=>\s+(\S+)\s+\(", line)
        if m and m.group(2) != "not" and not SYSTEM_LIBS.match(m.group(1)):
            libs[m.group(1)] = Path(m.group(2))
        elif "not found" in line:
            raise SystemExit(f"graphviz_bundle: {path} needs a library that is not installed: {line.strip()}")
    return libs


def _plugin_dir(dot: Path) -> Path:
    """Where the installed dot keeps its plugins (the directory holding config6*)."""
    lib = _ldd(dot).get("libgvc.so.6")
    candidates = []
    if lib is not None:
        candidates.append(lib.resolve().parent / "graphviz")
    candidates += [Path("/usr/lib/x86_64-linux-gnu/graphviz"), Path("/usr/lib64/graphviz"),
                   Path("/usr/lib/graphviz"), Path("/usr/local/lib/graphviz")]
    for c in candidates:
        if c.is_dir() and any(c.glob("libgvplugin_core.so*")):
            return c
    raise SystemExit("graphviz_bundle: cannot find the Graphviz plugin directory")


def _copy(src: Path, dest: Path) -> None:
    shutil.copy2(src.resolve(), dest)
    os.chmod(dest, os.stat(dest).st_mode | stat.S_IWUSR)


def stage_linux(dest: Path, dot: Path) -> None:
    bin_dir, lib_dir = dest / "bin", dest / "lib"
    plugin_dir = lib_dir / "graphviz"
    for d in (bin_dir, plugin_dir):
        d.mkdir(parents=True, exist_ok=True)
    src_plugins = _plugin_dir(dot)
    plugins: list[Path] = []
    for name in LINUX_PLUGINS:
        found = sorted(src_plugins.glob(f"libgvplugin_{name}.so.*"), key=lambda p: len(p.name))
        if not found:
            raise SystemExit(f"graphviz_bundle: plugin {name} not found in {src_plugins}")
        plugins.append(found[0])  # the SONAME link (shortest name), e.g. libgvplugin_core.so.6
    libs: dict[str, Path] = {}
    for binary in [dot, *plugins]:
        libs.update(_ldd(binary))
    (dest / "libexec").mkdir(exist_ok=True)
    _copy(dot, dest / "libexec" / "dot")
    (bin_dir / "dot").write_text(WRAPPER)
    os.chmod(bin_dir / "dot", 0o755)
    for name, path in sorted(libs.items()):
        _copy(path, lib_dir / name)
    for p in plugins:
        _copy(p, plugin_dir / p.name)
    # config6a for exactly these plugins, written by the bundled dot itself (checks it runs).
    for old in plugin_dir.glob("config*"):
        old.unlink()
    subprocess.run([str(bin_dir / "dot"), "-c"], check=True)
    if not any(plugin_dir.glob("config6*")):
        raise SystemExit("graphviz_bundle: 'dot -c' did not write the plugin configuration")
    for lic in (Path("/usr/share/doc/graphviz/copyright"), Path("/usr/share/doc/libgvc6/copyright")):
        if lic.is_file():
            shutil.copyfile(lic, dest / "COPYING-graphviz")
            break


def stage_windows(dest: Path, dot: Path) -> None:  # pragma: no cover - documented, untested here
    shutil.copytree(dot.parent, dest / "bin", dirs_exist_ok=True)
    subprocess.run([str(dest / "bin" / "dot.exe"), "-c"], check=True)


def stage_macos(dest: Path, dot: Path) -> None:  # pragma: no cover - documented, untested here
    bin_dir, lib_dir = dest / "bin", dest / "lib"
    plugin_dir = lib_dir / "graphviz"
    for d in (bin_dir, plugin_dir):
        d.mkdir(parents=True, exist_ok=True)
    prefix = dot.resolve().parent.parent
    src_plugins = prefix / "lib" / "graphviz"
    todo = [dot.resolve()] + [p for n in LINUX_PLUGINS for p in src_plugins.glob(f"libgvplugin_{n}.*.dylib")]
    seen: dict[str, Path] = {}
    while todo:
        binary = todo.pop()
        out = subprocess.run(["otool", "-L", str(binary)], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines()[1:]:
            ref = line.strip().split(" (")[0]
            if ref.startswith(("/usr/lib/", "/System/")) or Path(ref).name in seen:
                continue
            path = Path(ref.replace("@rpath", str(prefix / "lib")))
            if path.is_file():
                seen[path.name] = path
                todo.append(path)
    (dest / "libexec").mkdir(exist_ok=True)
    _copy(dot, dest / "libexec" / "dot")
    (bin_dir / "dot").write_text(WRAPPER.replace("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"))
    os.chmod(bin_dir / "dot", 0o755)
    for name, path in seen.items():
        _copy(path, lib_dir / name)
    for p in src_plugins.glob("libgvplugin_*.dylib"):
        if any(f"_{n}." in p.name for n in LINUX_PLUGINS):
            _copy(p, plugin_dir / p.name)
    subprocess.run([str(bin_dir / "dot"), "-c"], check=True)


def stage(dest: Path, dot: Path | None = None) -> Path:
    """Copy dot, its libraries and plugins into ``dest``; return the path of the bundled ``dot``."""
    found = dot or (Path(shutil.which("dot") or ""))
    if not found or not found.is_file():
        raise SystemExit("graphviz_bundle: the Graphviz 'dot' program is not installed (apt-get install graphviz)")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if sys.platform.startswith("linux"):
        stage_linux(dest, found)
        return dest / "bin" / "dot"
    if sys.platform == "win32":
        stage_windows(dest, found)
        return dest / "bin" / "dot.exe"
    if sys.platform == "darwin":
        stage_macos(dest, found)
        return dest / "bin" / "dot"
    raise SystemExit(f"graphviz_bundle: unsupported platform {sys.platform}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: graphviz_bundle.py DEST")
    print(stage(Path(sys.argv[1])))
