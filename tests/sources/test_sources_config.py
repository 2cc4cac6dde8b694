"""sources.yml: the committed file lists no system (the landing files stay the default),
${VAR} comes from the environment, and mistakes are errors that name the file and key."""

from __future__ import annotations

import pytest

from salesdw.config import PROJECT_ROOT, Settings
from salesdw.connectors import LocalConnector, from_settings
from salesdw.sources import config


def _write(tmp_path, text: str):
    path = tmp_path / "sources.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_committed_file_keeps_the_landing_files(tmp_path, monkeypatch):
    assert config.load(PROJECT_ROOT / "sources.yml") == []
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path))
    monkeypatch.delenv("SALESDW_SOURCES_FILE", raising=False)
    assert isinstance(from_settings(Settings.from_env()), LocalConnector)


def test_variables_come_from_the_environment(tmp_path, monkeypatch):
    path = _write(
        tmp_path,
        "systems:\n  sf:\n    adapter: salesforce\n    feeds: {crm: [opportunities]}\n"
        '    location: {postgres: "${SF_URI}", schema: salesforce}\n',
    )
    monkeypatch.setenv("SF_URI", "postgresql://u@h/db")
    [system] = config.load(path)
    assert system.location == {"postgres": "postgresql://u@h/db", "schema": "salesforce"}
    assert system.feeds == {"crm": ("opportunities",)}
    monkeypatch.delenv("SF_URI")
    with pytest.raises(ValueError, match=r"systems\.sf\.location\.postgres: .*SF_URI"):
        config.load(path)


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        ("{billing: all}", "unknown contract source 'billing'"),
        ("{crm: [deals]}", "unknown entity crm/deals"),
        ("{crm: opportunities}", "give `all` or a list"),
    ],
)
def test_bad_feeds_are_named(tmp_path, feeds, message):
    path = _write(
        tmp_path,
        f"systems:\n  sf:\n    adapter: salesforce\n    feeds: {feeds}\n"
        "    location: {duckdb: x.duckdb}\n",
    )
    with pytest.raises((ValueError, KeyError), match=message):
        config.load(path)


def test_two_systems_may_not_feed_the_same_entity(tmp_path):
    path = _write(
        tmp_path,
        "systems:\n"
        "  a: {adapter: stripe, feeds: {erp: [subscriptions]}, location: {duckdb: a.duckdb}}\n"
        "  b: {adapter: netsuite, feeds: {erp: [subscriptions]}, location: {duckdb: b.duckdb}}\n",
    )
    with pytest.raises(ValueError, match="erp/subscriptions is fed by both a and b"):
        config.load(path)


def test_a_missing_key_is_named(tmp_path):
    path = _write(tmp_path, "systems:\n  sf: {adapter: salesforce, feeds: {crm: all}}\n")
    with pytest.raises(ValueError, match=r"systems\.sf: missing `location`"):
        config.load(path)
