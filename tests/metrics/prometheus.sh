#!/usr/bin/env bash
# Metrics end to end: a sensor in the lab serves its metrics on the lab's
# loopback (--metrics-listen) and writes them to a file (--metrics); the
# file passes `promtool check metrics`; a real Prometheus server, started
# here in the sensor's namespace on 127.0.0.1 with a data directory of its
# own, scrapes the sensor, and a PromQL query of the packet counter equals
# the sum of totals.csv exactly. Everything is stopped and removed after.
set -u
cd "$(dirname "$0")/../.."
. tests/lib/lab.sh

lab_prepare metrics_prometheus
log="$dir/loader.log"
account="$dir/account.csv"
metrics="$dir/sensor.prom"
lab_up

lab_start_loader "$log" --out "$dir/out" --interval 1 --geoip "$dir/country.mmdb" \
	--sensor "prom-test" --metrics "$metrics" --metrics-listen 127.0.0.1:19471
lab_wait_log "$log" "writing $dir/out every 1 s"
in_sender "$SEND" --ifname "$SENDER_IF" --mix e2e --seed 5 --count 3000 --rate 1500 \
	--account "$account" >/dev/null || lab_fail "lab-send failed"
sleep 2.5 # two drains after the last frame: nothing waits in the maps

# The file: valid exposition, the counter and the labels we promise.
promtool check metrics <"$metrics" >"$dir/promtool.txt" 2>&1 ||
	lab_fail "promtool check metrics: $(cat "$dir/promtool.txt")"
grep -q '^xdp_telescope_packets_total{ifname="'"$SENSOR_IF"'",sensor="prom-test"} ' "$metrics" ||
	lab_fail "no packets counter with the interface and sensor labels in $metrics"
grep -q '^xdp_telescope_build_info{.*version="' "$metrics" || lab_fail "no build_info"
in_sensor curl -sf http://127.0.0.1:19471/metrics >"$dir/scraped.prom" ||
	lab_fail "GET /metrics failed"
code=$(in_sensor curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:19471/other)
[ "$code" = 404 ] || lab_fail "GET /other answered $code, not 404"

# A real Prometheus, in the sensor's namespace, scraping every second.
lab_prometheus 19471 19090

want=$(python3 - "$dir/out" <<'PYEOF'
import csv, glob, os, sys
print(sum(int(r["packets"]) for f in glob.glob(os.path.join(sys.argv[1], "*", "totals.csv"))
          for r in csv.DictReader(open(f))))
PYEOF
)
[ "$want" -gt 0 ] || lab_fail "no packets in totals.csv"
got=
for i in $(seq 60); do
	got=$(in_sensor curl -sf --get http://127.0.0.1:19090/api/v1/query \
		--data-urlencode 'query=sum(xdp_telescope_packets_total{job="xdp-telescope"})' |
		python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null)
	[ -n "$got" ] && [ "$got" = "$want" ] && break
	sleep 0.5
done
[ "$got" = "$want" ] || lab_fail "Prometheus says ${got:-nothing} packets, totals.csv $want"
echo "prometheus: xdp_telescope_packets_total = $got = Σ totals.csv.packets"
kill -TERM "$LOADER_PID"
wait "$LOADER_PID" || lab_fail "loader exit $? after SIGTERM"
echo "metrics_prometheus: ok"
