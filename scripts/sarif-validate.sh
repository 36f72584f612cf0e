#!/usr/bin/env bash
# sarif-validate.sh FILE.sarif... — validate SARIF logs the way GitHub code
# scanning ingests them.
#
# Installs Microsoft's SARIF Multitool (the validator behind
# https://sarifweb.azurewebsites.net, a self-contained .NET build shipped in
# an npm package: no dotnet runtime needed) into a cache directory outside
# the repository, then runs
#
#   Sarif.Multitool validate --rule-kind "Gh;Sarif" FILE...
#
# which applies GitHub's ingestion rules (GH1xxx, GH2xxx) and SARIF's own
# (SARIF1xxx errors, SARIF2xxx warnings and notes). The Multitool exits 0
# even when it reports errors, so this script reads its output log and exits
# 1 if any result has level error. Warnings and notes are printed.
#
# With no FILE it only installs the tool, so that `go test ./check` can find
# it (TestSARIFValidates looks in the same cache directory).
#
# Environment:
#   AGENTCHECK_SARIF_CACHE  install directory (default: the user cache
#                           directory, as Go's os.UserCacheDir, + /agentcheck-sarif)
set -euo pipefail

version=5.7.0

case "$(uname -s)" in
Linux)
	pkg=sarif-multitool-linux exe=Sarif.Multitool
	cache_root=${XDG_CACHE_HOME:-$HOME/.cache}
	;;
Darwin)
	pkg=sarif-multitool-darwin exe=Sarif.Multitool
	cache_root=$HOME/Library/Caches
	;;
*)
	echo "sarif-validate: no SARIF Multitool package for $(uname -s)" >&2
	exit 2
	;;
esac
cache=${AGENTCHECK_SARIF_CACHE:-$cache_root/agentcheck-sarif}
tool=$cache/node_modules/@microsoft/$pkg/$exe

installed=
if [[ -x $tool ]]; then
	installed=$("$tool" --version 2>&1 || true) # it prints to stderr
fi
if [[ $installed != "SARIF Multitool $version"* ]]; then
	echo "sarif-validate: installing @microsoft/sarif-multitool@$version into $cache" >&2
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$version" >&2
	# The package's postinstall script does this; npm may skip install scripts.
	chmod u+x "$tool"
fi

if [[ $# -eq 0 ]]; then
	echo "sarif-validate: $tool ready" >&2
	exit 0
fi

files=()
for f in "$@"; do
	[[ -f $f ]] || { echo "sarif-validate: $f: no such file" >&2; exit 2; }
	files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
done

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# --rule-kind takes a list and would swallow the file names after it: keep
# --output, which takes one value, last before the files.
(cd "$out" && DOTNET_CLI_TELEMETRY_OPTOUT=1 "$tool" validate --rule-kind "Gh;Sarif" \
	--output "$out/validation.sarif" "${files[@]}" >"$out/console.txt" 2>&1) || {
	cat "$out/console.txt" >&2
	echo "sarif-validate: the SARIF Multitool failed" >&2
	exit 2
}

# The console has the readable messages; the log is what is counted.
grep -E ': (error|warning|note) [A-Z]+[0-9]+: ' "$out/console.txt" || true

node - "$out/validation.sarif" <<'JS'
const fs = require("fs");
const log = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let errors = 0, others = 0;
for (const run of log.runs || []) {
  for (const inv of run.invocations || []) {
    if (!inv.executionSuccessful) {
      console.error("sarif-validate: the validator's run was not successful");
      process.exit(2);
    }
  }
  for (const r of run.results || []) {
    if ((r.level || "warning") === "error") errors++; else others++;
  }
}
console.log(`sarif-validate: ${errors} error(s), ${others} warning(s) and note(s)`);
process.exit(errors > 0 ? 1 : 0);
JS
