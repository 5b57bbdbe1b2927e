#!/bin/bash
# needs: ip nft python3 ss systemd-analyze setpriv unshare make
# The systemd unit: `make install` puts it (with its paths) beside the
# binary and `make uninstall` takes it away; it passes `systemd-analyze
# verify` (and a broken copy does not), it is hardened (only the
# capabilities it needs, a read-only system, writable only its state and
# log), and the daemon does its job inside that sandbox: under systemd
# when systemd runs this machine (systemd-run with the unit's
# properties), else in the same sandbox built by hand (a mount namespace
# with / read-only but the state and log directories, the unit's
# capability bounding set, no new privileges), entered the way the unit
# says to watch a namespace (NetworkNamespacePath: the namespace is
# entered before the capabilities are dropped).
. "$(dirname "$0")/lib.sh"

ROOT="$(cd "$TESTS_DIR/.." && pwd)"
UNIT_IN="$ROOT/contrib/systemd/sockwatch.service.in"
D=$(tmpdir)

# -- install / uninstall -------------------------------------------------
make -s -C "$ROOT" install DESTDIR="$D/dest" PREFIX=/usr/local >/dev/null 2>&1
U="$D/dest/usr/local/lib/systemd/system/sockwatch.service"
check "make install puts the unit in PREFIX/lib/systemd/system" test -f "$U"
check_eq "... its ExecStart runs the installed binary" \
	"ExecStart=/usr/local/sbin/sockwatch daemon --rules /etc/sockwatch/rules --state /var/lib/sockwatch/state --audit-log /var/log/sockwatch/audit.log" \
	"$(grep '^ExecStart=' "$U")"
check "... no placeholder is left" bash -c "! grep -q @SBINDIR@ '$U'"
make -s -C "$ROOT" uninstall DESTDIR="$D/dest" PREFIX=/usr/local >/dev/null 2>&1
check "make uninstall removes it" test ! -e "$U"
check "... and the binary" test ! -e "$D/dest/usr/local/sbin/sockwatch"

# -- systemd-analyze verify ---------------------------------------------
# a copy naming this build's binary (verify checks that it is executable);
# the man page is not installed here: --man=no
mkdir -p "$D/units"
V="$D/units/sockwatch-$SW_TAG.service"
sed "s|@SBINDIR@/sockwatch|$SW_BIN|" "$UNIT_IN" >"$V"
# verify warns about a value it cannot parse and still exits 0: a pass
# is exit 0 with nothing said
out=$(systemd-analyze verify --man=no "$V" 2>&1); rc=$?
check_eq "systemd-analyze verify passes and says nothing" "0 " "$rc $out"
B="$D/units/broken-$SW_TAG.service"
sed 's/^ProtectSystem=strict/ProtectSystem=sometimes/' "$V" >"$B"
out=$(systemd-analyze verify --man=no "$B" 2>&1)
check "... a copy with a bad value does not (${out:-nothing said})" \
	grep -q 'protect system value' <<<"$out"
sed "s|^ExecStart=$SW_BIN|ExecStart=$D/no-such-binary|" "$V" >"$B"
systemd-analyze verify --man=no "$B" >/dev/null 2>&1; rc=$?
check "... nor one whose binary is missing (rc $rc)" test "$rc" -ne 0

# -- hardening ------------------------------------------------------------
prop() { sed -n "s/^$1=//p" "$V"; }
check_eq "capabilities: nftables/SOCK_DESTROY and the SSH-peer lookup only" \
	"CAP_NET_ADMIN CAP_SYS_PTRACE CAP_DAC_READ_SEARCH" "$(prop CapabilityBoundingSet)"
check_eq "no ambient capabilities" "" "$(prop AmbientCapabilities)"
check_eq "NoNewPrivileges" yes "$(prop NoNewPrivileges)"
check_eq "ProtectSystem=strict" strict "$(prop ProtectSystem)"
check_eq "writable: its state directory" sockwatch "$(prop StateDirectory)"
check_eq "... and its log directory" sockwatch "$(prop LogsDirectory)"
check_eq "no other writable path" "" "$(prop ReadWritePaths)"
check_eq "only netlink and the journal's socket" "AF_NETLINK AF_UNIX" \
	"$(prop RestrictAddressFamilies)"
check "the state and audit log the daemon is told to use are those directories" \
	grep -q -- '--state /var/lib/sockwatch/state --audit-log /var/log/sockwatch/audit.log' "$V"
score=$(systemd-analyze security --offline=yes "$V" 2>/dev/null |
	sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
echo "# systemd-analyze security: exposure $score (0 safest, 10 worst)"
check "systemd-analyze security rates it OK or better (exposure $score < 4)" \
	python3 -c "import sys; sys.exit(not float(sys.argv[1]) < 4)" "${score:-10}"

# -- the daemon in the unit's sandbox -------------------------------------
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"
cat >"$RULES" <<'R'
[flood]
when = conns > 50
ban = 5m
R
SD="$TMP/state.d" LD="$TMP/log.d"
mkdir -p "$SD" "$LD"
flood 198.51.100.10 80 || exit 1
flood 198.51.100.20 5 || exit 1

# The unit's [Service] settings, as systemd-run properties.
unit_props() {
	sed -n '/^\[Service\]/,/^\[/p' "$V" | grep -E '^[A-Za-z]+=' |
		grep -Ev '^(ExecStart|ExecReload|Restart|RestartSec|RestartPreventExitStatus|Type|StateDirectory|LogsDirectory)='
}
if [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ] &&
   systemctl is-system-running >/dev/null 2>&1; then
	# under systemd itself: the unit's properties, its directories named
	# for this test, the namespace entered by systemd
	U="sockwatch-$SW_TAG"
	_sw_tables+=("systemctl stop $U")
	props=()
	while IFS= read -r l; do props+=(-p "$l"); done < <(unit_props)
	systemd-run --unit "$U" "${props[@]}" -p "StateDirectory=$U" \
		-p "LogsDirectory=$U" -p "NetworkNamespacePath=/run/netns/$S" \
		"$SW_BIN" daemon --rules "$RULES" --state "/var/lib/$U/state" \
		--audit-log "/var/log/$U/audit.log" --allow-file "$ALLOW" -d 0.3 >/dev/null 2>&1
	SD="/var/lib/$U" LD="/var/log/$U"
	wait_for "the ban" 10 set_has 198.51.100.10
	check "under systemd with the unit's sandbox, the daemon bans the flooder" set_has 198.51.100.10
	check "... and writes its state" grep -q '^198.51.100.10 1 ' "$SD/state"
	check "... and its audit log" grep -q '"action":"block"' "$LD/audit.log"
	check "... not the normal client" not_set 198.51.100.20
	systemctl stop "$U"
	check "systemctl stop leaves the ban" set_has 198.51.100.10
	rm -rf "/var/lib/$U" "/var/log/$U"
else
	# systemd does not run this machine (PID 1 is $(ps -p 1 -o comm=)):
	# the same sandbox by hand. The namespace first (as
	# NetworkNamespacePath), then a mount namespace where / is read-only
	# but the state and log directories (ProtectSystem=strict,
	# StateDirectory, LogsDirectory), then only the unit's capabilities
	# and no new privileges.
	echo "# systemd is not PID 1 here ($(ps -p 1 -o comm= 2>/dev/null)): the unit's sandbox is built by hand"
	caps=$(prop CapabilityBoundingSet | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
	# one process all the way down (each step execs the next), so the
	# pid spawn gets is the daemon's
	SANDBOX=(ip netns exec "$S" unshare -m --propagation private sh -c '
		sd=$1 ld=$2 caps=$3; shift 3
		mount --bind "$sd" "$sd" && mount --bind "$ld" "$ld" &&
		mount -o remount,bind,ro / || exit 97
		exec setpriv --bounding-set "-all,$caps" --inh-caps -all \
			--ambient-caps -all --no-new-privs -- "$@"' sandbox "$SD" "$LD" "$caps")
	if "${SANDBOX[@]}" touch "/etc/sockwatch-$SW_TAG" 2>/dev/null ||
	   [ -e "/etc/sockwatch-$SW_TAG" ]; then
		rm -f "/etc/sockwatch-$SW_TAG"
		not_ok "the sandbox is real: / is read-only in it"
	else
		ok "the sandbox is real: / is read-only in it"
	fi
	check "... the state directory is writable" "${SANDBOX[@]}" touch "$SD/probe"
	rm -f "$SD/probe"
	# CAP_DAC_READ_SEARCH (2), CAP_NET_ADMIN (12), CAP_SYS_PTRACE (19)
	check "... the capabilities are the unit's, no more" \
		"${SANDBOX[@]}" grep -Eq '^CapEff:[[:space:]]+0000000000081004$' /proc/self/status
	check "... and no new privileges" \
		"${SANDBOX[@]}" grep -Eq '^NoNewPrivs:[[:space:]]+1$' /proc/self/status
	spawn "${SANDBOX[@]}" "$SW_BIN" daemon --rules "$RULES" --state "$SD/state" \
		--audit-log "$LD/audit.log" --allow-file "$ALLOW" -d 0.3 2>>"$LOG"
	DPID=$SPAWNED
	wait_for "the ban" 10 set_has 198.51.100.10
	check "in the unit's sandbox the daemon bans the flooder" set_has 198.51.100.10
	check "... says so" grep -q '^rule flood: block 198.51.100.10 .*: blocked 198.51.100.10 for 5m00s$' "$LOG"
	check "... writes its state" grep -q '^198.51.100.10 1 ' "$SD/state"
	check "... and its audit log" grep -q '"action":"block"' "$LD/audit.log"
	check "... not the normal client" not_set 198.51.100.20
	check "... and nothing failed for want of a right" \
		bash -c "! grep -Ei 'not permitted|permission|read-only|cannot' '$LOG'"
	daemon_stop TERM
	check_eq "SIGTERM stops it: exit 0" 0 "$DRC"
	check "... the ban stays" set_has 198.51.100.10

	# without CAP_NET_ADMIN it refuses to start, saying why
	out=$(ip netns exec "$S" setpriv --bounding-set -all,+sys_ptrace,+dac_read_search \
		--inh-caps -all -- "$SW_BIN" daemon --rules "$RULES" --state "$SD/state2" \
		--audit-log "$LD/audit2.log" --allow-file "$ALLOW" 2>&1); rc=$?
	check_eq "without CAP_NET_ADMIN it exits 1" 1 "$rc"
	check "... saying it needs nftables ($out)" grep -q 'cannot start: blocking is unavailable: no CAP_NET_ADMIN' <<<"$out"
fi
finish
