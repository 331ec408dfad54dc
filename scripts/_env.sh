# Shared by scripts/quickstart and scripts/test: pick a Python and prepare .venv.
# Python 3.12 is preferred (falkordblite, used by the Neo4j export tests, needs it); 3.11 works
# with those tests skipped. Override with PYTHON=/path/to/python.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${DIGIPROV_VENV:-$ROOT/.venv}

find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  local c
  for c in python3.12 python3.13 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      # prefer 3.12+ when the first hit is 3.11
      if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo "$c"; return; fi
      FALLBACK=${FALLBACK:-$c}
    fi
  done
  # pyenv keeps other versions out of PATH
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
    [ -x "$c" ] && { echo "$c"; return; }
  done
  if [ -n "${FALLBACK:-}" ]; then echo "$FALLBACK"; return; fi
  echo "no Python >= 3.11 found; set PYTHON=/path/to/python3.12" >&2
  return 1
}

ensure_venv() {  # $1: pip extras spec, e.g. "." or ".[test]"
  local py
  py=$(find_python)
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "== creating $VENV with $("$py" --version 2>&1)"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
  fi
  echo "== installing digiprov$1 into $VENV"
  "$VENV/bin/python" -m pip install -q -e "$ROOT$1" 2>&1 | grep -v "^WARNING: Location" || true
  "$VENV/bin/python" -c 'import digiprov' || { echo "install failed" >&2; return 1; }
}

APT_UPDATED=""
apt_install() {  # Debian packages, with one `apt-get update` per run
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  echo "== installing Debian's chromium (browser tests)"
  apt_install chromium fonts-noto-cjk
}

ensure_virtuoso() {
  # Only the server binary and isql (15 MB): the full virtuoso-opensource package would also
  # create and start a system database the tests do not use.
  if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then return 0; fi
  echo "== installing Debian's Virtuoso (push tests against a second SPARQL store)"
  apt_install --no-install-recommends virtuoso-opensource-7-bin
}
