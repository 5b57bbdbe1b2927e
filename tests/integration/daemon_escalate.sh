#!/bin/bash
# needs: ip nft python3 ss timeout
# A repeat offender gets ban x factor: the flooder keeps its connections
# (no kill), so when its first ban runs out the rule bans it again, for
# three times as long (the element's timeout read back from nft). SIGTERM
# then a restart keeps the escalation: the history is read back, a ban
# still running is not asked for again, and the next one is ban x 9.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/block_env.bash"
. "$(dirname "$0")/daemon_env.bash"

F=198.51.100.10
cat >"$RULES" <<'R'
[flood]
when = conns > 50
ban = 2s
escalate = 3 max 1m window 1h
R
flood "$F" 80 || exit 1
flood 198.51.100.20 5 || exit 1

daemon_start || { not_ok "the daemon starts ($(cat "$LOG"))"; finish; }
log_wait "the first ban" 5 "^rule flood: block $F for 2s .*: blocked $F for 2s$"
check "first offence: 2s" grep -Eq "^rule flood: block $F for 2s .*: blocked $F for 2s$" "$LOG"
t=$(elem_timeout "$F")
check_eq "... the element's timeout is 2s" 2 "$t"
log_wait "the second ban" 8 "^rule flood: block $F for 6s"
check "second offence: 2s x 3 = 6s, said as such" \
	grep -Eq "^rule flood: block $F for 6s \(.*\): blocked $F for 6s$" "$LOG"
check_eq "... the element's timeout read back is 6s" 6 "$(elem_timeout "$F")"
check "... the history counts two offences" grep -Eq "^$F 2 " "$STATE"

# stop while the 6 s ban runs; start again
daemon_stop TERM
check_eq "SIGTERM: exit 0" 0 "$DRC"
check "... the ban stays in the kernel" set_has "$F"
daemon_start || { not_ok "the daemon starts again ($(cat "$LOG"))"; finish; }
check "the restart reads the history back" \
	grep -q "^offender history $STATE: 1 offender$" "$LOG"
sleep 1
check_eq "... the running ban is not asked for again" 0 "$(grep -c "block $F for 18s" "$LOG")"
log_wait "the third ban" 12 "^rule flood: block $F for 18s"
check "third offence after the restart: 2s x 9 = 18s" \
	grep -Eq "^rule flood: block $F for 18s \(.*\): blocked $F for 18s$" "$LOG"
check_eq "... the element's timeout read back is 18s" 18 "$(elem_timeout "$F")"
check "... the history counts three" grep -Eq "^$F 3 " "$STATE"
check "the normal client was never banned" bash -c "! grep -q '198.51.100.20' '$STATE' '$LOG'"
daemon_stop
finish
