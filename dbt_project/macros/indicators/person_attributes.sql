{#- Breakdown labels shared by every indicator (docs/methods.md#breakdowns). Plain SQL for any adapter. -#}

{%- macro age_in_years(birth_month, on_date) -%}
    {#- Whole years from the month of birth (the day is suppressed in the extracts). The months in
        brackets: dbt-spark's datediff is a sum of two CASE expressions, so an unbracketed `/ 12.0`
        divides only the second (every adult of the unit tests was "aged" in months on Spark). -#}
    cast(floor(({{ dbt.datediff(birth_month, on_date, 'month') }}) / 12.0) as integer)
{%- endmacro -%}

{%- macro age_from_birth_year_month(birth_year, birth_month_number, on_date) -%}
    {#- Whole years from a year and month of birth held apart (the social care extracts); a missing
        month is taken as July, mid-year. The same age as age_in_years for the same month. -#}
    cast(extract(year from {{ on_date }}) - {{ birth_year }}
        - case when coalesce({{ birth_month_number }}, 7) > extract(month from {{ on_date }})
               then 1 else 0 end as integer)
{%- endmacro -%}

{%- macro sex_label(sex_code) -%}
    case cast({{ sex_code }} as {{ dbt.type_string() }})
        when '1' then 'Male' when '2' then 'Female' else 'Unknown' end
{%- endmacro -%}

{%- macro ethnicity_group(ethnic_category) -%}
    {#- NHS Data Dictionary ethnic category (2001 groups); Z, 99 and missing are 'Not stated'. -#}
    case
        when {{ ethnic_category }} in ('A', 'B', 'C') then 'White'
        when {{ ethnic_category }} in ('D', 'E', 'F', 'G') then 'Mixed'
        when {{ ethnic_category }} in ('H', 'J', 'K', 'L') then 'Asian'
        when {{ ethnic_category }} in ('M', 'N', 'P') then 'Black'
        when {{ ethnic_category }} in ('R', 'S') then 'Other'
        else 'Not stated'
    end
{%- endmacro -%}

{%- macro age_band(age) -%}
    {#- The broad bands of the age_band breakdown. -#}
    case
        when {{ age }} is null then 'Unknown'
        when {{ age }} < 18 then '0-17'
        when {{ age }} < 45 then '18-44'
        when {{ age }} < 65 then '45-64'
        when {{ age }} < 75 then '65-74'
        when {{ age }} < 85 then '75-84'
        else '85+'
    end
{%- endmacro -%}

{%- macro esp_age_band(age) -%}
    {#- The 5-year bands of the European Standard Population 2013 (seed ref_esp2013). -#}
    case
        when {{ age }} is null then null
        when {{ age }} >= 90 then '90+'
        else cast(cast(floor({{ age }} / 5.0) * 5 as integer) as {{ dbt.type_string() }}) || '-'
            || cast(cast(floor({{ age }} / 5.0) * 5 + 4 as integer) as {{ dbt.type_string() }})
    end
{%- endmacro -%}
