"""The data-quality summary takes what it knows about a source from the contract's quality block:
two made-up sources, a death register and an activity feed, named nothing the code knows."""

import duckdb

from pipelines.contracts.model import parse_contract
from pipelines.ops.data_quality import refresh_data_quality, source_months

REGISTER = """
id: burials
title: Burials
owner: test
delivery: {frequency: monthly, format: csv, file_pattern: "burials_*.csv"}
quality: {event_date: buried_on, key_fields: [who], person: who, date_of_death: died_on}
columns:
  - {name: who, type: VARCHAR}
  - {name: died_on, type: DATE}
  - {name: buried_on, type: DATE}
  - {name: extract_date, type: DATE}
"""

VISITS = """
id: visits
title: Visits
owner: test
delivery: {frequency: monthly, format: csv, file_pattern: "visits_*.csv"}
primary_key: {columns: [visit]}
quality: {event_date: seen_on, key_fields: [visitor, place], person: visitor}
columns:
  - {name: visit, type: VARCHAR}
  - {name: visitor, type: VARCHAR}
  - {name: place, type: VARCHAR}
  - {name: seen_on, type: DATE}
  - {name: extract_date, type: DATE}
"""


def _contract(tmp_path, name, text):
    path = tmp_path / f"{name}.yml"
    path.write_text(text)
    return parse_contract(path)


def test_activity_after_death_completeness_and_duplicates_from_the_quality_block(tmp_path):
    contracts = [_contract(tmp_path, "burials", REGISTER), _contract(tmp_path, "visits", VISITS)]
    with duckdb.connect() as con:
        con.execute("create schema raw")
        con.execute("""create table raw.burials as select * from (values
            ('p1', date '2024-05-10', date '2024-05-20', date '2024-06-01', null::varchar))
            t(who, died_on, buried_on, extract_date, _dq_flags)""")
        con.execute("""create table raw.visits as select * from (values
            ('v1', 'p1', 'A', date '2024-05-01', date '2024-06-01', null::varchar),
            ('v2', 'p1', null, date '2024-05-15', date '2024-06-01', 'place:pattern'),
            ('v2', 'p2', 'B', date '2024-05-16', date '2024-09-01', null))
            t(visit, visitor, place, seen_on, extract_date, _dq_flags)""")
        assert refresh_data_quality(con, contracts) == 2
        summary = {m.source: m for m in source_months(con)}
    visits = summary["visits"]
    assert visits.rows == 3 and visits.activity_after_death == 1  # p1 seen after 10 May
    assert visits.duplicate_rows == 2  # v2 twice
    assert visits.completeness == round(5 / 6, 6) and visits.validity == round(2 / 3, 6)
    assert visits.timeliness == round(2 / 3, 6)  # the September delivery is late
    assert summary["burials"].activity_after_death == 0  # the register's own rows are the deaths


def test_a_source_without_a_quality_block_is_left_out(tmp_path):
    contract = _contract(tmp_path, "visits", VISITS.replace(
        "quality: {event_date: seen_on, key_fields: [visitor, place], person: visitor}\n", ""))
    assert contract.quality is None
    with duckdb.connect() as con:
        assert refresh_data_quality(con, [contract]) == 0
