#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bash completion for lscctl, lscd and lsc-wtp (dist/bash-completion/lscctl):
# it loads in a plain non-interactive bash, completes commands,
# subcommands, option values and the APs' MACs, and offers every option
# each program's usage text prints (read here by a regex of the test's
# own, not the script's).  The programs are the ones built in build/; the
# MACs come from a stand-in lscctl whose "show aps" prints a known table.

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. tests/lib.sh
plan 24
need python3

script=dist/bash-completion/lscctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The usage text's options, by the test's own reading.
options_of() {
	"$@" --help 2>&1 | python3 -c '
import re, sys
print("\n".join(sorted(set(re.findall(r"(?<![\w/.-])--?[A-Za-z][\w-]*", sys.stdin.read())))))'
}

# complete WORDS...: what the completion offers for the last word, sorted,
# one line; its stderr in $tmp/stderr.  A fresh bash each time: nothing
# one completion leaves behind helps the next.
# COMPLETE_IN: the directory it runs in; SHOPT: a shell option it runs with.
root=$PWD
complete_words() {
	(cd "${COMPLETE_IN:-$root}" &&
	PATH="$tmp/bin:$root/build:$PATH" bash --norc --noprofile -c '
[ -z "$SHOPT" ] || shopt -s "$SHOPT"
. "$1"
shift
[ -n "$LOADED" ] && _capwap_lsc_loaded() { true; }
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
fn=$(complete -p "$1" | awk "{ print \$3 }")
"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " "' complete "$root/$script" "$@") \
		2>"$tmp/stderr" | sed 's/ $//'
}

# offers NAME WANT WORDS...: completing WORDS offers exactly WANT.
offers() {
	local name=$1 want=$2 got
	shift 2
	got=$(complete_words "$@")
	if [ "$got" = "$want" ] && [ ! -s "$tmp/stderr" ]; then
		ok "completion: $name"
	else
		not_ok "completion: $name: got '$got', want '$want'; stderr: $(head -c 300 "$tmp/stderr")"
	fi
}

# all_options NAME MIN PROG [WORDS [, WORDS]...]: "PROG -" (and "PROG
# WORDS -" for each WORDS, where the usage puts an option after words)
# offers every option of "PROG --help", and there are at least MIN of them.
all_options() {
	local name=$1 min=$2 prog=$3 missing="" opts got o n=0
	local -a words=()
	shift 3
	opts=$(options_of "build/$prog")
	got=" $(complete_words "$prog" -) "
	for o in "$@" ,; do
		if [ "$o" != , ]; then
			words+=("$o")
			continue
		fi
		((${#words[@]})) && got+="$(complete_words "$prog" "${words[@]}" -) "
		words=()
	done
	for o in $opts; do
		n=$((n + 1))
		[[ $got == *" $o "* ]] || missing+=" $o"
	done
	if [ -z "$missing" ] && [ "$n" -ge "$min" ]; then
		ok "completion: $name: all $n options of the usage"
	else
		not_ok "completion: $name: $n options in the usage (at least $min), not offered:$missing"
	fi
}

check "bash -n $script" bash -n "$script"
check "sourced in a non-interactive bash, it completes all three programs" \
	bash --norc --noprofile -c ". '$script' && complete -p lscctl lscd lsc-wtp"

offers "lscctl sh -> show" "show" lscctl sh
offers "lscctl: the commands" "config monitor renew show version" lscctl ""
offers "lscctl monitor: --buffer" "--buffer" lscctl monitor ""
offers "lscctl show: the show subcommands" "ap ap-provision aps stats summary trust" lscctl show ""
offers "lscctl -j show st -> stats" "stats" lscctl -j show st
offers "lscctl show stats: --prometheus" "--prometheus" lscctl show stats ""
offers "lscctl config key: rsa and ec" "ec rsa" lscctl config key ""
offers "lscctl config mic-ca: add and del" "add del" lscctl config mic-ca ""
offers "lscctl config dtls-eku: default and strict" "default strict" lscctl config dtls-eku ""
offers "lsc-wtp --cou -> --count" "--count" lsc-wtp --cou
offers "lsc-wtp --mode: the modes" "bridge local mesh" lsc-wtp --mode ""
offers "lscd ca: show and accept" "accept show" lscd ca ""
# The usage's bracketed words ([--prometheus], [summary]) are no globs:
# not in a directory of one-letter files, not with nullglob.
mkdir -p "$tmp/glob" && touch "$tmp/glob/a" "$tmp/glob/e" "$tmp/glob/p"
COMPLETE_IN=$tmp/glob offers "lscctl show stats, among files a, e, p" "--prometheus" lscctl show stats ""
COMPLETE_IN=$tmp/glob SHOPT=nullglob offers "lscctl show, among files a, e, p, nullglob" \
	"ap ap-provision aps stats summary trust" lscctl show ""
all_options "lscctl" 5 lscctl show stats , config apply-saved , monitor
all_options "lsc-wtp" 20 lsc-wtp
all_options "lscd" 10 lscd
n=0
bad=""
for c in getca enroll daemon ca renew; do
	opts=$(options_of build/lscd "$c")
	got=" $(complete_words lscd "$c" -) "
	for o in $opts; do
		n=$((n + 1))
		[[ $got == *" $o "* ]] || bad+=" $c:$o"
	done
done
if [ -z "$bad" ] && [ "$n" -ge 40 ]; then
	ok "completion: lscd's commands: all $n options of their usage"
else
	not_ok "completion: lscd's commands: $n options, not offered:$bad"
fi

# The APs' MACs, from a stand-in lscctl that answers "show aps" as the
# real one does and notes that it was asked.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/lscctl" <<EOS
#!/bin/sh
[ "\$1" = --help ] && exec "$PWD/build/lscctl" --help
echo asked >>"$tmp/asked"
[ "\$*" = "show aps" ] || exit 1
printf '%-17s %s\n' "AP MAC" "Address" "f8:66:f2:67:57:7e" "10.0.0.2:5246" \\
	"00:11:22:33:44:55" "10.0.0.3:5246"
printf '\n2 APs: 0 LSC, 2 MIC, 0 SSC\n'
EOS
chmod +x "$tmp/bin/lscctl"
macs="00:11:22:33:44:55 f8:66:f2:67:57:7e"
export LOADED=1
offers "lscctl show ap: the APs' MACs" "$macs" lscctl show ap ""
offers "lscctl renew: the APs' MACs and all" "00:11:22:33:44:55 all f8:66:f2:67:57:7e" lscctl renew ""
offers "lscd renew --ap: the APs' MACs" "$macs" lscd renew --ap ""
unset LOADED
# This host cannot load the module: the real check says it is not there.
rm -f "$tmp/asked"
got=$(complete_words lscctl show ap "")
if [ -z "$got" ] && [ ! -s "$tmp/stderr" ] && [ ! -e "$tmp/asked" ]; then
	ok "completion: no module, no MACs, nothing said, lscctl not asked (it would load it)"
else
	not_ok "completion: no module: offered '$got', stderr '$(cat "$tmp/stderr")', asked: $([ -e "$tmp/asked" ] && echo yes)"
fi

finish
