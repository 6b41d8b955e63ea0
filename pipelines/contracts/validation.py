"""Compile contracts into Great Expectations suites and validate landed batches with them.

GX runs on a pandas frame of the landed file (GX cannot validate DuckDB through SQL, see
CONVENTIONS.md 5.1). Every value arrives as text, so type rules are regular expressions; numeric
range rules run on a numeric shadow column so that a non-number is reported once, by the type rule.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pipelines.contracts.model import TYPE_PATTERNS, Contract, Rule

REDACTED = "<identifier withheld>"
BATCH = "__batch"  # which delivered file a row of a combined validation frame came from
EXAMPLES_SHOWN = 3


def _numeric_shadow(column: str) -> str:
    return f"{column}__as_number"


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    failing_count: int
    examples: tuple[str, ...] = ()
    failing_rows: tuple[int, ...] = field(default=(), repr=False)

    @property
    def passed(self) -> bool:
        return self.failing_count == 0


@dataclass(frozen=True)
class ValidationResult:
    contract_id: str
    rows: int
    results: tuple[RuleResult, ...]

    @property
    def rejections(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.rule.severity == "reject"]

    @property
    def flags(self) -> list[RuleResult]:
        return [r for r in self.results if not r.passed and r.rule.severity == "flag"]

    @property
    def flags_by_row(self) -> dict[int, list[str]]:
        """Row position → names of the flag rules that row breaks."""
        by_row: dict[int, list[str]] = {}
        for result in self.flags:
            for row in result.failing_rows:
                by_row.setdefault(row, []).append(result.rule.name)
        return by_row


def _expectation(gx, rule: Rule):
    e, p, col = gx.expectations, rule.params, rule.column
    match rule.kind:
        case "not_null":
            return e.ExpectColumnValuesToNotBeNull(column=col)
        case "type":
            return e.ExpectColumnValuesToMatchRegex(column=col, regex=TYPE_PATTERNS[p["type"]])
        case "pattern":
            return e.ExpectColumnValuesToMatchRegex(column=col, regex=p["regex"])
        case "allowed_values":
            return e.ExpectColumnValuesToBeInSet(column=col, value_set=[str(v) for v in p["values"]])
        case "between":
            return e.ExpectColumnValuesToBeBetween(
                column=_numeric_shadow(col), min_value=p.get("min"), max_value=p.get("max")
            )
        case "unique_key":  # unique within each delivered file, not across files
            return e.ExpectCompoundColumnsToBeUnique(
                column_list=[*p["columns"], BATCH], ignore_row_if="any_value_is_missing"
            )
    raise ValueError(f"contract rule {rule.kind!r} has no Great Expectations translation")


class ContractValidator:
    """An ephemeral GX context with one suite per contract, built on first use — one per thread,
    because landing validates chunks in worker threads and a GX context is not made to be shared."""

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    def _context(self):
        if not hasattr(self._local, "context"):
            import great_expectations as gx  # slow import (~3 s): only when a file lands
            from great_expectations.data_context.types.base import ProgressBarsConfig

            logging.getLogger("great_expectations").setLevel(logging.ERROR)
            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self._local.context = gx, context, context.data_sources.add_pandas("landing")
            self._local.definitions = {}
        return self._local.context

    @property
    def _definitions(self) -> dict[str, tuple]:
        _ = self._context  # this thread's context, and its empty definitions, on first use
        return self._local.definitions

    def _definition(self, contract: Contract):
        if contract.id not in self._definitions:
            gx, context, datasource = self._context
            batch = datasource.add_dataframe_asset(contract.id).add_batch_definition_whole_dataframe(
                "whole_file"
            )
            suite = context.suites.add(gx.ExpectationSuite(name=contract.id))
            for rule in contract.rules:
                if rule.kind != "row_count":
                    suite.add_expectation(_expectation(gx, rule))
            definition = context.validation_definitions.add(
                gx.ValidationDefinition(name=contract.id, data=batch, suite=suite)
            )
            self._definitions[contract.id] = (definition, list(contract.rules))
        return self._definitions[contract.id]

    def validate(self, contract: Contract, frame: pd.DataFrame) -> ValidationResult:
        return self.validate_batches(contract, [frame])[0]

    def validate_batches(self, contract: Contract, frames: list[pd.DataFrame]
                         ) -> list[ValidationResult]:
        """Validate several files of one source in one GX run (GX spends ~0.2 s per run however
        small the frame), then split every rule's failing rows back to the file they came from."""
        sizes = [len(frame) for frame in frames]
        offsets = np.cumsum([0, *sizes])
        combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        combined[BATCH] = np.repeat(np.arange(len(frames)), sizes)
        for rule in contract.rules:
            if rule.kind == "between":
                combined[_numeric_shadow(rule.column)] = pd.to_numeric(combined[rule.column],
                                                                        errors="coerce")
        definition, rules = self._definition(contract)
        run = definition.run(batch_parameters={"dataframe": combined},
                             result_format={"result_format": "COMPLETE"})
        per_batch: list[list[RuleResult]] = [[] for _ in frames]
        outcomes = iter(run.results)
        for rule in rules:
            if rule.kind == "row_count":  # a property of each file: checked here, not in GX
                for b, size in enumerate(sizes):
                    low, high = rule.params.get("min"), rule.params.get("max")
                    broken = (low is not None and size < low) or (high is not None and size > high)
                    per_batch[b].append(RuleResult(rule, int(broken),
                                                   (f"{size} rows",) if broken else ()))
                continue
            outcome = next(outcomes)
            if outcome.exception_info and outcome.exception_info.get("raised_exception"):
                message = outcome.exception_info.get("exception_message", "unknown error")
                raise RuntimeError(f"{contract.id}: rule {rule.name} could not run: {message}")
            failing = np.asarray((outcome.result or {}).get("unexpected_index_list") or [], int)
            batch_of = np.searchsorted(offsets, failing, side="right") - 1
            for b in range(len(frames)):
                rows = failing[batch_of == b]
                per_batch[b].append(RuleResult(
                    rule, int(rows.size), _safe_examples(contract, rule, combined, rows),
                    tuple(int(r) for r in rows - offsets[b])))
        return [ValidationResult(contract.id, size, tuple(results))
                for size, results in zip(sizes, per_batch, strict=True)]


def _safe_examples(contract: Contract, rule: Rule, frame: pd.DataFrame, rows: np.ndarray
                   ) -> tuple[str, ...]:
    """A few distinct failing values for the report, never showing an identifier."""
    columns = rule.params.get("columns") or [rule.column]
    if rule.kind == "not_null" or rows.size == 0:
        return ()
    if set(columns) & contract.identifier_columns:
        return (REDACTED,)
    sample = frame.loc[rows[:50], columns]
    values = (sample.iloc[:, 0].astype(str) if len(columns) == 1
              else sample.astype(str).agg(" / ".join, axis=1))
    return tuple(list(dict.fromkeys(values))[:EXAMPLES_SHOWN])
