"""Settings of the hardening knobs (per-service token keys shared through the data dir, flags,
proxies) and of print-prep's slicer."""

from __future__ import annotations

from pathlib import Path

import pytest

from printforge.runtime.config import (
    SERVICES,
    Settings,
    service_token_key_var,
    slicer_path_from_env,
    slicer_timeout_from_env,
)


def test_service_token_keys_are_generated_once_and_shared_by_every_local_process(tmp_path: Path) -> None:
    env = {"PRINTFORGE_DATA_DIR": str(tmp_path)}
    first, second = Settings.from_env(env), Settings.from_env(env)
    assert first.service_token_keys == second.service_token_keys  # what `printforge up`'s processes see
    assert len(set(first.service_token_keys.values())) == len(SERVICES), "one key per service"
    for name in SERVICES:
        path = tmp_path / "service-tokens" / f"{name}.key"
        assert path.stat().st_mode & 0o777 == 0o600
        assert len(first.service_token_keys[name]) >= 32


def test_a_key_from_the_environment_wins_and_writes_nothing(tmp_path: Path) -> None:
    env = {"PRINTFORGE_DATA_DIR": str(tmp_path), service_token_key_var("auth"): "from-the-secret"}
    settings = Settings.from_env(env)
    assert settings.service_token_keys["auth"] == b"from-the-secret"
    assert not (tmp_path / "service-tokens" / "auth.key").exists()


def test_reflection_flag_and_trusted_proxies(tmp_path: Path) -> None:
    base = {"PRINTFORGE_DATA_DIR": str(tmp_path)}
    defaults = Settings.from_env(base)
    assert defaults.grpc_reflection is True and defaults.trusted_proxies == () and defaults.grpc_tls is None
    proxies = " 10.0.0.0/8, 127.0.0.2 "
    env = {**base, "PRINTFORGE_GRPC_REFLECTION": "false", "PRINTFORGE_TRUSTED_PROXIES": proxies}
    prod = Settings.from_env(env)
    assert prod.grpc_reflection is False and prod.trusted_proxies == ("10.0.0.0/8", "127.0.0.2")
    with pytest.raises(ValueError, match="PRINTFORGE_GRPC_REFLECTION must be true or false"):
        Settings.from_env({**base, "PRINTFORGE_GRPC_REFLECTION": "maybe"})


def test_slicer_settings_default_to_prusa_slicer_on_the_path(tmp_path: Path) -> None:
    settings = Settings.from_env({"PRINTFORGE_DATA_DIR": str(tmp_path)})
    assert (settings.slicer_path, settings.slicer_timeout_s) == ("prusa-slicer", 120.0)
    assert slicer_path_from_env({}) == "prusa-slicer" and slicer_timeout_from_env({}) == 120.0


def test_slicer_settings_from_the_environment(tmp_path: Path) -> None:
    env = {
        "PRINTFORGE_DATA_DIR": str(tmp_path),
        "PRINTFORGE_SLICER_PATH": "/opt/slicer/bin/prusa-slicer",
        "PRINTFORGE_SLICER_TIMEOUT_S": "30",
    }
    settings = Settings.from_env(env)
    assert (settings.slicer_path, settings.slicer_timeout_s) == ("/opt/slicer/bin/prusa-slicer", 30.0)
    with pytest.raises(ValueError, match="PRINTFORGE_SLICER_TIMEOUT_S must be a number"):
        slicer_timeout_from_env({"PRINTFORGE_SLICER_TIMEOUT_S": "soon"})
