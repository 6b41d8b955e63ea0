-- A2-09: hypertension case-finding - adults on the hypertension register as a percentage of the
-- number expected to have hypertension, diagnosed or not. Each registered adult's expected
-- probability comes from a model of age, sex, deprivation and ethnic group (PHE's hypertension
-- prevalence estimates: seeds ref_expected_prevalence, ref_expected_prevalence_odds). Deprivation
-- and ethnicity must be in it: true prevalence is higher in deprived and in Black populations, and
-- an age-only expectation reads that extra prevalence as better case-finding.
{% call indicator_rows() %}
    with registered as (
        select
            period, period_start, period_end, person_id,
            lad19cd, lad19nm, place_code, place_name,
            imd_quintile, sex, age, age_band, ethnicity_group, on_hyp_register
        from {{ ref('int_gp_status_at_year_end') }}
    ),

    odds_ratios as (
        select factor, level, odds_ratio
        from {{ ref('ref_expected_prevalence_odds') }}
        where condition = 'hypertension'
    ),

    baseline_by_age as (
        -- The age-sex baseline by single year of age (the ages there are), so that people meet it
        -- by an equi-join on age and sex, not a range join (at 3.6M people the range join sorted
        -- 17M rows). The ages are read from the table, not from `registered`: a CTE read twice is
        -- materialised (22M rows at 3.6M people)
        select ages.age, bands.sex, bands.expected_prevalence
        from (select distinct age from {{ ref('int_gp_status_at_year_end') }}) as ages
        inner join {{ ref('ref_expected_prevalence') }} as bands
            on bands.condition = 'hypertension' and ages.age between bands.age_lower and bands.age_upper
    ),

    baseline as (
        -- keyed by sex; for a person of unknown sex, both sexes' rows
        select age, sex as sex_key, expected_prevalence from baseline_by_age
        union all
        select age, 'Unknown', expected_prevalence from baseline_by_age
    ),

    expected as (
        -- The odds of the age-sex baseline times the odds ratios of the person's quintile and ethnic
        -- group (unknown quintile and ethnicity not stated take 1, the reference). The baseline's
        -- age bands start at 18, so children drop out here; a person of unknown sex has a row for
        -- each sex, and takes their mean probability below.
        select
            registered.*,
            baseline.expected_prevalence / nullif(1 - baseline.expected_prevalence, 0)
                * coalesce(deprivation.odds_ratio, 1) * coalesce(ethnicity.odds_ratio, 1) as odds
        from registered
        inner join baseline
            on baseline.age = registered.age
            and baseline.sex_key = case when registered.sex in ('Male', 'Female') then registered.sex
                                        else 'Unknown' end
        left join odds_ratios as deprivation
            on deprivation.factor = 'imd_quintile'
            and deprivation.level = cast(registered.imd_quintile as {{ dbt.type_string() }})
        left join odds_ratios as ethnicity
            on ethnicity.factor = 'ethnicity_group' and ethnicity.level = registered.ethnicity_group
    )

    -- one row per person, the expected probability as its denominator. Only people of unknown sex
    -- have two rows to average: the others are taken as they are (grouping every adult by person
    -- was most of this model's time at 1.2M people)
    select
        period, period_start, period_end,
        lad19cd, lad19nm, place_code, place_name,
        imd_quintile, sex, age_band, ethnicity_group,
        on_hyp_register as numerator,
        odds / nullif(1 + odds, 0) as denominator
    from expected
    where sex in ('Male', 'Female')
    union all
    select
        period, period_start, period_end,
        lad19cd, lad19nm, place_code, place_name,
        imd_quintile, sex, age_band, ethnicity_group,
        on_hyp_register as numerator,
        avg(odds / nullif(1 + odds, 0)) as denominator
    from expected
    where coalesce(sex, 'Unknown') not in ('Male', 'Female')
    group by
        period, period_start, period_end, person_id, on_hyp_register,
        lad19cd, lad19nm, place_code, place_name, imd_quintile, sex, age_band, ethnicity_group
{% endcall %}
