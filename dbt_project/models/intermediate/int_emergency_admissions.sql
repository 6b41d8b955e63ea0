-- Emergency admissions: new emergency spells (macro emergency_admission: an emergency admission
-- method, transfers 2B left out), ordinary or day case, counted on the first episode of the spell
-- (int_apc_admissions), with their residence (docs/methods.md#emergency-admissions).
select *
from {{ ref('int_apc_admissions') }}
where {{ emergency_admission('admission_method') }}
    and patient_classification in ('1', '2')
