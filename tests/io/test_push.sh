#!/bin/sh
# HTTP push: metrics to a real Prometheus Pushgateway (started here on loopback) read back
# from its /metrics; the JSON summary to a local endpoint; failures (server down, a slow
# server, HTTP 500) are one warning and leave the exit code and the results file alone,
# unless --push-required (exit 1, file written); the token never shows anywhere.
. "$WB_SRCDIR/tests/lib/common.sh"
py=/usr/bin/python3
pg=${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}
[ -x "$pg" ] || { echo "SKIP: prometheus-pushgateway not installed"; exit 77; }
secret="planted-secret-$$-Zq7"
export WAVEBENCH_PUSH_TOKEN="$secret"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT

free_port() { $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_port PORTFILE: the sink's port once it listens (bounded).
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; cat "$1"; }
sink() { # sink MODE NAME -> starts json_sink.py, sets sink_port
    mkdir -p "$scratch/$2"
    $py "$WB_SRCDIR/tests/io/json_sink.py" "$1" "$scratch/$2/port" "$scratch/$2" 120 &
    pids="$pids $!"
    sink_port=$(wait_file "$scratch/$2/port")
}
small="--suite collectives,pinn --coll allreduce,broadcast -b 8 -e 4K -f 8 -n 2 -R 3 --pinn-iters 5 --quiet"

# A real Pushgateway on a free loopback port.
port=$(free_port)
"$pg" --web.listen-address="127.0.0.1:$port" --persistence.file="$scratch/pg.db" > "$scratch/pg.log" 2>&1 &
pids="$pids $!"
i=0
until $py -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/metrics', timeout=1)" 2>/dev/null; do
    i=$((i+1)); [ $i -lt 100 ] || { fail "pushgateway did not start: $(cat "$scratch/pg.log")"; finish; }
    sleep 0.1
done
sink ok ok
# shellcheck disable=SC2086
wb_mpi 2 $small --push "http://127.0.0.1:$port" --push-json "http://127.0.0.1:$sink_port/ingest" \
    --output-dir "$scratch" --output ok.h5 > "$scratch/ok.txt" 2>&1 || fail "push run: exit $?"
# One warning: the token goes over plain http (loopback here).
[ "$(grep -c 'warning' "$scratch/ok.txt")" = 1 ] && grep -q '^wavebench: warning: the push token goes over plain http' "$scratch/ok.txt" ||
    fail "push run: not the one plain-http warning: $(cat "$scratch/ok.txt")"
$py -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/metrics', timeout=5).read().decode())" > "$scratch/metrics.txt" ||
    fail "cannot read the pushgateway's /metrics"
$py - "$scratch/metrics.txt" "$scratch/ok/body.1" "$scratch/ok/auth.1" "$secret" "$scratch/ok/type.1" <<'PY' || fail "pushed metrics"
import json, re, sys
text = open(sys.argv[1]).read()
def series(name):
    out = []
    for line in text.splitlines():
        m = re.match(name + r"\{(.*)\} (\S+)$", line)
        if m:
            labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
            out.append((labels, float(m.group(2))))
    return out
bw = series("wavebench_busbw_gbps")
ar = [l for l, v in bw if l.get("op") == "allreduce"]
assert len(ar) == 4 * 2, (len(ar), bw[:3])  # sizes 8, 64, 512, 4096; two placements
for l in ar:
    for k in ("suite", "op", "size", "type", "ranks", "localities", "backend", "job", "run_id", "in_place"):
        assert k in l, (k, l)
    assert l["job"] == "wavebench" and l["ranks"] == "2" and l["suite"] == "collectives", l
assert series("wavebench_pinn_points_per_second") and series("wavebench_pinn_rel_l2")
assert series("wavebench_time_us")
info = series("wavebench_run_info")
assert info and info[0][0]["verdict"] == "PASSED", info
doc = json.load(open(sys.argv[2]))
assert doc["job"] == "wavebench" and doc["ranks"] == 2 and doc["verdict"] == "PASSED"
names = {m["name"] for m in doc["metrics"]}
assert {"wavebench_busbw_gbps", "wavebench_pinn_rel_l2", "wavebench_pinn_points_per_second"} <= names
assert open(sys.argv[3]).read() == "Bearer " + sys.argv[4], "token not sent as a bearer token"
assert open(sys.argv[5]).read().startswith("application/json")
PY

# Failures: server down, slow server (timeout), HTTP 500: a warning, exit 0, file intact.
dead=$(free_port)
sink slow slow
slow_port=$sink_port
sink 500 e500
for case in "down http://127.0.0.1:$dead" "slow http://127.0.0.1:$slow_port/x" "e500 http://127.0.0.1:$sink_port/x"; do
    name=${case%% *}; url=${case#* }
    start=$(date +%s)
    # shellcheck disable=SC2086
    wb_mpi 2 $small --push-json "$url" --push-timeout 1 --push-retries 1 --output-dir "$scratch" \
        --output "$name.h5" > "$scratch/$name.txt" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    [ $rc = 0 ] || fail "$name: exit $rc, not 0"
    [ "$(grep -c '^wavebench: warning: push' "$scratch/$name.txt")" = 1 ] || fail "$name: not one warning line: $(cat "$scratch/$name.txt")"
    [ $took -lt 40 ] || fail "$name: took ${took}s"
    "$WAVEBENCH" report "$scratch/$name.h5" > /dev/null || fail "$name: results file unreadable"
done
grep -q "500" "$scratch/e500.txt" || fail "e500: the warning does not say HTTP 500"
grep -qi "timed out\|timeout" "$scratch/slow.txt" || fail "slow: the warning does not say timeout"
[ "$(grep -c . "$scratch/e500/requests")" = 2 ] || fail "e500: expected 1 try + 1 retry, got $(grep -c . "$scratch/e500/requests")"

# --push-required: exit 1 after the results file is written (on every rank).
# shellcheck disable=SC2086
wb_mpi 2 $small --push-json "http://127.0.0.1:$sink_port/x" --push-timeout 1 --push-retries 0 --push-required \
    --output-dir "$scratch" --output req.h5 > "$scratch/req.txt" 2>&1
rc=$?
[ $rc = 1 ] || fail "push-required: exit $rc, not 1"
"$WAVEBENCH" report "$scratch/req.h5" | grep -q "verdict: PASSED" || fail "push-required: results file missing or wrong"
grep -q "^wavebench: error: push" "$scratch/req.txt" || fail "push-required: no error line"

# Credentials in a URL are refused before any work (exit 2), and not echoed.
# shellcheck disable=SC2086
wb_mpi 1 $small --push "http://user:hunter2pw@127.0.0.1:$port" --output-dir "$scratch" --output cred.h5 > "$scratch/cred.txt" 2>&1
rc=$?
[ $rc = 2 ] || fail "credentials in URL: exit $rc, not 2"
[ -f "$scratch/cred.h5" ] && fail "credentials in URL: a results file was written"
grep -q hunter2pw "$scratch/cred.txt" && fail "credentials in URL: the password was echoed"

# The token never appears in any output, results file or export.
for f in "$scratch"/*.h5; do "$WAVEBENCH" export "$f" --json >> "$scratch/exports.txt" 2>&1; done
if grep -a -r -l -- "$secret" "$scratch"/*.txt "$scratch"/*.h5 "$scratch/pg.log" "$scratch/metrics.txt"; then
    fail "the token leaked into the files above"
fi
finish
