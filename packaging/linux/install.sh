#!/bin/sh
# Install the GenoMap bundle this script sits in, for the current user (no root needed):
#   ~/.local/opt/GenoMap/           the application
#   ~/.local/bin/genomap            command (GUI, or `genomap export ...` for the CLI)
#   menu entry, icons, the .genomap file type (opens in GenoMap) and AppStream metadata.
# Usage: ./install.sh [--system]   (--system: /opt/GenoMap and /usr/local/share, needs root)
#        ./install.sh --uninstall [--system]
set -eu
here=$(dirname "$(readlink -f "$0")")
mode=install
system=0
for arg in "$@"; do
  case "$arg" in
    --system) system=1 ;;
    --uninstall) mode=uninstall ;;
    *) echo "usage: $0 [--system] [--uninstall]" >&2; exit 2 ;;
  esac
done
if [ "$system" = 1 ]; then
  app_dir=/opt/GenoMap; bin_dir=/usr/local/bin; share=/usr/local/share
else
  app_dir="$HOME/.local/opt/GenoMap"; bin_dir="$HOME/.local/bin"; share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
id=org.genomap.GenoMap

refresh() {
  command -v update-mime-database >/dev/null 2>&1 && update-mime-database "$share/mime" >/dev/null 2>&1 || true
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
}

if [ "$mode" = uninstall ]; then
  rm -rf "$app_dir"
  rm -f "$bin_dir/genomap" "$share/applications/$id.desktop" "$share/mime/packages/$id.xml" \
        "$share/metainfo/$id.metainfo.xml" "$share/icons/hicolor/scalable/apps/$id.svg"
  for png in "$share"/icons/hicolor/*/apps/$id.png; do rm -f "$png"; done
  refresh
  echo "GenoMap removed. Your family map files were not touched."
  exit 0
fi

if [ "$here" != "$app_dir" ]; then
  rm -rf "$app_dir"
  mkdir -p "$(dirname "$app_dir")"
  cp -a "$here" "$app_dir"
fi
mkdir -p "$bin_dir" "$share/applications" "$share/mime/packages" "$share/metainfo" \
         "$share/icons/hicolor/scalable/apps"
ln -sf "$app_dir/genomap" "$bin_dir/genomap"
sed "s|^Exec=genomap|Exec=\"$app_dir/genomap\"|; s|^TryExec=genomap|TryExec=$app_dir/genomap|" \
    "$app_dir/share/applications/$id.desktop" > "$share/applications/$id.desktop"
cp "$app_dir/share/mime/packages/$id.xml" "$share/mime/packages/$id.xml"
cp "$app_dir/share/metainfo/$id.metainfo.xml" "$share/metainfo/$id.metainfo.xml"
cp "$app_dir/share/icons/hicolor/scalable/apps/$id.svg" "$share/icons/hicolor/scalable/apps/$id.svg"
for dir in "$app_dir"/share/icons/hicolor/*x*; do
  size=$(basename "$dir")
  mkdir -p "$share/icons/hicolor/$size/apps"
  cp "$dir/apps/$id.png" "$share/icons/hicolor/$size/apps/$id.png"
done
refresh
if command -v xdg-mime >/dev/null 2>&1; then
  xdg-mime default "$id.desktop" application/x-genomap || true
fi
echo "GenoMap installed in $app_dir; start it from the applications menu or with: $bin_dir/genomap"
