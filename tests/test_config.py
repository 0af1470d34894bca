"""The four settings dataclasses read and write the store one way (core/config.py)."""
import dataclasses

import pytest

from weipian_plugin.core.analysis.rules import RuleConfig
from weipian_plugin.core.enforcement.grading import GradingConfig
from weipian_plugin.core.schedule.deadlines import DeadlineConfig
from weipian_plugin.core.statistics.accountability import AccountabilityConfig
from weipian_plugin.core.store import keys
from weipian_plugin.core.store.workstore import WorkStore

CONFIGS = [(RuleConfig, keys.RULES), (DeadlineConfig, keys.DEADLINES), (GradingConfig, keys.GRADING),
           (AccountabilityConfig, keys.ACCOUNTABILITY)]


@pytest.mark.parametrize("cls", [c for c, _ in CONFIGS])
def test_unknown_keys_are_ignored_and_wrong_types_keep_the_default(cls):
    default = cls()
    data = {name: {"not": "a value"} for name in default.to_dict()} | {"from_a_newer_version": 1}
    assert cls.from_dict(data) == default
    assert cls.from_dict(None) == default and cls.from_dict({}) == default


def test_values_of_the_right_type_are_taken_and_numbers_widen():
    assert RuleConfig.from_dict({"approval_coverage": 1, "village_czcsxm": ["203", 202]}).village_czcsxm == ["203", "202"]
    assert RuleConfig.from_dict({"approval_coverage": 1}).approval_coverage == 1.0
    assert RuleConfig.from_dict({"approval_coverage": float("nan")}).approval_coverage == 0.95
    assert DeadlineConfig.from_dict({"determination_days": 30.0}).determination_days == 30
    assert DeadlineConfig.from_dict({"determination_days": 30.5}).determination_days == 20
    assert DeadlineConfig.from_dict({"use_monthly_clear": 0}).use_monthly_clear is False
    assert GradingConfig.from_dict({"require_overlap": True, "max_distance_m": True}) == GradingConfig(require_overlap=True)
    assert AccountabilityConfig.from_dict({"points_initial_mu": None, "points_after_mu": 3}).points_after_mu == 3.0
    assert AccountabilityConfig.from_dict({"level": "city"}).level == "city"


@pytest.mark.parametrize("cls, key", CONFIGS)
def test_save_then_load_round_trips_through_the_store(tmp_path, cls, key):
    with WorkStore.create(tmp_path / "s.gpkg", 4527) as store:
        assert cls.load(store, key) == cls()
        name = next(n for n, v in cls().to_dict().items() if isinstance(v, float))
        changed = dataclasses.replace(cls(), **{name: getattr(cls(), name) + 1.0})
        changed.save(store, key)
        assert store.setting(key.name) == changed.to_dict()
        assert cls.load(store, key) == changed
