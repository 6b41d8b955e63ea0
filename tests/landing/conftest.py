"""Fixtures shared by the landing tests that land the small extracts' death files."""

from __future__ import annotations

import pytest

from pipelines.landing.validation import ContractValidator

DEATHS = "civil_registration_deaths"


@pytest.fixture(scope="module")
def validator():
    return ContractValidator()


@pytest.fixture
def deaths(ph_env, small_extracts):
    """The landing folder for deaths (empty, no demo marker), and the small extracts' deaths files."""
    folder = ph_env.landing_dir / DEATHS
    folder.mkdir(parents=True)
    return ph_env, folder, sorted((small_extracts / DEATHS).iterdir())
