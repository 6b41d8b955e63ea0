-- One row per EPaCCS record (person x date created): the latest delivered version wins, so a
-- record updated at death carries the death; earlier records of the same person are kept, because
-- the preference that counts is the last one recorded before death
-- (data_contracts/README.md#epaccs_records).
select
    person_id,
    record_created_date,
    consent_status as consent_status_snomed,
    likely_prognosis as likely_prognosis_snomed,
    advance_care_plan_date,
    ppd_1st_choice as preferred_place_of_death,
    ppd_not_stated_reason as preference_not_stated_snomed,
    cpr_decision as cpr_decision_snomed,
    cpr_decision_date,
    date_of_death,
    actual_place_of_death,
    extract_date,
    _batch_id as batch_id
from {{ latest_versions(source('epaccs', 'epaccs_records'), ['person_id', 'record_created_date']) }}
    as records
