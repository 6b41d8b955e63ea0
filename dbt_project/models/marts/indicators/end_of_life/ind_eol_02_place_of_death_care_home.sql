-- EOL-02: share of deaths (registered in the year) that happened in: care home.
{{ place_of_death_share('care_home') }}
