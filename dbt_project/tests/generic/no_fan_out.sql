{#- Each combination of `columns` occurs in the model (within each value of `within`) no more often
    than in `parent`: no join multiplied the parent's rows. The grain test of a model whose rows
    have no key of their own. `columns` must be non-null (joined with =, which keeps it fast). -#}
{% test no_fan_out(model, parent, columns, within=[]) %}
with model_counts as (
    select {{ (columns + within) | join(', ') }}, count(*) as copies
    from {{ model }}
    group by {{ (columns + within) | join(', ') }}
),

parent_counts as (
    select {{ columns | join(', ') }}, count(*) as copies
    from {{ parent }}
    group by {{ columns | join(', ') }}
)

select model_counts.*
from model_counts
left join parent_counts
    on {% for column in columns -%}
        model_counts.{{ column }} = parent_counts.{{ column }}
        {%- if not loop.last %} and {% endif %}
    {%- endfor %}
where parent_counts.copies is null or model_counts.copies > parent_counts.copies
{% endtest %}
