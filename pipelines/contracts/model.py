"""Data contracts: the YAML files in data_contracts/ read into typed objects.

A contract is the single home for everything known about a delivered extract: its file format and
name pattern, its columns and their types, the rules its values must keep, the severity of each rule
(``reject`` quarantines the whole batch, ``flag`` loads the rows with a flag) and the sensitivity of
each column (``identifier`` values are never shown in reports or logs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pipelines.config import CONTRACTS_DIR

SEVERITIES = ("reject", "flag")
SENSITIVITIES = ("identifier", "quasi_identifier", "clinical", "none")
FORMATS = ("csv", "parquet")

# How a value held as text must look to be castable to the contract's type. Applied at landing so
# that a bad value is reported by column and rule instead of failing a CAST inside the warehouse.
TYPE_PATTERNS = {
    "BIGINT": r"^-?[0-9]+$",
    "DOUBLE": r"^-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
    "DATE": r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
    "TIMESTAMP": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?$",
    "BOOLEAN": r"^(?:true|false|TRUE|FALSE|True|False|0|1)$",
    "VARCHAR": None,
}


class ContractError(ValueError):
    """A contract file itself is wrong (not the data it describes)."""


@dataclass(frozen=True)
class Rule:
    column: str | None  # None for table-level rules
    kind: str  # not_null | type | pattern | allowed_values | between | unique_key | row_count
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.column}:{self.kind}" if self.column else self.kind


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool
    sensitivity: str
    description: str = ""
    pseudonymise_into: str | None = None  # a clear NHS number, replaced at landing by this column

    @property
    def raw_name(self) -> str:
        return self.pseudonymise_into or self.name


@dataclass(frozen=True)
class Quality:
    """What the data-quality summary (``ops.data_quality``) needs to know about a source."""

    event_date: str  # the date that places a row in a month of activity
    key_fields: tuple[str, ...] = ()  # fields whose completeness is reported
    person: str | None = None  # the raw column naming the person a row is about
    date_of_death: str | None = None  # set on a death register: its rows say when a person died


@dataclass(frozen=True)
class Contract:
    id: str
    title: str  # the source as people say it ("GP records"): its one display name, in the board pack too
    version: str
    owner: str
    frequency: str
    format: str
    file_pattern: str
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    path: Path
    quality: Quality | None = None  # None: the source is left out of the data-quality summary

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def identifier_columns(self) -> set[str]:
        """Identifier columns by their delivered and their raw name (a pseudonym still identifies)."""
        return {name for c in self.columns if c.sensitivity == "identifier"
                for name in (c.name, c.raw_name)}


def _severity(value: str | None, where: str) -> str:
    severity = value or "reject"
    if severity not in SEVERITIES:
        raise ContractError(f"{where}: severity must be one of {SEVERITIES}, got {severity!r}")
    return severity


def parse_contract(path: Path) -> Contract:
    doc = yaml.safe_load(path.read_text())
    where = path.name
    try:
        delivery = doc["delivery"]
        columns, rules = [], []
        for spec in doc["columns"]:
            col_type = spec["type"].upper()
            if col_type not in TYPE_PATTERNS:
                raise ContractError(f"{where}: column {spec['name']} has unknown type {col_type}")
            if spec.get("sensitivity", "none") not in SENSITIVITIES:
                raise ContractError(f"{where}: column {spec['name']} has unknown sensitivity")
            column = Column(
                name=spec["name"],
                type=col_type,
                nullable=bool(spec.get("nullable", True)),
                sensitivity=spec.get("sensitivity", "none"),
                description=spec.get("description", ""),
                pseudonymise_into=spec.get("pseudonymise_into"),
            )
            if column.pseudonymise_into and column.sensitivity != "identifier":
                raise ContractError(f"{where}: {column.name} is pseudonymised, so it must be "
                                    "sensitivity: identifier")
            columns.append(column)
            if column.pseudonymise_into:  # checked by modulus 11 at landing, then replaced
                if not column.nullable:
                    rules.append(Rule(column.raw_name, "not_null", "reject"))
                continue
            if not column.nullable:
                rules.append(Rule(column.name, "not_null", "reject"))
            if TYPE_PATTERNS[col_type]:
                rules.append(Rule(column.name, "type", "reject", {"type": col_type}))
            for rule in spec.get("rules", []):
                kind = rule["rule"]
                params = {k: v for k, v in rule.items() if k not in ("rule", "severity")}
                rules.append(Rule(column.name, kind, _severity(rule.get("severity"), where), params))
        key = doc.get("primary_key")
        if key:
            raw_names = {c.name: c.raw_name for c in columns}
            rules.append(
                Rule(None, "unique_key", _severity(key.get("severity"), where),
                     {"columns": [raw_names.get(c, c) for c in key["columns"]]})
            )
        if doc.get("row_count"):
            rules.append(Rule(None, "row_count", "reject", dict(doc["row_count"])))
        contract_format = delivery["format"]
        if contract_format not in FORMATS:
            raise ContractError(f"{where}: delivery.format must be one of {FORMATS}")
        return Contract(
            id=doc["id"],
            title=doc["title"],
            version=str(doc.get("version", "0")),
            owner=doc["owner"],
            frequency=delivery["frequency"],
            format=contract_format,
            file_pattern=delivery["file_pattern"],
            columns=tuple(columns),
            rules=tuple(rules),
            path=path,
            quality=_quality(doc.get("quality"), {c.raw_name for c in columns}, where),
        )
    except KeyError as missing:
        raise ContractError(f"{where}: required key {missing} is missing") from None


def _quality(spec: dict | None, raw_columns: set[str], where: str) -> Quality | None:
    if not spec:
        return None
    quality = Quality(event_date=spec["event_date"], key_fields=tuple(spec.get("key_fields", ())),
                      person=spec.get("person"), date_of_death=spec.get("date_of_death"))
    named = [quality.event_date, *quality.key_fields, quality.person, quality.date_of_death]
    unknown = [name for name in named if name is not None and name not in raw_columns]
    if unknown:
        raise ContractError(f"{where}: quality names unknown column(s) {', '.join(unknown)}")
    if quality.date_of_death and not quality.person:
        raise ContractError(f"{where}: a death register (quality.date_of_death) needs quality.person")
    return quality


@cache
def load_contracts(directory: Path = CONTRACTS_DIR) -> dict[str, Contract]:
    """All contracts, by source id (which is also the landing sub-folder and the raw table name)."""
    contracts = {}
    for path in sorted(directory.glob("*.yml")):
        contract = parse_contract(path)
        if contract.id != path.stem:
            raise ContractError(f"{path.name}: id {contract.id!r} must match the file name")
        contracts[contract.id] = contract
    return contracts


def source_title(source_id: str) -> str:
    """A source as the board pack names it: its contract's title, not its id ("GP records", not
    gp_events); the id itself when no contract has it (a source since retired)."""
    contract = load_contracts().get(source_id)
    return contract.title if contract else source_id
