"""Primary-care coded events (data_contracts/gp_events.yml): smoking, BMI, blood pressure,
registers, palliative care, frailty, personalised care, social prescribing, medication reviews,
flu vaccination, care home.

Events are drawn year by year for the people registered and alive, at the rates in calibration.yml
``gp_events``. Diagnoses made before the period arrive in the first month's file, as a back-load.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.synthetic.calibration import financial_year_label
from pipelines.synthetic.codes import code, code_off_list, register_resolutions
from pipelines.synthetic.conditions import REGISTERS, frailty_level
from pipelines.synthetic.population import DAYS_PER_YEAR
from pipelines.synthetic.residence import latest_change, practice_on

REGISTER_CLUSTERS = {"hypertension": "HYP_COD", "diabetes": "DM_COD", "copd": "COPD_COD",
                     "asthma": "AST_COD", "smi": "MH_COD", "dementia": "DEM_COD",
                     "learning_disability": "LD_COD"}
SMOKING_CLUSTERS = {"current": "LSMOK_COD", "ex": "EXSMOK_COD", "never": "NSMOK_COD"}
FRAILTY_CLUSTERS = {1: "MILDFRAIL_COD", 2: "MODFRAIL_COD", 3: "SEVFRAIL_COD"}
# The six SMI physical health checks as the demo codes them (var smi_health_check_components):
# BMI, blood pressure and pulse, cholesterol, HbA1c, alcohol; smoking is the person's status.
SMI_CHECKS = {"bmi": ["BMIVAL_COD"], "blood_pressure": ["BP_COD", "PLSRATE_COD"],
              "cholesterol": ["CHOL2_COD"], "glucose": ["IFCCHBAM_COD"], "alcohol": ["ALC_COD"]}
UNITS = ["kg/m2", "mm[Hg]", "score"]
EFI_SCORE_RANGE = {0: (0.0, 0.12), 1: (0.12, 0.24), 2: (0.24, 0.36), 3: (0.36, 0.6)}
# The same ranges as arrays indexed by frailty level, for drawing everyone's score at once.
EFI_LOW, EFI_HIGH = np.array([EFI_SCORE_RANGE[level] for level in sorted(EFI_SCORE_RANGE)]).T


class _Events:
    """Collects event columns as arrays."""

    def __init__(self):
        self.parts: list[tuple] = []

    def add(self, rows, dates, snomed, values=None, unit=None):
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        values = np.full(rows.size, np.nan) if values is None else np.asarray(values, float)
        snomed = np.broadcast_to(np.asarray(snomed, dtype=np.int64), rows.shape)
        self.parts.append((rows, np.asarray(dates, "datetime64[D]"), snomed, values,
                           np.full(rows.size, UNITS.index(unit) if unit else -1, np.int8)))

    def arrays(self) -> dict[str, np.ndarray]:
        """The events' columns (numpy, not a frame: they are only filtered and sorted); ``unit``
        is the position in UNITS, -1 for none."""
        rows, dates, codes, values, units = zip(*self.parts, strict=True)
        return {"row": np.concatenate(rows), "date": np.concatenate(dates),
                "snomed_code": np.concatenate(codes), "value_numeric": np.concatenate(values),
                "unit": np.concatenate(units)}


def _uniform_dates(rng, n, first, last) -> np.ndarray:
    span = np.maximum((last - first).astype(int), 1)
    return first + (rng.random(n) * span).astype(int)


def _smoking_on(people: pd.DataFrame, changes: pd.DataFrame, dates) -> np.ndarray:
    """Each person's smoking status on ``dates`` (one date per person): the status their history
    started with, changed by dynamics.py's transitions (``changes`` sorted by row, then date)."""
    rows = np.arange(len(people))
    changed_to, changed = latest_change(changes, rows, dates, "status")
    return np.where(changed, changed_to, people["smoking_status"].to_numpy())


def gp_events_extract(rng, people: pd.DataFrame, lives, palliative: np.ndarray,
                      plan: np.ndarray, cal: dict, start, end, off_list: bool = True
                      ) -> pd.DataFrame:
    g = cal["gp_events"]
    events = _Events()
    birth = people["birth_date"].to_numpy().astype("datetime64[D]")
    arrived = people["arrived"].to_numpy().astype("datetime64[D]")
    death = lives.exit  # no record after death or after leaving the area
    quintile = people["imd_quintile"].to_numpy()
    frailty_z = people["frailty_z"].to_numpy()
    has_ltc = np.zeros(len(people), bool)
    for register in REGISTERS:
        diagnosed = people[f"{register}_date"].to_numpy().astype("datetime64[D]")
        has_ltc |= ~np.isnat(diagnosed)
        rows = np.flatnonzero(~np.isnat(diagnosed))
        events.add(rows, diagnosed[rows], code(REGISTER_CLUSTERS[register]))
    hypertensive = ~np.isnat(people["hypertension_date"].to_numpy())
    rows = np.flatnonzero(~np.isnat(palliative))
    events.add(rows, palliative[rows], code("PALCARE_COD"))
    acp = np.flatnonzero(~np.isnat(plan))  # advance care plans (deaths.decedent_profiles)
    events.add(acp, plan[acp], code("PALCARE_COD", 1))
    # A few register entries are later resolved (QOF resolution codes take people off registers):
    # each register's resolution code is the generator's own (world/codes.yml `resolved_by`).
    resolutions = register_resolutions()
    for register in g["register_resolved"]:
        cluster = resolutions[{**REGISTER_CLUSTERS, "palliative": "PALCARE_COD"}[register]]
        entered = (palliative if register == "palliative"
                   else people[f"{register}_date"].to_numpy().astype("datetime64[D]"))
        rows = np.flatnonzero(~np.isnat(entered)
                              & (rng.random(len(people)) < g["register_resolved"][register]))
        events.add(rows, entered[rows] + rng.integers(30, 3 * 365, rows.size), code(cluster))
    # Conditions that remit as people age (childhood asthma): resolved on the day they remit.
    for register in REGISTERS:
        remitted = people[f"{register}_remitted"].to_numpy().astype("datetime64[D]")
        cluster = resolutions.get(REGISTER_CLUSTERS[register])
        rows = np.flatnonzero(~np.isnat(remitted))
        if cluster and rows.size:
            events.add(rows, remitted[rows], code(cluster))
    home_from = people["care_home_from"].to_numpy().astype("datetime64[D]")
    home_type = people["care_home_type"].to_numpy()
    for kind, cluster in (("nursing", "NURSHOME_COD"), ("residential", "RESIDHOME_COD")):
        rows = np.flatnonzero(home_type == kind)
        events.add(rows, home_from[rows], code(cluster))

    # Sorted once for the yearly look-ups of each person's smoking status.
    smoking_changes = lives.smoking.sort_values(["row", "date"], kind="stable", ignore_index=True)
    years = np.arange(start.astype("datetime64[Y]").astype(int) + 1970 - 1,
                      end.astype("datetime64[Y]").astype(int) + 1970 + 1)
    for year in years:
        first = max(np.datetime64(f"{year}-04-01"), start)
        last = min(np.datetime64(f"{year + 1}-04-01"), end)
        if first >= last:
            continue
        fy = financial_year_label(np.array([year]), np.array([4]))[0]
        here = np.maximum(arrived, first)  # the year's records start on arrival
        alive = (arrived < last) & (np.isnat(death) | (death > here))
        age = (first - birth).astype(int) / DAYS_PER_YEAR
        frailty = frailty_level(birth, frailty_z, first, cal["conditions"]["frailty"])
        smoking = _smoking_on(people, smoking_changes, np.full(len(people), first + 182))
        adult = alive & (age >= 18)
        older = alive & (age >= 65)
        resident = alive & ~np.isnat(home_from) & (home_from <= first)
        until = np.where(np.isnat(death), last, np.minimum(death, last))

        def emit(mask, snomed, values=None, unit=None, when=None, here=here, until=until):
            """Record `snomed` for the people in `mask`, on `when` or a random day this year."""
            rows = np.flatnonzero(mask)
            dates = when[rows] if when is not None else _uniform_dates(rng, rows.size, here[rows],
                                                                        until[rows])
            events.add(rows, dates, snomed, None if values is None else values[rows], unit)

        def chance(p):
            return rng.random(len(people)) < p

        recorded = adult & chance(np.where(has_ltc, g["smoking_status_record"]
                                           ["with_long_term_condition"],
                                           g["smoking_status_record"]["adult"]))
        for status, cluster in SMOKING_CLUSTERS.items():
            emit(recorded & (smoking == status), code(cluster))
        emit(adult & (smoking == "current") & chance(g["smoking_cessation_offer_to_smokers"]),
             code("SMOKINGINT_COD"))
        # Adults under 65 put on weight slowly over the years (calibration.yml conditions).
        drift = cal["conditions"]["bmi_drift_per_year"] * (first - start).astype(int) / DAYS_PER_YEAR
        bmi = (people["bmi"].to_numpy() + np.where(age < 65, drift, 0.0)
               + rng.normal(0, 0.5, len(people)))
        emit(adult & chance(np.where(has_ltc, g["bmi_record"]["with_long_term_condition"],
                                     g["bmi_record"]["adult"])),
             code("BMIVAL_COD"), np.round(bmi, 1), "kg/m2")
        readings = np.where(hypertensive & adult, rng.poisson(g["bp_record"]["hypertension"],
                                                              len(people)),
                            (adult & chance(g["bp_record"]["adult"])).astype(int))
        controlled = chance(g["hypertension_controlled_share"])
        for k in range(int(readings.max(initial=0))):
            take = readings > k
            systolic = np.where(hypertensive, np.where(controlled, rng.normal(132, 8, len(people)),
                                                       rng.normal(152, 10, len(people))),
                                rng.normal(124, 12, len(people))).round()
            when = _uniform_dates(rng, len(people), here, until)
            emit(take, code("BP_COD", 1), systolic, "mm[Hg]", when)
            emit(take, code("BP_COD", 2), (systolic * 0.6 + rng.normal(0, 5, len(people))).round(),
                 "mm[Hg]", when)
        flu = g["flu_vaccination_65plus"]
        log_odds = (flu["campaign_log_odds"].get(fy, np.mean(list(flu["campaign_log_odds"].values())))
                    + flu["propensity_spread"] * people["vaccine_propensity"].to_numpy()
                    + np.array(flu["imd_log_odds"])[quintile - 1]
                    + np.where(resident, flu["care_home_log_odds"], 0.0))
        p_flu = 1 / (1 + np.exp(-log_odds))
        # The flu season's vaccinations fall from September to December.
        flu_day = _uniform_dates(rng, len(people), first + np.timedelta64(153, "D"),
                                 first + np.timedelta64(260, "D"))
        # Eligible: aged 65 or over on 31 March at the end of the season (UKHSA; indicator A2-13).
        eligible = alive & ((np.datetime64(f"{year + 1}-03-31") - birth).astype(int)
                            / DAYS_PER_YEAR >= 65)
        vaccinated = eligible & chance(p_flu) & (flu_day < until)
        vaccinated &= flu_day >= here
        elsewhere = chance(flu["given_elsewhere_share"])  # pharmacy: coded by the other provider
        emit(vaccinated & ~elsewhere, code("SFLUGP1_COD"), when=flu_day)
        emit(vaccinated & elsewhere, code("SFLUOHP1_COD"), when=flu_day)
        assessed = older & chance(g["frailty_assessment_65plus"])
        score = rng.uniform(EFI_LOW[frailty], EFI_HIGH[frailty]).round(2)
        emit(assessed, code("EFI_COD"), score, "score")
        for level, cluster in FRAILTY_CLUSTERS.items():
            emit(assessed & (frailty == level), code(cluster))
        emit(older & chance(np.where(resident, g["medication_review"]["care_home"],
                                     g["medication_review"]["age_65plus"])), code("MEDRVW_COD"))
        smr = np.where(resident, g["structured_medication_review"]["care_home"],
                       np.where(frailty == 3, g["structured_medication_review"]["severe_frailty"], 0))
        emit(older & chance(smr), code("STRUCTMEDRVW_COD"))
        on_register = ~np.isnat(palliative) & (palliative < last)
        pcsp = np.where(resident, g["pcsp_agreed"]["care_home"],
                        np.where(on_register, g["pcsp_agreed"]["palliative"],
                                 np.where(frailty == 3, g["pcsp_agreed"]["severe_frailty"], 0)))
        emit(alive & chance(pcsp), code("PCSPAGRE_COD"))
        emit(adult & chance(np.where(has_ltc, g["social_prescribing_referral"]
                                     ["with_long_term_condition"],
                                     g["social_prescribing_referral"]["adult"])),
             code("SOCPRESREF_COD"))
        emit(adult & chance(g["shared_decision_making"]), code("SHARDECMAK_COD"))
        emit(adult & chance(g["alcohol_screening_adult"]), code("AUDITC_COD"),
             rng.integers(0, 13, len(people)).astype(float), "score")
        emit(adult & (smoking == "current") & chance(g["stop_smoking_referral_to_smokers"]),
             code("REFERSSSA_COD"))
        emit(adult & (bmi >= 30) & chance(g["obesity_coded_without_value"]), code("BMI30_COD"))
        # SMI register: a full annual health check (all six on one day) or some checks only.
        smi = adult & (people["smi_date"].to_numpy() < last)
        full = smi & chance(g["smi_health_check"]["all_six"])
        check_day = _uniform_dates(rng, len(people), here, until)
        for clusters in [*SMI_CHECKS.values(), None]:
            done = full | (smi & chance(g["smi_health_check"]["each_otherwise"]))
            if clusters is None:  # the smoking check records the person's status
                for status, cluster in SMOKING_CLUSTERS.items():
                    emit(done & (smoking == status), code(cluster), when=check_day)
            for cluster in clusters or []:
                values = bmi.round(1) if cluster == "BMIVAL_COD" else None
                emit(done, code(cluster), values, "kg/m2" if values is not None else None,
                     when=check_day)

    found = events.arrays()
    # Nothing after the person died or left (their history before arriving comes with them).
    date = found["date"]
    gone = death[found["row"]]
    valid = (date < end) & ~np.isnat(date) & (np.isnat(gone) | (date <= gone))
    order = np.flatnonzero(valid)[np.lexsort((found["snomed_code"][valid], found["row"][valid],
                                             date[valid]))]
    found = {column: values[order] for column, values in found.items()}
    n_found = order.size
    lag = np.where(rng.random(n_found) < 0.05, rng.integers(1, 31, n_found), 0)
    rows = found["row"]
    recorded = found["date"] + lag.astype("timedelta64[D]")
    keep = recorded < end
    # Practices' off-list codes (world/codes.yml off_list), from a stream of their own.
    snomed = found["snomed_code"][keep]
    if off_list:  # not with --clean
        snomed = code_off_list(rng, snomed)
    # The text columns as categoricals (codes into short lists): the ~800,000 events of a shard
    # repeat a few thousand ids and a handful of units, and converting each repeat into a string
    # of its own cost more than the rest of the frame. They are written as the same text.
    return pd.DataFrame({
        # numbered in the shard; sharding.ShardIds writes them as the feed's 'E' + 10 digits
        "event_id": np.arange(1, n_found + 1)[keep],
        "person_id": pd.Categorical.from_codes(rows[keep], people["person_id"].to_numpy()),
        # the practice the person was registered with on the day (moves change it)
        "practice_code": pd.Categorical(practice_on(people, lives.moves, rows[keep],
                                                    found["date"][keep])),
        "clinical_effective_date": found["date"][keep],
        "recorded_date": recorded[keep],
        "snomed_code": snomed,
        "value_numeric": found["value_numeric"][keep],
        "value_unit": pd.Categorical.from_codes(found["unit"][keep], UNITS),  # -1: none
        "source_system": pd.Categorical.from_codes(np.zeros(keep.sum(), np.int8), ["GP_EXTRACT"]),
    })
