{{ config(materialized='table') }}
-- A table, not a view: several models and data tests read it, and a view is computed again by
-- each reader (at 1.2M people that made most of the build's time; docs/scaling.md).
-- The spells of people on the palliative care / end-of-life register (int_register_spells: from a
-- PALCARE_COD code in primary care or an EPaCCS record until a later PALCARE_COD-not-indicated
-- code), with the date of death that ends them (docs/indicators.md#a3-07,
-- docs/indicators.md#eol-05). Spells of one person never overlap.
select
    spells.person_id,
    spells.entered_on,
    spells.left_on,
    persons.date_of_death
from {{ ref('int_register_spells') }} as spells
left join {{ ref('int_persons') }} as persons
    on spells.person_id = persons.person_id
where spells.register = 'PALCARE_COD'
