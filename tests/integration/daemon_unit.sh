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

finish
