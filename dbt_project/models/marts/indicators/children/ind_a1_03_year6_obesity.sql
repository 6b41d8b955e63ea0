-- A1-03: Year 6 (age 10-11) children with obesity including severe obesity, of children measured.
{{ child_obesity_rows('6') }}
