{{ config(alias='build_info') }}
-- When this published layer was built (UTC) and by which dbt invocation: the board pack says
-- "figures built" at this time, so a pack written again from the same layer (or a refresh that
-- found no new data) never claims the figures were refreshed later than they were.
select
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp) as built_at_utc,
    '{{ invocation_id }}' as dbt_invocation_id
