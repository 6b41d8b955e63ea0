-- A3-03: adults who died with at least one unplanned ED attendance in the last 90 days of life,
-- by financial year of death. Definition and metadata: ind_a3_03_eol_ed_attendance.yml, beside it.
{{ decedent_rows('case when deaths.ed_attendances_in_window > 0 then 1 else 0 end',
                 min_age=var('eol_min_age')) }}
