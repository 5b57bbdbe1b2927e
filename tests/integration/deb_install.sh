#!/bin/bash
# needs: dpkg-buildpackage lintian apt-get dpkg-query dpkg-parsechangelog man systemd-analyze flock ip make
# The Debian package: `make deb` builds it (from a copy of the tree, so
# the tree stays clean), lintian finds no error in it, and on this Debian
# 12 it installs with apt-get (nothing downloaded), then: the installed
# /usr/sbin/sockwatch runs and says the changelog's version, `man -w`
# finds its page, the installed unit passes `systemd-analyze verify` and
# is not enabled, /etc/sockwatch/rules and allow are conffiles (an edit
# survives remove and reinstall), the default rules only log (the daemon
# runs them in a namespace of ours and bans nobody), the completion loads
# through bash-completion. `apt-get purge` leaves nothing: no package, no
# /etc/sockwatch, no binary, unit, page, completion or state directory.
# debian/control's Build-Depends are install-deps' build packages.
# A sockwatch package (or files at its paths) already on the machine is
# refused, never replaced; the EXIT trap purges what this test installed.
. "$(dirname "$0")/lib.sh"

ROOT="$(cd "$TESTS_DIR/.." && pwd)"
D=$(tmpdir)
PKG=sockwatch
PATHS="/usr/sbin/sockwatch /etc/sockwatch /lib/systemd/system/sockwatch.service
	/usr/share/man/man8/sockwatch.8.gz /usr/share/bash-completion/completions/sockwatch
	/usr/share/sockwatch /var/lib/sockwatch /var/log/sockwatch"
# (apt 2.6's --no-download refuses a local .deb, "Pathname to install is
# not absolute": a simulation first shows that nothing is to be fetched)
APT=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=120
	--no-install-recommends)

# One run of this test at a time on the machine (it installs a package).
exec 9>/run/lock/sockwatch-deb_install.lock
if ! flock -w 600 9; then
	not_ok "another deb_install.sh held /run/lock/sockwatch-deb_install.lock for 10 minutes"
	finish
fi

status() { dpkg-query -W -f='${db:Status-Abbrev}' "$PKG" 2>/dev/null | tr -d ' '; }
before=$(status)
present=""
for p in $PATHS; do [ -e "$p" ] && present="$present $p"; done
if [ -n "$before" ] && [ "$before" != un ]; then
	not_ok "a $PKG package is on this machine already (dpkg status '$before'): not replacing it; remove it (apt-get purge $PKG) to run this test"
	finish
fi
if [ -n "$present" ]; then
	not_ok "files at the package's paths exist already:$present (a make install PREFIX=/usr?): not replacing them; remove them to run this test"
	finish
fi

installed=0
deb_cleanup() {
	if [ "$installed" = 1 ] && [ -n "$(status)" ] && [ "$(status)" != un ]; then
		echo "# cleanup: purging $PKG"
		dpkg --purge "$PKG" >/dev/null 2>&1
	fi
	# only what this test made (nothing was there before: checked above)
	rm -rf /var/lib/sockwatch /var/log/sockwatch
	_sw_cleanup
}
trap deb_cleanup EXIT

# -- what the package is built from ---------------------------------------
ver=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)
mkver=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
check_eq "debian/changelog's version is the Makefile's" "$mkver" "$ver"
bdeps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$ROOT/debian/control" | sed '$d' |
	sed 's/^Build-Depends://' | tr ',' '\n' | sed 's/(.*)//; s/^[ \t]*//; s/[ \t]*$//' |
	grep -v '^debhelper-compat$' | grep . | sort | xargs)
want=$("$ROOT/scripts/install-deps" --list build | tr ' ' '\n' | sort | xargs)
check_eq "Build-Depends are install-deps' build packages" "$want" "$bdeps"

# -- build ------------------------------------------------------------------
before_tree=$(git -C "$ROOT" status --porcelain 2>/dev/null)
t0=$(date +%s)
if ! make -s -C "$ROOT" deb DEB_DIR="$D/deb" >"$D/build.log" 2>&1; then
	not_ok "make deb failed:"
	tail -30 "$D/build.log" | sed 's/^/# /'
	finish
fi
ok "make deb built the package in $(($(date +%s) - t0)) s"
debs=$(cd "$D/deb" && ls ${PKG}_*.deb)
check_eq "one package, of the changelog's version" "${PKG}_${ver}_$(dpkg --print-architecture).deb" "$debs"
check_eq "the tree is as it was (nothing written into it)" "$before_tree" \
	"$(git -C "$ROOT" status --porcelain 2>/dev/null)"

# -- lintian ----------------------------------------------------------------
lintian -L '>=pedantic' "$D/deb/"*.changes >"$D/lintian.out" 2>&1
sed 's/^/# lintian: /' "$D/lintian.out" | grep -v 'root privileges'
errs=$(grep -c '^E:' "$D/lintian.out")
check_eq "lintian: no error" 0 "$errs"
check "... it looked at the package (it names sockwatch or says nothing)" \
	bash -c "! grep -v -e '^[EWIPXCNO]: sockwatch' -e 'root privileges' '$D/lintian.out' | grep -q ."

# -- install ----------------------------------------------------------------
sim=$("${APT[@]}" -s install "$D/deb/$debs" 2>&1 | sed -n 's/^Inst \([^ ]*\).*/\1/p' | xargs)
if [ "$sim" != "$PKG" ]; then
	not_ok "apt-get would install '$sim', not $PKG alone: its libraries are missing here (scripts/install-deps installs them)"
	finish
fi
ok "apt-get installs $PKG alone: nothing to download"
installed=1
if ! "${APT[@]}" install "$D/deb/$debs" >"$D/install.log" 2>&1; then
	not_ok "apt-get install $D/deb/$debs failed:"
	tail -20 "$D/install.log" | sed 's/^/# /'
	finish
fi
check_eq "apt-get install (path of) $debs: installed" ii "$(status)"
check_eq "/usr/sbin/sockwatch --version" "sockwatch $ver" "$(/usr/sbin/sockwatch --version 2>&1)"
check_eq "... it is the package's" "$PKG: /usr/sbin/sockwatch" "$(dpkg -S /usr/sbin/sockwatch 2>&1)"
check "man -w sockwatch finds the installed page" \
	grep -qxF /usr/share/man/man8/sockwatch.8.gz <<<"$(man -aw sockwatch 2>&1)"
check "... and man renders it (NAME sockwatch)" \
	bash -c "MANWIDTH=80 man -P cat sockwatch 2>/dev/null | grep -q '^ *sockwatch -'"

U=/lib/systemd/system/sockwatch.service
out=$(systemd-analyze verify "$U" 2>&1); rc=$?
check_eq "systemd-analyze verify $U: passes, says nothing (its man: page found)" "0 " "$rc $out"
check_eq "... it runs the installed binary" "/usr/sbin/sockwatch" \
	"$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$U")"
check "... not enabled (no multi-user.target.wants link)" \
	test ! -e /etc/systemd/system/multi-user.target.wants/sockwatch.service
check_eq "... systemctl agrees" disabled "$(systemctl is-enabled sockwatch.service 2>/dev/null)"

# every file the package put on the machine, for the purge's check
pkgfiles=$(dpkg -L "$PKG" | while read -r p; do [ -d "$p" ] || echo "$p"; done)
check "dpkg -L lists the binary, the unit, the page, the completion among $(wc -l <<<"$pkgfiles") files" \
	bash -c 'for f in /usr/sbin/sockwatch /lib/systemd/system/sockwatch.service /usr/share/man/man8/sockwatch.8.gz /usr/share/bash-completion/completions/sockwatch /etc/sockwatch/rules /etc/sockwatch/allow; do grep -qxF "$f" <<<"$1" || exit 1; done' _ "$pkgfiles"

cf=$(dpkg-query -W -f='${Conffiles}' "$PKG")
echo "$cf" | sed 's/^/# conffile:/'
check_eq "conffiles: /etc/sockwatch/allow and rules" "/etc/sockwatch/allow /etc/sockwatch/rules" \
	"$(awk 'NF {print $1}' <<<"$cf" | sort | xargs)"
for f in /etc/sockwatch/allow /etc/sockwatch/rules; do
	check_eq "... $f is the one dpkg recorded" "$(awk -v f="$f" '$1 == f {print $2}' <<<"$cf")" \
		"$(md5sum <"$f" | cut -d' ' -f1)"
done

rc_out=$(/usr/sbin/sockwatch rules check 2>&1); rc=$?
echo "$rc_out" | sed 's/^/# /'
check_eq "sockwatch rules check (the default /etc/sockwatch/rules) is valid" 0 "$rc"
nrules=$(grep -c '^\[' <<<"$rc_out")
check "... and every rule of it only logs ($nrules rules)" \
	test "$nrules" -gt 0 -a "$(grep '^\[' <<<"$rc_out" | grep -c 'dry run')" = "$nrules"
bad=""
for f in /usr/share/sockwatch/rules/*.rules; do
	/usr/sbin/sockwatch rules check "$f" >/dev/null 2>&1 || bad="$bad $f"
done
check_eq "the example rules in /usr/share/sockwatch/rules are valid" "" "$bad"

# the daemon with the package's defaults bans nobody: in namespaces of
# ours, a client 192.0.2.2 holding 320 connections to 192.0.2.1 (over
# many-connections' 300; not an address the never-block list protects)
S="debs$SW_TAG" C="debc$SW_TAG"
ns_add "$S"
ns_add "$C"
veth_pair "s$SW_TAG" "$S" 192.0.2.1/24 "c$SW_TAG" "$C" 192.0.2.2/24
nft_table_cleanup inet sockwatch "$S"
spawn ip netns exec "$S" python3 -c '
import socket, time
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("192.0.2.1", 8080)); srv.listen(1024)
acc = [srv.accept()[0] for _ in range(320)]
time.sleep(30)'
spawn ip netns exec "$C" python3 -c '
import socket, sys, time
cl = []
for i in range(50):
    try:
        cl.append(socket.create_connection(("192.0.2.1", 8080), timeout=5)); break
    except OSError:
        time.sleep(0.1)
cl += [socket.create_connection(("192.0.2.1", 8080), timeout=5) for _ in range(319)]
open(sys.argv[1], "w").close()
time.sleep(30)' "$D/farm.ready"
wait_for "the farm" 15 test -e "$D/farm.ready"
ip netns exec "$S" /usr/sbin/sockwatch daemon --state "$D/state" --audit-log "$D/audit.log" \
	>"$D/daemon.out" 2>&1 &
dpid=$!
_sw_pids+=($dpid)
wait_for "a would-block line" 15 grep -qs 'would block' "$D/daemon.out"
kill -TERM "$dpid"; wait "$dpid"; rc=$?
sed 's/^/# daemon: /' "$D/daemon.out" | head -12
line=$(grep -m1 'would block 192.0.2.2' "$D/daemon.out")
check "the daemon with /etc/sockwatch/rules logs 'would block 192.0.2.2' (${line:-no such line})" \
	test -n "$line"
check "... not refused: the dry run is what keeps it from banning" \
	bash -c '! grep -q refused <<<"$1"' _ "$line"
check "... audited as a dry run" grep -q '"outcome": *"dry-run"' "$D/audit.log"
check_eq "... stops on SIGTERM with status 0" 0 "$rc"
sent=$(ip netns exec "$S" nft list table inet sockwatch 2>/dev/null | grep -c 192.0.2.2)
check_eq "... and blocked nothing (192.0.2.2 in no set)" 0 "$sent"

out=$(bash -c '. /usr/share/bash-completion/bash_completion
	_completion_loader sockwatch >/dev/null 2>&1; complete -p sockwatch' 2>&1)
check_eq "bash-completion loads the installed completion" "complete -F _sockwatch sockwatch" "$out"

# -- conffiles across remove and reinstall ----------------------------------
echo "192.0.2.10" >>/etc/sockwatch/allow
mkdir -p /var/lib/sockwatch /var/log/sockwatch # as the unit's State/LogsDirectory
echo x >/var/lib/sockwatch/state
echo x >/var/log/sockwatch/audit.log
"${APT[@]}" remove "$PKG" >"$D/remove.log" 2>&1
check_eq "apt-get remove: config files left" rc "$(status)"
check "... the binary is gone" test ! -e /usr/sbin/sockwatch
check "... the edited /etc/sockwatch/allow stays" grep -qxF 192.0.2.10 /etc/sockwatch/allow
"${APT[@]}" -o Dpkg::Options::=--force-confold install "$D/deb/$debs" \
	>"$D/reinstall.log" 2>&1
check_eq "reinstall: installed" ii "$(status)"
check "... keeps the edit of the conffile" grep -qxF 192.0.2.10 /etc/sockwatch/allow

# -- purge ------------------------------------------------------------------
"${APT[@]}" purge "$PKG" >"$D/purge.log" 2>&1; rc=$?
check_eq "apt-get purge -y $PKG" 0 "$rc"
check "... dpkg -L $PKG fails (not installed)" bash -c "! dpkg -L $PKG >/dev/null 2>&1"
left=""
for p in $PATHS; do [ -e "$p" ] && left="$left $p"; done
check_eq "... nothing is left (/etc/sockwatch, the binary, unit, page, completion, state, logs)" \
	"" "$left"
left=""
for p in $pkgfiles; do [ -e "$p" ] && left="$left $p"; done
check_eq "... none of the $(wc -l <<<"$pkgfiles") files dpkg -L listed" "" "$left"
installed=0
finish
