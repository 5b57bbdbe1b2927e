#!/bin/bash
# needs: bash ip
# The bash completion (contrib/bash-completion/sockwatch) stays true to
# `sockwatch --help`: every option and every subcommand the help lists is
# completed, in the context it belongs to, by the real bash-completion
# machinery (its _init_completion); option arguments complete what they
# take (namespaces for --netns, files for --rules, `check` after `rules`);
# a subcommand offers its own options, not the monitor's. A copy missing
# one option fails the same check, so the check can fail.
. "$(dirname "$0")/lib.sh"

ROOT="$(cd "$TESTS_DIR/.." && pwd)"
COMP="${SW_COMPLETION:-$ROOT/contrib/bash-completion/sockwatch}"
BC=/usr/share/bash-completion/bash_completion
D=$(tmpdir)

if [ ! -r "$BC" ]; then
	skip "bash completion: $BC missing (scripts/install-deps --test installs bash-completion)"
	finish
fi

help=$("$SW_BIN" --help)
# options: a word starting with - or -- after a blank, a comma or [
opts=$(grep -oE '(^|[][ ,(])--?[A-Za-z0-9][A-Za-z0-9-]*' <<<"$help" |
	sed -E 's/^[][ ,(]//' | sort -u)
# subcommands: the word after "sockwatch" on the usage lines, and rules' check
cmds=$(sed -nE 's/^(Usage:)? +sockwatch ([a-z]+).*/\2/p' <<<"$help" | sort -u)
grep -qE '^ +sockwatch rules check' <<<"$help" && cmds="$cmds check"
check "the help lists options (found $(wc -w <<<"$opts"))" test "$(wc -w <<<"$opts")" -gt 30
subs=$(tr ' ' '\n' <<<"$cmds" | grep -vx check | sort | xargs)
check "the help lists the subcommands (found: $subs)" \
	bash -c 'for c in block unblock blocks report daemon rules check; do grep -qw "$c" <<<"$1" || exit 1; done' _ "$cmds"

# complete LINE: what the completion offers for the last word of LINE
# (a LINE ending in a blank completes an empty word), one per line
cat >"$D/complete.bash" <<'EOF'
. "$1"
. "$2"
shift 2
for line in "$@"; do
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_sockwatch sockwatch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	printf '%s\n' "${COMPREPLY[@]}"
done
EOF
complete() { # COMPLETION-FILE LINE...
	local f=$1; shift
	(cd "$D/files" && bash "$D/complete.bash" "$BC" "$f" "$@") 2>&1
}
mkdir -p "$D/files" && touch "$D/files/web.rules" "$D/files/db.rules"

# Every option of the help, completed from its own first letters in one of
# the contexts: the monitor, each subcommand (with its operand).
contexts=("sockwatch " "sockwatch block 192.0.2.1 " "sockwatch unblock " "sockwatch blocks "
	"sockwatch report f.swrec " "sockwatch daemon " "sockwatch rules check " "sockwatch doctor ")
missing_in() { # COMPLETION-FILE: the help's options no context completes
	local f=$1 o c miss=""
	for o in $opts; do
		local lines=()
		for c in "${contexts[@]}"; do lines+=("$c$o"); done
		complete "$f" "${lines[@]}" | grep -qxF -- "$o" || miss="$miss $o"
	done
	echo "${miss# }"
}
miss=$(missing_in "$COMP")
check_eq "every option of --help is completed (missing: ${miss:-none})" "" "$miss"
# the monitor's list without --top (its value's case stays)
sed '/^\t-4 --ipv4/s/ --top / /' "$COMP" >"$D/broken"
miss=$(missing_in "$D/broken")
check_eq "... a copy without --top fails that check" "--top" "$miss"

got=$(complete "$COMP" "sockwatch " | sort | xargs)
check_eq "sockwatch <Tab>: the subcommands of --help" "$subs" "$got"
for c in $cmds; do
	[ "$c" = check ] && continue
	got=$(complete "$COMP" "sockwatch ${c:0:3}")
	check "... '${c:0:3}' completes to $c" grep -qxF "$c" <<<"$got"
done
check_eq "sockwatch rules <Tab>: check" "check" "$(complete "$COMP" "sockwatch rules ")"
got=$(complete "$COMP" "sockwatch rules check " | sort | xargs)
check_eq "sockwatch rules check <Tab>: files" "db.rules web.rules" "$got"
got=$(complete "$COMP" "sockwatch daemon --rules w")
check_eq "sockwatch daemon --rules w<Tab>: the file" "web.rules" "$got"
got=$(complete "$COMP" "sockwatch --rules=w")
check_eq "sockwatch --rules=w<Tab> too" "web.rules" "$got"

ns="cmp$SW_TAG"
ns_add "$ns"
got=$(complete "$COMP" "sockwatch --netns cmp$SW_TAG" "sockwatch daemon --netns cmp$SW_TAG")
check_eq "--netns <Tab>: the namespaces in /run/netns" "$ns $ns" "$(echo $got)"
got=$(complete "$COMP" "sockwatch block 192.0.2.1 --for ")
check "block --for <Tab>: durations (${got//$'\n'/ })" grep -qxF 10m <<<"$got"

# scopes: a subcommand offers its options, not the monitor's
got=$(complete "$COMP" "sockwatch block 192.0.2.1 --re")
check_eq "block --re<Tab>: --reason --replace, not --record --replay" \
	"--reason --replace" "$(sort <<<"$got" | xargs)"
got=$(complete "$COMP" "sockwatch --re")
check_eq "the monitor's --re<Tab>: --reason --record --replay" \
	"--reason --record --replay" "$(sort <<<"$got" | xargs)"
got=$(complete "$COMP" "sockwatch -d 1 -f 'x' --top 5 ")
check_eq "option values are not taken for a subcommand" "$subs" "$(sort <<<"$got" | xargs)"
got=$(complete "$COMP" "sockwatch daemon --metrics 127")
check_eq "daemon --metrics 127<Tab>: the loopback address and port" "127.0.0.1:10025" "$got"
got=$(complete "$COMP" "sockwatch --filter ")
check_eq "--filter <Tab>: nothing (an expression)" "" "$got"
finish
