"""The fresh-host runbook (docs/deploy.md) as far as this machine can carry it out: deploy/install.sh
installs into a scratch root for a throwaway system user; the cron job's own command line then
refreshes synthetic letters as that user; deploy/check.sh finds the owners right and the cron,
logrotate and systemd files parsing; logrotate rotates the log; the PostgreSQL roles of the
runbook let the user publish. Needs root (it creates and removes a system user): CI runs as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Host:
    root: Path
    user: str
    installed: subprocess.CompletedProcess[str]

    @property
    def venv(self) -> Path:
        return self.root / "srv/imr/venv"

    @property
    def home(self) -> Path:
        return self.root / "srv/imr/warehouse"

    @property
    def incoming(self) -> Path:
        return self.root / "srv/imr/incoming"

    @property
    def log(self) -> Path:
        return self.root / "var/log/imr/refresh.log"

    @property
    def etc(self) -> Path:
        return self.root / "etc"

    def as_user(self, *command: str | Path, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(shutil.which("runuser")), "-u", self.user, "--", *map(str, command)],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )

    def check(self) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DEPLOY / "check.sh", "--root", self.root, "--user", self.user], capture_output=True, text=True, timeout=300, check=False
        )

    def install(self, scheduler: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [DEPLOY / "install.sh", "--root", self.root, "--user", self.user, "--scheduler", scheduler, REPO],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )


def _needs(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (.ci/run provides it)")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def host() -> Iterator[Host]:
    _needs(os.geteuid() == 0, "the deploy test runs as root: it creates a system user")
    for tool in ("useradd", "userdel", "runuser", "crontab", "logrotate", "timeout"):
        _needs(shutil.which(tool) is not None, f"{tool} not installed")
    _needs(Path("/usr/bin/python3.11").exists(), "Debian's python3.11 not installed")
    user = f"imrtest{uuid.uuid4().hex[:8]}"
    root = Path(tempfile.mkdtemp(prefix="imr-deploy-", dir="/tmp"))
    root.chmod(0o755)  # the user walks through it, as through /
    try:
        first = Host(root, user, subprocess.CompletedProcess([], 0))
        yield Host(root, user, first.install("cron"))
    finally:
        subprocess.run(["userdel", user], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _cron_job(host: Host) -> tuple[dict[str, str], str, str]:
    """The cron file's environment, and its one job's user and command, as cron reads them."""
    env: dict[str, str] = {}
    jobs: list[list[str]] = []
    for line in (host.etc / "cron.d/imr-refresh").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if equals and name.isidentifier():
            env[name] = value
        else:
            jobs.append(line.split(None, 6))
    assert len(jobs) == 1
    return env, jobs[0][5], jobs[0][6]


def test_install_creates_the_user_folders_and_files(host: Host) -> None:
    assert host.installed.returncode == 0, host.installed.stdout + host.installed.stderr
    assert "FAILED" not in host.installed.stdout
    account = pwd.getpwnam(host.user)
    assert account.pw_shell == "/usr/sbin/nologin" and Path(account.pw_dir) == host.home
    owners = {path: path.owner() for path in (host.home, host.incoming, host.log.parent, host.venv, host.etc / "imr/refresh.env")}
    assert owners == {
        host.home: host.user,
        host.incoming: host.user,
        host.log.parent: host.user,
        host.venv: "root",
        host.etc / "imr/refresh.env": "root",
    }
    assert oct((host.etc / "imr/refresh.env").stat().st_mode & 0o777) == "0o640"
    assert list(host.venv.glob("lib/python3*/site-packages/imr/dbt/dbt_project.yml"))  # installed, not editable: it carries dbt
    for line in ("ok: the cron job runs as", "crontab -n", "logrotate -d", "is read-only to"):
        assert line in host.installed.stdout


def test_the_cron_job_refreshes_as_the_service_user(host: Host) -> None:
    synth = host.as_user(host.venv / "bin/imr", "synth", "--out", host.incoming, "--letters", "40", "--seed", "5")
    assert synth.returncode == 0, synth.stderr
    env, user, command = _cron_job(host)
    assert user == host.user
    # As cron runs it: sh -c COMMAND, as the user, with the file's variables and little else.
    cron_env = {"HOME": pwd.getpwnam(user).pw_dir, "LOGNAME": user, **env}
    run = host.as_user(env["SHELL"], "-c", command, env=cron_env, timeout=1800)
    assert run.returncode == 0, host.log.read_text() if host.log.exists() else run.stderr
    assert "published (exit 0)" in host.log.read_text()
    for produced in ("imr.duckdb", "report.html", "validation.html", "operations.duckdb"):
        assert (host.home / produced).owner() == host.user
    with duckdb.connect(str(host.home / "imr.duckdb"), read_only=True) as con:
        assert con.execute("select count(distinct letter_sha256) from marts.fct_imr_decisions").fetchall() == [(40,)]
    checked = host.check()
    assert checked.returncode == 0, checked.stdout


def test_check_finds_a_file_the_service_user_does_not_own(host: Host) -> None:
    stray = host.home / "written-by-root.duckdb"
    stray.write_text("")
    try:
        checked = host.check()
    finally:
        stray.unlink()
    assert checked.returncode == 1
    assert "FAILED: files" in checked.stdout and str(stray) in checked.stdout


def test_logrotate_rotates_the_log_as_the_service_user(host: Host) -> None:
    if not host.log.exists():
        host.log.write_text("a refresh's output\n")
        shutil.chown(host.log, host.user, host.user)
    state = host.root / "logrotate.state"
    rotated = subprocess.run(
        ["logrotate", "-f", "-s", state, host.etc / "logrotate.d/imr"], capture_output=True, text=True, timeout=60, check=False
    )
    assert rotated.returncode == 0, rotated.stderr
    assert (host.log.parent / "refresh.log.1").owner() == host.user
    assert host.log.owner() == host.user and host.log.stat().st_size == 0  # `create`: the next run appends to a fresh file


def test_the_postgres_roles_of_the_runbook_let_the_service_user_publish(host: Host) -> None:
    psycopg = pytest.importorskip("psycopg")
    admin = os.environ.get("IMR_TEST_POSTGRES_URL")
    _needs(admin is not None, "IMR_TEST_POSTGRES_URL not set")
    assert admin is not None and shutil.which("psql")
    if not (host.home / "imr.duckdb").exists():
        pytest.skip("needs the refresh of test_the_cron_job_refreshes_as_the_service_user")
    reader, database = f"{host.user}_reader", host.user
    roles = ["psql", admin, "-v", "ON_ERROR_STOP=1", "-v", f"publisher={host.user}", "-v", f"reader={reader}", "-v", f"database={database}"]
    created = subprocess.run([*roles, "-f", DEPLOY / "postgres/roles.sql"], capture_output=True, text=True, check=False)
    try:
        assert created.returncode == 0, created.stderr
        socket = psycopg.conninfo.conninfo_to_dict(admin).get("host", "/var/run/postgresql")
        url = f"postgresql:///{database}?host={socket}"  # peer authentication: the OS user is the role
        published = host.as_user(
            host.venv / "bin/imr",
            "publish",
            "--postgres",
            url,
            "--reader-role",
            reader,
            env={"IMR_HOME": str(host.home), "PATH": "/usr/bin:/bin"},
        )
        assert published.returncode == 0, published.stderr
        with psycopg.connect(admin.replace("/postgres?", f"/{database}?")) as con:
            allowed = con.execute("select has_table_privilege(%s, 'marts.fct_imr_decisions', 'select')", [reader]).fetchone()
            assert allowed == (True,)
    finally:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'drop database if exists "{database}" with (force)')
            con.execute(f'drop role if exists "{reader}"')
            con.execute(f'drop role if exists "{host.user}"')


def test_switching_to_systemd_replaces_the_cron_job_with_units_that_verify(host: Host) -> None:
    service = (DEPLOY / "systemd/imr-refresh.service").read_text()
    assert "TimeoutStartSec=" in service  # the watchdog: a hung refresh fails the unit
    assert "SuccessExitStatus" not in service  # busy (3) is a failure to look at, not a success
    reinstalled = host.install("systemd")  # also an upgrade: the same install run again
    assert reinstalled.returncode == 0, reinstalled.stdout + reinstalled.stderr
    assert not (host.etc / "cron.d/imr-refresh").exists()
    unit = (host.etc / "systemd/system/imr-refresh.service").read_text()
    assert f"User={host.user}" in unit and f"ExecStart={host.venv}/bin/imr refresh {host.incoming}" in unit
    if shutil.which("systemd-analyze"):
        assert "ok: the systemd units pass systemd-analyze verify" in reinstalled.stdout
    else:
        assert "skipped: systemd-analyze not installed" in reinstalled.stdout
