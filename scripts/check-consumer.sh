#!/usr/bin/env bash
# Packs tynenc as npm would publish it, installs the tarball into a temp copy of test/consumer, and
# proves the package from a consumer's side: the install prints no install-script warning, index.ts
# type-checks against the published .d.ts with skipLibCheck: false on TypeScript 5 and 7 (@types/node
# installed, not listed in "types"), the compiled consumer runs a task, and the source maps resolve.
# Needs the npm registry (it installs the fixture's TypeScript and @types/node).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/tynenc-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() {
  printf 'check-consumer: %s\n' "$*" >&2
  exit 1
}

step "npm pack (prepack: clean build)"
npm pack --pack-destination "$work" --loglevel=warn >"$work/pack.log" ||
  { cat "$work/pack.log"; fail "npm pack failed (its prepack script builds dist/)"; }
tarball=$(ls "$work"/tynenc-*.tgz)
echo "$tarball"

step "npm install of the tarball into a copy of test/consumer"
cp -R "$root/test/consumer" "$work/consumer"
cd "$work/consumer"
npm install --no-audit --no-fund --no-save "$tarball" 2>&1 | tee "$work/install.log"
if grep -Ei 'tynenc.*(prepare|install)|(prepare|install.?scripts?).*tynenc' "$work/install.log"; then
  fail "installing the tarball warned about an install script (build in prepack, not prepare)"
fi

# Both TypeScript majors, by path: the fixture installs TypeScript 7 under the alias typescript-7.
typecheck() {
  local label=$1
  shift
  step "type-check with TypeScript $("$@" --version | sed 's/^Version //') ($label, skipLibCheck: false)"
  "$@" -p . --noEmit --listFilesOnly >"$work/files.txt"
  grep -q 'node_modules/tynenc/dist/index.d.ts' "$work/files.txt" ||
    fail "TypeScript ($label) did not load tynenc's declarations"
  "$@" -p . --noEmit
}
typecheck "typescript" node node_modules/typescript/bin/tsc
typecheck "typescript-7" node node_modules/typescript-7/bin/tsc
[[ $(node node_modules/typescript-7/bin/tsc --version) == "Version 7."* ]] ||
  fail "the fixture's typescript-7 alias is not TypeScript 7"

step "compile and run the consumer"
node node_modules/typescript/bin/tsc -p .
output=$(TYNENC__LOGGING_LEVEL=warn node run.mjs)
echo "$output"
[[ $output == "consumer result: 10 "* ]] || fail "the consumer printed \"$output\", expected \"consumer result: 10 ...\""

step "source maps and stack traces"
node --enable-source-maps check-package.mjs

printf '\ncheck-consumer: ok\n'
