#!/bin/bash
# The TUI never leaves a raw or blank terminal. SIGPIPE, SIGUSR1
# and SIGALRM end it with the terminal restored and a message (exit 1);
# TERM=dumb is refused with a message; a damaged recording says so and
# stays said; the filter prompt says when it is full. Replays only: nothing here touches the network.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.bash"

REC="$TESTS_DIR/fixtures/diag.rec"
# one idle session keeps the tmux server up between the TUI's sessions
tmx new-session -d -s keep "sleep 600"

# the pid of sockwatch in the pane (env execs it)
tui_pid() { ps -o pid= --ppid "$(tmx display -p -t tui '#{pane_pid}')" | tr -d ' '; }

for sig in PIPE USR1 ALRM; do
	tui_start 100x30 --replay "$REC" -d 0.5
	tui_wait "first refresh" 10 'replay diag\.rec' || { not_ok "SIG$sig: the TUI starts"; tmx kill-session -t tui; continue; }
	pid=$(tui_pid)
	if [ -z "$pid" ]; then
		not_ok "SIG$sig: found the TUI's pid"
		tmx kill-session -t tui
		continue
	fi
	kill -s "$sig" "$pid"
	if tui_wait "exit after SIG$sig" 5 'SW-EXIT='; then
		check_eq "SIG$sig: exit status 1" "SW-EXIT=1" "$(tui_exited)"
		check "SIG$sig: a message names the signal" grep -q "stopped by signal $sig" <(tui_screen)
		check_eq "SIG$sig: the alternate screen is left" 0 "$(tmx display -p -t tui '#{alternate_on}')"
		# a terminal left raw does not echo what is typed
		tui_type "echo-check-$sig"
		if tui_wait "echo" 3 "echo-check-$sig"; then
			ok "SIG$sig: the terminal echoes again (cooked mode restored)"
		else
			not_ok "SIG$sig: the terminal echoes again (cooked mode restored)"
		fi
	else
		not_ok "SIG$sig ends the TUI"
	fi
	tmx kill-session -t tui
done

TUI_ENV="TERM=dumb" tui_start 100x30 --replay "$REC"
if tui_wait "exit on TERM=dumb" 5 'SW-EXIT='; then
	check_eq "TERM=dumb: exit status 1" "SW-EXIT=1" "$(tui_exited)"
	check "TERM=dumb: says the terminal cannot move the cursor" grep -q "TERM=dumb) cannot move the cursor" <(tui_screen)
else
	not_ok "TERM=dumb: the TUI refuses instead of drawing a blank screen"
fi
tmx kill-session -t tui

# the filter prompt past its limit: the refusal is on screen
tui_start 100x30 --replay "$REC"
tui_wait "first refresh" 10 'replay diag\.rec' || true
tui_keys /
tui_wait "the prompt" 5 '^Filter:' || true
tui_type "port 80 or port 81 $(printf 'or port 82 %.0s' $(seq 30))"
if tui_wait "prompt full" 5 'at most 255 characters'; then
	ok "typing past the filter prompt's limit is refused visibly"
else
	not_ok "typing past the filter prompt's limit is refused visibly"
fi
tui_keys Escape q
tmx kill-session -t tui

# a recording cut inside its second refresh
head -c 13634 "$REC" >"$TUI_TMP/cut.rec"
tui_start 160x30 --replay "$TUI_TMP/cut.rec" -d 0.2
if tui_wait "the damage" 10 'damaged recording: .*truncated recording'; then
	ok "a truncated recording says so in the status line"
else
	not_ok "a truncated recording says so in the status line"
fi
check "the header says END (DAMAGED)" grep -q "END (DAMAGED)" <(tui_screen)
# still said long after an ordinary status would have gone (6 s)
sleep 7
check "the damage stays said" grep -q "damaged recording" <(tui_screen)
tui_keys q
tui_wait "exit" 5 'SW-EXIT=' || true
tmx kill-session -t tui
finish
