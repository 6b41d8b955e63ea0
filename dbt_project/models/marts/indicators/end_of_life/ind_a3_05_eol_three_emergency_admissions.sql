-- A3-05: deaths with 3 or more emergency admissions in the last 90 days of life (all ages, as
-- OHID; the age_band breakdown gives the under-75 and 75+ views).
{{ decedent_rows('case when deaths.emergency_admissions_in_window >= 3 then 1 else 0 end') }}
