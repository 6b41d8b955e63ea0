"""The demo's monthly microsimulation: its draws, its ageing conditions and its population."""

import numpy as np
import pandas as pd
import pytest

from pipelines.synthetic.calibration import load_calibration
from pipelines.synthetic.conditions import AGE_GRID, _threshold_ages, frailty_level
from pipelines.synthetic.dynamics import systematic_draw
from pipelines.synthetic.geography import ics_lsoas
from pipelines.synthetic.lives import simulate_people


def test_systematic_draws_give_each_person_their_probability_and_a_steady_count():
    rng = np.random.default_rng(1)
    p = rng.random(500) * 0.2
    hits = np.array([systematic_draw(rng, p) for _ in range(4000)])
    counts = hits.sum(axis=1)
    assert set(counts) <= {int(np.floor(p.sum())), int(np.ceil(p.sum()))}  # no sampling noise
    assert hits.mean(axis=0) == pytest.approx(p, abs=0.025)  # each person: their own chance


def test_a_case_starts_where_the_curve_passes_the_persons_draw_and_remits_where_it_falls_back():
    curve = np.interp(AGE_GRID, [0, 5, 18, 40], [0.04, 0.08, 0.065, 0.065])
    onset, remission = _threshold_ages(curve, np.array([0.02, 0.07, 0.079, 0.5]))
    assert onset[0] == pytest.approx(0.0) and np.isnan(remission[0])  # below the adult level
    assert 3 < onset[1] < 5 and 8 < remission[1] < 18  # a childhood case that remits
    assert onset[1] < onset[2] <= 5 < remission[2] < remission[1]  # rarer: later in, sooner out
    assert np.isnan(onset[3]) and np.isnan(remission[3])  # never


def test_frailty_grows_with_age_and_each_age_keeps_the_efi_shares():
    spec = load_calibration()["conditions"]["frailty"]
    z = np.random.default_rng(2).standard_normal(200_000)
    on = np.datetime64("2020-01-01")

    def shares(age):
        birth = np.full(z.size, on - np.timedelta64(int(age * 365.25), "D"))
        return np.bincount(frailty_level(birth, z, on, spec), minlength=4) / z.size

    assert shares(70) == pytest.approx([0.62, 0.27, 0.08, 0.03], abs=0.05)
    assert shares(80) == pytest.approx([0.42, 0.33, 0.17, 0.08], abs=0.06)
    assert shares(90) == pytest.approx([0.22, 0.33, 0.27, 0.18], abs=0.08)
    assert shares(60).tolist() == [1, 0, 0, 0]  # not graded under 65


@pytest.fixture(scope="module")
def lives():
    cal = load_calibration()
    start, end = np.datetime64("2019-04-01"), np.datetime64("2022-04-01")
    people, lives, profiles = simulate_people(np.random.default_rng(4), ics_lsoas(), cal, 30_000,
                                              start, end)
    return people, lives, profiles, start, end


def present_on(people, lives, day):
    arrived = people["arrived"].to_numpy().astype("datetime64[D]")
    gone = lives.exit
    return (arrived <= day) & (np.isnat(gone) | (gone > day))


def test_the_registered_population_is_steady_while_people_come_and_go(lives):
    people, lived, _, start, end = lives
    counts = [present_on(people, lived, np.datetime64(f"{y}-04-01")).sum() for y in (2019, 2020, 2021)]
    assert max(counts) / min(counts) < 1.02
    left = ~np.isnat(lived.left) & (lived.left < end)
    incomers = (people["arrived"] > start) & ~people["born_in_period"]
    assert 0.03 < left.sum() / 30_000 / 3 < 0.08  # a few per cent leave each year...
    assert 0.8 < incomers.sum() / left.sum() < 1.2  # ...and as many arrive
    # Students arrive in the autumn into the city's student areas.
    arrival = pd.to_datetime(people.loc[incomers, "arrived"])
    young = people.loc[incomers, "birth_date"]
    age = (arrival - pd.to_datetime(young)).dt.days / 365.25
    autumn = arrival.dt.month.isin([9, 10])
    assert (age[autumn] < 20).mean() > 0.5 > (age[~autumn] < 20).mean()
    assert len(lived.moves) / 30_000 / 3 > 0.05  # people move home


def test_deaths_covid_and_care_homes_follow_the_calibrated_mechanisms(lives):
    people, lived, profiles, start, end = lives
    died = pd.to_datetime(profiles["date_of_death"])
    in_period = died < pd.Timestamp(end)
    covid = profiles["cause_group"] == "covid19"
    assert (profiles.loc[covid, "cause_icd10"] == "U071").all()
    months = died[covid & in_period].dt.strftime("%Y-%m")
    waves = load_calibration()["covid19"]["wave_ratio"]
    assert set(months) <= set(waves)  # COVID-19 deaths only in the waves
    year = died.dt.year - (died.dt.month < 4)
    share = covid[in_period].groupby(year[in_period]).mean()
    assert share[2020] > 0.12 and share[2019] < 0.02
    # Care homes: people move in during the period, residents die more often.
    moved_in = ~np.isnat(lived.care_home_from) & (lived.care_home_from > start)
    assert moved_in.sum() > 50
    assert profiles["care_home_resident"].mean() > 0.15


def test_nothing_happens_to_a_person_before_they_arrive_or_are_born(lives):
    """People arrive on any day of a month; what the month's draws give them (death, leaving, a
    move, a care home, a smoking change) is dated on or after that day."""
    people, lived, _, start, _ = lives
    since = np.maximum(people["arrived"].to_numpy(), people["birth_date"].to_numpy()).astype(
        "datetime64[D]")
    arrived_later = since > start
    for dates in (lived.death, lived.left, lived.care_home_from):
        dated = arrived_later & ~np.isnat(dates)
        assert dated.sum() > 0 and (dates[dated] >= since[dated]).all()
    for events in (lived.moves, lived.smoking):
        rows = events["row"].to_numpy()
        on = events["date"].to_numpy().astype("datetime64[D]")
        assert arrived_later[rows].sum() > 0 and (on >= since[rows]).all()


def test_a_mother_lives_here_when_her_baby_is_born(lives):
    """MSDS: the mother is a woman of 18-44 living in the baby's place on the birth day (after any
    move), who has arrived and has not died or left by then."""
    from pipelines.synthetic.children import _mothers
    from pipelines.synthetic.residence import lsoa_on

    people, lived, _, _, _ = lives
    babies = np.flatnonzero(people["born_in_period"].to_numpy())
    mothers = _mothers(np.random.default_rng(1), people, lived.exit, lived.moves, babies)
    born = people["birth_date"].to_numpy()[babies]
    mother = people.iloc[mothers]
    age = (born - mother["birth_date"].to_numpy()).astype("timedelta64[D]").astype(int) / 365.25
    assert babies.size > 500 and (mother["sex"] == "2").all()
    assert ((age >= 18) & (age < 45)).all()
    where = lsoa_on(people, lived.moves, mothers, born, column="place_code")  # after any move
    assert (where == people["place_code"].to_numpy()[babies]).all()
    assert (where != mother["place_code"].to_numpy()).any()  # some moved there before the birth
    assert (mother["arrived"].to_numpy() <= born).all()
    for gone in ("died_on", "left_on"):
        day = mother[gone].to_numpy()
        assert (np.isnat(day) | (day > born)).all()
