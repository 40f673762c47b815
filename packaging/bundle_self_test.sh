#!/bin/sh
# Run a bundle's --self-test as on a machine without Python: an empty environment, a PATH with
# no python on it, a fresh HOME (empty caches and settings), offscreen Qt. Usage: bundle_self_test.sh BUNDLE_DIR
set -eu
bundle=$(cd "$1" && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/bin" "$scratch/home"
if env -i PATH="$scratch/bin" /bin/sh -c 'command -v python3 || command -v python' >/dev/null 2>&1; then
    echo "bundle_self_test: a python is on the test's PATH" >&2
    exit 1
fi
# LANG: a desktop session always has a locale (without one Qt warns and picks C.UTF-8 itself).
env -i PATH="$scratch/bin" HOME="$scratch/home" LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen "$bundle/playground" --self-test
