#!/usr/bin/env bash
# Reproduces the page benchmark recorded in BENCHMARKS.md: every page type
# and every API list of `acoge serve` against nginx serving the very same
# bytes (gzip_static), in one run, for two corpus sizes on both backends.
#
#   bench/pages.sh [--sizes small,large] [--backends sqlite,postgres] [--report BENCHMARKS.md]
#
# For each size (small: 3,000 practices + 3,000 organizations; large: 100,000
# + 20,000, both from `acoge demo-corpus --seed 7`) and each backend it:
#   - starts `acoge serve` twice on the database, each timed to the first
#     200 from /healthz: the first start (which then builds the search index
#     in the background: its peak memory is read once that is done) and a
#     start on the existing database, which serves every run below;
#   - creates a member and signs in (a session cookie for pages, an API token
#     for the API), an administrator for the writes;
#   - for every URL: fetches it once gzip-compressed (the compressed bytes are
#     reported), writes those bytes as a static file for nginx, then runs wrk
#     (64 connections, 2 threads, $BENCH_SECONDS s) on acoge as an anonymous
#     visitor, on acoge as the signed-in member, and on nginx;
#   - times the first render of every URL after a write (a new organization);
#   - times writes (practices and contributions through the API) while wrk
#     reads the home page and the practice list;
#   - reads the peak resident memory of the serving server (VmHWM) at the end.
# Results go to bench/results/pages-<size>-<backend>.tsv, and the report to
# the section of BENCHMARKS.md between the `pages:begin` and `pages:end`
# markers (bench/pages_report.py).
#
# Needs: wrk and nginx (Debian packages; installed if missing and root),
# python3, curl, PostgreSQL at $ACOGE_BENCH_PG (default
# postgres://postgres@127.0.0.1:5432). About 35 minutes on 2 cores.
# BENCH_NO_BUILD=1 uses target/release/acoge as it is (or BENCH_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

SIZES=small,large
BACKENDS=sqlite,postgres
REPORT=BENCHMARKS.md
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --backends) BACKENDS=$2; shift 2 ;;
    --report) REPORT=$2; shift 2 ;;
    *) echo "bench/pages.sh: unknown argument $1 (see the head of the script)" >&2; exit 2 ;;
  esac
done
SECONDS_EACH=${BENCH_SECONDS:-4}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PG=${ACOGE_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
PORT=${BENCH_PORT:-18700}
NGINX_PORT=$((PORT + 1))
BASE="http://127.0.0.1:$PORT"
PASSWORD="bench-throwaway-passphrase-2026"

need() {
  command -v "$1" >/dev/null && return
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
  fi
  command -v "$1" >/dev/null || { echo "bench/pages.sh: $1 is missing (apt-get install $2)" >&2; exit 1; }
}
need wrk wrk
need nginx nginx-light
need python3 python3

if [[ "${BENCH_NO_BUILD:-}" != 1 ]]; then
  echo "== building the release binary"
  cargo build --release --bin acoge
fi
ACOGE="${BENCH_BIN:-$ROOT/target/release/acoge}"
WORK=$(mktemp -d /tmp/acoge-bench-pages.XXXXXX)
chmod 755 "$WORK" # nginx's workers read the static files as www-data
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
SERVER_PID=""
NGINX_PID=""
PG_DB=""

cleanup() {
  set +e
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null
  [[ -n "$PG_DB" ]] && psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

# nginx serving $WORK/static/<name> (and <name>.gz) on $NGINX_PORT.
start_nginx() {
  mkdir -p "$WORK/static" "$WORK/nginx"
  chmod 755 "$WORK/static"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx;
  scgi_temp_path $WORK/nginx;
  types { text/html html; }
  default_type text/html;
  gzip_static on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/static;
  }
}
EOF
  nginx -c "$WORK/nginx/nginx.conf" &
  NGINX_PID=$!
  for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/" 2>/dev/null && break; sleep 0.1; done
}

# acoge with the options of this configuration.
acoge() {
  if [[ -n "$PG_DB" ]]; then
    "$ACOGE" --data-dir "$DATA" --database "$PG/$PG_DB" "$@"
  else
    "$ACOGE" --data-dir "$DATA" "$@"
  fi
}

# Starts the server; writes the seconds from launch to the first 200 of
# /healthz to $WORK/start.txt (not stdout: the server's pid must stay in
# this shell, not in a command substitution's).
start_server() {
  if curl -fs -o /dev/null "$BASE/healthz" 2>/dev/null; then
    echo "bench/pages.sh: something already answers on $BASE; stop it first" >&2
    exit 1
  fi
  local command=("$ACOGE" --data-dir "$DATA")
  [[ -n "$PG_DB" ]] && command+=(--database "$PG/$PG_DB")
  local started=$EPOCHREALTIME
  # The binary itself in the background (not a shell function, whose
  # subshell's pid would be the one killed).
  "${command[@]}" serve --addr "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 6000); do
    if curl -fs -o /dev/null "$BASE/healthz" 2>/dev/null; then
      python3 -c "print(f'{$EPOCHREALTIME - $started:.3f}')" >"$WORK/start.txt"
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.01
  done
  echo "bench/pages.sh: the server never answered /healthz" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# Waits until /healthz says nothing is degraded (index built, analyses done).
wait_settled() {
  for _ in $(seq 1 600); do
    curl -fs "$BASE/healthz" | grep -q degraded || break
    sleep 1
  done
  sleep 5
}

peak_rss_mb() {
  awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER_PID/status"
}

# wrk_run URL [HEADER...]: prints "req/s p50_ms p99_ms non2xx".
wrk_run() {
  local url=$1; shift
  local args=(-t2 "-c$CONNECTIONS" "-d${SECONDS_EACH}s" --timeout 30s --latency -H "Accept-Encoding: gzip, br")
  for h in "$@"; do args+=(-H "$h"); done
  wrk "${args[@]}" "$url" 2>&1 | python3 "$ROOT/bench/pages_report.py" parse-wrk
}

# ms of one GET (anonymous, compressed).
time_get() {
  curl -s -o /dev/null -H "Accept-Encoding: gzip" -w '%{time_total}' "$BASE$1" \
    | python3 -c 'import sys; print(f"{float(sys.stdin.read())*1000:.1f}")'
}

json_field() {
  python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"
}

sign_in() {
  local email=$1 jar=$2 csrf
  csrf=$(curl -s -c "$jar" "$BASE/entrar" | grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//')
  curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "email=$email" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "csrf=$csrf" \
    --data-urlencode "siguiente=/" "$BASE/entrar"
  # Both cookies, as a browser keeps them: the session and the CSRF nonce.
  awk '$6 ~ /acoge_(session|csrf)$/ { print $6 "=" $7 }' "$jar" | paste -sd ';' | sed 's/;/; /g'
}

api_post() {
  curl -s -o "$WORK/post.json" -w '%{http_code} %{time_total}' -X POST "$BASE$1" \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' --data "$2"
}

run_configuration() {
  local size=$1 backend=$2 practices organizations
  case "$size" in
    small) practices=3000; organizations=3000 ;;
    large) practices=100000; organizations=20000 ;;
    *) echo "bench/pages.sh: unknown size $size (small or large)" >&2; exit 2 ;;
  esac
  local out="$RESULTS/pages-$size-$backend.tsv"
  echo "== $size ($practices practices, $organizations organizations) on $backend"
  DATA="$WORK/data-$size-$backend"
  mkdir -p "$DATA"
  PG_DB=""
  if [[ "$backend" == postgres ]]; then
    PG_DB="acoge_bench_pages"
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  fi
  acoge demo-corpus --practices "$practices" --organizations "$organizations" --seed 7
  printf '%s\n' "$PASSWORD" | acoge user add bench-member@example.org --role miembro --name "Bench Member" >/dev/null
  printf '%s\n' "$PASSWORD" | acoge user add bench-admin@example.org --role administrador --name "Bench Admin" >/dev/null
  MEMBER_TOKEN=$(acoge token create bench-member@example.org --name bench 2>/dev/null)
  ADMIN_TOKEN=$(acoge token create bench-admin@example.org --name bench 2>/dev/null)

  local first_start existing_start first_start_peak
  start_server
  first_start=$(cat "$WORK/start.txt")
  # A first start goes on to build the search index of the whole corpus in
  # the background: its peak memory is that build's, reported apart from
  # the peak of a server in service.
  wait_settled
  first_start_peak=$(peak_rss_mb)
  stop_server
  start_server
  existing_start=$(cat "$WORK/start.txt")
  # Give background work at start (analyses) time to settle, as a deployed
  # instance would have.
  wait_settled
  local session
  session=$(sign_in bench-member@example.org "$WORK/member.jar")
  [[ -n "$session" ]] || { echo "bench/pages.sh: could not sign in the bench member" >&2; exit 1; }

  # Ids of one record of each kind.
  local practice organization event instrument provision discussion group
  practice=$(curl -fs "$BASE/api/v1/practices?per_page=1" | json_field "d['items'][0]['id']")
  organization=$(curl -fs "$BASE/api/v1/organizations?per_page=2" | json_field "d['items'][0]['id']")
  local other_organization
  other_organization=$(curl -fs "$BASE/api/v1/organizations?per_page=2" | json_field "d['items'][1]['id']")
  instrument=$(curl -fs "$BASE/api/v1/legal-instruments" | json_field "d['items'][0]['id'] if isinstance(d, dict) else d[0]['id']")
  provision=$(curl -fs "$BASE/api/v1/provisions?per_page=1" | json_field "d['items'][0]['id'] if isinstance(d, dict) else d[0]['id']")
  api_post /api/v1/working-groups '{"slug":"bench","name_es":"Grupo de prueba","name_en":"Bench group","description_es":"Grupo del banco de pruebas.","description_en":"The benchmark group."}' >/dev/null
  api_post /api/v1/events '{"kind":"taller","title":"Taller del banco de pruebas","starts_at":"2031-03-10T16:00:00Z","ends_at":"2031-03-10T18:00:00Z","time_zone":"America/Tijuana","working_group":"bench","guiding_questions":["¿Qué servicios de salud atienden sin documentos?"]}' >/dev/null
  event=$(json_field "d['id']" <"$WORK/post.json")
  discussion=$(curl -fs "$BASE/api/v1/discussions" | json_field "d['items'][0]['id'] if isinstance(d, dict) else d[0]['id']")
  group=bench

  local pages=(
    "/" "/acerca" "/criterios" "/estados" "/estados/07" "/municipios" "/municipios?estado=07"
    "/municipios/07089" "/municipios/07089/mandato" "/municipios/07089/servicios"
    "/municipios/07089/aliados-posibles" "/organizaciones" "/organizaciones?page=50"
    "/organizaciones/$organization" "/servicios" "/alianzas" "/red" "/mapa" "/eventos"
    "/eventos/$event" "/discusiones" "/discusiones/$discussion" "/grupos" "/grupos/$group"
    "/marco-de-colaboracion" "/marco-legal" "/marco-legal/instrumentos/$instrument"
    "/marco-legal/disposiciones/$provision" "/practicas" "/practicas?page=100"
    "/practicas?estado=07" "/practicas/$practice" "/practicas/$practice/historial"
    "/armonizacion" "/responsabilidades" "/buscar?q=albergue" "/buscar?q=salud+mental+tapachula"
  )
  local api=(
    "/api/v1/practices" "/api/v1/practices?page=100" "/api/v1/organizations" "/api/v1/services"
    "/api/v1/alliances" "/api/v1/network" "/api/v1/events" "/api/v1/discussions"
    "/api/v1/municipalities" "/api/v1/states" "/api/v1/legal-instruments" "/api/v1/provisions"
    "/api/v1/harmonization" "/api/v1/syntheses" "/api/v1/working-groups" "/api/v1/responsibilities"
    "/api/v1/search?q=albergue" "/api/v1/hsds/organizations" "/api/v1/hsds/services"
  )

  printf 'kind\turl\tstatus\tbytes_gzip\tanon_rps\tanon_p50\tanon_p99\tanon_errors\tmember_rps\tmember_p50\tmember_p99\tmember_errors\tnginx_rps\tnginx_p50\tnginx_p99\tnginx_errors\tfirst_after_write_ms\n' >"$out"
  local n=0 url kind status bytes name anon member nginx_r first auth
  for url in "${pages[@]}" "${api[@]}"; do
    n=$((n + 1))
    kind=page; auth="Cookie: $session"
    if [[ "$url" == /api/* ]]; then kind=api; auth="Authorization: Bearer $MEMBER_TOKEN"; fi
    name="p$n.html"
    status=$(curl -s -o "$WORK/static/$name.gz" -w '%{http_code}' -H 'Accept-Encoding: gzip' "$BASE$url")
    bytes=$(stat -c %s "$WORK/static/$name.gz")
    if ! gzip -t "$WORK/static/$name.gz" 2>/dev/null; then
      # The answer came uncompressed (too small to compress): serve it as is.
      mv "$WORK/static/$name.gz" "$WORK/static/$name"
      gzip -9 -k "$WORK/static/$name"
    else
      gzip -dc "$WORK/static/$name.gz" >"$WORK/static/$name"
    fi
    anon=$(wrk_run "$BASE$url")
    member=$(wrk_run "$BASE$url" "$auth")
    nginx_r=$(wrk_run "http://127.0.0.1:$NGINX_PORT/$name")
    # The first render after a write: a new alliance moves the data version.
    api_post /api/v1/alliances "{\"name\":\"Alianza de prueba $n\",\"kind\":\"convenio\",\"members\":[\"$organization\",\"$other_organization\"],\"municipalities\":[\"07089\"],\"source\":\"https://example.org/convenio-$n\"}" >/dev/null || true
    first=$(time_get "$url")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$url" "$status" "$bytes" \
      "$(tr ' ' '\t' <<<"$anon")" "$(tr ' ' '\t' <<<"$member")" "$(tr ' ' '\t' <<<"$nginx_r")" "$first" >>"$out"
    echo "  $url: $status, $bytes B; anon $anon; member $member; nginx $nginx_r; after write $first ms"
  done

  # Writes while reads run.
  wrk -t2 "-c$CONNECTIONS" -d30s -s "$ROOT/bench/mixed-reads.lua" "$BASE/" >/dev/null 2>&1 &
  local reader=$! lead
  lead=$organization
  : >"$WORK/writes.txt"
  for i in $(seq 1 40); do
    api_post /api/v1/practices "{\"title\":\"Práctica de prueba $i\",\"summary\":\"Escrita por el banco de pruebas mientras otros leen.\",\"sections\":{},\"municipalities\":[\"07089\"],\"lead_organization\":\"$lead\",\"partners\":[],\"levels_of_government\":[\"municipal\"],\"rights\":[\"salud\"],\"sectors\":[\"salud\"],\"populations\":[\"transito\"],\"gcm_objectives\":[15],\"covid19\":false,\"implementation_status\":\"en_curso\",\"evidence\":[]}" \
      | awk '{ printf "practice %s %.1f\n", $1, $2 * 1000 }' >>"$WORK/writes.txt"
    api_post "/api/v1/discussions/$discussion/contributions" "{\"body\":\"Aporte $i del banco de pruebas.\"}" \
      | awk '{ printf "contribution %s %.1f\n", $1, $2 * 1000 }' >>"$WORK/writes.txt"
  done
  wait "$reader" || true
  python3 "$ROOT/bench/pages_report.py" writes "$WORK/writes.txt" >"$RESULTS/writes-$size-$backend.txt"
  printf 'first_start_s\t%s\nexisting_start_s\t%s\npeak_rss_mb\t%s\nfirst_start_peak_rss_mb\t%s\npractices\t%s\norganizations\t%s\n' \
    "$first_start" "$existing_start" "$(peak_rss_mb)" "$first_start_peak" "$practices" "$organizations" >"$RESULTS/server-$size-$backend.tsv"
  cat "$RESULTS/writes-$size-$backend.txt" "$RESULTS/server-$size-$backend.tsv"
  stop_server
  rm -rf "$WORK/static"/* "$DATA"
  if [[ -n "$PG_DB" ]]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    PG_DB=""
  fi
}

start_nginx
IFS=, read -r -a size_list <<<"$SIZES"
IFS=, read -r -a backend_list <<<"$BACKENDS"
for size in "${size_list[@]}"; do
  for backend in "${backend_list[@]}"; do
    run_configuration "$size" "$backend"
  done
done
python3 "$ROOT/bench/pages_report.py" report "$RESULTS" "$REPORT" \
  --command "bench/pages.sh --sizes $SIZES --backends $BACKENDS" --seconds "$SECONDS_EACH" --connections "$CONNECTIONS"
echo "== report written to $REPORT"
