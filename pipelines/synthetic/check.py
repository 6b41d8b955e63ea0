"""Calibration check: the main rates computed straight from the generated files, against the
targets and tolerances in calibration.yml (``targets``). Used by ``pophealth demo-data --check``.

Every figure is computed with DuckDB over the delivered files (not from generator internals), after
the same clean-up an analyst would do: latest copy of re-submitted records, linked people only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.config import REFERENCE_SEEDS_DIR, dbt_vars
from pipelines.synthetic.calibration import load_calibration
from pipelines.synthetic.codes import (
    cluster_codes,
    code,
    emergency_admission_sql,
    icd10_group_sql,
    place_of_death_sql,
    unplanned_ed_sql,
)
from pipelines.synthetic.generate import SOURCES


@dataclass(frozen=True)
class Check:
    name: str
    value: float
    target: float
    tolerance: float
    source: str

    @property
    def ok(self) -> bool:
        return abs(self.value - self.target) <= self.tolerance


def _tables(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    def csv(source):
        return f"read_csv('{out / source}/*.csv', union_by_name = true, header = true)"

    con.execute(f"create view imd as select lsoa11cd as lsoa11, imd_quintile from "
                f"read_csv('{REFERENCE_SEEDS_DIR / 'ref_imd2019_lsoa11.csv'}')")
    con.execute(f"create view geo as select g.lsoa11cd, p.place_code from "
                f"read_csv('{REFERENCE_SEEDS_DIR / 'ref_lsoa11_geography.csv'}') g join "
                f"read_csv('{REFERENCE_SEEDS_DIR / 'ref_ics_places.csv'}') p using (lad19cd)")
    con.execute(f"create table gp as select * from {csv('gp_registrations')}")
    con.execute("""create table people as
        select person_id, any_value(birth_year_month) as birth, any_value(lsoa11) as lsoa11
        from gp where extract_date = (select min(extract_date) from gp) group by person_id""")
    con.execute(f"""create table deaths as
        select distinct person_id, REG_DATE_OF_DEATH as died, DEC_AGEC as age,
               LSOA_OF_RESIDENCE_CODE as lsoa11,
               {place_of_death_sql('POD_CODE', 'POD_ESTABLISHMENT_TYPE')} as place
        from {csv('civil_registration_deaths')}""")
    # Re-submitted copies differ only in their file date: drop it and keep one of each record.
    for table, source in (("events", "gp_events"), ("ecds", "ecds_attendances"),
                          ("apc", "apc_episodes"), ("ncmp", "ncmp_measurements"),
                          ("births", "msds_births"), ("epaccs", "epaccs_records")):
        files = (f"read_parquet('{out / source}/*.parquet')" if SOURCES[source][0] == "parquet"
                 else csv(source))
        con.execute(f"create table {table} as select distinct * exclude (extract_date) "
                    f"from {files}")


def _value(con, sql: str) -> float:
    return float(con.execute(sql).fetchone()[0])


def compute_rates(out: Path) -> dict[str, float]:
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    _tables(con, out)
    span = _value(con, "select (max(extract_date) - min(extract_date)) / 365.25 from gp")
    rates = {}
    rates["crude_death_rate_per_1000"] = _value(
        con, f"select count(*) / {span} / (select count(*) from people) * 1000 from deaths "
             "where person_id is not null")
    # Under-75 mortality, directly age-standardised (ESP2013) by IMD quintile; ratio Q1:Q5.
    rates["under75_mortality_ratio_q1_q5"] = _value(con, f"""
        with esp as (select age_lower, esp2013_population as w from
                     read_csv('{REFERENCE_SEEDS_DIR / 'ref_esp2013.csv'}') where age_lower < 75),
        pop as (select imd_quintile as q, least(floor(datediff('month', birth,
                       date '2019-04-01') / 60) * 5, 90) as band, count(*) * {span} as py
                from people join imd using (lsoa11) group by all),
        dth as (select imd_quintile as q, least(floor(age / 5) * 5, 90) as band, count(*) as n
                from deaths join imd using (lsoa11) where age < 75 group by all),
        dsr as (select pop.q, sum(coalesce(n, 0) / py * w) / sum(w) as rate
                from pop join esp on pop.band = esp.age_lower left join dth using (q, band)
                group by pop.q)
        select max(rate) filter (where q = 1) / max(rate) filter (where q = 5) from dsr""")
    homes = ", ".join(str(code(c)) for c in ("NURSHOME_COD", "RESIDHOME_COD"))
    rates["care_home_share_85plus"] = _value(con, f"""
        select avg((person_id in (select person_id from events where snomed_code in ({homes})
                    and clinical_effective_date < date '2019-04-01'))::int)
        from people where datediff('month', birth, date '2019-04-01') >= 85 * 12""")
    for place in ("hospital", "home", "care_home"):
        rates[f"place_of_death_{place}"] = _value(
            con, f"select avg((place = '{place}')::int) from deaths")
    con.execute(f"""create view eol as
        with d as (select * from deaths where person_id is not null and age >= 18),
        ed as (select d.person_id, d.died, count(*) as n from d join ecds e using (person_id)
               where {unplanned_ed_sql('e.EC_Department_Type', 'e.EC_AttendanceCategory')}
                 and cast(e.Der_EC_Arrival_Date_Time as date) between d.died - 90 and d.died
               group by all),
        em as (select d.person_id, d.died, count(distinct a.Admission_Date) as n
               from d join apc a using (person_id)
               where {emergency_admission_sql('a.Admission_Method')}
                 and a.Admission_Date between d.died - 90 and d.died
               group by all)
        select d.person_id, d.died, d.lsoa11, coalesce(ed.n, 0) as ed,
               coalesce(em.n, 0) as emergency
        from d left join ed using (person_id, died) left join em using (person_id, died)""")
    rates["eol_ed_90d_share"] = _value(con, "select avg((ed > 0)::int) from eol")
    rates["mid_notts_eol_ed_change_2019_to_2021"] = _value(con, """
        with counts as (select count(*) filter (where died between '2019-04-01' and '2020-03-31')
                                   as y1,
                               count(*) filter (where died between '2021-04-01' and '2022-03-31')
                                   as y3
                        from eol join geo on eol.lsoa11 = geo.lsoa11cd
                        where place_code = 'mid_notts' and ed > 0)
        select y3 / y1 - 1 from counts""")
    rates["three_plus_emergency_admissions_last_90d"] = _value(
        con, "select avg((emergency >= 3)::int) from eol")
    # as A3-01 counts them: a chronic ACSC primary, or J20 with COPD in a secondary position
    copd_secondary = " or ".join(icd10_group_sql(f"Secondary_Diagnosis_{k:02d}", "acsc_copd_secondary")
                                 for k in range(1, 20))
    acsc = (f"{icd10_group_sql('Primary_Diagnosis_Code', 'acsc_chronic')} or "
            f"({icd10_group_sql('Primary_Diagnosis_Code', 'acsc_chronic_with_copd')} and "
            f"coalesce({copd_secondary}, false))")
    rates["chronic_acsc_share_of_emergency_admissions"] = _value(
        con, f"select avg(({acsc})::int) from apc where {emergency_admission_sql('Admission_Method')}")
    smoking = {"current": code("LSMOK_COD"), "ex": code("EXSMOK_COD"), "never": code("NSMOK_COD")}
    con.execute(f"""create view smoking as
        select person_id, arg_max(snomed_code, clinical_effective_date) as latest
        from events where snomed_code in ({', '.join(map(str, smoking.values()))})
        group by person_id""")
    rates["adult_smoking_prevalence"] = _value(
        con, f"select avg((latest = {smoking['current']})::int) from smoking")
    rates["smoking_ratio_q1_q5"] = _value(con, f"""
        with q as (select imd_quintile as q, avg((latest = {smoking['current']})::int) as p
                   from smoking join people using (person_id) join imd using (lsoa11) group by 1)
        select max(p) filter (where q = 1) / max(p) filter (where q = 5) from q""")
    flu_codes = ", ".join(str(c) for cluster in dbt_vars()["flu_vaccination_clusters"]
                          for c in cluster_codes()[cluster])
    con.execute(f"""create view flu as
        select p.person_id, imd_quintile as q, p.person_id in (
                   select person_id from events where snomed_code in ({flu_codes})
                   and clinical_effective_date between '2022-04-01' and '2023-03-31') as had
        from people p join imd using (lsoa11)
        where datediff('month', birth, date '2022-04-01') >= 65 * 12
          and p.person_id not in (select person_id from deaths where person_id is not null
                                  and died < date '2022-12-31')""")
    rates["flu_65plus_uptake"] = _value(con, "select avg(had::int) from flu")
    rates["flu_65plus_gap_q5_minus_q1_points"] = _value(
        con, "select avg(had::int) filter (where q = 5) - avg(had::int) filter (where q = 1) "
             "from flu")
    rates["palliative_register_prevalence"] = _value(con, f"""
        select count(distinct person_id) / (select count(*) from people) from events
        where snomed_code = {code('PALCARE_COD')} and clinical_effective_date <= '2024-03-31'
          and person_id not in (select person_id from deaths where person_id is not null
                                and died <= '2024-03-31')""")
    obese = "bmi_category in ('obese', 'severely obese')"
    rates["reception_obesity"] = _value(
        con, f"select avg(({obese})::int) from ncmp where school_year = 'R'")
    rates["year6_obesity"] = _value(
        con, f"select avg(({obese})::int) from ncmp where school_year = '6'")
    rates["year6_obesity_ratio_q1_q5"] = _value(con, f"""
        with q as (select imd_quintile as q, avg(({obese})::int) as p from ncmp
                   join imd on child_lsoa11 = imd.lsoa11 where school_year = '6' group by 1)
        select max(p) filter (where q = 1) / max(p) filter (where q = 5) from q""")
    rates["term_low_birth_weight"] = _value(
        con, "select avg((birth_weight_g < 2500)::int) from births where gestation_weeks >= 37 "
             "and live_or_stillbirth = 'Live'")
    rates["preferred_place_achieved"] = _value(con, """
        select avg((case when ppd_1st_choice in (21, 22) then actual_place_of_death in (21, 22)
                         else ppd_1st_choice = actual_place_of_death end)::int)
        from epaccs where actual_place_of_death is not null and ppd_1st_choice is not null""")
    con.close()
    return rates


def calibration_check(out: Path) -> list[Check]:
    targets = load_calibration()["targets"]
    rates = compute_rates(out)
    return [Check(name, rates[name], spec["value"], spec["tolerance"], spec["source"])
            for name, spec in targets.items()]


def format_checks(checks: list[Check]) -> str:
    lines = [f"{'measure':45} {'value':>9} {'target':>9} {'±':>7}  result  source"]
    for c in checks:
        lines.append(f"{c.name:45} {c.value:9.3f} {c.target:9.3f} {c.tolerance:7.3f}  "
                     f"{'ok' if c.ok else 'OFF':6}  {c.source}")
    passed = sum(c.ok for c in checks)
    lines.append(f"{passed} of {len(checks)} within tolerance")
    return "\n".join(lines)
