{#- Every code list the project names has a member in its seed. int_gp_events_clustered inner-joins
    ref_clinical_codes and icd10_in_group reads ref_icd10_groups, so a list that is named but absent
    would silently match nothing and its indicator would read 0%. Fails naming each missing list.

    Named means: a primary-care cluster id (..._COD) written in a model, test or macro, or held in a
    var that a model or macro reads; an ICD-10 group id passed to a *_in_group macro. -#}
-- depends_on: {{ ref('ref_clinical_codes') }}, {{ ref('ref_icd10_groups') }}
{{ config(severity='error') }}
{%- set clusters = [] -%}
{%- set groups = [] -%}
{%- if execute -%}
    {%- set cluster_pattern = modules.re.compile('\\b[A-Z][A-Z0-9]*_COD\\b') -%}
    {%- set group_pattern = modules.re.compile("in_group\\([^()]*?,\\s*['\"]([a-z0-9_]+)['\"]\\s*\\)") -%}
    {%- set var_pattern = modules.re.compile("var\\(\\s*['\"]([a-z0-9_]+)['\"]") -%}
    {#- the code this test can read: nodes (models, tests) and the project's macros -#}
    {%- set sources = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'test', 'snapshot')
                                            and node.name != this.name -%}
        {%- do sources.append((node.name, node.raw_code or '')) -%}
    {%- endfor -%}
    {%- for macro in project_macros() if macro[0] not in ("project_macros", "flatten_var") -%}
        {%- do sources.append(macro) -%}
    {%- endfor -%}
    {%- set var_names = [] -%}
    {%- for name, code in sources -%}
        {%- for cluster in cluster_pattern.findall(code) -%}
            {%- do clusters.append((cluster, name)) -%}
        {%- endfor -%}
        {%- for group in group_pattern.findall(code) -%}
            {%- do groups.append((group, name)) -%}
        {%- endfor -%}
        {%- for var_name in var_pattern.findall(code) if var_name not in var_names -%}
            {%- do var_names.append(var_name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for var_name in var_names -%}
        {%- for value in flatten_var(var(var_name, none)) -%}
            {%- if value is string and cluster_pattern.fullmatch(value) -%}
                {%- do clusters.append((value, 'var ' ~ var_name)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- which of them have no member in their seed: raised with their names, so the build log says
        what is missing and where it is named (a failing test would only give a count) -#}
    {%- set seeds = {'cluster': ('ref_clinical_codes', 'cluster_id'),
                     'ICD-10 group': ('ref_icd10_groups', 'group_id')} -%}
    {%- set missing = [] -%}
    {%- for kind, named in (('cluster', clusters), ('ICD-10 group', groups)) -%}
        {%- set seed, column = seeds[kind] -%}
        {%- set members = run_query('select distinct ' ~ column ~ ' from ' ~ ref(seed)).columns[0].values() -%}
        {%- for list_id in named | map(attribute=0) | unique | sort if list_id not in members -%}
            {%- set places = named | selectattr(0, 'equalto', list_id) | map(attribute=1) | unique | sort -%}
            {%- do missing.append(kind ~ ' ' ~ list_id ~ ' (named in ' ~ (places | join(', '))
                                  ~ ') has no member in ' ~ seed) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ exceptions.raise_compiler_error('code lists with no member: ' ~ (missing | join('; '))) }}
    {%- endif -%}
{%- endif %}

-- reached only when every named list has a member
select 1 as missing_list where false
