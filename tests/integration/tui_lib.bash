# Helpers for the TUI tests, sourced after lib.sh (not a test itself:
# tests/run runs only *.sh). The binary runs in a tmux server of its own
# (its own socket), killed on exit with everything else.
#   tui_start COLSxROWS ARGS...   start "sockwatch ARGS" in a detached session
#                                 (TUI_ENV="VAR=x ..." adds to its environment)
#   tui_screen                    the screen as text (capture-pane -p)
#   tui_wait DESC SECONDS REGEX   poll the screen until a line matches
#   tui_check DESC SECONDS REGEX  the same as a check: ok, or not ok and the screen
#   tui_check_gone DESC SECONDS REGEX  a check that no line matches (any more)
#   tui_keys KEYS...              tmux send-keys (names: Enter Escape Tab ...)
#   tui_type TEXT                 send text literally
#   tui_exited                    the exit line "SW-EXIT=N" once it has quit
#   tui_pane_right / tui_pane_left  the remotes / states column of the screen
#   json_last ARGS...             the last NDJSON object of sockwatch -b --json
command -v tmux >/dev/null || { echo "not ok - tmux is missing (scripts/install-deps --test)"; exit 1; }
command -v jq >/dev/null || { echo "not ok - jq is missing (scripts/install-deps --test)"; exit 1; }
if [ ! -x "$SW_BIN" ]; then
	echo "not ok - the binary under test $SW_BIN is missing: run 'make' first"
	exit 1
fi
TUI_SOCK="swtui$$"
TUI_TMP=$(tmpdir)
# lib.sh's cleanup evals these after killing our processes
_sw_tables+=("tmux -L $TUI_SOCK kill-server; rm -f ${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK")

tmx() { tmux -L "$TUI_SOCK" "$@"; }

tui_start() { # COLSxROWS ARGS...
	local size="$1" q="" a
	shift
	for a in "$@"; do q="$q $(printf '%q' "$a")"; done
	# the exit status lands on the screen once the TUI has gone
	tmx -u new-session -d -s tui -x "${size%x*}" -y "${size#*x}" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 ${TUI_ENV:-} $(printf '%q' "$SW_BIN")$q; echo SW-EXIT=\$?; sleep 600"
	tmx set-option -t tui -g status off >/dev/null
}

tui_screen() { tmx capture-pane -t tui -p; }

tui_wait() { # DESC SECONDS REGEX
	local d="$1" t="$2" re="$3" i
	for ((i = 0; i < t * 10; i++)); do
		tui_screen | grep -qE -- "$re" && return 0
		sleep 0.1
	done
	echo "# timed out waiting for: $d; the screen was:"
	tui_screen | sed 's/^/#   /'
	return 1
}

tui_check() { # DESC SECONDS REGEX
	if tui_wait "$1" "$2" "$3"; then ok "$1"; else not_ok "$1 (no line matching '$3' within $2 s)"; fi
}

tui_check_gone() { # DESC SECONDS REGEX
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tui_screen | grep -qE -- "$3" || { ok "$1"; return; }
		sleep 0.1
	done
	not_ok "$1 (a line still matches '$3' after $2 s); the screen was:"
	tui_screen | sed 's/^/#   /'
}

tui_keys() { tmx send-keys -t tui "$@"; }
tui_type() { tmx send-keys -t tui -l -- "$1"; }
tui_resize() { tmx resize-window -t tui -x "$1" -y "$2"; }
# widest line of the screen, in cells
tui_width() { tui_screen | LC_ALL=C.UTF-8 wc -L; }
tui_exited() { tui_screen | grep -oE 'SW-EXIT=[0-9]+'; }

# The columns right / left of the states|remotes separator.
tui_pane_right() { tui_screen | awk -F'│' 'NF > 1 { print $2 }'; }
tui_pane_left() { tui_screen | awk -F'│' 'NF > 1 { print $1 }'; }

# Lines of the bottom pane (listeners or blocks): after its title line.
tui_pane_bottom() { # TITLE
	tui_screen | awk -v t="$1" 'index($0, " " t ":") == 1 { on = 1; next } on'
}

json_last() { "$SW_BIN" -b --json "$@" | tail -n 1; }

# "STATE COUNT" lines as the TUI's states pane shows them, and as JSON says.
tui_states() { tui_pane_left | awk '$1 ~ /^[A-Z_]+[0-9]?$/ && $2 ~ /^[0-9]+$/ { print $1, $2 }'; }
json_states() { jq -r '.states[] | "\(.state) \(.count)"'; }

# the same without the UTF-8 separator: the states pane is the first 35+ columns
tui_states_ascii() { tui_screen | awk '$1 ~ /^[A-Z_]+[0-9]?$/ && $2 ~ /^[0-9]+$/ { print $1, $2 }'; }

# "ADDR COUNT" of the remotes pane rows and of JSON's remotes (address or
# prefix as the TUI writes it).
tui_remotes() {
	tui_pane_right | awk '{ sub(/^ *[B*]?[>~]? */, ""); } $1 ~ /^[0-9a-fA-F.:]+(\/[0-9]+)?$/ && $1 ~ /[.:]/ && $2 ~ /^[0-9]+$/ { print $1, $2 }'
}
json_remotes() {
	jq -r '.remotes[] | (if (.addr | test(":")) then (if .prefix == 128 then .addr else "\(.addr)/\(.prefix)" end)
		else (if .prefix == 32 then .addr else "\(.addr)/\(.prefix)" end) end) + " \(.count)"'
}

# "proto local queue syn est" of the listeners pane and of JSON; queue is
# "q/backlog" for TCP, "bytesB" for UDP; syn is SYNQ's SYN_RECV ("-", no
# SYN queue, for UDP: 0).
tui_listeners() {
	tui_pane_bottom Listeners | awk '$1 == "tcp" || $1 == "udp" {
		n = 0; q = "?"; s = "?"
		for (i = 3; i <= NF; i++) if ($i ~ /^[0-9.kM]+(\/[0-9.kM]+|B)$/) {
			if (n++ == 0) q = $i; else { s = $i; sub(/\/.*/, "", s) }
		}
		if ($1 == "udp") s = 0
		print $1, $2, q, s, $NF }'
}
json_listeners() {
	jq -r '.listeners[] | "\(.proto) \(if (.addr | test(":")) then "[\(.addr)]" else .addr end):\(.port) \(if .proto == "tcp" then "\(.accept_queue)/\(.backlog)" else "\(.accept_queue)B" end) \(.syn_recv) \(.established)"'
}

# tui_quit_lost EXIT PATTERN: q quits at once (< 2 s), with exit status
# EXIT, and the restored terminal shows PATTERN (lines joined: long
# messages wrap)
tui_quit_lost() {
	local want="$1" re="$2" t0 ms
	t0=$(date +%s%N)
	tui_keys q
	tui_wait "exit" 3 'SW-EXIT=' || true
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	check "q quits at once ($ms ms)" test "$ms" -lt 2000
	check_eq "... with status $want" "SW-EXIT=$want" "$(tui_exited)"
	if tui_screen | tr -d '\n' | grep -qE -- "$re"; then
		ok "... and the restored terminal says: $re"
	else
		not_ok "... and the restored terminal says: $re; the screen was:"
		tui_screen | grep -v '^$' | sed 's/^/#   /'
	fi
}

# tmpfs_wrap FILE MNT FILL-KB: write FILE, a stand-in for $SW_BIN that runs
# it in a private mount namespace with a 16 KiB tmpfs on MNT, FILL-KB of
# it already used (a disk that is, or becomes, full)
tmpfs_wrap() {
	cat >"$1" <<WRAP
#!/bin/bash
exec unshare -m --propagation private sh -c 'mount -t tmpfs -o size=16k none "\$0" &&
	{ [ "$3" = 0 ] || dd if=/dev/zero of="\$0/fill" bs=1k count="$3" 2>/dev/null; exec "\$@"; }' "$2" "$SW_BIN" "\$@"
WRAP
	chmod +x "$1"
}

# tui_pair N...: the TUI tests' two hosts. SRV (192.0.2.1) and CLI
# (192.0.2.2) joined by a veth pair; CLI also holds 198.51.100.N/32 for
# each N, routed from SRV over the veth. Sets SRV, CLI, FARM.
tui_pair() {
	local a
	FARM="${SW_FARM:-$SW_BUILD/tools/sockfarm}"
	[ -x "$FARM" ] || { not_ok "$FARM is missing: run 'make tools'"; finish; }
	SRV=${SW_TAG}s CLI=${SW_TAG}c
	ns_add "$SRV"
	ns_add "$CLI"
	veth_pair "${SW_TAG}a" "$SRV" 192.0.2.1/24 "${SW_TAG}b" "$CLI" 192.0.2.2/24
	for a in "$@"; do ip -n "$CLI" addr add "198.51.100.$a/32" dev "${SW_TAG}b"; done
	ip -n "$SRV" route add 198.51.100.0/24 via 192.0.2.2
}

# tui_farm_bin NS NAME BIN ARGS...: run BIN (sockfarm or a copy of it) in
# NS for 300 s at most, its output in $TUI_TMP/NAME; wait for its status
# line. tui_farm NS NAME ARGS...: the same with sockfarm.
tui_farm_bin() {
	local ns="$1" out="$TUI_TMP/$2" bin="$3"
	shift 3
	spawn ip netns exec "$ns" "$bin" "$@" --timeout 300 >"$out" 2>"$out.err"
	wait_for "$bin $*" 30 grep -q . "$out" || { not_ok "$bin $*: $(cat "$out.err")"; finish; }
}
tui_farm() { local ns="$1" name="$2"; shift 2; tui_farm_bin "$ns" "$name" "$FARM" "$@"; }
