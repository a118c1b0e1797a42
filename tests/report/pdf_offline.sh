#!/usr/bin/env bash
# --format pdf prints with no network: a week of one sensor printed two
# ways (three with TS_PDF_OFFLINE_ROOT=1), each under strace (every
# connect(), sendto() and sendmsg() of the report and the browser), with
# the browser started through a wrapper that notes the network namespace
# and the interfaces it sees:
#   as nobody: a network namespace of its own, only lo, and lo down,
#   through a user namespace (uid mapped to itself);
#   as root (TS_PDF_OFFLINE_ROOT=1): the same namespace, made directly;
#   with unshare() refused (strace injects EPERM, as a container's
#   seccomp policy would): one warning, and the switches alone.
# Each way the browser must try no connection outside Unix sockets and
# loopback (and no DNS at all), and a PDF must come out. The whole test
# runs inside a network namespace of its own besides, so that a browser
# that did reach for the network (the old one tried the resolver and
# update.googleapis.com on every print) reaches nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TS_BIN:-build/xdp-telescope}
for c in chromium strace unshare setpriv ip; do
	command -v "$c" >/dev/null || { echo "$c is missing (make deps)"; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
BIN=$(realpath "$BIN")

"$BIN" synth --out "$work/data" --sensors 1 --from 2022-07-01 --to 2022-07-10 \
	--interval 3600 --rate 2 --seed 3
cat >"$work/browser" <<EOF
#!/bin/sh
{ readlink /proc/self/ns/net; id -u; ip -o link show up | wc -l; ip -o link | wc -l; } \
	>>"\$SEEN" 2>&1
exec chromium "\$@"
EOF
chmod 755 "$work/browser"

# print WAY [STRACE OPTIONS...]: the week as a PDF under strace, in a
# network namespace of the test's own, into $work/WAY.*
print() {
	local way=$1 run=()
	shift
	[ "$way" = nobody ] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	mkdir -m 777 "$work/$way"
	unshare -n sh -c 'readlink /proc/self/ns/net >"$0"; exec "$@"' "$work/$way.outer" \
		strace -f -qq --seccomp-bpf -o "$work/$way.trace" \
		-e trace=connect,sendto,sendmsg,sendmmsg,unshare "$@" \
		"${run[@]}" env HOME="$work/$way" SEEN="$work/$way/seen" \
		XDP_TELESCOPE_CHROMIUM="$work/browser" \
		"$BIN" report --data "$work/data" --week 2022-W27 --format pdf \
		--out "$work/$way/week.pdf" 2>"$work/$way.err" ||
		{ echo "$way: the report failed: $(cat "$work/$way.err")"; exit 1; }
	[ "$(head -c 5 "$work/$way/week.pdf")" = "%PDF-" ] || { echo "$way: no PDF"; exit 1; }
}

# root takes the first branch of lib/offline.c (every other PDF test
# prints as root): only with TS_PDF_OFFLINE_ROOT=1, 15 s more
ways=(nobody refused)
[ -n "${TS_PDF_OFFLINE_ROOT:-}" ] && ways=(root "${ways[@]}")
for way in "${ways[@]}"; do
	case $way in
	refused) print refused -e inject=unshare:error=EPERM ;;
	*) print "$way" ;;
	esac
done

python3 - "$work" "${ways[@]}" <<'PY'
import ipaddress, re, sys
work = sys.argv[1]
for way in sys.argv[2:]:
    trace = open(f"{work}/{way}.trace").read()
    bad = []
    for line in trace.splitlines():
        m = re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(.*?sa_family=(AF_INET6?)"
                      r".*?sin6?_port=htons\((\d+)\).*?(?:inet_addr\(\"([^\"]+)\"\)|"
                      r"inet_pton\(AF_INET6, \"([^\"]+)\")", line)
        if not m:
            if re.search(r"\b(connect|sendto|sendmsg|sendmmsg)\(.*AF_INET", line):
                bad.append(line)	# an address not read: counts against
            continue
        port, addr = int(m.group(3)), ipaddress.ip_address(m.group(4) or m.group(5))
        if port == 53 or not addr.is_loopback:
            bad.append(line)
    assert not bad, f"{way}: {len(bad)} connection(s) tried outside loopback:\n" + \
        "\n".join(bad[:10])
    outer = open(f"{work}/{way}.outer").read().split()[0]
    seen = open(f"{work}/{way}/seen").read().split("\n")
    prints = [seen[i:i + 4] for i in range(0, len(seen) - 1, 4)]
    assert len(prints) >= 2, f"{way}: the browser ran {len(prints)} time(s)"
    uid = "65534" if way == "nobody" else "0"
    for ns, u, up, links in prints:
        assert u == uid, f"{way}: the browser ran as uid {u}"
        if way == "refused":
            assert ns == outer, f"{way}: a namespace after all ({ns}, not {outer})"
            continue
        assert ns != outer, f"{way}: the browser had the report's network ({ns})"
        assert up == "0" and links == "1", f"{way}: {up} interface(s) up of {links}"
    print(f"{way}: {len(prints)} prints, no connection tried outside loopback, "
          + ("the switches alone" if way == "refused" else "only lo, down"))
PY
for way in "${ways[@]}"; do
	[ "$way" = refused ] && continue
	if grep -q ': warning: \|: error: ' "$work/$way.err"; then
		echo "$way: $(cat "$work/$way.err")"; exit 1
	fi
done
n=$(grep -c 'chromium prints without a network namespace of its own (Operation not permitted)' \
	"$work/refused.err" || true)
[ "$n" -eq 1 ] || { echo "refused: the warning $n times: $(cat "$work/refused.err")"; exit 1; }
echo "report_pdf_offline: ok"
