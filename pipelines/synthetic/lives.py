"""The people of one run and what happens to them: the population, their conditions, the
monthly microsimulation and the end of their lives, in that order (each needs the one before)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.conditions import assign_conditions
from pipelines.synthetic.deaths import decedent_profiles
from pipelines.synthetic.dynamics import Lives, simulate
from pipelines.synthetic.population import build_population, student_areas
from pipelines.synthetic.recording import live_over_the_border
from pipelines.synthetic.text_columns import plain_text


def simulate_people(rng, lsoas: pd.DataFrame, cal: dict, persons: int, start, end
                    ) -> tuple[pd.DataFrame, Lives, pd.DataFrame]:
    """(people, their simulated lives, the profiles of those who died). Lives run past ``end`` by
    ``end_of_life.look_ahead_months`` so that registers before the end hold people who die soon
    after it; nothing after ``end`` is delivered."""
    people, usual_practice = build_population(rng, lsoas, cal, persons, start, end)
    people = plain_text(live_over_the_border(rng, people, cal["recording"]["out_of_area_share"]))
    horizon = (end.astype("datetime64[M]") + cal["end_of_life"]["look_ahead_months"]).astype(
        "datetime64[D]")
    people = assign_conditions(rng, people, cal, start, horizon)
    lives = simulate(rng, people, lsoas, usual_practice, cal, start, horizon,
                     student_areas(lsoas, cal["migration"]["students"]))
    moved_in = np.isnat(people["care_home_from"].to_numpy()) & ~np.isnat(lives.care_home_from)
    people["care_home_from"] = lives.care_home_from
    # Services need to know how a person's time here ended, not only when (lives.exit): a death
    # ends care "NFA - Deceased", a move away "NFA - Moved to another LA".
    people["died_on"], people["left_on"] = lives.death, lives.left
    nursing = rng.random(len(people)) < cal["conditions"]["care_home"]["nursing_share"]
    people.loc[moved_in, "care_home_type"] = np.where(nursing, "nursing", "residential")[moved_in]
    profiles = decedent_profiles(rng, people, lives, cal, start)
    return people, lives, plain_text(profiles)
