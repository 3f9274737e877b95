"""The standalone command serves a seeded account and answers a device-code login."""

from __future__ import annotations

import subprocess
import sys

import requests


def test_standalone_serves_and_answers_a_device_login():
    """``python -m crosswatch_trakt.testing --port 0`` prints its URL and logs a device in."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "crosswatch_trakt.testing", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
        url = lines[0].rsplit(" ", 1)[-1].strip()
        printed = dict(line.split(":", 1) for line in lines[1:])
        token = printed["access_token"].strip()
        assert url.startswith("http://127.0.0.1:")
        headers = {
            "User-Agent": "test/1",
            "trakt-api-key": "test-client-id",
            "Content-Type": "application/json",
        }
        code = requests.post(
            url + "/oauth/device/code",
            json={"client_id": "test-client-id"},
            headers=headers,
            timeout=5,
        )
        body = {
            "code": code.json()["device_code"],
            "client_id": "test-client-id",
            "client_secret": "test-client-secret",
        }
        tokens = requests.post(url + "/oauth/device/token", json=body, headers=headers, timeout=5)
        assert tokens.status_code == 200
        authed = {**headers, "Authorization": f"Bearer {tokens.json()['access_token']}"}
        plays = requests.get(url + "/sync/history", headers=authed, timeout=5)
        assert len(plays.json()) == 14
        ready = {**headers, "Authorization": f"Bearer {token}"}
        assert requests.get(url + "/users/settings", headers=ready, timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
