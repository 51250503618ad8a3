#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests (test/e2e).
#
# A no-op (one file check) when the browser is already there. Otherwise it runs
# `apt-get update` and `apt-get install chromium` (with fonts, without the
# desktop recommends), as root or through passwordless sudo, and fails with the
# reason when it cannot. The browser path is /usr/bin/chromium, or
# $FRAMESCOPE_CHROMIUM when set (then nothing is installed: that path must exist).
set -euo pipefail

CHROMIUM="${FRAMESCOPE_CHROMIUM:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-liberation fonts-dejavu-core)

fail() {
  printf 'ensure-chromium: %s\n' "$1" >&2
  printf 'ensure-chromium: the browser tests (test/e2e) need Chromium at %s.\n' "$CHROMIUM" >&2
  exit 1
}

if [[ -x "$CHROMIUM" ]]; then
  exit 0
fi

if [[ -n "${FRAMESCOPE_CHROMIUM:-}" ]]; then
  fail "FRAMESCOPE_CHROMIUM=$FRAMESCOPE_CHROMIUM is not an executable file"
fi

if ! command -v apt-get >/dev/null 2>&1; then
  fail "it is missing and this is not a Debian-like system (no apt-get); install Chromium and set FRAMESCOPE_CHROMIUM to its path"
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
  else
    fail "it is missing and installing it needs root: run 'sudo apt-get install chromium' (or this script as root)"
  fi
fi

echo "ensure-chromium: $CHROMIUM is missing; installing Debian's chromium with apt-get (about a minute)..."
export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
LOG="$(mktemp -t ensure-chromium.XXXXXX)"

if ! "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update >"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  fail "'apt-get update' failed (full log: $LOG)"
fi
if ! "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >>"$LOG" 2>&1; then
  tail -n 20 "$LOG" >&2
  fail "'apt-get install ${PACKAGES[*]}' failed (full log: $LOG)"
fi
if [[ ! -x "$CHROMIUM" ]]; then
  tail -n 20 "$LOG" >&2
  fail "apt-get installed chromium but $CHROMIUM is still missing (full log: $LOG)"
fi
rm -f "$LOG"
echo "ensure-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium)"
