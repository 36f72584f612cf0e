#!/usr/bin/env bash
# gitea-e2e.sh [build] — run the server gate against a real Gitea (TestGitea
# in cmd/agentcheck, the scripts in cmd/agentcheck/testdata/gitea).
#
# Builds Gitea from its module on the Go module proxy into a cache directory
# outside the repository, once per version, then runs the test with
# AGENTCHECK_GITEA (the binary) and AGENTCHECK_GITEA_SOURCE (the module's
# source: Gitea built without its web assets reads its templates and options
# from there). Gitea's go.mod has replace directives, so `go install
# module@version` refuses it: the module is downloaded and built in a copy of
# its directory. The first build takes several minutes (11 minutes of CPU
# time); with "build" the script only builds, so that CI can build while
# it runs the other tests.
#
# When Gitea cannot be built (no module proxy, no disk), it says so and
# exits 0 without running the test: TestGitea skips without a server.
#
# Environment:
#   AGENTCHECK_E2E_CACHE  cache directory (default: the user cache
#                         directory, as Go's os.UserCacheDir, + /agentcheck-e2e)
#   GO_TEST_FLAGS         extra flags for go test (default: none)
#
# The test runs without the race detector, for the reason the Makefile gives
# for cmd/agentcheck's scripts: Gitea runs the test binary as agentcheck in
# its pre-receive hook, one short process a push, and race instrumentation
# made each push several times slower (77 s for the test against 55 s) for
# no goroutines of its own to check.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.27.3
module=code.gitea.io/gitea

case "$(uname -s)" in
Darwin) cache_root=$HOME/Library/Caches ;;
*) cache_root=${XDG_CACHE_HOME:-$HOME/.cache} ;;
esac
cache=${AGENTCHECK_E2E_CACHE:-$cache_root/agentcheck-e2e}
dir=$cache/gitea-$version

skip() {
	echo "gitea-e2e: $*; the Gitea end-to-end test is skipped" >&2
	exit 0
}

if [[ ! -x $dir/gitea || ! -d $dir/src/options ]]; then
	echo "gitea-e2e: building Gitea $version into $dir (several minutes, once)" >&2
	start=$SECONDS
	if ! json=$(go mod download -json "$module@v$version"); then
		echo "$json" >&2
		skip "cannot download $module@v$version"
	fi
	src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$json")
	[[ -n $src && -d $src ]] || skip "go mod download did not say where $module@v$version is"
	tmp=$dir.tmp.$$
	trap 'rm -rf "$tmp"' EXIT
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cp -R "$src" "$tmp/src" || skip "cannot copy the module to $tmp"
	chmod -R u+w "$tmp/src"
	# Gitea's Makefile builds the backend this way (TAGS empty: the pure-Go
	# SQLite driver, no cgo; templates and options read from the source).
	(cd "$tmp/src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X 'main.Version=$version'" -o ../gitea .) ||
		skip "building Gitea $version failed"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
	echo "gitea-e2e: built Gitea $version in $((SECONDS - start)) s" >&2
fi

if [[ ${1-} == build ]]; then
	echo "gitea-e2e: Gitea $version is in $dir" >&2
	exit 0
fi

start=$SECONDS
# shellcheck disable=SC2086 # GO_TEST_FLAGS is a list of flags
AGENTCHECK_GITEA=$dir/gitea AGENTCHECK_GITEA_SOURCE=$dir/src \
	go test ${GO_TEST_FLAGS-} -count=1 -run '^TestGitea$' ./cmd/agentcheck
echo "gitea-e2e: the Gitea tests took $((SECONDS - start)) s" >&2
