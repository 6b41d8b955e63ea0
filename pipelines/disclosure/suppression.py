"""Which counts are withheld: primary suppression, then secondary suppression until no withheld
count can be worked out from the published ones.

A count is withheld, never a zero: a zero names no-one, and a hidden zero protects nothing (it is
the first value an attacker tries). The rules, applied to every count id (pipelines.disclosure.
relations numbers them):

1. Primary. A numerator or denominator from suppress_min to suppress_max; for proportions also a
   numerator whose complement (denominator - numerator) is that small, and a numerator equal to a
   denominator under attribute_min_denominator ("all 12 of them": attribute disclosure). A row
   whose denominator is withheld has its numerator withheld too.
2. Secondary, per relation. A relation with exactly one withheld count gives it away by
   subtraction, so one more count of that relation is withheld: the smallest non-zero published
   member, taking first counts that are no relation's total (the finest cells), then totals of
   other relations, and a relation's own total last, so that ICS and place totals stay visible.
   This holds where the total exceeds its parts' sum by an unpublished residual (people with no
   known residence count in the ICS only) too: a reader who takes the residual for 0 comes close.
3. Secondary, across relations. Subtraction can chain through several relations; a withheld count
   is exposed when the relations determine it (its unit vector lies in their row space, with the
   published counts known and each residual an unknown of its own). Each exposed count gets one
   more complement from the relations that determine it, and rule 2 runs again, until nothing is
   exposed.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from pipelines.disclosure.policy import DisclosurePolicy
from pipelines.disclosure.relations import Relation, count_values

PRIMARY, SECONDARY = "primary", "secondary"
STATUSES = (PRIMARY, SECONDARY)  # a published count has no status (NULL)


def primary(cells: pd.DataFrame, policy: DisclosurePolicy) -> np.ndarray:
    """True for every count id withheld by rule 1."""
    values = count_values(cells)
    numerator, denominator = values[0::2], values[1::2]
    proportion = cells["value_type"].eq("proportion").to_numpy()

    with np.errstate(invalid="ignore"):
        hidden_denominator = policy.is_small(denominator)
        hidden_numerator = (policy.is_small(numerator) | hidden_denominator
                            | (proportion & policy.is_small(denominator - numerator))
                            | (proportion & (numerator == denominator)
                               & (denominator < policy.attribute_min_denominator)))
    hidden = np.zeros(values.size, dtype=bool)
    hidden[0::2] = hidden_numerator & (numerator > 0)
    hidden[1::2] = hidden_denominator
    return hidden


def protect(values: np.ndarray, hidden: np.ndarray, relations: list[Relation]) -> np.ndarray:
    """Rules 2 and 3: returns the final withheld mask (primary and secondary)."""
    hidden = hidden.copy()
    containing = defaultdict(list)
    for index, relation in enumerate(relations):
        for member in relation.members:
            containing[member].append(index)
    # 1 for a count that is some relation's total (a margin), or that is the same count as one (a
    # place with one local authority, a count shared by two indicators): withheld only when no
    # finer cell will do, since withholding it withholds a total too
    is_total = np.zeros(values.size, dtype=int)
    is_total[[r.total for r in relations if r.kind != "same_count"]] = 1
    pairs = [r for r in relations if len(r.parts) == 1]
    for _ in range(3):  # a chain of same counts takes a few passes
        for r in pairs:
            is_total[r.total] = is_total[r.parts[0]] = max(is_total[r.total], is_total[r.parts[0]])
    rank = (is_total, values)
    pending = sorted({i for count in np.flatnonzero(hidden) for i in containing[count]})
    incidence = _Incidence(relations, values.size)
    audited: set[tuple[int, ...]] = set()  # groups already found safe, unchanged since
    while True:
        _close_single_gaps(rank, hidden, relations, containing, pending)
        exposed = _exposed(hidden, relations, incidence, audited)
        if not exposed:
            return hidden
        pending = []
        for used in exposed:
            complement = _complement(rank, hidden, used)
            if complement is not None:
                hidden[complement] = True
                pending += containing[complement]
        if not pending:  # nothing left to withhold around them (cannot happen with counts >= 0)
            raise RuntimeError(f"disclosure control cannot protect {len(exposed)} withheld counts")


def _complement(rank, hidden: np.ndarray, relations: list[Relation]) -> int | None:
    """The count to withhold next: a non-zero published member, the finest and smallest first
    (`rank` = (is a relation's total, value)); a relation's own total only when nothing else."""
    is_total, values = rank
    parts = [p for r in relations for p in r.parts if not hidden[p] and values[p] > 0]
    if parts:
        return min(parts, key=lambda p: (is_total[p], values[p], p))
    totals = [r.total for r in relations if not hidden[r.total] and values[r.total] > 0]
    return min(totals, key=lambda t: (values[t], t)) if totals else None


def _close_single_gaps(rank, hidden, relations, containing, pending) -> None:
    """Rule 2 until no relation has exactly one withheld count."""
    queue = list(pending)
    while queue:
        relation = relations[queue.pop()]
        withheld = [m for m in relation.members if hidden[m]]
        if len(withheld) != 1:
            continue  # (a residual does not protect here: a reader may well take it to be 0)
        complement = _complement(rank, hidden, [relation])
        if complement is None:
            continue  # every other member is zero: the withheld count equals a published total
        hidden[complement] = True
        queue += containing[complement]


class _Incidence:
    """The relations as one sparse table of (relation, member, sign), for rule 3."""

    def __init__(self, relations: list[Relation], counts: int):
        lengths = np.array([len(r.members) for r in relations], dtype=np.int64)
        self.relation = np.repeat(np.arange(len(relations)), lengths)
        self.member = np.fromiter((m for r in relations for m in r.members), dtype=np.int64,
                                  count=int(lengths.sum()))
        self.sign = np.ones(self.member.size)
        self.sign[np.cumsum(lengths) - lengths] = -1.0  # each relation's total comes first
        self.residual = np.array([r.residual != 0 for r in relations], dtype=bool)
        self.relations, self.counts = len(relations), counts


def _exposed(hidden: np.ndarray, relations: list[Relation], incidence: _Incidence,
             audited: set) -> list[list[Relation]]:
    """Rule 3: for each withheld count that the relations determine (with every published count
    known), the relations that determine it. A relation with a residual has one more unknown of
    its own. Works per connected group of withheld counts; groups in `audited` were safe before."""
    entry = hidden[incidence.member]  # the withheld members of every relation
    rel, member, sign = incidence.relation[entry], incidence.member[entry], incidence.sign[entry]
    # connected groups: withheld counts linked through the relations they share
    graph = sparse.coo_matrix((np.ones(rel.size), (rel, incidence.relations + member)),
                              shape=(incidence.relations + incidence.counts,) * 2)
    _, label = csgraph.connected_components(graph, directed=False)
    order = np.argsort(label[rel], kind="stable")
    rel, member, sign = rel[order], member[order], sign[order]
    bounds = np.flatnonzero(np.diff(label[rel])) + 1
    exposed = []
    for rows, columns_of, signs in zip(np.split(rel, bounds), np.split(member, bounds),
                                       np.split(sign, bounds), strict=True):
        columns = np.unique(columns_of)
        signature = tuple(columns.tolist())
        if signature in audited:
            continue
        group = np.unique(rows)
        row_of = np.searchsorted(group, rows)
        residuals = np.flatnonzero(incidence.residual[group])
        matrix = np.zeros((group.size, columns.size + residuals.size))
        np.add.at(matrix, (row_of, np.searchsorted(columns, columns_of)), signs)
        matrix[residuals, columns.size + np.arange(residuals.size)] = 1.0  # unknown residuals
        u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        rank = int((singular > 1e-9 * max(1.0, singular.max(initial=0))).sum())
        u, singular, vt = u[:, :rank], singular[:rank], vt[:rank, :columns.size]
        # a count is determined when its unit vector lies in the row space: projection 1
        determined = np.flatnonzero((vt ** 2).sum(axis=0) > 1 - 1e-8)
        if not determined.size:
            audited.add(signature)
            continue
        # the combination of relations that gives each determined count: y = U S^-1 V^T e
        weights = u @ (vt[:, determined] / singular[:, None])
        exposed += [[relations[group[i]] for i in np.flatnonzero(np.abs(weights[:, k]) > 1e-9)]
                    for k in range(determined.size)]
    return exposed
