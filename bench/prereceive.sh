#!/bin/sh
# bench/prereceive.sh — wall time and peak RSS of `agentcheck pre-receive`
# inside a real `git push`, for a 1-commit and a 1,000-commit push into a
# generated repository of 100,000 files (internal/repogen: 16 entries per
# directory, 10 files changed per commit, deterministic).
#
# The hook records its own wall time (date +%s%N around the process), CPU
# time and peak RSS (/usr/bin/time, when installed; CPU time is the figure to
# trust on a loaded machine), then always exits 1, so
# the server never changes and every run sees the same push. Two policies:
#
#   agent  every generated commit is an agent commit (agents.authors matches
#          the generator's committer), so each one is diffed and judged
#          (and fails AC001: no manifests) — the expensive path;
#   human  the built-in defaults: the commits are human commits, walked and
#          recognised as such, not diffed — the common path.
#
# Usage: bench/prereceive.sh            (RUNS=5 FILES=100000 BENCH_DIR=tmp)
# Generating the repository takes a minute; keep it with BENCH_DIR=DIR to
# rerun faster.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
files=${FILES:-100000}
work=${BENCH_DIR:-}
if [ -z "$work" ]; then
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

echo "building agentcheck (CGO_ENABLED=0) ..." >&2
(cd "$root" && CGO_ENABLED=0 go build -trimpath -o "$work/bin/agentcheck" ./cmd/agentcheck)

if [ ! -d "$work/src-$files" ]; then
	echo "generating $files files and 1,001 commits ..." >&2
	(cd "$root" && go run ./bench/repogen -dir "$work/src-$files" -files "$files" -commits 1001 -changes 10)
fi
src=$work/src-$files

rm -rf "$work/server.git"
git init -q --bare "$work/server.git"
git -C "$src" push -q "$work/server.git" "main~1000:refs/heads/main"
git -C "$work/server.git" repack -adq

cat > "$work/agent.yml" <<'EOF'
version: 1
agents:
  authors: ["committer@example.com"]
EOF
cat > "$work/human.yml" <<'EOF'
version: 1
EOF

time_cmd=
if [ -x /usr/bin/time ]; then
	time_cmd="/usr/bin/time -f %U+%S\ %M -o $work/rss.txt"
fi
cat > "$work/server.git/hooks/pre-receive" <<EOF
#!/bin/sh
: > "$work/rss.txt"
start=\$(date +%s%N)
$time_cmd "$work/bin/agentcheck" pre-receive --timeout 60s --policy "\$BENCH_POLICY" 2> "$work/hook-stderr.txt"
rc=\$?
end=\$(date +%s%N)
echo "\$(( (end - start) / 1000000 )) \$rc \$(tail -n 1 "$work/rss.txt")" >> "\$BENCH_OUT"
exit 1
EOF
chmod 755 "$work/server.git/hooks/pre-receive"

# run LABEL REV POLICY: push REV to main RUNS times; print min and median
# wall time, the peak RSS and the hook's exit status.
run() {
	out=$work/times-$1.txt
	: > "$out"
	i=0
	while [ "$i" -lt "$runs" ]; do
		BENCH_OUT=$out BENCH_POLICY=$work/$3.yml git -C "$src" push -q "$work/server.git" "$2:refs/heads/main" 2> /dev/null || true
		i=$((i + 1))
	done
	n=$(wc -l < "$out")
	if [ "$n" -ne "$runs" ]; then
		echo "$1: the hook ran $n times, not $runs" >&2
		cat "$work/hook-stderr.txt" >&2
		exit 1
	fi
	sorted=$(cut -d' ' -f1 "$out" | sort -n)
	min=$(echo "$sorted" | head -n 1)
	median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
	cpu=$(cut -d' ' -f3 "$out" | sed 's/^$/0+0/' | while read -r c; do echo "$c" | awk -F+ '{printf "%d\n", ($1 + $2) * 1000}'; done | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
	rss=$(cut -d' ' -f4 "$out" | sort -n | tail -n 1)
	rc=$(cut -d' ' -f2 "$out" | sort -u | tr '\n' ' ')
	printf '%-28s wall min %5d ms  median %5d ms  CPU median %5s ms  peak RSS %6s KB  exit %s\n' "$1" "$min" "$median" "${cpu:-?}" "${rss:-?}" "$rc"
}

echo "pre-receive hook, $files files, $runs runs each:"
run "1 commit, agent policy" "main~999" agent
run "1 commit, human policy" "main~999" human
run "1000 commits, agent policy" "main" agent
run "1000 commits, human policy" "main" human
tail -n 1 "$work/hook-stderr.txt" | sed 's/^/last hook summary: /'
