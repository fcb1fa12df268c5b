"""Identifiers the world needs: NINOs, UKPRNs, PAYE references, invented names.

Each person of the world is a whole number (their index); this module turns
that number into a National Insurance number that is valid by the MI
specification's rules and unique to the person, without keeping a table of
the numbers already handed out.

Not for: deliberately invalid identifiers. Clerks' mistakes are made in
``synth.defects``, after the clean values exist.

Notes:
    Uniqueness comes from an affine permutation ``code = (a * index + b) mod M``
    over the ``M`` = (valid prefixes x 10^6) possible prefix-and-digits pairs,
    with ``a`` coprime to ``M``. Two different people can never share a NINO,
    whatever their indices, as long as indices stay below ``M``. The suffix is
    a function of the code, so a person's NINO never changes between records.
"""

from __future__ import annotations

import math
import string

import numpy as np
import polars as pl

from synth import parameters as P

_FIRST_LETTER_NOT = set("DFIQUV")
_SECOND_LETTER_NOT = set("DFIOQUV")
_NEVER_ISSUED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}

VALID_NINO_PREFIXES: tuple[str, ...] = tuple(
    a + b
    for a in string.ascii_uppercase
    if a not in _FIRST_LETTER_NOT
    for b in string.ascii_uppercase
    if b not in _SECOND_LETTER_NOT
    if a + b not in _NEVER_ISSUED
)
NINO_SPACE = len(VALID_NINO_PREFIXES) * 1_000_000
BACKGROUND_PERSON_OFFSET = NINO_SPACE // 2  # people who are never referred are numbered from here
assert NINO_SPACE * NINO_SPACE < 2**63


class NinoBook:
    """Hands out a person's NINO from their index, the same every time.

    Args:
        rng: draws the permutation; the same seed gives the same NINOs.
    """

    def __init__(self, rng: np.random.Generator):
        while True:
            a = int(rng.integers(10_000_019, NINO_SPACE - 1))
            if math.gcd(a, NINO_SPACE) == 1:
                break
        self._a = a
        self._b = int(rng.integers(0, NINO_SPACE))
        self._suffix_salt = int(rng.integers(0, 4))

    def ninos(self, person: np.ndarray) -> pl.Series:
        """NINOs of the given person indices (``int64``)."""
        person = np.asarray(person, dtype=np.int64)
        # NINO_SPACE**2 < 2**63, so the product of two residues fits in int64.
        code = (person % NINO_SPACE * self._a + self._b) % NINO_SPACE
        prefix = pl.Series(VALID_NINO_PREFIXES).gather(pl.Series(code // 1_000_000))
        digits = pl.Series(code % 1_000_000).cast(pl.String).str.zfill(6)
        suffix = pl.Series(list("ABCD")).gather(pl.Series((code // 7 + self._suffix_salt) % 4))
        return pl.select(pl.concat_str([prefix, digits, suffix]).alias("nino")).to_series()


def ukprns(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct UK Provider Reference Numbers (8 digits starting with 1)."""
    numbers = rng.choice(np.arange(10_000_000, 10_090_000), size=n, replace=False)
    return [str(int(x)) for x in numbers]


def employer_paye_refs(rng: np.random.Generator, n: int) -> pl.Series:
    """``n`` distinct employer PAYE references like ``123/AB456``."""
    letters = np.array(list(string.ascii_uppercase))
    refs = pl.Series("employer_paye_ref", [], dtype=pl.String)
    while len(refs) < n:
        m = 2 * n
        office = pl.Series(rng.integers(100, 1000, m)).cast(pl.String)
        first = pl.Series(letters[rng.integers(0, 26, m)])
        second = pl.Series(np.where(rng.random(m) < 0.5, letters[rng.integers(0, 26, m)], ""))
        number = pl.Series(rng.integers(10, 100_000, m)).cast(pl.String)
        drawn = pl.select(
            pl.concat_str([office, pl.lit("/"), first, second, number]).alias("employer_paye_ref")
        ).to_series()
        refs = pl.concat([refs, drawn]).unique(maintain_order=True)
    return refs.head(n)


def place_names(rng: np.random.Generator, nation: str, n: int, taken: set[str]) -> list[str]:
    """``n`` invented place names in the style of ``nation``, not in ``taken`` (updated)."""
    starts, ends = P.PLACE_STARTS[nation], P.PLACE_ENDS[nation]
    names: list[str] = []
    while len(names) < n:
        name = starts[int(rng.integers(len(starts)))] + ends[int(rng.integers(len(ends)))]
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def provider_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct invented provider names."""
    first, middle, last = P.PROVIDER_WORDS
    if n > len(first) * len(middle) * len(last):
        raise ValueError(f"cannot invent {n} distinct provider names")
    names: list[str] = []
    taken: set[str] = set()
    while len(names) < n:
        name = " ".join(
            (
                first[int(rng.integers(len(first)))],
                middle[int(rng.integers(len(middle)))],
                last[int(rng.integers(len(last)))],
            )
        )
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names
