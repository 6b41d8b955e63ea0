-- EOL-02: share of deaths (registered in the year) that happened in: hospital.
{{ place_of_death_share('hospital') }}
