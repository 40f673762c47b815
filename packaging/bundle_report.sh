#!/bin/sh
# Print a bundle's size, its first start-up time (a --self-test with a fresh HOME: empty caches) and
# the newest glibc symbol version its libraries need. Usage: bundle_report.sh BUNDLE_DIR TARBALL
set -eu
bundle=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
start=$(date +%s.%N)
env -i HOME="$scratch" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$bundle/playground" --self-test >/dev/null
end=$(date +%s.%N)
glibc=$(find "$bundle" -type f \( -name '*.so*' -o -name playground \) -exec objdump -T {} + 2>/dev/null \
    | grep -o 'GLIBC_[0-9][0-9.]*' | sort -uV | tail -1)
echo "bundle:       $bundle ($(du -sh "$bundle" | cut -f1))"
echo "archive:      $2 ($(du -sh "$2" | cut -f1))"
echo "first start:  $(awk "BEGIN { printf \"%.1f\", $end - $start }") s for --self-test (window, training, save, ONNX export)"
echo "needs glibc:  ${glibc#GLIBC_} or newer"
