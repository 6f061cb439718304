"""Settings come from the environment mapping given, with documented defaults."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
import pytest

import aktsam.settings
from aktsam.errors import ConfigError
from aktsam.settings import Settings


def test_defaults() -> None:
    settings = Settings.from_env({})
    home = Path(platformdirs.user_data_dir("aktsam"))
    assert settings.home == home
    assert settings.database_url == f"sqlite:///{home.absolute()}/aktsam.db"
    assert settings.eu_fsf_token is None
    assert settings.sources_file is None
    assert settings.http_timeout == 120.0
    assert settings.downloads_dir == home / "downloads"
    assert settings.cache_dir == home / "cache"


def test_from_env(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "AKTSAM_HOME": str(tmp_path),
            "AKTSAM_EU_FSF_TOKEN": "secret",
            "AKTSAM_SOURCES_FILE": str(tmp_path / "s.yml"),
            "AKTSAM_HTTP_TIMEOUT": "5.5",
        }
    )
    assert settings.home == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path}/aktsam.db"
    assert settings.eu_fsf_token == "secret"
    assert settings.sources_file == tmp_path / "s.yml"
    assert settings.http_timeout == 5.5
    url = "postgresql+psycopg://u@db/aktsam"
    assert Settings.from_env({"AKTSAM_DATABASE_URL": url}).database_url == url


def test_empty_values_count_as_unset() -> None:
    assert Settings.from_env({"AKTSAM_EU_FSF_TOKEN": " "}).eu_fsf_token is None


@pytest.mark.parametrize("value", ["abc", "0", "-1"])
def test_bad_timeout(value: str) -> None:
    with pytest.raises(ConfigError, match="AKTSAM_HTTP_TIMEOUT"):
        Settings.from_env({"AKTSAM_HTTP_TIMEOUT": value})


def test_every_setting_is_documented() -> None:
    """Every variable the settings read is listed in the module docstring (and so in the README)."""
    doc = aktsam.settings.__doc__ or ""
    source = Path(aktsam.settings.__file__).read_text()
    read = set(re.findall(r'get\("(AKTSAM_[A-Z0-9_]+)"\)', source))
    assert {
        "AKTSAM_HOME",
        "AKTSAM_DATABASE_URL",
        "AKTSAM_SMTP_HOST",
        "AKTSAM_WEBHOOKS_FILE",
    } <= read
    undocumented = sorted(name for name in read if f"``{name}``" not in doc)
    assert undocumented == []


def test_frozen(tmp_path: Path) -> None:
    settings = Settings.for_home(tmp_path)
    with pytest.raises(AttributeError):
        settings.home = Path("/")  # type: ignore[misc]


def test_api_rate_limit() -> None:
    assert Settings.from_env({}).api_rate_limit == 300
    assert Settings.from_env({"AKTSAM_API_RATE_LIMIT": "20"}).api_rate_limit == 20
    for bad in ("many", "0", "-3"):
        with pytest.raises(ConfigError, match="AKTSAM_API_RATE_LIMIT"):
            Settings.from_env({"AKTSAM_API_RATE_LIMIT": bad})
