#!/usr/bin/env bash
# Property-based checks of Acoge's JSON API against its own OpenAPI document.
#
#   bash .ci/validators/schemathesis.sh BASE_URL     (e.g. http://127.0.0.1:18080)
#
# Makes (or reuses) the venv .ci/.venv, installs requirements.txt into it, then
# runs schemathesis 4.x on BASE_URL/api/openapi.json: every operation (GET and
# the writes: POST /api/v1/invitations, ...), a bounded number of examples per operation, and
# these checks: not_a_server_error, status_code_conformance,
# content_type_conformance, response_schema_conformance. Exits non-zero on any
# failure.
#
# With ACOGE_CI_TOKEN set (.ci/run creates an administrator's token), every
# request carries `Authorization: Bearer $ACOGE_CI_TOKEN`, so the operations
# that need a token are exercised past their 401; the token is checked first
# (GET /api/v1/me must answer 200), so a bad token fails here instead of
# silently turning every authenticated check into a documented 401. Without it
# those operations are only checked for their 401 answers (a note says so).
#
# Two passes (see below): GET operations, then write operations, throttled.
#
# Knobs: ACOGE_CI_SCHEMATHESIS_EXAMPLES (default 30; GET pass),
#        ACOGE_CI_SCHEMATHESIS_WRITE_EXAMPLES (default 10; write pass),
#        ACOGE_CI_SCHEMATHESIS_WRITE_RATE (default 55/m; write pass),
#        ACOGE_CI_SCHEMATHESIS_WRITE_PHASES (default examples,fuzzing,stateful),
#        ACOGE_CI_SCHEMATHESIS_SEED (default 1; fixed so CI runs repeat).
set -euo pipefail

BASE="${1:?usage: schemathesis.sh BASE_URL}"
BASE="${BASE%/}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/../.venv"

[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
"$VENV/bin/schemathesis" --version

AUTH=()
if [[ -n "${ACOGE_CI_TOKEN:-}" ]]; then
  me_status="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
    -H "Authorization: Bearer $ACOGE_CI_TOKEN" "$BASE/api/v1/me")" || me_status="no answer"
  if [[ "$me_status" != "200" ]]; then
    echo "ERROR: GET $BASE/api/v1/me with ACOGE_CI_TOKEN answered $me_status, expected 200" >&2
    exit 1
  fi
  echo "ACOGE_CI_TOKEN accepted by GET /api/v1/me; sending it with every request"
  AUTH=(-H "Authorization: Bearer $ACOGE_CI_TOKEN")
else
  echo "NOTE: ACOGE_CI_TOKEN unset: operations that need a token are only checked for their 401"
fi

# Run from a scratch dir so nothing schemathesis writes lands in the work tree.
WORK="$(mktemp -d /tmp/acoge-schemathesis.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# schemathesis 4.x flags (3.x spelled several of these differently):
#   --origin: send requests to BASE whatever `servers` the document names.
# Default --mode (all): negative examples of the write operations are answered
# 422 (or 404/409), which is documented; none of the four checks below asks
# more of them (negative_data_rejection is not among them).
st_run() {
  timeout 600 "$VENV/bin/schemathesis" run "$BASE/api/openapi.json" \
    --origin "$BASE" \
    "${AUTH[@]}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --seed "${ACOGE_CI_SCHEMATHESIS_SEED:-1}" \
    --generation-database none \
    --request-timeout 10 \
    --no-color \
    "$@"
}

# Two passes. Reads at full speed. Writes (every operation but GET) below the
# server's own write limit: it allows a member 120 API writes a minute and
# answers 429 past that, so an unthrottled pass spends almost all of its
# examples on 429s (schemathesis: "Rate limited: operations mostly returned
# 429, leaving the logic behind them untested"), and the 429 itself, which the
# OpenAPI document does not list, fails status_code_conformance. That 429 is a
# documentation gap of the server, reported separately; throttling here keeps
# CI testing what the write operations do. --rate-limit counts every request
# of the pass (the 405 probes of other methods too) and lets a whole minute's
# worth through in a burst, and the server's 60-second window need not line up
# with schemathesis's: any server window can then see two of schemathesis's,
# so the rate stays under half the limit: 55/m. At that pace the coverage
# phase (about 500 boundary-value requests for the write operations) would
# take ten minutes, so the write pass runs the examples,
# fuzzing and stateful phases only by default (about a minute);
# ACOGE_CI_SCHEMATHESIS_WRITE_PHASES=examples,coverage,fuzzing,stateful adds it.
status=0
echo "== schemathesis: GET operations =="
st_run --include-method GET \
  --max-examples "${ACOGE_CI_SCHEMATHESIS_EXAMPLES:-30}" \
  --workers 2 || status=1
echo
echo "== schemathesis: write operations (throttled to ${ACOGE_CI_SCHEMATHESIS_WRITE_RATE:-55/m}) =="
st_run --exclude-method GET \
  --max-examples "${ACOGE_CI_SCHEMATHESIS_WRITE_EXAMPLES:-10}" \
  --rate-limit "${ACOGE_CI_SCHEMATHESIS_WRITE_RATE:-55/m}" \
  --phases "${ACOGE_CI_SCHEMATHESIS_WRITE_PHASES:-examples,fuzzing,stateful}" \
  --workers 1 || status=1
exit "$status"
