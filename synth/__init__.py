"""The synthetic world: a deterministic, realistic stand-in for real MI data.

``generate(out_dir, scale, seed)`` writes everything the warehouse reads, as
the department and the providers would send it: DWP reference data and
employment spells (clean), and every prime's quarterly returns
(``participants``, ``outcome_claims``, ``customer_survey``) named per the MI
specification, with a controlled share of clerks' mistakes, one prime that
sends spreadsheets, one whose CSVs carry a byte-order mark and CRLF line
ends, and a resubmission. Built-in prime profiles (STRONG, WEAK, PARKER,
OVER_CLAIMER, UNDER_CLAIMER, ORDINARY) plant differences the warehouse must
find; ``world.json`` records them as ground truth. Data arrive late, as real
data do: a sustained outcome is claimed in the return after the quarter it
was met, and the employment extract is dated a few weeks after the last
return's period. One prime works in two nations and is graded differently by
their inspectorates, and one small group does badly by chance alone.
``world.json`` states exactly which sustained outcomes the warehouse must
find unclaimed (and which were left so on purpose).

Modules, in the order the world is made:

- ``parameters``: every rate, share and size of the world, in one place.
- ``calendar``, ``identifiers``: day numbers and quarters; NINOs, UKPRNs, names.
- ``reference``: areas, local authorities, providers, contracts, money, labour market.
- ``cohort``: who is referred each quarter and what happens to them.
- ``employment``: spells and days in work, counted as the warehouse counts them.
- ``claims``, ``survey``, ``returns``: what primes report about those people.
- ``small_group``: who in one contract's rating window carries a rare value (bad luck).
- ``defects``: mistakes planted in provider files.
- ``writers``: file names, CSV dialects, XLSX.
- ``truth``: ground-truth counts for ``world.json``.
- ``world``: ``generate`` itself and the output layout.

Not for: validation, loading or any rule of the warehouse. The generator must
not import ``contracts_schema``, ``ingest`` or ``mi``: it is the independent
witness those stages are tested against.
"""

from synth.world import generate

__all__ = ["generate"]
