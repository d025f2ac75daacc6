"""`make run`'s program as a user runs it: real processes, real HTTP, Ctrl-C, restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from infra.local.services import free_port

ROOT = Path(__file__).resolve().parents[2]
BASE = "/devdevdev/api/v1"


def start(port: int, data_dir: Path) -> subprocess.Popen:
    env = dict(os.environ, PORT=str(port), LOCAL_DATA_DIR=str(data_dir), PYTHONPATH=f"{ROOT / 'layers/shared'}:{ROOT}")
    env.pop("STAGE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the local stack exited early:\n{process.stdout.read()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{BASE}/token/test/user", timeout=1)
            return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process.kill()
    pytest.fail("the local stack did not answer within 90 s")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    return output


def call(port: int, method: str, path: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{BASE}{path}", method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_run_serves_the_demo_refuses_a_busy_port_stops_cleanly_and_keeps_data(tmp_path):
    port = free_port()
    first = start(port, tmp_path / "ddb")
    try:
        status, body = call(port, "GET", "/token/test/user")
        assert status == 200 and set(body["data"]) == {"accessToken", "refreshToken"}
        refresh = body["data"]["refreshToken"]
        assert call(port, "POST", "/logout", {"Authorization": f"Bearer {body['data']['accessToken']}"})[0] == 200

        second = subprocess.run(
            [sys.executable, "-m", "infra.local.run"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ, PORT=str(port), PYTHONPATH=f"{ROOT / 'layers/shared'}:{ROOT}"),
        )
        assert second.returncode == 1
        assert f"Port {port} on 127.0.0.1 is busy" in second.stderr
    finally:
        output = stop(first)
    assert "devdevdev local stack stopped." in output
    assert first.returncode == 0
    assert not list(tmp_path.glob("ddb/*.lock")), "DynamoDB Local left running"

    restarted = start(port, tmp_path / "ddb")
    try:
        # The logout of the first run is remembered: its refresh token stays revoked.
        status, body = call(port, "POST", "/token/refresh", {"Cookie": f"DEVDEVDEV_REFRESH_TOKEN={refresh}"})
        assert (status, body["message"]) == (401, "유효하지 않은 리프레시 토큰 입니다.")
    finally:
        stop(restarted)
