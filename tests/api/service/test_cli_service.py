"""`wfm token create` and `wfm serve` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.cli import app
from api.service import Settings, create_app


def test_token_create_prints_a_working_token_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'wfm.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(app, ["token", "create", "--role", "lead", "--team", "tiny-desk"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    assert secret.startswith("wfm_")
    with TestClient(create_app(Settings(database_url=url))) as client:
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()
    assert me["role"] == "lead"
    assert me["teams"] == ["tiny-desk"]


def test_token_create_refuses_an_unknown_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'wfm.db'}")
    result = CliRunner().invoke(app, ["token", "create", "--role", "boss", "--team", "x"])
    assert result.exit_code == 2
    assert "role must be one of" in result.output


def test_serve_is_a_command() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output
