-- EOL-02: share of deaths (registered in the year) that happened in: hospice.
{{ place_of_death_share('hospice') }}
