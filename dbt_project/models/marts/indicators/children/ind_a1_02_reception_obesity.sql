-- A1-02: Reception (age 4-5) children with obesity including severe obesity, of children measured.
{{ child_obesity_rows('R') }}
