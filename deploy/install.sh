#!/bin/sh
# Install (or upgrade) the IMR warehouse on a Debian host, as docs/deploy.md describes: the
# service user, its folders and their owners, a virtual environment holding imr-warehouse, the
# scheduler's files (cron or systemd), log rotation and the environment file; then
# deploy/check.sh checks the result. Run as root; run again with a newer SOURCE to upgrade.
#
#   deploy/install.sh [--root DIR] [--user NAME] [--scheduler cron|systemd] [--python PATH] SOURCE
#
# SOURCE: the imr-warehouse source folder (or an sdist or wheel). --root DIR puts every file
# under DIR instead of / (the tests install into a scratch folder); the user is a host user.
set -eu

root=""
user=imr
scheduler=""
python=/usr/bin/python3.11
source=""
while [ $# -gt 0 ]; do
    case $1 in
    --root) root=${2%/}; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --scheduler) scheduler=$2; shift 2 ;;
    --python) python=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    *) source=$1; shift ;;
    esac
done
die() { echo "install.sh: $*" >&2; exit 1; }
[ -n "$source" ] || die "name the imr-warehouse source folder, sdist or wheel (--help)"
[ -e "$source" ] || die "$source: no such file or folder"
[ "$(id -u)" -eq 0 ] || die "run as root: it creates a user and gives folders to it"
if [ -z "$scheduler" ]; then
    if [ -d /run/systemd/system ]; then scheduler=systemd; else scheduler=cron; fi
fi
case $scheduler in cron | systemd) ;; *) die "--scheduler: cron or systemd, not $scheduler" ;; esac

# Debian packages: Python 3.11 with venv, the scheduler, logrotate.
missing=""
[ -x "$python" ] || missing="$missing python3.11"
[ -x "$python" ] && ! "$python" -c "import ensurepip, venv" 2>/dev/null && missing="$missing python3.11-venv"
command -v logrotate >/dev/null 2>&1 || missing="$missing logrotate"
[ "$scheduler" = cron ] && ! command -v crontab >/dev/null 2>&1 && missing="$missing cron"
[ -z "$missing" ] || die "missing Debian packages; install them first: apt-get install$missing"

deploy=$(cd "$(dirname "$0")" && pwd)
base=$root/srv/imr
venv=$base/venv
home=$base/warehouse
incoming=$base/incoming
logs=$root/var/log/imr
etc=$root/etc

# The service user: a system account that cannot log in, its home the warehouse.
if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir "$home" --no-create-home --shell /usr/sbin/nologin "$user"
    echo "install.sh: created system user $user"
fi

# Folders: the code belongs to root (the service cannot change it); the data to the service.
install -d -m 0755 -o root -g root "$base" "$etc/imr"
install -d -m 0755 -o "$user" -g "$user" "$home" "$logs"
install -d -m 2775 -o "$user" -g "$user" "$incoming" # letters are dropped here by members of the group

# The code: a virtual environment, the package installed (not an editable clone).
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet --upgrade "$source"
echo "install.sh: $("$venv/bin/imr" --version) in $venv"

# The shipped files name /srv/imr, /var/log/imr, /etc/imr and user imr: rewritten for --root and --user.
place() { # place MODE FILE TARGET
    sed -e "s|/srv/imr|$base|g" -e "s|/var/log/imr|$logs|g" -e "s|/etc/imr/|$etc/imr/|g" \
        -e "s|^User=imr\$|User=$user|" -e "s|^Group=imr\$|Group=$user|" \
        -e "s|^\(\([^ #][^ ]* \{1,\}\)\{5\}\)imr |\1$user |" \
        -e "s|^\( *su\) imr imr\$|\1 $user $user|" -e "s|^\( *create [0-7]*\) imr imr\$|\1 $user $user|" "$2" >"$3.new"
    chmod "$1" "$3.new"
    mv "$3.new" "$3"
}
install -d -m 0755 "$etc/logrotate.d" "$etc/cron.d" "$etc/systemd/system"
place 0644 "$deploy/logrotate/imr" "$etc/logrotate.d/imr"
if [ ! -e "$etc/imr/refresh.env" ]; then
    cat >"$etc/imr/refresh.env" <<'ENV'
# Read by the refresh (cron and systemd alike). Quote values: they are read by sh and systemd.
# Publish to PostgreSQL after each validated refresh (docs/deploy.md, "Publishing to PostgreSQL"):
#IMR_POSTGRES_URL="postgresql:///imr?host=/var/run/postgresql"
ENV
    chown "root:$user" "$etc/imr/refresh.env"
    chmod 0640 "$etc/imr/refresh.env"
fi

# One scheduler: the other one's files are removed, so the refresh never runs twice.
if [ "$scheduler" = cron ]; then
    place 0644 "$deploy/cron/imr-refresh" "$etc/cron.d/imr-refresh"
    rm -f "$etc/systemd/system/imr-refresh.service" "$etc/systemd/system/imr-refresh.timer"
else
    place 0644 "$deploy/systemd/imr-refresh.service" "$etc/systemd/system/imr-refresh.service"
    place 0644 "$deploy/systemd/imr-refresh.timer" "$etc/systemd/system/imr-refresh.timer"
    rm -f "$etc/cron.d/imr-refresh"
    if [ -z "$root" ] && [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable --now imr-refresh.timer
    fi
fi
echo "install.sh: $scheduler schedules the refresh of $home from $incoming"

exec "$deploy/check.sh" --root "$root" --user "$user"
