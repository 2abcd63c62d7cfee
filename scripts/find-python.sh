#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs 3.8-3.10).
# Looks on PATH, then under pyenv. Exits 1 with advice when none is found.
set -u
candidates=(
  "${PYTHON310:-}"
  "$(command -v python3.10 2>/dev/null || true)"
  "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10
  /usr/local/bin/python3.10
  /usr/bin/python3.10
)
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
No Python 3.10 found. Rasa 3.6 runs on Python 3.8 to 3.10 only.
Install one, for example:
  pyenv install 3.10.13            (with pyenv)
  sudo apt-get install python3.10  (Debian/Ubuntu with a 3.10 package)
or point PYTHON310 at an interpreter: make run PYTHON310=/path/to/python3.10
MSG
exit 1
