#!/usr/bin/env bash
# Runs snn (if built) and the Brian2 peer (train) with the same parameters, one after the
# other, and prints the commands, a table and the ratios ours/Brian2.
# Options: see  bench/peers/_driver.py train --help  (e.g. --neurons, --seed, --targets, --save-json).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PY=/usr/bin/python3
if [[ ! -x "$PY" ]]; then
  echo "error: $PY not found (Brian2 comes from Debian's python3-brian and needs the system python)" >&2
  exit 2
fi
if ! "$PY" -c 'import brian2' >/dev/null 2>&1; then
  echo "error: brian2 is not importable by $PY (apt-get install python3-brian)" >&2
  exit 2
fi
exec "$PY" "$HERE/_driver.py" train "$@"
