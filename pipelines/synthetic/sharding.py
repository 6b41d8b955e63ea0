"""How the people are split into shards, and the ids that must stay unique across shards.

A shard is an interleaved set of LSOAs holding about ``shard_persons`` people: the LSOAs are dealt
out in code order, each to the shard with the fewest people so far, so each shard spans every
district and people can move between districts (and change practice) within it. The plan depends
only on the persons asked for and the LSOA table, never on how many workers run it, and each shard
draws from its own random stream: so the files are the same whatever the worker count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# About this many people per shard (judgement): large enough that the per-shard fixed costs (one
# small file per source per month) stay small, small enough that two shards in memory at once are
# far below the 2 GB target; the demo's 120,000 people make two shards, one per core.
SHARD_PERSONS = 60_000
POPULATION_COLUMNS = ["pop_0_15_mid2015", "pop_16_59_mid2015", "pop_60plus_mid2015"]
# Record ids are numbered 1..n within a shard; each shard adds its index times this block.
ID_BLOCK = 10_000_000
RECORD_IDS = {"ecds_attendances": "EC_Ident", "apc_episodes": "APCE_Ident",
              "asc_cld_events": "Der_Unique_Record_ID", "gp_events": "event_id"}


@dataclass(frozen=True)
class Shard:
    index: int
    lsoas: pd.DataFrame  # the block's rows of the LSOA table
    persons: int         # its share of the people alive at the start


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers summing to ``total`` in proportion to ``weights`` (largest remainder; ties go
    to the first), so the split is exact and reproducible."""
    weights = np.asarray(weights, dtype=float)
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return counts


def plan_shards(lsoas: pd.DataFrame, persons: int, shard_persons: int = SHARD_PERSONS) -> list[Shard]:
    """Interleaved sets of the LSOAs: in code order, each LSOA goes to the shard with the fewest
    people so far (the first such), so shards alternate through every district and end within an
    LSOA's population of each other. Contiguous blocks would hold one district each at the whole
    ICS's size, and moves stay within a shard."""
    population = lsoas[POPULATION_COLUMNS].sum(axis=1).to_numpy(dtype=float)
    n_blocks = max(1, min(len(lsoas), math.ceil(persons / shard_persons)))
    held, shard_of = np.zeros(n_blocks), np.empty(len(lsoas), dtype=int)
    for i, people in enumerate(population):
        shard_of[i] = int(np.argmin(held))
        held[shard_of[i]] += people
    blocks = [np.flatnonzero(shard_of == b) for b in range(n_blocks)]
    blocks = [rows for rows in blocks if rows.size]
    shares = apportion(persons, [population[rows].sum() for rows in blocks])
    return [Shard(i, lsoas.iloc[rows].reset_index(drop=True), int(n))
            for i, (rows, n) in enumerate(zip(blocks, shares, strict=True))]


def hex16(values: np.ndarray) -> np.ndarray:
    """Each non-negative 64-bit integer as 16 lower-case hex digits (f"{x:016x}"), vectorised:
    one hex string of the big-endian bytes, cut every 16 characters."""
    text = np.asarray(values).astype(">u8").tobytes().hex()
    return np.frombuffer(text.encode("ascii"), dtype="S16").astype(str).astype(object)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijection on 64-bit integers that looks random."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@dataclass(frozen=True)
class ShardIds:
    """Unique-across-shards identifiers for one shard."""
    shard: int
    key: int  # from the seed, the same for every shard (so the person-id bijection is shared)

    def person_ids(self, n: int) -> np.ndarray:
        """16-hex-digit pseudonyms, distinct by construction: a fixed bijection of (shard, row)."""
        if n >= 2**32:
            raise ValueError("a shard holds fewer than 2**32 people")
        serial = (np.uint64(self.shard) << np.uint64(32)) | np.arange(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            mixed = _mix64(serial + np.uint64(self.key))
        return hex16(mixed)

    def offset_record_ids(self, source: str, frame: pd.DataFrame) -> pd.DataFrame:
        """Move the source's record ids (numbered from 1 in the shard) into the shard's block."""
        column = RECORD_IDS.get(source)
        if column is None or frame.empty:
            return frame
        if len(frame) >= ID_BLOCK:
            raise ValueError(f"{source}: {len(frame):,} rows in one shard overflow its id block")
        offset = self.shard * ID_BLOCK
        if column == "event_id":  # sent as 'E' + 10 digits, kept as a compact Arrow string column
            number = pa.array(frame[column].to_numpy(np.int64) + offset)
            text = pc.utf8_lpad(pc.cast(number, pa.string()), 10, "0")
            ids = pd.arrays.ArrowExtensionArray(pc.binary_join_element_wise("E", text, ""))
            return frame.assign(**{column: pd.Series(ids, index=frame.index)})
        return frame.assign(**{column: frame[column] + offset})
