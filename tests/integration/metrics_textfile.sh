#!/bin/bash
# needs: promtool timeout
# --textfile DIR writes DIR/sockwatch.prom each refresh by temp file and
# rename: a reader polling it all the while never sees a partial file
# (promtool check metrics on every read), no temporary file is left, and
# a directory that is missing or takes no file is said at start, naming
# the option. -b --prom prints one exposition per refresh.
. "$(dirname "$0")/lib.sh"

T=$(tmpdir)
D="$T/textfile"
mkdir "$D"
spawn "$SW_BIN" -b -n 60 -d 0.05 --textfile "$D" >/dev/null 2>"$T/sw.err"
SW_PID=$SPAWNED
reads=0 bad=0 seqs=""
for ((i = 0; i < 300 && reads < 60; i++)); do
	if [ -s "$D/sockwatch.prom" ]; then
		cp "$D/sockwatch.prom" "$T/read.prom" 2>/dev/null || continue
		reads=$((reads + 1))
		promtool check metrics <"$T/read.prom" >/dev/null 2>&1 || bad=$((bad + 1))
		grep -q '^sockwatch_tcp_sockets{state="listen"} ' "$T/read.prom" || bad=$((bad + 1))
		seqs="$seqs $(awk '$1 == "sockwatch_refreshes_total" {print $2}' "$T/read.prom")"
	fi
	sleep 0.02
done
wait "$SW_PID"
RC=$?
check_eq "sockwatch -b --textfile exits 0" 0 "$RC"
check "the reader read the file while it was rewritten ($reads reads)" [ "$reads" -ge 20 ]
check_eq "every read was a whole, valid exposition" 0 "$bad"
check "the reads saw different refreshes" [ "$(echo $seqs | tr ' ' '\n' | sort -un | wc -l)" -ge 5 ]
check_eq "the last file is the last refresh" 60 \
	"$(awk '$1 == "sockwatch_refreshes_total" {print $2}' "$D/sockwatch.prom")"
check_eq "no temporary file is left" "sockwatch.prom" "$(ls -A "$D")"
check_eq "the file is world-readable, as node_exporter needs" 644 "$(stat -c %a "$D/sockwatch.prom")"

"$SW_BIN" -b --textfile "$T/missing" >/dev/null 2>"$T/err1"
RC=$?
check "a missing directory fails at start ($RC)" [ "$RC" -ne 0 ]
check "and names the option" grep -q "^sockwatch: --textfile $T/missing: No such file or directory" "$T/err1"
touch "$T/plain"
"$SW_BIN" -b --textfile "$T/plain" >/dev/null 2>"$T/err2"
check "a file that is not a directory is said" grep -q "not a directory" "$T/err2"
mkdir "$T/ro"
chmod 0555 "$T/ro"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SW_BIN" -b -t --textfile "$T/ro" >/dev/null 2>"$T/err3"
	check "a directory it may not write is said at start" grep -q "^sockwatch: --textfile .*Permission denied" "$T/err3"
fi

"$SW_BIN" -b -n 3 -d 0.1 --prom >"$T/three.prom" 2>"$T/err4"
check_eq "-b --prom -n 3: three expositions" 3 "$(grep -c '^# TYPE sockwatch_refreshes_total counter$' "$T/three.prom")"
"$SW_BIN" -b --prom | promtool check metrics >"$T/lint" 2>&1
check "-b --prom passes promtool check metrics" [ ! -s "$T/lint" ]
finish
