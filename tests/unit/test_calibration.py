"""At the default size the generated files land within the calibration file's tolerances."""

import pytest

from pipelines.synthetic.check import calibration_check, format_checks
from pipelines.synthetic.generate import DEFAULT_PERSONS, generate


@pytest.fixture(scope="module")
def default_extracts(tmp_path_factory):
    out = tmp_path_factory.mktemp("default")
    generate(out, persons=DEFAULT_PERSONS)
    return out


def test_every_calibration_target_is_met_at_the_default_size(default_extracts):
    checks = calibration_check(default_extracts)
    assert len(checks) >= 20
    assert all(c.ok for c in checks), format_checks(checks)


def test_the_check_can_fail(default_extracts, monkeypatch):
    from pipelines.synthetic import check

    real = check.load_calibration()
    targets = {**real["targets"], "year6_obesity": {"value": 0.5, "tolerance": 0.01,
                                                   "source": "deliberately wrong"}}
    monkeypatch.setattr(check, "load_calibration", lambda: {**real, "targets": targets})
    failed = [c.name for c in calibration_check(default_extracts) if not c.ok]
    assert failed == ["year6_obesity"]
