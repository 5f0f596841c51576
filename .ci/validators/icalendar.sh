#!/usr/bin/env bash
# The founding webinar's iCalendar file, parsed by Python's `icalendar`
# (an implementation independent of ours); see icalendar_check.py.
#
#   bash .ci/validators/icalendar.sh BASE_URL     (e.g. http://127.0.0.1:18080)
#
# Uses the same venv as schemathesis.sh (.ci/.venv, requirements.txt).
set -euo pipefail

BASE="${1:?usage: icalendar.sh BASE_URL}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/../.venv"

[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
"$VENV/bin/python" "$HERE/icalendar_check.py" "$BASE"
