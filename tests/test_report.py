"""`imr report`: one self-contained HTML file whose charts render in a real browser (headless
Chromium; CI installs it). The screenshot is kept in test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from imr.serve.report import write_report

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(synthetic_warehouse: tuple[Path, list[dict]]) -> Path:
    return write_report(synthetic_warehouse[0])


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI (.ci/run installs it)")
        pytest.skip("chromium not installed")
    return found


def test_report_is_self_contained_and_labels_synthetic_data(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text)  # plotly.js is inlined: the file opens offline
    assert "SYNTHETIC DATA" in text
    assert re.search(r"300 letters, \d+ decided items, \d+ overturned", text)
    for title in (
        "by service category",
        "by service subcategory",
        "by reviewer specialty",
        "guideline chapter",
        "cited no evidence",
        "Monthly trend",
    ):
        assert title in text
    assert text.count("<table>") == 6 and "small" in text


def test_charts_render_in_chromium_without_console_errors(report: Path, chromium: str, tmp_path: Path) -> None:
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            *profile,
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            report.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert dom.stdout.count('class="main-svg"') >= 6, "plotly did not draw the charts"
    assert dom.stdout.count("trace bars") >= 6
    console_errors = [line for line in dom.stderr.splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]
    assert console_errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report.png"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            *profile,
            "--window-size=1200,3000",
            "--virtual-time-budget=10000",
            f"--screenshot={screenshot}",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert screenshot.stat().st_size > 50_000
