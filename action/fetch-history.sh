#!/usr/bin/env bash
# fetch-history.sh — fetch into the current repository what agentcheck github
# needs to check an event: the base and head commits with the history between
# them, and the agentcheck notes. actions/checkout fetches neither: it makes a
# shallow clone of one commit (for a pull request, the synthetic merge commit)
# and no notes.
#
# Reads the plan that `agentcheck github --fetch-plan` prints, one item a line:
#
#   commit SHA    a commit to fetch (the base first, the head last)
#   branch NAME   a branch of the remote, fetched as refs/remotes/REMOTE/NAME
#   pull N        refs/pull/N/head, fetched when a head commit cannot be fetched by id
#   notes URL     a fork whose refs/notes/agentcheck is merged into the local notes
#
# Nothing is checked out and nothing fetched is run: the pull request's
# commits are data for agentcheck to read.
#
# History: in a shallow repository the tips are fetched with --depth, then
# deepened (doubling) until the range base..head is complete (see complete
# below), and as a last resort unshallowed. agentcheck itself refuses a range
# that reaches a shallow boundary, so a mistake here fails closed.
#
# Environment: AGENTCHECK_REMOTE (default origin), AGENTCHECK_DEPTH (first
# depth, default 50), AGENTCHECK_DEEPEN_ROUNDS (default 6).
set -euo pipefail

remote=${AGENTCHECK_REMOTE:-origin}
depth=${AGENTCHECK_DEPTH:-50}
rounds=${AGENTCHECK_DEEPEN_ROUNDS:-6}

die() {
	echo "fetch-history: $*" >&2
	exit 2
}

commits=() branches=() pulls=() forks=()
while read -r kind value rest; do
	[[ -z $kind ]] && continue
	[[ -z $rest ]] || die "unexpected plan line: $kind $value $rest"
	case $kind in
	commit)
		[[ $value =~ ^[0-9a-f]{40}([0-9a-f]{24})?$ ]] || die "bad commit id in plan: $value"
		commits+=("$value")
		;;
	branch)
		if [[ $value == -* ]] || ! git check-ref-format "refs/heads/$value"; then
			die "bad branch name in plan: $value"
		fi
		branches+=("$value")
		;;
	pull)
		[[ $value =~ ^[1-9][0-9]{0,9}$ ]] || die "bad pull request number in plan: $value"
		pulls+=("$value")
		;;
	notes)
		[[ $value =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9._/-]+$ ]] || die "bad fork URL in plan: $value"
		forks+=("$value")
		;;
	*) die "unknown plan item: $kind" ;;
	esac
done

refspecs=("${commits[@]}")
for b in "${branches[@]}"; do
	refspecs+=("+refs/heads/$b:refs/remotes/$remote/$b")
done
[[ ${#refspecs[@]} -gt 0 ]] || {
	echo "fetch-history: nothing to fetch" >&2
	exit 0
}

# The notes. A repository where nobody has pushed notes yet has none: that
# is not an error (agent commits then have no manifest, which the check
# reports).
if git ls-remote --exit-code "$remote" refs/notes/agentcheck >/dev/null; then
	git fetch --no-tags --no-write-fetch-head "$remote" +refs/notes/agentcheck:refs/notes/agentcheck
else
	echo "fetch-history: $remote has no refs/notes/agentcheck" >&2
fi
for url in "${forks[@]}"; do
	# The fork's notes are data like the rest of the pull request: every
	# manifest in them is verified against the base's trusted keys. They
	# are merged line by line, as git notes merge -s cat_sort_uniq does.
	if git ls-remote --exit-code "$url" refs/notes/agentcheck >/dev/null 2>&1; then
		git fetch --no-tags --no-write-fetch-head "$url" +refs/notes/agentcheck:refs/notes/agentcheck-fork
		if git rev-parse -q --verify refs/notes/agentcheck >/dev/null; then
			git -c user.name=agentcheck -c user.email=agentcheck@localhost \
				notes --ref agentcheck merge -q -s cat_sort_uniq refs/notes/agentcheck-fork
		else
			git update-ref refs/notes/agentcheck refs/notes/agentcheck-fork
		fi
		git update-ref -d refs/notes/agentcheck-fork
	else
		echo "fetch-history: $url has no refs/notes/agentcheck" >&2
	fi
done

shallow=$(git rev-parse --is-shallow-repository)
fetch() {
	if [[ $shallow == true ]]; then
		git fetch --no-tags --no-write-fetch-head --depth="$depth" "$remote" "$@"
	else
		git fetch --no-tags --no-write-fetch-head "$remote" "$@"
	fi
}
if ! fetch "${refspecs[@]}"; then
	# A pull request's head can always be fetched through refs/pull/N/head,
	# also when its fork is gone.
	[[ ${#pulls[@]} -gt 0 ]] || die "could not fetch ${refspecs[*]}"
	for n in "${pulls[@]}"; do
		refspecs+=("+refs/pull/$n/head:refs/remotes/$remote/pull/$n/head")
	done
	fetch "${refspecs[@]}" || die "could not fetch ${refspecs[*]}"
fi

# The range to complete: the last commit is the head, the base is the first
# commit or branch.
head=${commits[${#commits[@]}-1]}
if [[ ${#branches[@]} -gt 0 ]]; then
	base=refs/remotes/$remote/${branches[0]}
else
	base=${commits[0]}
fi

# complete reports whether base..head can be walked as in the full history.
# In a shallow repository that takes two things: no commit of the range is a
# shallow boundary (its parents were cut), and the base's side reaches back
# far enough that no old commit looks new only because the base's history
# was cut. The second is judged by commit dates, as git's own walk does: every
# commit of the range must be newer than every boundary of the base's side.
# A commit wrongly in the range is an ancestor of such a boundary, so older.
complete() {
	[[ $(git rev-parse --is-shallow-repository) == true ]] || return 0
	git merge-base "$base" "$head" >/dev/null 2>&1 || return 1
	local shallow_file range oldest newest_boundary
	shallow_file=$(git rev-parse --git-path shallow)
	[[ -s $shallow_file ]] || return 0
	range=$(git rev-list "$head" --not "$base")
	[[ -n $range ]] || return 0
	if grep -qFxf "$shallow_file" <<<"$range"; then
		return 1
	fi
	oldest=$(git log --no-walk=unsorted --format=%ct --stdin <<<"$range" | sort -n | head -n 1)
	newest_boundary=$(git rev-list "$base" | grep -Fxf "$shallow_file" |
		git log --no-walk=unsorted --format=%ct --stdin | sort -n | tail -n 1)
	[[ -z $newest_boundary || $oldest -gt $newest_boundary ]]
}

for ((i = 0; i < rounds; i++)); do
	complete && break
	echo "fetch-history: deepening by $depth commits" >&2
	git fetch --no-tags --no-write-fetch-head --deepen="$depth" "$remote" "${refspecs[@]}"
	depth=$((depth * 2))
done
if ! complete; then
	echo "fetch-history: fetching the whole history" >&2
	git fetch --no-tags --no-write-fetch-head --unshallow "$remote" "${refspecs[@]}"
fi
complete || die "the history between $base and $head is still incomplete"
echo "fetch-history: $base..$head is complete" >&2
