"""The measures of the calibration check (check.py), each computed with DuckDB from the tidied
demo files (check_files.py) for the target that names it: ``measure(con, spec)`` returns
{financial year (or ALL_YEARS, all of them pooled): value}. Codes are the generator's own
(codes.py), so the check measures what the generator meant to write."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pipelines.synthetic.check_files import ALL_YEARS
from pipelines.synthetic.codes import (
    cluster_codes,
    emergency_admission_sql,
    icd10_group_sql,
    place_of_death_sql,
    unplanned_ed_sql,
)


def _by_year(con, sql: str) -> dict[str, float | None]:
    """Run a query returning (year, value) rows; every year of the files appears (and all of
    them pooled, if the query gives that)."""
    values = dict(con.execute(sql).fetchall())
    years = [year for (year,) in con.execute("select year from years").fetchall()]
    return {year: values.get(year) for year in years + ([ALL_YEARS] * (ALL_YEARS in values))}


def _codes(clusters: list[str]) -> str:
    return ", ".join(str(c) for cluster in clusters for c in cluster_codes().get(cluster, [])) \
        or "null"


def _icd10_in(column: str, ranges: list[list[str]]) -> str:
    """The ICD-10 code in `column` (no dot) is in one of the [low, high] ranges (a bound shorter
    than the code matches every code it starts, as codes.icd10_group_sql reads its groups)."""
    return "(" + " or ".join(f"({column} >= '{low}' and substring({column}, 1, {len(high)}) <= "
                             f"'{high}')" for low, high in ranges) + ")"


def _once(con, table: str, spec_parts: list, sql: str) -> str:
    """A working table shared by the measures that give it the same parts of their target
    (``spec_parts``), created by the first of them; returns its name."""
    table = f"{table}_{hashlib.sha1(repr(spec_parts).encode()).hexdigest()[:10]}"
    if not con.execute("select count(*) from duckdb_tables() where table_name = ?",
                       [table]).fetchone()[0]:
        con.execute(f"create table {table} as {sql}")
    return table


def _registered_on(day: str) -> str:
    return (f"registered_from <= {day} and coalesce(registered_to, {day} + 1) > {day} "
            f"and (died is null or died > {day})")


def _age_on(day: str) -> str:
    return f"floor(datediff('month', birth, {day}) / 12)"


def crude_death_rate_per_1000(con, spec) -> dict:
    """Deaths registered in the year per 1,000 person-years registered (at ages ``ages``
    [lowest, highest or null], if given; age at death, and at the middle of the year)."""
    def in_band(age: str) -> str:  # all ages: every death, with or without a recorded age
        if not spec.get("ages"):
            return "true"
        low, high = spec["ages"]
        return f"{age} between {low} and {high if high is not None else 200}"

    # a target judged pooled (few deaths a year at demo size) needs all the years together too
    periods, person_years = (("periods", "person_years_pooled") if spec.get("pooled")
                             else ("years", "person_years"))
    return _by_year(con, f"""
        with d as (select year, count(*) as n from deaths join {periods}
                   on registered between first_day and last_day where {in_band('age')}
                   group by 1),
        p as (select year, sum(py) as py from {person_years} where {in_band('age_mid')}
              group by 1)
        select year, coalesce(n, 0) / py * 1000 from p left join d using (year)""")


def under75_mortality_ratio_q1_q5(con, spec) -> dict:
    """Directly age-standardised (ESP2013) under-75 mortality, most / least deprived fifth, each
    year and all years pooled."""
    return _by_year(con, """
        with pop as (select year, imd_quintile as q, least(floor(age_mid / 5) * 5, 90) as band,
                            sum(py) as py from person_years_pooled where age_mid < 75 group by all),
        dth as (select year, imd_quintile as q, least(floor(age / 5) * 5, 90) as band,
                       count(*) as n
                from deaths join periods on registered between first_day and last_day
                join lsoas using (lsoa11) where age < 75 group by all),
        dsr as (select year, q, sum(coalesce(n, 0) / py * weight) / sum(weight) as rate
                from pop join esp on pop.band = esp.age_lower left join dth using (year, q, band)
                group by all)
        select year, max(rate) filter (where q = 1) / max(rate) filter (where q = 5)
        from dsr group by 1""")


def _care_home_residents(con, spec) -> str:
    """People resident in a care home on 1 April of each year, as int_care_home_residents reads
    the feeds: from the first evidence (a GP care-home code, or a long-term residential or nursing
    service) until death, while registered."""
    services = ", ".join(f"'{s}'" for s in spec["social_care_services"])
    return _once(con, "care_home_on_1_april",
                 [spec["clusters"], spec["social_care_services"]], f"""
        with evidence as (
            select person_id, min(clinical_effective_date) as since from events
            where snomed_code in ({_codes(spec['clusters'])}) group by 1
            union all
            select person_id, min(Event_Start_Date) from social_care
            where person_id is not null and Service_Type in ({services}) group by 1),
        first as (select person_id, min(since) as since from evidence group by 1)
        select years.year, people.person_id, {_age_on('first_day')} as age,
               first.since <= first_day as resident
        from years, people left join first using (person_id)
        where {_registered_on('first_day')}""")


def care_home_residents_1_april(con, spec) -> dict:
    table = _care_home_residents(con, spec)
    return _by_year(con, f"select year, count(*) filter (where resident) from {table} group by 1")


def care_home_share_85plus(con, spec) -> dict:
    table = _care_home_residents(con, spec)
    return _by_year(con, f"select year, avg(coalesce(resident, false)::int) from {table} "
                         "where age >= 85 group by 1")


def place_of_death(con, spec) -> dict:
    place = place_of_death_sql("POD_CODE", "POD_ESTABLISHMENT_TYPE")
    return _by_year(con, f"""select year, avg(({place} = '{spec['place']}')::int)
        from deaths join years on registered between first_day and last_day group by 1""")


def _end_of_life(con) -> str:
    """Adult decedents (by year of death) with their unplanned ED attendances and emergency
    admissions in the 90 days before death."""
    return _once(con, "eol", [], f"""
        with d as (select distinct person_id, died, lsoa11, year from deaths join years
                   on died between first_day and last_day
                   where person_id is not null and age >= 18),
        ed as (select d.person_id, d.died, count(*) as n from d join ecds e using (person_id)
               where {unplanned_ed_sql('e.EC_Department_Type', 'e.EC_AttendanceCategory')}
                 and cast(e.Der_EC_Arrival_Date_Time as date) between d.died - 90 and d.died
               group by all),
        em as (select d.person_id, d.died, count(distinct a.Admission_Date) as n
               from d join apc a using (person_id)
               where {emergency_admission_sql('a.Admission_Method')}
                 and a.Admission_Date between d.died - 90 and d.died
               group by all)
        select d.year, d.person_id, d.died, lsoas.place_code, coalesce(ed.n, 0) as ed,
               coalesce(em.n, 0) as emergency
        from d left join ed using (person_id, died) left join em using (person_id, died)
        left join lsoas using (lsoa11)""")


def eol_ed_90d_share(con, spec) -> dict:
    eol = _end_of_life(con)
    return _by_year(con, f"select year, avg((ed > 0)::int) from {eol} group by 1")


def three_plus_emergency_admissions_last_90d(con, spec) -> dict:
    eol = _end_of_life(con)
    return _by_year(con, f"select year, avg((emergency >= 3)::int) from {eol} group by 1")


def eol_ed_change_since(con, spec) -> dict:
    """Change in the number of a place's decedents attending ED in their last 90 days, from
    ``from_year`` to each later year."""
    eol = _end_of_life(con)
    changes = _by_year(con, f"""
        with n as (select year, count(*) as n from {eol}
                   where place_code = '{spec['place']}' and ed > 0 group by 1)
        select year, n / (select n from n where year = '{spec['from_year']}') - 1 from n""")
    return {year: change for year, change in changes.items() if year > spec["from_year"]}


def chronic_acsc_share_of_emergency_admissions(con, spec) -> dict:
    """As A3-01 counts them: a chronic ACSC primary, or J20 with COPD in a secondary position."""
    acsc = (f"{icd10_group_sql('Primary_Diagnosis_Code', 'acsc_chronic')} or "
            f"({icd10_group_sql('Primary_Diagnosis_Code', 'acsc_chronic_with_copd')} and "
            f"{_copd_secondary()})")
    return _by_year(con, f"""select year, avg(({acsc})::int) from apc join years
        on Admission_Date between first_day and last_day
        where {emergency_admission_sql('Admission_Method')} and coalesce(Episode_Number, 1) = 1
        group by 1""")


def _copd_secondary() -> str:
    return "coalesce(" + " or ".join(
        icd10_group_sql(f"Secondary_Diagnosis_{k:02d}", "acsc_copd_secondary")
        for k in range(1, 20)) + ", false)"


def _smoking(con, spec) -> str:
    """Each adult registered on 31 March: their latest smoking status code by then."""
    current, ex, never = (_codes([c]) for c in spec["clusters"])
    return _once(con, "smoking", spec["clusters"], f"""
        select years.year, people.person_id, any_value(people.imd_quintile) as q,
               arg_max(e.snomed_code in ({current}), e.clinical_effective_date) as smoker
        from years, people join events e using (person_id)
        where {_registered_on('last_day')} and {_age_on('last_day')} >= 18
          and e.snomed_code in ({current}, {ex}, {never}) and e.clinical_effective_date <= last_day
        group by all""")


def _share(con, table: str, flag: str) -> dict:
    """Each year's share of the people in ``table`` (columns year, q, flag) with ``flag``."""
    return _by_year(con, f"select year, avg({flag}::int) from {table} group by 1")


def _between_fifths(con, table: str, flag: str, first: int, op: str, second: int) -> dict:
    """Each year's share with ``flag`` in one deprivation fifth ``op`` ('/' or '-') another's."""
    return _by_year(con, f"select year, avg({flag}::int) filter (where q = {first}) {op} "
                         f"avg({flag}::int) filter (where q = {second}) from {table} group by 1")


def adult_smoking_prevalence(con, spec) -> dict:
    return _share(con, _smoking(con, spec), "smoker")


def smoking_ratio_q1_q5(con, spec) -> dict:
    return _between_fifths(con, _smoking(con, spec), "smoker", 1, "/", 5)


def _flu(con, spec) -> str:
    """As A2-13: people registered and aged 65+ on 31 March, vaccinated 1 September - end of
    February of that season."""
    return _once(con, "flu", spec["clusters"], f"""
        with vaccinated as (select distinct years.year, person_id from years join events
                            on clinical_effective_date between first_day + interval 5 month
                               and last_day - interval 1 month
                            where snomed_code in ({_codes(spec['clusters'])}))
        select years.year, people.imd_quintile as q, vaccinated.person_id is not null as had
        from years, people left join vaccinated
             on vaccinated.person_id = people.person_id and vaccinated.year = years.year
        where {_registered_on('last_day')} and {_age_on('last_day')} >= 65""")


def flu_65plus_uptake(con, spec) -> dict:
    return _share(con, _flu(con, spec), "had")


def flu_65plus_gap_q5_minus_q1_points(con, spec) -> dict:
    return _between_fifths(con, _flu(con, spec), "had", 5, "-", 1)


def register_prevalence(con, spec) -> dict:
    """Registered people on a register on 31 March, all ages: the QOF rule, on from a register
    code until a later resolution code (a code on the same day keeps them on); for the palliative
    care register an EPaCCS record is an entry too, as int_register_spells counts it."""
    epaccs = ("union all select person_id, record_created_date, true from epaccs"
              if spec.get("epaccs_entry") else "")
    resolved = _codes([spec["resolved_by"]]) if spec.get("resolved_by") else "null"
    return _by_year(con, f"""
        with codes as (select person_id, clinical_effective_date as day,
                              snomed_code in ({_codes([spec['cluster']])}) as is_entry
                       from events where snomed_code in ({_codes([spec['cluster']])}, {resolved})
                       {epaccs}),
        on_register as (
            select years.year, codes.person_id from years join codes on codes.day <= last_day
            group by all
            having max(day) filter (where is_entry)
                   >= coalesce(max(day) filter (where not is_entry), date '1900-01-01')),
        population as (select years.year, person_id from years, people
                       where {_registered_on('last_day')})
        select year, avg((on_register.person_id is not null)::int)
        from population left join on_register using (year, person_id) group by 1""")


def _ncmp_obesity(school_year: str, by_quintile: bool = False) -> Callable:
    """Share obese in each school year (as NCMP publishes), standardised to England's deprivation
    mix: the mean of the five national IMD fifths' shares (England has a fifth of its children in
    each), so that England's published level is a fair target for an ICS more deprived than
    England. Or the ratio most / least deprived fifth (each financial year and all years pooled)."""
    obese = "(bmi_category in ('obese', 'severely obese'))::int"

    def measure(con, spec) -> dict:
        if by_quintile:  # each financial year, and all years pooled
            return _by_year(con, f"""select year, avg({obese}) filter (where imd_quintile = 1)
                                                / avg({obese}) filter (where imd_quintile = 5)
                from ncmp join periods on measurement_date between first_day and last_day
                left join lsoas on child_lsoa11 = lsoas.lsoa11
                where school_year = '{school_year}' group by 1""")
        # By school year (September to August), as NCMP publishes: "2020/21" is the school year.
        return _by_year(con, f"""
            with measured as (select *, cast(year(measurement_date - interval 8 month) as integer)
                                        as y from ncmp join lsoas on child_lsoa11 = lsoas.lsoa11
                              where school_year = '{school_year}'),
            fifths as (select y, imd_quintile, avg({obese}) as share from measured group by 1, 2)
            select y || '/' || lpad(cast((y + 1) % 100 as varchar), 2, '0') as year, avg(share)
            from fifths group by 1 having count(*) = 5""")
    return measure


def term_low_birth_weight(con, spec) -> dict:
    return _by_year(con, """select year, avg((birth_weight_g < 2500)::int) from births join years
        on birth_date between first_day and last_day
        where gestation_weeks >= 37 and live_or_stillbirth = 'Live' group by 1""")


def preferred_place_achieved(con, spec) -> dict:
    return _by_year(con, """select year,
            avg((case when ppd_1st_choice in (21, 22) then actual_place_of_death in (21, 22)
                      else ppd_1st_choice = actual_place_of_death end)::int)
        from epaccs join years on date_of_death between first_day and last_day
        where actual_place_of_death is not null and ppd_1st_choice is not null group by 1""")


def _cause_rates(con, ranges) -> None:
    """Deaths registered per person-year each year, of the cause and of every other cause."""
    con.execute(f"""create or replace table cause_rates as
        with d as (select year, count(*) filter (where {_icd10_in('cause', ranges)}) as cause,
                          count(*) as deaths
                   from deaths join years on registered between first_day and last_day
                   group by 1)
        select year, cause, deaths, py, (deaths - cause) / py as other_rate, deaths / py as rate
        from d join (select year, sum(py) as py from person_years group by 1) using (year)""")


def cause_deaths_per_excess_death(con, spec) -> dict:
    """Deaths of the cause (``causes``) per death in excess of ``baseline``'s all-cause rate."""
    _cause_rates(con, spec["causes"])
    return _by_year(con, f"""select year, cause / nullif(deaths - py * (select rate from
        cause_rates where year = '{spec['baseline']}'), 0) from cause_rates""")


def other_causes_rate_change(con, spec) -> dict:
    """Change in the death rate from every cause but ``causes`` since ``baseline``."""
    _cause_rates(con, spec["causes"])
    return _by_year(con, f"""select year, other_rate / (select other_rate from cause_rates
        where year = '{spec['baseline']}') - 1 from cause_rates""")


def cause_share_of_deaths(con, spec) -> dict:
    """Share of deaths at ages ``ages`` whose underlying cause is in ``causes``."""
    low, high = spec["ages"]
    return _by_year(con, f"""select year, avg(({_icd10_in('cause', spec['causes'])})::int)
        from deaths join years on registered between first_day and last_day
        where age between {low} and {high if high is not None else 200} group by 1""")


def suicide_share_aged(con, spec) -> dict:
    """Of suicides (ONS definition, A2-07: intentional self-harm at 10+, undetermined intent at
    15+), the share aged ``min_age`` or more, all years pooled (a few a year at demo size)."""
    suicide = (f"((age >= 10 and {_icd10_in('cause', spec['intentional'])}) or "
               f"(age >= 15 and {_icd10_in('cause', spec['undetermined'])}))")
    value = con.execute(f"""select avg((age >= {spec['min_age']})::int) from deaths join years
        on registered between first_day and last_day where {suicide}""").fetchone()[0]
    return {ALL_YEARS: value}


def copd_admissions_on_register(con, spec) -> dict:
    """Of emergency COPD admissions (primary ``primary``, or J20 with COPD secondary as A3-01
    counts it) of linked people, the share aged ``min_age``+ with a COPD register code before."""
    copd = (f"({_icd10_in('Primary_Diagnosis_Code', spec['primary'])} or "
            f"({icd10_group_sql('Primary_Diagnosis_Code', 'acsc_chronic_with_copd')} and "
            f"{_copd_secondary()}))")
    return _by_year(con, f"""
        with registered as (select person_id, min(clinical_effective_date) as since from events
                            where snomed_code in ({_codes([spec['cluster']])}) group by 1)
        select year, avg((Age_On_Admission >= {spec['min_age']}
                          and coalesce(since < Admission_Date, false))::int)
        from apc join years on Admission_Date between first_day and last_day
        left join registered using (person_id)
        where person_id is not null and {emergency_admission_sql('Admission_Method')}
          and coalesce(Episode_Number, 1) = 1 and {copd} group by 1""")


MEASURES: dict[str, Callable] = {f.__name__: f for f in (
    crude_death_rate_per_1000, under75_mortality_ratio_q1_q5, care_home_residents_1_april,
    care_home_share_85plus, place_of_death, eol_ed_90d_share,
    three_plus_emergency_admissions_last_90d, eol_ed_change_since,
    chronic_acsc_share_of_emergency_admissions, adult_smoking_prevalence, smoking_ratio_q1_q5,
    flu_65plus_uptake, flu_65plus_gap_q5_minus_q1_points, register_prevalence,
    term_low_birth_weight, preferred_place_achieved, cause_deaths_per_excess_death,
    other_causes_rate_change, cause_share_of_deaths, suicide_share_aged,
    copd_admissions_on_register)} | {
    "reception_obesity": _ncmp_obesity("R"), "year6_obesity": _ncmp_obesity("6"),
    "year6_obesity_ratio_q1_q5": _ncmp_obesity("6", by_quintile=True)}
