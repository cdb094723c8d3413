#!/bin/sh
# Prometheus end to end: a real Prometheus (started here on loopback, its own storage in
# the scratch directory) scrapes a real Pushgateway every second with honor_labels; two
# wavebench runs push to the gateway (a passing collectives -e 64K + tiny PINN run on 2
# ranks, and a 1-rank PINN run that misses --max-rel-l2: exit 3); PromQL through the HTTP
# API must return the pushed busbw and rel L2 with their labels and values, and the shipped
# alert rules (packaging/prometheus/wavebench-rules.yml, loaded by this Prometheus) must
# fire WavebenchRunFailedChecks for the failed run only.
. "$WB_SRCDIR/tests/lib/common.sh"
py=/usr/bin/python3
pg=${PUSHGATEWAY:-/usr/bin/prometheus-pushgateway}
prom=${PROMETHEUS:-/usr/bin/prometheus}
[ -x "$pg" ] || { echo "SKIP: prometheus-pushgateway not installed"; exit 77; }
[ -x "$prom" ] || { echo "SKIP: prometheus not installed (Debian: prometheus)"; exit 77; }
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT

free_port() { $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_url URL WHAT LOG: until URL answers 200 (bounded: 15 s).
wait_url() {
    i=0
    until $py -c "import urllib.request; urllib.request.urlopen('$1', timeout=1)" 2>/dev/null; do
        i=$((i+1)); [ $i -lt 150 ] || { fail "$2 did not start: $(tail -n 5 "$3")"; finish; }
        sleep 0.1
    done
}

pg_port=$(free_port)
# Its own persistence file: Debian's default, /var/lib/prometheus/pushgateway.data, is
# shared by every gateway started without one, and would bring other runs' groups back.
"$pg" --web.listen-address="127.0.0.1:$pg_port" --persistence.file="$scratch/pg.db" > "$scratch/pg.log" 2>&1 &
pids="$pids $!"
prom_port=$(free_port)
cat > "$scratch/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $WB_SRCDIR/packaging/prometheus/wavebench-rules.yml
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$pg_port']
YML
"$prom" --config.file="$scratch/prometheus.yml" --storage.tsdb.path="$scratch/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" > "$scratch/prom.log" 2>&1 &
pids="$pids $!"
wait_url "http://127.0.0.1:$pg_port/metrics" pushgateway "$scratch/pg.log"
wait_url "http://127.0.0.1:$prom_port/-/ready" prometheus "$scratch/prom.log"

tiny_pinn="--pinn-iters 5 --pinn-warmup 1 --interior-points 256 --boundary-points 32"
# shellcheck disable=SC2086
wb_mpi 2 --suite collectives,pinn -e 64K $tiny_pinn --quiet --push "http://127.0.0.1:$pg_port" \
    --output-dir "$scratch" --output ok.h5 > "$scratch/ok.txt" 2>&1 || fail "passing run: exit $?: $(cat "$scratch/ok.txt")"
# shellcheck disable=SC2086
wb_mpi 1 --suite pinn $tiny_pinn --max-rel-l2 1e-9 --quiet --push "http://127.0.0.1:$pg_port" \
    --output-dir "$scratch" --output bad.h5 > "$scratch/bad.txt" 2>&1
rc=$?
[ $rc = 3 ] || fail "failing run: exit $rc, not 3: $(cat "$scratch/bad.txt")"
$py -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$pg_port/metrics', timeout=5).read().decode())" \
    > "$scratch/gateway.txt" || fail "cannot read the pushgateway's /metrics"

$py - "http://127.0.0.1:$prom_port" "$scratch/gateway.txt" <<'PY' || fail "PromQL queries"
import json, math, re, sys, time, urllib.parse, urllib.request
base, gateway = sys.argv[1], open(sys.argv[2]).read()

def api(path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    doc = json.load(urllib.request.urlopen(url, timeout=5))
    assert doc["status"] == "success", doc
    return doc["data"]

def query(q):
    data = api("/api/v1/query", query=q)
    assert data["resultType"] == "vector", data
    return data["result"]

def pushed(name, labels):
    """The value the gateway serves for NAME with these labels (its exposition text)."""
    for line in gateway.splitlines():
        m = re.match(name + r"\{(.*)\} (\S+)$", line)
        if m and dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1))) == labels:
            return float(m.group(2))
    raise AssertionError(f"{name}{labels} not on the gateway")

# Scraped: both runs' groups (with honor_labels, job is the pushed one, not "pushgateway").
deadline = time.time() + 30
while time.time() < deadline and len(query('wavebench_run_info{job="wavebench"}')) < 2:
    time.sleep(0.5)
info = {r["metric"]["ranks"]: r["metric"] for r in query('wavebench_run_info{job="wavebench"}')}
assert set(info) == {"1", "2"}, ("not both runs scraped within 30 s", info)
assert info["2"]["verdict"] == "PASSED" and info["1"]["verdict"] == "FAILED", info
ok_id, bad_id = info["2"]["run_id"], info["1"]["run_id"]
assert not query('wavebench_run_info{job="pushgateway"}'), "honor_labels not in effect"

q = 'wavebench_busbw_gbps{suite="collectives", op="allreduce", size="65536", run_id="%s"}' % ok_id
bw = query(q)
print("PromQL:", q)
for r in bw:
    print("  ", json.dumps(r["metric"], sort_keys=True), r["value"][1])
assert len(bw) == 2, ("allreduce at 64 KiB: one series per placement", bw)
assert sorted(r["metric"]["in_place"] for r in bw) == ["0", "1"], bw
for r in bw:
    m, v = dict(r["metric"]), float(r["value"][1])
    for k, want in (("job", "wavebench"), ("suite", "collectives"), ("op", "allreduce"),
                    ("size", "65536"), ("ranks", "2"), ("localities", "1"), ("backend", "cpu"),
                    ("redop", "sum")):
        assert m.get(k) == want, (k, m)
    assert m.get("type") and "instance" not in m, m  # the empty pushed instance is no label
    assert math.isfinite(v) and v > 0, v
    name = m.pop("__name__")
    assert v == pushed(name, {**m, "instance": ""}), (v, "differs from the pushed value")
ops = {r["metric"]["op"] for r in query('max by (op) (wavebench_busbw_gbps{run_id="%s"})' % ok_id)}
assert ops == {"allreduce", "reduce", "reduce_scatter", "allgather", "broadcast", "alltoall"}, ops

q = 'wavebench_pinn_rel_l2{suite="pinn"}'
l2 = query(q)
print("PromQL:", q)
for r in l2:
    print("  ", json.dumps(r["metric"], sort_keys=True), r["value"][1])
assert sorted(r["metric"]["run_id"] for r in l2) == sorted([ok_id, bad_id]), l2
for r in l2:
    m, v = dict(r["metric"]), float(r["value"][1])
    assert m["job"] == "wavebench" and m["backend"] == "cpu" and m.get("op") and m.get("type"), m
    assert m["ranks"] == ("2" if m["run_id"] == ok_id else "1"), m
    assert math.isfinite(v) and v > 0, v
    m.pop("__name__")
    assert v == pushed("wavebench_pinn_rel_l2", {**m, "instance": ""}), (v, "differs from the pushed value")
st = query('wavebench_exit_status{run_id="%s"}' % bad_id)
assert [r["value"][1] for r in st] == ["3"], st

# The shipped rules, evaluated every second by this Prometheus: the failed run alerts.
deadline = time.time() + 20
firing = []
while time.time() < deadline:
    alerts = api("/api/v1/alerts")["alerts"]
    firing = [(a["labels"]["alertname"], a["labels"].get("run_id")) for a in alerts if a["state"] == "firing"]
    if ("WavebenchRunFailedChecks", bad_id) in firing:
        break
    time.sleep(0.5)
print("firing:", sorted(firing))
assert ("WavebenchRunFailedChecks", bad_id) in firing, firing
assert ("WavebenchRunFailedChecks", ok_id) not in firing, firing
# 5 iterations train nothing: rel L2 is about 1, above the 0.05 ceiling for both runs.
assert ("WavebenchRelL2AboveCeiling", bad_id) in firing, firing
rules = api("/api/v1/rules")["groups"]
assert [g["name"] for g in rules] == ["wavebench"] and all(r["health"] == "ok" for r in rules[0]["rules"]), rules
PY
grep -i "level=error" "$scratch/prom.log" && fail "prometheus logged errors"
finish
