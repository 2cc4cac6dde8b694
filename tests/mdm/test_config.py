"""The matching configuration: the packaged file loads, and a broken one says where."""

from __future__ import annotations

import pytest

from salesdw.mdm.config import MatchConfig, MatchConfigError


def test_packaged_configuration_loads():
    config = MatchConfig.load()
    assert config.near_miss_threshold <= config.match_threshold
    assert "name" in [c.name for c in config.comparisons]
    assert len(config.sha256) == 64


def test_bad_yaml_names_the_file(tmp_path):
    path = tmp_path / "matching.yml"
    path.write_text("thresholds: [unclosed\n", encoding="utf-8")
    with pytest.raises(MatchConfigError, match=r"matching\.yml: not valid YAML"):
        MatchConfig.load(path)


def test_missing_entry_names_it(tmp_path):
    path = tmp_path / "matching.yml"
    path.write_text("thresholds: {match: 10}\n", encoding="utf-8")
    with pytest.raises(MatchConfigError, match=r"missing or malformed entry 'near_miss'"):
        MatchConfig.load(path)
