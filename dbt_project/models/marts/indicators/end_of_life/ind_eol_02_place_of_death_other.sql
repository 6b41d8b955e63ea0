-- EOL-02: share of deaths (registered in the year) that happened in: other.
{{ place_of_death_share('other') }}
