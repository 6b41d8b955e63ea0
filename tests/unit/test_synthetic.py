"""The demo extracts: deterministic, spec field names, real LSOAs in proportion to population."""

import filecmp

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.config import REFERENCE_SEEDS_DIR
from pipelines.contracts.model import load_contracts
from pipelines.synthetic.generate import generate

TINY = {"persons": 1500, "seed": 11, "start": "2019-04", "end": "2019-09"}
SHARDED = {**TINY, "shard_persons": 500}  # three shards, so that two workers share them


def test_same_seed_gives_byte_identical_files_with_one_or_two_workers(tmp_path):
    quarter = {**SHARDED, "end": "2019-06"}
    one = generate(tmp_path / "a", **quarter, workers=1)
    two = generate(tmp_path / "b", **quarter, workers=2)
    assert one.rows == two.rows
    for source, paths in one.files.items():
        assert paths, source
        assert [p.name for p in paths] == [p.name for p in two.files[source]], source
        for path in paths:
            twin = tmp_path / "b" / source / path.name
            assert filecmp.cmp(path, twin, shallow=False), path.name
    assert sorted(p.name for p in (tmp_path / "b").iterdir())[0] == "SYNTHETIC.txt"  # no scratch


def test_record_ids_and_people_are_unique_across_shards(tmp_path):
    generate(tmp_path, **SHARDED, workers=1)
    # A record's id repeats only with the same content: re-submitted, or (CLD) a later version of
    # the same event. Two shards numbering from 1 would put different content under one id.
    for source, key, content in (
            ("ecds_attendances", "EC_Ident", "* exclude (extract_date)"),
            ("apc_episodes", "APCE_Ident", "* exclude (extract_date)"),
            ("gp_events", "event_id", "* exclude (extract_date)"),
            ("asc_cld_events", "Der_Unique_Record_ID",
             "Der_Unique_Record_ID, LA_Code, Event_Start_Date, Event_Type, Service_Type")):
        ext = "parquet" if key.endswith("Ident") else "csv"
        files = f"'{tmp_path}/{source}/*.{ext}'"
        ids, records = duckdb.sql(f"""select count(distinct {key}),
            (select count(*) from (select distinct {content} from {files}))
            from {files}""").fetchall()[0]
        assert ids == records > 10, source
    from pipelines.synthetic.sharding import ShardIds

    people = np.concatenate([ShardIds(shard, key=7).person_ids(50_000) for shard in range(3)])
    assert len(set(people)) == 150_000
    assert all(len(p) == 16 for p in people) and int(people[0], 16) != 0


def test_shards_interleave_the_lsoas_span_every_district_and_share_the_people_by_population():
    from pipelines.synthetic.geography import ics_lsoas
    from pipelines.synthetic.sharding import plan_shards

    lsoas = ics_lsoas()
    shards = plan_shards(lsoas, 1_200_000, 60_000)
    assert len(shards) == 20
    assert sum(s.persons for s in shards) == 1_200_000
    assert all(55_000 < s.persons < 65_000 for s in shards)
    together = pd.concat([s.lsoas for s in shards])["lsoa11cd"]
    assert sorted(together) == sorted(lsoas["lsoa11cd"]) and together.is_unique  # every LSOA once
    districts = lsoas["lad19cd"].nunique()
    assert all(s.lsoas["lad19cd"].nunique() == districts for s in shards)  # moves can cross them


def test_a_different_seed_gives_different_people(tmp_path):
    generate(tmp_path / "a", **TINY)
    generate(tmp_path / "b", **{**TINY, "seed": 12})
    name = "gp_registrations/gp_registrations_201904.csv"
    assert not filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False)


# Field names as the source specification gives them (data_contracts/README.md), typed out
# again here on purpose: checked independently of the generator.
SPEC_FIELDS = {
    "gp_registrations": {"person_id", "sex", "birth_year_month", "ethnic_category", "lsoa11",
                         "practice_code", "registration_start_date", "registration_end_date",
                         "date_of_death"},
    "gp_events": {"event_id", "person_id", "practice_code", "clinical_effective_date",
                  "recorded_date", "snomed_code", "value_numeric", "value_unit"},
    "ecds_attendances": {"EC_Ident", "person_id", "Der_Provider_Code", "Der_Provider_Site_Code",
                         "EC_Department_Type", "Der_EC_Arrival_Date_Time", "EC_Acuity_SNOMED_CT",
                         "Discharge_Destination_SNOMED_CT", "Der_Postcode_LSOA_Code"},
    "apc_episodes": {"APCE_Ident", "person_id", "Admission_Date", "Discharge_Date",
                     "Episode_Start_Date", "Episode_End_Date", "Episode_Number", "Admission_Method",
                     "Source_of_Admission", "Discharge_Destination", "Discharge_Method",
                     "Patient_Classification", "Primary_Diagnosis_Code", "Der_Postcode_LSOA_Code"},
    "civil_registration_deaths": {"person_id", "REG_DATE_OF_DEATH", "REG_DATE", "DEC_SEX",
                                  "DEC_AGEC", "LSOA_OF_RESIDENCE_CODE", "GP_PRACTICE_CODE",
                                  "S_UNDERLYING_COD_ICD10", "POD_CODE", "POD_ESTABLISHMENT_TYPE"},
    "asc_cld_events": {"LA_Code", "Der_Unique_Record_ID", "person_id",
                       "Der_LA_Person_Unique_Identifier_Pseudo", "Der_Birth_Year",
                       "Der_Birth_Month", "Gender", "Ethnicity", "Client_Type", "Event_Type",
                       "Event_Start_Date", "Event_End_Date", "Service_Type", "Service_Component",
                       "Delivery_Mechanism", "Primary_Support_Reason", "Request_Route_of_Access",
                       "Event_Outcome", "Accommodation_Status", "Employment_Status",
                       "Has_Unpaid_Carer", "Date_of_Death", "Reporting_Period_Start_Date",
                       "Reporting_Period_End_Date", "ImportDate"},
    "care_home_reference": {"cqc_location_id", "location_name", "postcode", "uprn", "lsoa11",
                            "care_home_type", "beds", "specialisms", "latest_rating",
                            "registration_start", "registration_end", "aligned_pcn_code"},
    "epaccs_records": {"person_id", "record_created_date", "consent_status", "likely_prognosis",
                       "advance_care_plan_date", "ppd_1st_choice", "ppd_not_stated_reason",
                       "cpr_decision", "cpr_decision_date", "date_of_death",
                       "actual_place_of_death"},
    "msds_births": {"baby_person_id", "mother_person_id", "birth_date", "birth_weight_g",
                    "gestation_weeks", "live_or_stillbirth", "mother_lsoa11",
                    "mother_ethnic_category", "mother_smoking_at_booking",
                    "mother_smoking_at_delivery"},
    "ncmp_measurements": {"person_id", "school_year", "measurement_date", "height_cm", "weight_kg",
                          "bmi", "bmi_centile", "bmi_category", "child_lsoa11", "school_urn",
                          "ethnic_category", "sex"},
}
PARQUET_SOURCES = {"ecds_attendances", "apc_episodes"}


def test_every_source_is_delivered_monthly_with_the_spec_field_names(small_extracts):
    for source, fields in SPEC_FIELDS.items():
        ext = "parquet" if source in PARQUET_SOURCES else "csv"
        files = sorted((small_extracts / source).glob(f"{source}_*.{ext}"))
        # one per month of the 24; a tiny feed can have an empty month, and NCMP measures children
        # from October to June only (a quiet month can be empty in a 4,000-person extract)
        assert len(files) >= (16 if source == "ncmp_measurements" else 20), source
        columns = set(duckdb.sql(f"select * from '{files[-1]}' limit 0").columns)
        assert fields <= columns, (source, fields - columns)
        assert {"source_system", "extract_date"} <= columns


def test_realistic_problems_are_injected_and_clean_turns_them_off(tmp_path):
    def problems(folder):
        deaths = duckdb.sql(f"select * from read_csv('{folder}/civil_registration_deaths/*.csv',"
                            " all_varchar = true)").df()
        ecds = duckdb.sql(f"select EC_Ident, person_id from "
                          f"'{folder}/ecds_attendances/*.parquet'").df()
        apc = duckdb.sql(f"select Primary_Diagnosis_Code as code from "
                         f"'{folder}/apc_episodes/*.parquet'").df()
        return {
            "unlinked deaths": int(deaths["person_id"].isna().sum()),
            "unlinked ECDS": int(ecds["person_id"].isna().sum()),
            "invalid ICD-10": int((~apc["code"].str.match(r"^[A-Z][0-9]{2}[0-9X]?$")).sum()),
            "re-submitted ECDS": int(ecds["EC_Ident"].duplicated().sum()),
        }

    settings = {"persons": 20_000, "seed": 5, "start": "2019-04", "end": "2020-03"}
    generate(tmp_path / "real", **settings)
    generate(tmp_path / "clean", clean=True, **settings)
    assert all(count > 0 for count in problems(tmp_path / "real").values())
    clean = problems(tmp_path / "clean")
    assert clean["invalid ICD-10"] == 0 and clean["re-submitted ECDS"] == 0
    # tracing failures exist in clean feeds too (the linkage key is not always traced); the
    # injected ones come on top
    # (compared on ECDS, where there are enough rows for the difference to show every time)
    assert clean["unlinked ECDS"] < problems(tmp_path / "real")["unlinked ECDS"]


def test_files_carry_exactly_the_contract_columns(small_extracts):
    for contract in load_contracts().values():
        files = sorted((small_extracts / contract.id).glob(contract.file_pattern))
        assert files, contract.id
        columns = duckdb.sql(f"select * from '{files[0]}' limit 0").columns
        assert columns == contract.column_names


def test_people_live_on_the_real_ics_lsoas_in_proportion_to_population(tmp_path):
    generate(tmp_path, persons=60_000, seed=3, start="2019-04", end="2019-04")
    first = pd.read_csv(tmp_path / "gp_registrations" / "gp_registrations_201904.csv")
    ics = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_lsoa11_geography.csv")
    imd = pd.read_csv(REFERENCE_SEEDS_DIR / "ref_imd2019_lsoa11.csv")
    inside = first["lsoa11"].isin(ics["lsoa11cd"])
    # A few registered people live over the border: real English LSOAs outside the ICS.
    assert 0.005 < 1 - inside.mean() < 0.03
    assert set(first.loc[~inside, "lsoa11"].dropna()) <= set(imd["lsoa11cd"])
    first = first[inside]
    assert first["lsoa11"].nunique() == 679
    population = ics.merge(imd, on="lsoa11cd").set_index("lsoa11cd")["pop_total_mid2015"]
    people = first["lsoa11"].value_counts().reindex(population.index)
    assert np.corrcoef(people, population)[0, 1] > 0.8


def test_true_hypertension_follows_the_expected_prevalence_model_and_a_share_is_diagnosed():
    from pipelines.synthetic.calibration import load_calibration
    from pipelines.synthetic.conditions import assign_conditions, true_hypertension_probability

    # Hand-written people against the seeds (ref_expected_prevalence, ref_expected_prevalence_odds).
    people = pd.DataFrame({"sex": ["1", "2", "2", "1"], "imd_quintile": [3, 1, 5, 3],
                           "ethnic_category": ["A", "N", "Z", "H"]})
    p = true_hypertension_probability(people, np.array([40.5, 70.0, 18.0, 17.9]))
    black = 0.51 / 0.49 * 1.25 * 1.45  # female 65-74, quintile 1, Black
    young = 0.02 / 0.98 * 0.88  # female 18, quintile 5, not stated (ratio 1)
    assert p == pytest.approx([0.18, black / (1 + black), young / (1 + young), 0.0])  # 17.9: a child

    # Among people with it, the diagnosed share follows the quintile's share in calibration.yml.
    cal = load_calibration()
    n = 200_000
    rng = np.random.default_rng(3)
    start, end = np.datetime64("2019-04-01"), np.datetime64("2025-04-01")
    crowd = pd.DataFrame({
        "birth_date": start - np.timedelta64(365 * 70, "D"), "sex": "2",
        "imd_quintile": np.repeat([1, 2, 3, 4, 5], n // 5), "ethnic_category": "A",
        "arrived": start})
    out = assign_conditions(rng, crowd, cal, start, end)
    true, diagnosed = out["hypertension_onset"].notna(), out["hypertension_date"].notna()
    share = diagnosed[true].groupby(out["imd_quintile"]).mean()
    assert share.to_numpy() == pytest.approx(cal["conditions"]["hypertension_diagnosed_share"], abs=0.01)
    assert not (diagnosed & ~true).any()
    lag = (out["hypertension_date"] - out["hypertension_onset"]).dt.days
    assert lag.min() >= 0 and lag.max() <= cal["conditions"]["hypertension_diagnosis_lag_days"]


def test_hypertension_register_over_expected_stays_at_the_diagnosed_share_as_people_age():
    """Issue 16: true hypertension ages with the person, so A2-09's ratio (register / the model's
    expected count, ages at each 31 March) reads the calibrated share in every year, without drift."""
    from pipelines.synthetic.calibration import load_calibration
    from pipelines.synthetic.conditions import assign_conditions, true_hypertension_probability

    cal = load_calibration()
    target = np.array(cal["conditions"]["hypertension_diagnosed_share"])
    n = 100_000
    rng = np.random.default_rng(5)
    start, end = np.datetime64("2019-04-01"), np.datetime64("2025-04-01")
    crowd = pd.DataFrame({
        "birth_date": start - rng.integers(0, 95 * 365, n).astype("timedelta64[D]"),
        "sex": rng.choice(["1", "2"], n), "imd_quintile": rng.integers(1, 6, n),
        "ethnic_category": rng.choice(list("AHMRZ"), n), "arrived": start})
    out = assign_conditions(rng, crowd, cal, start, end)
    birth_month = out["birth_date"].to_numpy().astype("datetime64[M]")
    ratios = []
    for year in range(2020, 2026):
        census = np.datetime64(f"{year}-03-31")
        age = np.floor((census.astype("datetime64[M]") - birth_month).astype(int) / 12)
        expected = pd.Series(true_hypertension_probability(out, age)).groupby(out["imd_quintile"]).sum()
        register = (out["hypertension_date"] <= census).groupby(out["imd_quintile"]).sum()
        ratios.append((register / expected).to_numpy())
    ratios = np.array(ratios)  # year x quintile
    assert ratios == pytest.approx(np.tile(target, (6, 1)), abs=0.02)
    assert np.abs(ratios[-1] - ratios[0]).max() < 0.01  # no drift as the crowd ages


def test_the_generator_groups_ethnic_categories_as_the_dbt_macro_does():
    """conditions.ETHNICITY_GROUPS copies the dbt macro ethnicity_group (the demo's truth must use
    the indicators' groups); the macro is the home, and this keeps the copy in step with it."""
    import re

    from pipelines.config import DBT_PROJECT_DIR
    from pipelines.synthetic.conditions import ETHNICITY_GROUPS

    macro = (DBT_PROJECT_DIR / "macros/indicators/person_attributes.sql").read_text()
    begin = macro.index("macro ethnicity_group")
    body = macro[begin:macro.index("endmacro", begin)]
    groups = {code: group for codes, group in re.findall(r"in \(([^)]*)\) then '(\w+)'", body)
              for code in re.findall(r"'(\w+)'", codes)}
    assert groups == ETHNICITY_GROUPS
    assert "else 'Not stated'" in body
