-- All indicators in one long table: the ind_* models of proportions, crude rates and ratios, and
-- the directly standardised rates computed from fct_indicator_age_specific. Add each new ind_*
-- model to its list (dbt needs static refs); tests/dbt/test_build.py fails if one is missing.
{%- set indicator_models = [
    'ind_a3_03_eol_ed_attendance',
    'ind_a1_01_low_birth_weight_term',
    'ind_a1_02_reception_obesity',
    'ind_a1_03_year6_obesity',
    'ind_a1_04_asthma_admissions_under19',
    'ind_a1_06_frailty_identified_65plus',
    'ind_a1_07_smokers_offered_support',
    'ind_a2_01_smoking_prevalence',
    'ind_a2_02_obesity_prevalence',
    'ind_a2_08_hypertension_treated_to_target',
    'ind_a2_09_hypertension_case_finding',
    'ind_a2_10_smi_health_checks',
    'ind_a2_13_flu_vaccination_65plus',
    'ind_a2_14_ethnicity_recorded',
    'ind_a3_04_eol_ed_attendances_per_decedent',
    'ind_a3_05_eol_three_emergency_admissions',
    'ind_a3_07_palliative_register_prevalence',
    'ind_a4_01_learning_disability_paid_employment',
    'ind_a4_02_long_term_support_settled_accommodation',
    'ind_ch_01_care_home_emergency_admissions',
    'ind_ch_02_care_home_residents_with_care_plan',
    'ind_ch_03_care_home_residents_medication_review',
    'ind_ch_04_permanent_care_home_admissions_65plus',
    'ind_ch_05_at_home_91_days_after_reablement',
    'ind_ch_06_reablement_no_ongoing_support',
    'ind_eol_01_deaths_in_usual_residence',
    'ind_eol_02_place_of_death_care_home',
    'ind_eol_02_place_of_death_home',
    'ind_eol_02_place_of_death_hospice',
    'ind_eol_02_place_of_death_hospital',
    'ind_eol_02_place_of_death_other',
    'ind_eol_03_died_in_preferred_place',
    'ind_eol_04_advance_care_plan_before_death',
    'ind_eol_05_register_ed_attendance',
    'ind_pc_01_social_prescribing_referrals',
    'ind_pc_02a_care_plan_palliative',
    'ind_pc_02b_care_plan_frailty',
    'ind_pc_02d_care_plan_multimorbidity',
    'ind_pc_03_shared_decision_making',
    'ind_pc_04_direct_payments',
] %}
{%- set columns = ['indicator_id', 'period', 'period_start', 'period_end', 'area_type', 'area_code',
                  'area_name', 'breakdown', 'breakdown_value', 'numerator', 'denominator', 'value',
                  'lower_ci95', 'upper_ci95', 'lower_ci998', 'upper_ci998', 'value_type',
                  'multiplier'] %}
{#- by name, so that a model whose columns are in another order cannot misalign the union -#}
{% for name in indicator_models %}
select {{ columns | join(', ') }} from {{ ref(name) }}
union all
{%- endfor %}
select
    indicator_id, period, period_start, period_end, area_type, area_code, area_name, breakdown,
    breakdown_value, numerator, denominator, value, lower_ci95, upper_ci95, lower_ci998,
    upper_ci998, value_type, dsr_multiplier as multiplier
from (
    {{ dsr_rows(ref('fct_indicator_age_specific'),
                ['indicator_id', 'period', 'period_start', 'period_end', 'area_type', 'area_code',
                 'area_name', 'breakdown', 'breakdown_value', 'value_type']) }}
) as standardised
