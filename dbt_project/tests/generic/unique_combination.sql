{#- The combination of `columns` is unique (optionally among rows matching `where`). -#}
{% test unique_combination(model, columns, where=none) %}
select {{ columns | join(', ') }}, count(*) as copies
from {{ model }}
{% if where %}where {{ where }}{% endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
