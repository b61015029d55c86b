#!/bin/sh
# Installs the one-folder bundle on a Linux till: the programs in /opt/warranty-desk, the
# command on the PATH, the menu entry and the icon. Run as root after `make package`:
#   sudo packaging/linux/install.sh [dist/warranty-desk]
# DESTDIR=/some/root puts it all under another root (for packagers, and the tests).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bundle=${1:-$here/../../dist/warranty-desk}
root=${DESTDIR:-}
if [ ! -x "$bundle/warranty-desk" ]; then
    echo "install.sh: no bundle in $bundle; run \`make package\` first." >&2
    exit 2
fi
mkdir -p "$root/opt" "$root/usr/local/bin" "$root/usr/share/applications" \
    "$root/usr/share/icons/hicolor/256x256/apps" "$root/usr/share/icons/hicolor/scalable/apps"
rm -rf "$root/opt/warranty-desk"
cp -a "$bundle" "$root/opt/warranty-desk"
ln -sf /opt/warranty-desk/warranty-desk "$root/usr/local/bin/warranty-desk"
install -m 0644 "$here/warranty-desk.desktop" "$root/usr/share/applications/"
install -m 0644 "$here/../icons/warranty-desk.png" "$root/usr/share/icons/hicolor/256x256/apps/"
install -m 0644 "$here/../icons/warranty-desk.svg" "$root/usr/share/icons/hicolor/scalable/apps/"
echo "Installed Warranty Desk in ${root}/opt/warranty-desk; start it from the menu or with \`warranty-desk\`."
