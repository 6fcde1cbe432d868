#!/usr/bin/env bash
# Runs every PostLoan test: unit (domain), integration (SQLite, a throwaway PostgreSQL cluster, MQTT) and
# browser (Playwright driving Debian's Chromium). Installs missing Debian packages first. Prints a summary.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$(date +%s)

# --- what the tests need from Debian -------------------------------------------------------------
source "$root/scripts/debian-packages.sh"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || missing+=(mosquitto)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# README screenshots need a CJK font, or Chinese text renders as boxes.
if [[ -n "${POSTLOAN_SCREENSHOTS:-}" ]] && ! fc-list 2>/dev/null | grep -qi "CJK"; then
  missing+=(fonts-noto-cjk)
fi
while read -r package; do [[ -n "$package" ]] && missing+=("$package"); done < <(debian_packages_runtime_missing)
debian_packages_ensure "${missing[@]}" || exit 1

# --- build once --------------------------------------------------------------------------------
echo "Building (Release)…"
dotnet build PostLoan.slnx -c Release -nologo -v quiet -clp:ErrorsOnly || { echo "build failed" >&2; exit 1; }

# --- run each test project in turn (2 cores: one at a time) -------------------------------------
results="$root/TestResults"
rm -rf "$results"
status=0
projects=(tests/PostLoan.Domain.Tests tests/PostLoan.Integration.Tests tests/PostLoan.Browser.Tests)
if [[ $# -gt 0 ]]; then projects=("$@"); fi
for project in "${projects[@]}"; do
  name=$(basename "$project")
  echo "== $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" --blame-hang-timeout 10m || status=1
done

# --- summary -------------------------------------------------------------------------------------
python3 - "$results" "$(( $(date +%s) - started ))" <<'PY'
import glob, re, sys
total = passed = failed = skipped = 0
rows = []
for path in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<Counters total="(\d+)" executed="(\d+)" passed="(\d+)" failed="(\d+)"', text)
    if not m:
        continue
    t, e, p, f = map(int, m.groups())
    total += t; passed += p; failed += f; skipped += t - e
    rows.append(f"  {path.rsplit('/', 1)[1][:-4]:<32} {p:>4} passed {f:>3} failed {t - e:>3} skipped")
print("\n".join(rows))
print(f"Time: {sys.argv[2]} s")
print(f"Total: {passed} passed, {failed} failed, {skipped} skipped")
PY
if [[ ! -d "$results" ]] || ! ls "$results"/*.trx >/dev/null 2>&1; then
  echo "no test results were written" >&2
  status=1
fi
exit $status
