"""Compile contracts into Great Expectations suites and validate landed files with them.

GX cannot validate DuckDB through SQL (GX 1.x has no DuckDB dialect; through duckdb-engine every
expectation fails with "list index out of range", GX issue #10738), and handing it every landed row
as a pandas frame made validation most of the ingest time. But every contract rule except the row count
is a rule about values: whether a row passes depends only on its value. So GX validates each
column's *domain* — its distinct values in the chunk of files being landed — and DuckDB, which
computed the domains, maps each failing value back to its rows. Counts, examples and row flags stay
exact, while GX's work scales with the number of distinct values instead of rows.

- a column with value rules (type, pattern, allowed values, range): its distinct values, NULL once
  if present;
- a column with only a not-null rule: one value, and NULL if the column has any;
- a key (unique within each delivered file): the distinct numbers of rows per key value, which
  must be 1;
- row counts: checked per file here, not in GX.

GX's frame holds the domains side by side. A shorter domain is padded with NULL, which GX's value
rules ignore; not-null rules run on a copy padded with the column's first value instead. A long
domain is validated in a frame of its own, unpadded.

Values arrive as text. A type rule means "casts to the contract's type": GX checks the shape (a
regular expression) and DuckDB's ``try_cast`` on the same domain catches what has the shape but no
value of the type (the 30th of February, a number beyond BIGINT), so the load's cast cannot fail on
a validated file; the failing values of both are the rule's. Range rules run on a numeric shadow of
the domain, so that a non-number is reported once, by the type rule.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.contracts.model import TYPE_PATTERNS, Contract, Rule
from pipelines.landing.batch import Batch, BatchStatus
from pipelines.landing.findings import REDACTED, Finding
from pipelines.landing.scratch import FILE_COLUMN, FLAGS_COLUMN, LANDED, create_landed

EXAMPLES_SHOWN = 3
VALUE_RULES = ("type", "pattern", "allowed_values", "between")
LONG_DOMAIN = 10_000  # distinct values beyond which a domain is validated in a frame of its own


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _numeric_shadow(column: str) -> str:
    return f"{column}__as_number"


def _key_domain(rule: Rule) -> str:
    return "+".join(rule.params["columns"]) + "__rows_per_key"


def _for_not_null(column: str) -> str:
    return f"{column}__for_not_null"


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    failing_count: int
    examples: tuple[str, ...] = ()  # for reject rules only: values, for the quarantine report
    detail: str = ""  # value-free, for messages

    @property
    def passed(self) -> bool:
        return self.failing_count == 0


@dataclass(frozen=True)
class ValidationResult:
    contract_id: str
    rows: int
    results: tuple[RuleResult, ...]
    rows_flagged: int = 0  # rows breaking at least one flag rule
    first_row: int = 0  # rowid of the file's first row in `landed`

    @property
    def rejections(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.rule.severity == "reject"]

    @property
    def flags(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.rule.severity == "flag"]

    @property
    def findings(self) -> list[Finding]:
        """The broken reject rules, as the quarantine report shows them."""
        return [Finding(r.rule.kind, r.rule.column or ",".join(r.rule.params.get("columns", []))
                        or None, None if r.rule.kind == "row_count" else r.failing_count,
                        r.detail or _detail(r.rule), r.examples) for r in self.rejections]


def _detail(rule: Rule) -> str:
    """What a broken rule means, where its name alone does not say."""
    if rule.kind == "type":
        return f"not a {rule.params['type']} value"
    return ""


def _expectation(gx, rule: Rule, padded: bool):
    e, p, col = gx.expectations, rule.params, rule.column
    match rule.kind:
        case "not_null":
            return e.ExpectColumnValuesToNotBeNull(column=_for_not_null(col) if padded else col)
        case "type":
            return e.ExpectColumnValuesToMatchRegex(column=col, regex=TYPE_PATTERNS[p["type"]])
        case "pattern":
            return e.ExpectColumnValuesToMatchRegex(column=col, regex=p["regex"])
        case "allowed_values":
            return e.ExpectColumnValuesToBeInSet(column=col, value_set=[str(v) for v in p["values"]])
        case "between":
            return e.ExpectColumnValuesToBeBetween(
                column=_numeric_shadow(col), min_value=p.get("min"), max_value=p.get("max"))
        case "unique_key":
            return e.ExpectColumnValuesToBeBetween(column=_key_domain(rule), min_value=1,
                                                   max_value=1)
    raise ValueError(f"contract rule {rule.kind!r} has no Great Expectations translation")


class ContractValidator:
    """An ephemeral GX context with one suite per contract, built on first use — one per thread,
    as a GX context is not made to be shared."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def _context(self):
        if not hasattr(self._local, "context"):
            import great_expectations as gx  # slow import (~3 s): only when a file lands
            from great_expectations.data_context.types.base import ProgressBarsConfig
            from great_expectations.execution_engine import pandas_execution_engine

            # GX fingerprints (hashes) every pandas frame under 1 GB it is given, as batch metadata
            # that nothing here reads; on the full-ICS extracts that was ~40% of validation time.
            pandas_execution_engine.HASH_THRESHOLD = 0

            logging.getLogger("great_expectations").setLevel(logging.ERROR)
            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._local.context = gx, context, context.data_sources.add_pandas("landing")
            self._local.definitions = {}
        return self._local.context

    def start(self) -> None:
        """Start Great Expectations now (~3 s) rather than on the first file (for timings)."""
        self._context  # noqa: B018 -- the property builds the context

    def _definition(self, contract: Contract, rules: list[Rule], padded: bool):
        """A validation definition for some of the contract's rules (those of one frame)."""
        gx, context, datasource = self._context
        name = contract.id + ":" + ",".join(rule.name for rule in rules) + ":padded" * padded
        if name not in self._local.definitions:
            batch = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe(
                "domains")
            suite = context.suites.add(gx.ExpectationSuite(name=name))
            for rule in rules:
                suite.add_expectation(_expectation(gx, rule, padded))
            self._local.definitions[name] = context.validation_definitions.add(
                gx.ValidationDefinition(name=name, data=batch, suite=suite))
        return self._local.definitions[name]

    def validate_landed(self, con: duckdb.DuckDBPyConnection, contract: Contract, files: list[str]
                        ) -> dict[str, ValidationResult]:
        """Validate the given files (FILE_COLUMN values) of `landed`.

        Marks each row's broken flag rules in `landed` (FLAGS_COLUMN); the failing values of each
        broken rule are kept in a temporary table until the next validation on this connection."""
        rules = [rule for rule in contract.rules if rule.kind != "row_count"]
        failing_sql: dict[int, str] = {}
        if con.execute(f"select count(*) from {LANDED}").fetchall()[0][0] == 0:
            return _per_file(con, contract, rules, failing_sql, files)
        domains = _domains(con, rules)
        failing_values: dict[int, set[int]] = {}  # rule number → positions in its domain
        for group in _frames(domains):
            numbers = [n for n, rule in enumerate(rules) if _domain_name(rule) in group]
            group_rules = [rules[n] for n in numbers]
            padded = len(group) > 1
            frame = _domain_frame(
                {name: domains[name] for name in group},
                numeric={r.column for r in group_rules if r.kind == "between"},
                not_null={r.column for r in group_rules if r.kind == "not_null"} if padded else set())
            run = self._definition(contract, group_rules, padded).run(
                batch_parameters={"dataframe": frame}, result_format={"result_format": "COMPLETE"})
            for number, rule, outcome in zip(numbers, group_rules, run.results, strict=True):
                if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                    message = outcome.exception_info.get("exception_message", "unknown error")
                    raise RuntimeError(f"{contract.id}: rule {rule.name} could not run: {message}")
                failing_values[number] = set((outcome.result or {}).get("unexpected_index_list") or [])
        for number, rule in enumerate(rules):
            if rule.kind == "type":
                failing_values[number] |= _uncastable(con, domains[rule.column], rule.params["type"])
        for number, failing in failing_values.items():
            if failing:
                failing_sql[number] = _failing_rows_sql(con, rules[number], number, domains,
                                                        sorted(failing))
        _mark_flags(con, [(rules[n], sql) for n, sql in failing_sql.items()
                          if rules[n].severity == "flag"])
        return _per_file(con, contract, rules, failing_sql, files)

    def validate_batches(self, con: duckdb.DuckDBPyConnection, contract: Contract,
                         batches: list[Batch]) -> None:
        """Validate the batches that were READ into `landed`: each becomes VALIDATED with its
        result and row count, and every reject rule it breaks becomes one of its findings."""
        read = [b for b in batches if b.status == BatchStatus.READ]
        if not read:
            return
        results = self.validate_landed(con, contract, [b.landed_name for b in read])
        for batch in read:
            batch.validation = results[batch.landed_name]
            batch.rows_read = batch.validation.rows
            batch.findings += batch.validation.findings
            batch.status = BatchStatus.VALIDATED

    def validate_frame(self, contract: Contract, frame: pd.DataFrame) -> ValidationResult:
        """Validate one frame of text values as if it were a landed file (for tests and notebooks)."""
        with duckdb.connect() as con:
            con.register("frame", frame)
            columns = ", ".join(f"cast({_quote(c)} as varchar) as {_quote(c)}" for c in frame.columns)
            create_landed(con, contract)
            con.execute(f"insert into {LANDED} by name select {columns}, 'frame' as "
                        f"{_quote(FILE_COLUMN)} from frame")
            return self.validate_landed(con, contract, ["frame"])["frame"]


def _domain_name(rule: Rule) -> str:
    return _key_domain(rule) if rule.kind == "unique_key" else rule.column


def _frames(domains: dict[str, pa.Array]) -> list[list[str]]:
    """Which domains GX validates together. Side by side, every domain is padded to the longest;
    GX fingerprints (hashes) the whole frame on each run, so a long domain (e.g. a person id's
    ~700,000 values in a chunk) gets a frame of its own and the short ones share one."""
    long = [[name] for name, values in domains.items() if len(values) > LONG_DOMAIN]
    short = [name for name, values in domains.items() if len(values) <= LONG_DOMAIN]
    return long + ([short] if short else [])


def _domains(con, rules: list[Rule]) -> dict[str, pa.Array]:
    """Each GX column's domain over `landed`, computed by DuckDB."""
    value_columns = {r.column for r in rules if r.kind in VALUE_RULES}
    domains: dict[str, pa.Array] = {}
    for rule in rules:
        if rule.kind == "unique_key":
            keys, present = _key_sql(rule)
            domains[_key_domain(rule)] = _column(con, f"select distinct count(*) from {LANDED} "
                                                      f"where {present} group by {keys}")
        elif rule.column not in domains:
            column = _quote(rule.column)
            domains[rule.column] = _column(con, (
                f"select distinct {column} from {LANDED}" if rule.column in value_columns else
                f"select min({column}) from {LANDED} union all "
                f"select null from {LANDED} where {column} is null limit 2"))
    return domains


def _uncastable(con, domain: pa.Array, sql_type: str) -> set[int]:
    """Positions in the domain of the values DuckDB cannot cast to the contract's type."""
    con.register("type_domain", pa.table({"position": pa.array(range(len(domain)), pa.int64()),
                                          "value": domain.cast(pa.string())}))
    try:
        return {row[0] for row in con.execute(
            f"select position from type_domain where value is not null and "
            f"try_cast(value as {sql_type}) is null").fetchall()}
    finally:
        con.unregister("type_domain")


def _key_sql(rule: Rule) -> tuple[str, str]:
    """A key rule's columns with the file (unique within each file) as a SQL list, and the
    condition that every key column is present (rows missing a key part are not checked)."""
    listed = ", ".join(_quote(c) for c in [FILE_COLUMN, *rule.params["columns"]])
    present = " and ".join(f"{_quote(c)} is not null" for c in rule.params["columns"])
    return listed, present


def _column(con, sql: str) -> pa.Array:
    return con.sql(sql).to_arrow_table().column(0).combine_chunks()


def _domain_frame(domains: dict[str, pa.Array], numeric: set[str], not_null: set[str]
                  ) -> pd.DataFrame:
    """The domains side by side, padded with NULL; the `numeric` ones with a numeric shadow for
    range rules, the `not_null` ones with a copy padded with their first value."""
    length = max((len(values) for values in domains.values()), default=0)
    frame = {}
    for name, values in domains.items():
        frame[name] = _padded(values, pa.nulls(length - len(values), values.type))
        if name in not_null:
            frame[_for_not_null(name)] = _padded(values, pa.repeat(values[0], length - len(values)))
        if name in numeric:
            frame[_numeric_shadow(name)] = pd.to_numeric(frame[name], errors="coerce")
    return pd.DataFrame(frame)


def _padded(values: pa.Array, padding: pa.Array) -> pd.Series:
    return pd.Series(pa.concat_arrays([values, padding.cast(values.type)]).to_pandas(
        types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get))


def _failing_rows_sql(con, rule: Rule, number: int, domains: dict[str, pa.Array],
                      failing: list[int]) -> str:
    """SQL selecting the rows of `landed` whose value GX found failing (the values are kept in a
    temporary table, as there may be many)."""
    if rule.kind == "not_null":
        return f"{_quote(rule.column)} is null"
    table = f"__failing_{number}"
    if rule.kind == "unique_key":
        listed, present = _key_sql(rule)
        counts = pa.table({"n": domains[_key_domain(rule)].take(pa.array(failing))})
        con.register("failing_counts", counts)
        con.execute(f"create or replace temp table {table} as select {listed} from {LANDED} "
                    f"where {present} group by all having count(*) in (select n from failing_counts)")
        con.unregister("failing_counts")
        return f"({listed}) in (select {listed} from {table})"
    values = pa.table({"value": domains[rule.column].take(pa.array(failing))})
    con.register("failing_values", values)
    con.execute(f"create or replace temp table {table} as select distinct value from failing_values")
    con.unregister("failing_values")
    return f"{_quote(rule.column)} in (select value from {table})"


def _mark_flags(con, flags: list[tuple[Rule, str]]) -> None:
    """Write into `landed` the names of the flag rules each row breaks, ';'-separated."""
    if flags:
        cases = ", ".join(f"case when {sql} then {_literal(rule.name)} end" for rule, sql in flags)
        con.execute(f"update {LANDED} set {FLAGS_COLUMN} = concat_ws(';', {cases}) "
                    f"where {' or '.join(sql for _, sql in flags)}")


def _per_file(con, contract: Contract, rules: list[Rule], failing_sql: dict[int, str],
              files: list[str]) -> dict[str, ValidationResult]:
    """Failing rows per rule and file, in one pass over `landed` (a file with no rows has none)."""
    counts = [f"count(*) filter (where {sql})" for sql in failing_sql.values()]
    flagged = f"count(*) filter (where {FLAGS_COLUMN} is not null)"
    rows = con.execute(
        f"select {FILE_COLUMN}, count(*), min(rowid), {flagged}{''.join(', ' + c for c in counts)} "
        f"from {LANDED} group by {FILE_COLUMN}").fetchall()
    found = {row[0] for row in rows}
    rows += [(file, 0, 0, 0, *[0] * len(counts)) for file in files if file not in found]
    results = {}
    for file, size, first_row, rows_flagged, *failing_counts in rows:
        by_rule = dict(zip(failing_sql, failing_counts, strict=True))
        per_rule = []
        for number, rule in enumerate(rules):
            count = by_rule.get(number, 0)
            reported = count and rule.severity == "reject"  # flags are counted, not reported
            examples = _safe_examples(con, contract, rule, file, failing_sql[number]) \
                if reported else ()
            per_rule.append(RuleResult(rule, count, examples))
        per_rule += [_row_count(rule, size) for rule in contract.rules if rule.kind == "row_count"]
        results[file] = ValidationResult(contract.id, size, tuple(per_rule), rows_flagged, first_row)
    return {file: results[file] for file in files}


def _row_count(rule: Rule, size: int) -> RuleResult:
    low, high = rule.params.get("min"), rule.params.get("max")
    broken = (low is not None and size < low) or (high is not None and size > high)
    limits = " and ".join(part for part in (low is not None and f"at least {low}",
                                            high is not None and f"at most {high}") if part)
    return RuleResult(rule, int(broken), (), f"{size} rows; the contract says {limits}"
                      if broken else "")


def _safe_examples(con, contract: Contract, rule: Rule, file: str, failing: str) -> tuple[str, ...]:
    """A few distinct failing values of this file for the report, never showing an identifier."""
    columns = rule.params.get("columns") or [rule.column]
    if rule.kind == "not_null":
        return ()
    if set(columns) & contract.identifier_columns:
        return (REDACTED,)
    shown = " || ' / ' || ".join(f"coalesce(cast({_quote(c)} as varchar), 'NULL')" for c in columns)
    rows = con.execute(f"select distinct {shown} from {LANDED} where {FILE_COLUMN} = ? and {failing} "
                       f"order by 1 limit {EXAMPLES_SHOWN}", [file]).fetchall()
    return tuple(row[0] for row in rows)
