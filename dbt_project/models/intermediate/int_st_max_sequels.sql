-- Episodes of short-term support to maximise independence (ST-Max) that followed a new request for
-- support, with what followed each (the SALT STS002a sequel, the source of ASCOF 2A and CH-06).
-- One row per episode, as NHS England's CLD replication code builds it:
--   * a new request: a request whose outcome was ST-Max, from a client aged 18+ who had no
--     long-term support open that day; the episode must start within var
--     st_max_request_window_days of it;
--   * ST-Max service rows a day or less apart (or overlapping) are one episode (its end is the latest end; its
--     outcome, the outcome of the row that ends last); open episodes have no sequel yet;
--   * the sequel is the highest-ranked service (seed ref_st_max_sequels: long-term support first)
--     open after the episode's end that started during the episode or within var
--     st_max_sequel_window_days of its end, else the episode's own
--     outcome mapped by the same seed; an outcome the seed does not list leaves the sequel unknown.
with events as (
    select * from {{ ref('stg_social_care__events') }}
    where client_type = 'Service User'
),

long_term_support as (
    select client_id, event_start_date, event_end_date
    from events
    where event_type = 'Service' and service_type like 'Long Term Support:%'
),

new_requests as (
    select requests.client_id, requests.event_start_date as request_date
    from events as requests
    where requests.event_type = 'Request'
        and requests.event_outcome = 'Progress to Reablement/ST-Max'
        and {{ age_from_birth_year_month('requests.birth_year', 'requests.birth_month_number',
                                         'requests.event_start_date') }} >= 18
        and not exists (
            select 1 from long_term_support
            where long_term_support.client_id = requests.client_id
                and long_term_support.event_start_date <= requests.event_start_date
                and (long_term_support.event_end_date is null
                     or long_term_support.event_end_date >= requests.event_start_date)
        )
),

st_max_rows as (
    select
        client_id, person_id, birth_year, birth_month_number, event_start_date, event_outcome,
        coalesce(event_end_date, date '9999-12-31') as event_end_date,
        -- the latest end of the rows before, not just the previous row's: a row nested in an
        -- earlier, longer one ends before the episode does
        max(coalesce(event_end_date, date '9999-12-31')) over (
            partition by client_id order by event_start_date, event_end_date
            rows between unbounded preceding and 1 preceding) as previous_end_date
    from events
    where event_type = 'Service' and service_type = 'Short Term Support: ST-Max'
),

numbered as (
    select
        *,
        sum(case when previous_end_date >= {{ dbt.dateadd('day', -1, 'event_start_date') }}
                 then 0 else 1 end)
            over (partition by client_id order by event_start_date, event_end_date
                  rows between unbounded preceding and current row) as episode
    from st_max_rows
),

episodes as (
    select
        client_id, episode, person_id, birth_year, birth_month_number,
        event_end_date as episode_end_date, event_outcome as episode_outcome,
        min(event_start_date) over (partition by client_id, episode) as episode_start_date,
        row_number() over (
            partition by client_id, episode
            order by event_end_date desc, event_start_date desc, event_outcome) as last_ending
    from numbered
),

after_new_request as (
    select episodes.*
    from episodes
    where episodes.last_ending = 1
        and episodes.episode_end_date < date '9999-12-31'
        and exists (
            select 1 from new_requests
            where new_requests.client_id = episodes.client_id
                and new_requests.request_date <= episodes.episode_start_date
                and new_requests.request_date >= {{ dbt.dateadd(
                    'day', -var('st_max_request_window_days'), 'episodes.episode_start_date') }}
        )
),

sequel_services as (
    select
        episodes.client_id, episodes.episode, sequels.sequel,
        row_number() over (partition by episodes.client_id, episodes.episode
                           order by sequels.sequel_rank) as rank
    from after_new_request as episodes
    inner join events as services
        on services.client_id = episodes.client_id
        and services.event_type = 'Service'
        -- as NHS England's code: a service that started during the episode and is still open
        -- after it ends (e.g. long-term support begun before reablement finished) is a sequel too
        and services.event_start_date >= episodes.episode_start_date
        and coalesce(services.event_end_date, date '9999-12-31') > episodes.episode_end_date
        and services.event_start_date <= {{ dbt.dateadd(
            'day', var('st_max_sequel_window_days'), 'episodes.episode_end_date') }}
    inner join {{ ref('ref_st_max_sequels') }} as sequels
        on sequels.recorded_in = 'service_type' and sequels.recorded_value = services.service_type
)

select
    episodes.client_id,
    episodes.person_id,
    episodes.birth_year,
    episodes.birth_month_number,
    episodes.episode_start_date,
    episodes.episode_end_date,
    episodes.episode_outcome,
    coalesce(sequel_services.sequel, outcomes.sequel) as sequel,
    coalesce(categories.in_denominator, false) as in_denominator,
    coalesce(categories.in_numerator, false) as in_numerator
from after_new_request as episodes
left join sequel_services
    on episodes.client_id = sequel_services.client_id and episodes.episode = sequel_services.episode
    and sequel_services.rank = 1
left join {{ ref('ref_st_max_sequels') }} as outcomes
    on outcomes.recorded_in = 'event_outcome'
    and lower(outcomes.recorded_value) = lower(episodes.episode_outcome)
left join (
    select distinct sequel, in_denominator, in_numerator from {{ ref('ref_st_max_sequels') }}
) as categories
    on categories.sequel = coalesce(sequel_services.sequel, outcomes.sequel)
