#!/usr/bin/env bash
# Build GenoMap's self-contained Linux bundle from a clean checkout:
#   dist/GenoMap/                                  the one-folder application (run dist/GenoMap/genomap)
#   dist/GenoMap-<version>-linux-<arch>.tar.gz     what users download; ./install.sh inside adds
#                                                  the menu entry, icons and .genomap file type
# It installs what is missing: system packages and .venv (packaging/dev-setup.sh), binutils
# (PyInstaller reads ELF headers with objdump), and the pinned build tools
# (packaging/requirements-build.txt) into .venv.  Graphviz is copied from the build machine
# into the bundle, so users need nothing installed.
# Usage: packaging/build-linux.sh [--no-tar]    (env DIST=... to change the output folder)
set -euo pipefail
cd "$(dirname "$0")/.."
make_tar=1
[ "${1:-}" = "--no-tar" ] && make_tar=0
DIST="${DIST:-dist}"
start=$(date +%s)

packaging/dev-setup.sh
if ! command -v objdump >/dev/null 2>&1; then
  echo "GenoMap build: installing binutils"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends binutils
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r packaging/requirements-build.txt

# Reproducible: fixed hash seed and timestamps taken from the last commit.
export PYTHONHASHSEED=0
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 1700000000)}"
version=$(.venv/bin/python -c "import genomap; print(genomap.__version__)")
arch=$(uname -m)

echo "GenoMap build: PyInstaller (packaging/genomap.spec)"
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath build/pyinstaller packaging/genomap.spec

app="$DIST/GenoMap"
id=org.genomap.GenoMap
icons=genomap/resources/icons
install -Dm644 packaging/linux/$id.desktop "$app/share/applications/$id.desktop"
install -Dm644 packaging/linux/$id.mime.xml "$app/share/mime/packages/$id.xml"
install -Dm644 packaging/linux/$id.metainfo.xml "$app/share/metainfo/$id.metainfo.xml"
install -Dm644 $icons/genomap.svg "$app/share/icons/hicolor/scalable/apps/$id.svg"
for size in 16 24 32 48 64 128 256 512; do
  install -Dm644 $icons/genomap-$size.png "$app/share/icons/hicolor/${size}x${size}/apps/$id.png"
done
install -m755 packaging/linux/install.sh "$app/install.sh"
install -m644 packaging/linux/README-bundle.txt "$app/README.txt"
{
  echo "GenoMap $version, built $(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ) from $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "Python $(.venv/bin/python -c 'import platform; print(platform.python_version())'), $(ldd --version | head -1)"
  echo "Graphviz: $("$app/_internal/graphviz/bin/dot" -V 2>&1)"
  echo; echo "Python packages:"; .venv/bin/python -m pip freeze --exclude-editable | sed 's/^/  /'
} > "$app/BUILD-INFO.txt"

# The bundled dot must run on its own (no system Graphviz on PATH).
echo 'digraph { a -> b }' | env -i PATH=/nonexistent "$app/_internal/graphviz/bin/dot" -Tjson0 >/dev/null

if [ "$make_tar" = 1 ]; then
  tarball="$DIST/GenoMap-$version-linux-$arch.tar.gz"
  tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
      -C "$DIST" -cf - GenoMap | gzip -n -6 > "$tarball"
  echo "GenoMap build: $tarball ($(du -h "$tarball" | cut -f1))"
fi
echo "GenoMap build: $app ($(du -sh "$app" | cut -f1)) in $(( $(date +%s) - start )) s"
