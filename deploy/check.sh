#!/bin/sh
# Check an installation of the IMR warehouse (docs/deploy.md): the service user, the owners of
# its folders and files, that imr runs as that user, and that the scheduler's and logrotate's
# files parse. One line per check: ok, FAILED or skipped (with why); exit 1 if any failed.
# install.sh runs it last; run it again after an upgrade or a change by hand. As root.
#
#   deploy/check.sh [--root DIR] [--user NAME]
set -u

root=""
user=imr
while [ $# -gt 0 ]; do
    case $1 in
    --root) root=${2%/}; shift 2 ;;
    --user) user=$2; shift 2 ;;
    -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "check.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
base=$root/srv/imr
venv=$base/venv
home=$base/warehouse
incoming=$base/incoming
logs=$root/var/log/imr
etc=$root/etc
failed=0
ok() { echo "ok: $*"; }
bad() { echo "FAILED: $*"; failed=1; }
skip() { echo "skipped: $*"; }
as_user() { runuser -u "$user" -- "$@"; }

if ! id -u "$user" >/dev/null 2>&1; then
    bad "no user $user (deploy/install.sh creates it)"
    exit 1
fi
ok "user $user exists"

for folder in "$home" "$incoming" "$logs"; do
    if [ "$(stat -c %U "$folder" 2>/dev/null)" = "$user" ]; then ok "$folder belongs to $user"; else bad "$folder missing or not owned by $user"; fi
done
strangers=$(find "$home" "$incoming" "$logs" ! -user "$user" 2>/dev/null | head -5)
if [ -z "$strangers" ]; then
    ok "every file under the warehouse, incoming and log folders belongs to $user"
else
    bad "files $user does not own (a command run as root?), e.g.: $(echo "$strangers" | tr '\n' ' ')- fix: chown -R $user:$user"
fi
if as_user test -w "$venv/bin"; then bad "$user may write $venv: the service could change its own code"; else ok "$venv is read-only to $user"; fi
if version=$(as_user "$venv/bin/imr" --version 2>&1); then ok "$user runs $version"; else bad "$venv/bin/imr does not run as $user: $version"; fi

env_file=$etc/imr/refresh.env
if [ -e "$env_file" ]; then
    case $(stat -c %a "$env_file") in
    *0) ok "$env_file is not world-readable" ;;
    *) bad "$env_file is world-readable; it may hold a database password: chmod 0640" ;;
    esac
fi

cron_file=$etc/cron.d/imr-refresh
if [ -e "$cron_file" ]; then
    # /etc/cron.d lines have a user field; without it the file is a user crontab, which `crontab -n` checks.
    job_user=$(grep -Ev '^[[:space:]]*(#|$)|^[A-Za-z_][A-Za-z0-9_]*=' "$cron_file" | awk '{ print $6 }' | sort -u)
    if [ "$job_user" = "$user" ]; then ok "the cron job runs as $user"; else bad "the cron job runs as '$job_user', not $user"; fi
    if ! command -v crontab >/dev/null 2>&1; then
        bad "crontab missing: apt-get install cron"
    elif stripped=$(mktemp) && sed -E 's/^(([^ #=][^ =]*[[:space:]]+){5})[^ ]+[[:space:]]+/\1/' "$cron_file" >"$stripped" && crontab -n "$stripped" >/dev/null 2>&1; then
        ok "$cron_file parses (crontab -n)"
    else
        bad "$cron_file does not parse: $(crontab -n "$stripped" 2>&1 | head -3)"
    fi
    rm -f "${stripped:-}"
    grep -q "$venv/bin/imr refresh" "$cron_file" && ok "the cron job runs $venv/bin/imr" || bad "the cron job does not run $venv/bin/imr refresh"
fi

units=$etc/systemd/system
if [ -e "$units/imr-refresh.service" ]; then
    if command -v systemd-analyze >/dev/null 2>&1; then
        if out=$(systemd-analyze verify "$units/imr-refresh.service" "$units/imr-refresh.timer" 2>&1); then
            ok "the systemd units pass systemd-analyze verify"
        else
            bad "systemd-analyze verify: $out"
        fi
    else
        skip "systemd-analyze not installed: the units were not verified"
    fi
fi

if [ -e "$etc/logrotate.d/imr" ]; then
    state=$(mktemp)
    if out=$(logrotate -d -s "$state" "$etc/logrotate.d/imr" 2>&1) && ! echo "$out" | grep -qi "^error"; then
        ok "$etc/logrotate.d/imr parses (logrotate -d)"
    else
        bad "logrotate -d: $(echo "$out" | grep -i error | head -3)"
    fi
    rm -f "$state"
else
    bad "no $etc/logrotate.d/imr: the refresh log would grow without end"
fi

exit $failed
