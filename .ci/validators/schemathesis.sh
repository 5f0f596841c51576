#!/usr/bin/env bash
# Property-based checks of Acoge's JSON API against its own OpenAPI document.
#
#   bash .ci/validators/schemathesis.sh BASE_URL     (e.g. http://127.0.0.1:18080)
#
# Makes (or reuses) the venv .ci/.venv, installs requirements.txt into it, then
# runs schemathesis 4.x on BASE_URL/api/openapi.json: GET operations only, a
# bounded number of examples per operation, and these checks:
# not_a_server_error, status_code_conformance, content_type_conformance,
# response_schema_conformance. Exits non-zero on any failure.
#
# Knobs: ACOGE_CI_SCHEMATHESIS_EXAMPLES (default 30),
#        ACOGE_CI_SCHEMATHESIS_SEED (default 1; fixed so CI runs repeat).
set -euo pipefail

BASE="${1:?usage: schemathesis.sh BASE_URL}"
BASE="${BASE%/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/../.venv"

[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
"$VENV/bin/schemathesis" --version

# Run from a scratch dir so nothing schemathesis writes lands in the work tree.
WORK="$(mktemp -d /tmp/acoge-schemathesis.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# schemathesis 4.x flags (3.x spelled several of these differently):
#   --origin: send requests to BASE whatever `servers` the document names.
timeout 600 "$VENV/bin/schemathesis" run "$BASE/api/openapi.json" \
  --origin "$BASE" \
  --include-method GET \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "${ACOGE_CI_SCHEMATHESIS_EXAMPLES:-30}" \
  --seed "${ACOGE_CI_SCHEMATHESIS_SEED:-1}" \
  --generation-database none \
  --request-timeout 10 \
  --workers 2 \
  --no-color
