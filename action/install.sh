#!/usr/bin/env bash
# install.sh — put agentcheck on the runner for the GitHub Action: the
# release that matches the action's own ref, its checksum verified, or a
# build from the action's own source when that ref has no release.
#
#   install.sh resolve   find the release: writes tag=, version=, archive=
#                        and source= (true: build from source) to
#                        $GITHUB_OUTPUT
#   install.sh install   download the archive (unless the cache restored
#                        it), verify it against the release's checksums.txt,
#                        extract agentcheck into $AGENTCHECK_INSTALL_DIR
#   install.sh build     build agentcheck from the action's source (after
#                        actions/setup-go)
#
# The ref is github.action_ref: a tag (v1.2.0), a full commit id (the way
# to pin an action), a branch, or empty for a local action (uses: ./). A
# commit id is matched to the release tags (vMAJOR.MINOR.PATCH…) that
# point at it, with git ls-remote on the action's repository; a branch, a
# local action or a commit without a release tag is built from source. So
# is a tag whose release has no archive for this runner (HTTP 404). A
# checksum that does not match fails the step: the download was altered or
# corrupted, and nothing of it is run.
#
# Environment (action.yml sets it):
#   AGENTCHECK_ACTION_REF       github.action_ref
#   AGENTCHECK_ACTION_REPO_URL  the action repository's git URL
#   AGENTCHECK_RELEASES_URL     release downloads: URL/TAG/FILE
#   AGENTCHECK_INSTALL_DIR      where agentcheck goes
#   AGENTCHECK_CACHE_DIR        where actions/cache keeps the archive
#   AGENTCHECK_TAG, AGENTCHECK_ARCHIVE   (install) what resolve found
#   RUNNER_OS, RUNNER_ARCH, GITHUB_OUTPUT, GITHUB_ACTION_PATH
set -euo pipefail

say() { echo "agentcheck: $*" >&2; }
fail() {
	echo "::error title=agentcheck install::$1"
	say "error: $1"
	if [[ -n ${2:-} ]]; then
		say "hint: $2"
	fi
	exit 1
}
output() { echo "$1=$2" >>"$GITHUB_OUTPUT"; }

# platform prints GOOS GOARCH EXT for the runner, or nothing when there is
# no release build for it.
platform() {
	local os arch
	case ${RUNNER_OS:-} in
	Linux) os=linux ;;
	macOS) os=darwin ;;
	Windows) os=windows ;;
	*) return 0 ;;
	esac
	case ${RUNNER_ARCH:-} in
	X64) arch=amd64 ;;
	ARM64) arch=arm64 ;;
	*) return 0 ;;
	esac
	if [[ $os == windows ]]; then
		echo "$os $arch zip"
	else
		echo "$os $arch tar.gz"
	fi
}

# release_tag prints the release tag for the ref, or nothing.
release_tag() {
	local ref=$1 listing tags commit
	if ! listing=$(git ls-remote --tags "$AGENTCHECK_ACTION_REPO_URL" 'refs/tags/v*' 2>&1); then
		say "could not list the tags of $AGENTCHECK_ACTION_REPO_URL: $listing"
		return 0
	fi
	# "COMMIT TAG" per tag: an annotated tag's "^{}" line names the commit
	# the tag points at (its own line names the tag object).
	tags=$(awk '{
		name = $2; sub(/^refs\/tags\//, "", name)
		if (name ~ /\^\{\}$/) { sub(/\^\{\}$/, "", name); peeled[name] = $1 } else { direct[name] = $1 }
	} END { for (n in direct) print ((n in peeled) ? peeled[n] : direct[n]), n }' <<<"$listing")
	if [[ $ref =~ ^[0-9a-f]{40}$ ]]; then
		commit=$ref
	else
		commit=$(awk -v t="$ref" '$2 == t { print $1 }' <<<"$tags")
	fi
	if [[ -z $commit ]]; then
		return 0 # a branch, or a tag that is not a version
	fi
	# The ref itself when it is a full version tag, else the highest full
	# version tag on the same commit (e.g. v1.2.0 for v1).
	local at
	at=$(awk -v c="$commit" '$1 == c && $2 ~ /^v[0-9]+\.[0-9]+\.[0-9]+/ { print $2 }' <<<"$tags")
	if grep -qxF -- "$ref" <<<"$at"; then
		echo "$ref"
	else
		sort -V <<<"$at" | tail -n 1
	fi
}

resolve() {
	local ref=${AGENTCHECK_ACTION_REF:-} plat tag
	plat=$(platform)
	if [[ -z $plat ]]; then
		say "no release build for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}: building from source"
		output source true
		return
	fi
	if [[ -z $ref ]]; then
		say "the action runs from a local path (uses: ./): building it from source"
		output source true
		return
	fi
	tag=$(release_tag "$ref")
	if [[ -z $tag ]]; then
		say "$ref is not a release of the action: building it from source"
		output source true
		return
	fi
	local os arch ext version
	read -r os arch ext <<<"$plat"
	version=${tag#v}
	say "$ref is release $tag"
	output tag "$tag"
	output version "$version"
	output archive "agentcheck_${version}_${os}_${arch}.${ext}"
	output source false
}

# fetch URL FILE prints the HTTP status code of downloading URL into FILE
# (000 when there was no answer).
fetch() {
	curl --silent --show-error --location --retry 3 --retry-connrefused \
		--output "$2" --write-out '%{http_code}' "$1" || true
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d ' ' -f 1
	else
		shasum -a 256 "$1" | cut -d ' ' -f 1
	fi
}

install() {
	local tag=${AGENTCHECK_TAG:?} archive=${AGENTCHECK_ARCHIVE:?}
	local base=${AGENTCHECK_RELEASES_URL%/}/$tag
	local cache=${AGENTCHECK_CACHE_DIR:?} dir=${AGENTCHECK_INSTALL_DIR:?}
	local work code
	mkdir -p "$cache" "$dir"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN

	# checksums.txt always comes fresh from the release: a cached archive
	# is verified like a downloaded one.
	code=$(fetch "$base/checksums.txt" "$work/checksums.txt")
	if [[ $code == 404 ]]; then
		say "release $tag has no checksums.txt (HTTP 404): building from source"
		output source true
		return
	elif [[ $code != 200 ]]; then
		fail "downloading checksums.txt of release $tag failed (HTTP $code)" "re-run the job; if it persists, pin the action to a release that exists"
	fi
	if [[ -f $cache/$archive ]]; then
		say "using $archive from the cache"
	else
		code=$(fetch "$base/$archive" "$work/$archive")
		if [[ $code == 404 ]]; then
			say "release $tag has no $archive (HTTP 404): building from source"
			output source true
			return
		elif [[ $code != 200 ]]; then
			fail "downloading $archive of release $tag failed (HTTP $code)" "re-run the job"
		fi
		mv "$work/$archive" "$cache/$archive"
	fi

	local want got
	want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/checksums.txt")
	got=$(sha256 "$cache/$archive")
	if [[ -z $want ]]; then
		rm -f "$cache/$archive"
		fail "checksums.txt of release $tag has no entry for $archive" "the release is incomplete or not agentcheck's; pin the action to another release"
	fi
	if [[ $want != "$got" ]]; then
		rm -f "$cache/$archive"
		fail "checksum mismatch for $archive of release $tag: checksums.txt says $want, the download is $got; it was altered or corrupted and is not run" "re-run the job; if it persists, report it: do not use this release"
	fi
	say "verified $archive (sha256 $got)"

	case $archive in
	*.zip)
		if command -v unzip >/dev/null 2>&1; then
			unzip -o -q "$cache/$archive" agentcheck.exe -d "$dir"
		else
			7z e -y -o"$dir" "$cache/$archive" agentcheck.exe >/dev/null
		fi
		;;
	*) tar -xzf "$cache/$archive" -C "$dir" agentcheck ;;
	esac
	"$dir/agentcheck" version
	output source false
}

build() {
	local dir=${AGENTCHECK_INSTALL_DIR:?}
	mkdir -p "$dir"
	GOFLAGS=-mod=readonly go build -C "$GITHUB_ACTION_PATH" -trimpath -o "$dir/agentcheck" ./cmd/agentcheck
	"$dir/agentcheck" version
}

case ${1:-} in
resolve) resolve ;;
install) install ;;
build) build ;;
*)
	say "usage: install.sh resolve|install|build"
	exit 2
	;;
esac
