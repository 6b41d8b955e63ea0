-- A3-04: unplanned ED attendances in the last 90 days of life per 100 adult decedents.
{{ decedent_rows('deaths.ed_attendances_in_window', min_age=var('eol_min_age')) }}
