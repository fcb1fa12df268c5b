"""The department's side of the world: places, providers, contracts and money.

``build_reference`` draws everything the DWP holds before a single person is
referred: contract package areas and their local authorities, primes and
delivery providers, contracts and supply chains, payment rates, minimum
performance levels, inspections and local unemployment. It returns both the
clean reference tables (written as ``reference/{dataset}.csv``) and the
numpy lookups the people generator needs (which contract is live when, who
may deliver it, how high unemployment is where).

Not for: participants, jobs, claims or anything a provider sends; those are
drawn in ``synth.cohort`` and ``synth.returns``. Reference data carries no
defects.

Notes:
    A prime never holds two contracts in the same area at the same time; the
    slot allocation retries (deterministically) until that holds.
    Supply-chain validity is inclusive of ``valid_from`` and exclusive of
    ``valid_to`` when the generator assigns delivery providers, so that no
    participant depends on how the warehouse treats the boundary day.
    One ordinary prime (``two_nation_prime``) holds contracts in England and
    Wales, and Ofsted and Estyn grade it differently, so that quality judged by
    the inspectorate of each contract's nation shows.
    The employment extract is dated a few weeks after the last quarter's end
    (``extract_date``), drawn from a stream of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from synth import parameters as P
from synth.calendar import NO_DATE, Quarters, add_years, day_number, iso, period_shift, periods_from
from synth.identifiers import NinoBook, employer_paye_refs, place_names, provider_names, ukprns


@dataclass
class Prime:
    index: int
    ukprn: str
    name: str
    sector: str
    profile: str
    file_format: str = "csv"  # "xlsx" for the prime that sends spreadsheets
    csv_dialect: str = "plain"  # "bom_crlf" for the prime on an old Windows system
    header_style: str = "spec"  # "upper" or "shuffled": both allowed by the MI specification
    writes_claim_status: bool = True


@dataclass
class Contracts:
    """Contracts as parallel arrays (one entry per contract)."""

    contract_id: list[str]
    programme: list[str]
    prime: np.ndarray  # index into ReferenceWorld.primes
    area: np.ndarray  # index into areas
    start: np.ndarray  # day numbers
    end: np.ndarray
    last_referral: np.ndarray  # end, or the day before termination
    status: list[str]
    volume: np.ndarray  # relative referral volume
    value_gbp: np.ndarray
    hard_mix: np.ndarray
    # supply chain: per contract, provider indices (into ReferenceWorld.providers), dates, weights
    chain_provider: list[np.ndarray]
    chain_from: list[np.ndarray]
    chain_to: list[np.ndarray]
    chain_weight: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.contract_id)


@dataclass
class ReferenceWorld:
    scale: P.Scale
    seed: int
    quarters: Quarters
    cpa_ids: list[str]
    la_codes: list[str]
    la_area: np.ndarray  # area index of each local authority
    la_weight: np.ndarray  # relative population
    unemployment: np.ndarray  # [local authority, world quarter] percent
    provider_ukprn: list[str]  # primes first, then delivery providers
    provider_effect: np.ndarray  # log-odds effect of each provider as deliverer
    primes: list[Prime]
    contracts: Contracts
    employers: pl.Series
    ninos: NinoBook
    tables: dict[str, pl.DataFrame]
    extract_date: int  # the employment extract's date, after the last period's end
    two_nation_prime: int | None  # index of the prime working in England and Wales
    sustained_fee: np.ndarray  # [programme, customer group, 0 = 26W / 1 = 78W]: a fee above 0

    @property
    def last_day(self) -> int:
        """The period end of the last provider returns: no claim or survey is dated later."""
        return self.quarters.last_day

    def fee_paid(self, contract: np.ndarray, group: np.ndarray, outcome: str) -> np.ndarray:
        """Whether the contract's programme pays the outcome for each customer group."""
        programme = np.array([P.PROGRAMMES.index(x) for x in self.contracts.programme])[contract]
        return self.sustained_fee[programme, group, 0 if outcome == "SUSTAINED_26W" else 1]


def build_reference(scale: P.Scale, seed: int) -> ReferenceWorld:
    """Draw the reference world of ``scale`` for ``seed``."""
    rng = np.random.default_rng([seed, 1])
    quarters = Quarters(periods_from(scale.first_period, scale.n_periods))

    cpa_ids, areas_table = _areas()
    la_codes, la_area, la_weight, la_table = _local_authorities(rng)
    primes, delivery_names, delivery_sectors = _providers(rng, scale)
    two_nation = _two_nation_prime(scale, primes)
    n_primes = len(primes)
    provider_ukprn = [p.ukprn for p in primes] + delivery_names[0]
    provider_effect = np.concatenate(
        [
            np.zeros(n_primes),
            rng.normal(0.0, P.PERSON_EFFECTS.delivery_provider_spread, len(delivery_names[0])),
        ]
    )
    contracts = _contracts(rng, scale, quarters, primes, two_nation)
    _supply_chains(rng, contracts, quarters, n_primes, len(delivery_names[0]))
    _assign_file_habits(primes)

    providers_table = pl.DataFrame(
        {
            "ukprn": provider_ukprn,
            "name": [p.name for p in primes] + delivery_names[1],
            "sector": [p.sector for p in primes] + delivery_sectors,
        }
    )
    lm_periods = periods_from(
        period_shift(scale.first_period, -P.LABOUR_MARKET_PERIODS_BEFORE),
        scale.n_periods + P.LABOUR_MARKET_PERIODS_BEFORE,
    )
    unemployment_all = _unemployment(rng, la_area, lm_periods)
    tables = {
        "providers": providers_table,
        "contract_package_areas": areas_table,
        "local_authorities": la_table,
        "contracts": _contracts_table(contracts, provider_ukprn),
        "supply_chain": _supply_chain_table(contracts, provider_ukprn),
        "payment_rates": _payment_rates(),
        "performance_levels": _performance_levels(),
        "inspections": _inspections(rng, primes, contracts, quarters, two_nation),
        "labour_market": pl.DataFrame(
            {
                "la_code": np.repeat(np.array(la_codes), len(lm_periods)).tolist(),
                "period": lm_periods * len(la_codes),
                "unemployment_rate": [f"{x:.1f}" for x in unemployment_all.ravel()],
            }
        ),
    }
    return ReferenceWorld(
        scale=scale,
        seed=seed,
        quarters=quarters,
        cpa_ids=cpa_ids,
        la_codes=la_codes,
        la_area=la_area,
        la_weight=la_weight,
        unemployment=unemployment_all[:, P.LABOUR_MARKET_PERIODS_BEFORE :],
        provider_ukprn=provider_ukprn,
        provider_effect=provider_effect,
        primes=primes,
        contracts=contracts,
        employers=employer_paye_refs(rng, scale.n_employers),
        ninos=NinoBook(np.random.default_rng([seed, 2])),
        tables=tables,
        extract_date=quarters.last_day
        + int(np.random.default_rng([seed, 3]).integers(P.EVIDENCE_LAG_DAYS[0], P.EVIDENCE_LAG_DAYS[1] + 1)),
        two_nation_prime=two_nation,
        sustained_fee=_sustained_fee(tables["payment_rates"]),
    )


def _sustained_fee(rates: pl.DataFrame) -> np.ndarray:
    paid = np.zeros((len(P.PROGRAMMES), len(P.CUSTOMER_GROUPS), 2), dtype=bool)
    for programme, group, fee, amount in rates.iter_rows():
        if fee in ("SUSTAINED_26W", "SUSTAINED_78W") and float(amount) > 0:
            paid[
                P.PROGRAMMES.index(programme),
                P.CUSTOMER_GROUPS.index(group),
                0 if fee == "SUSTAINED_26W" else 1,
            ] = True
    return paid


def _two_nation_prime(scale: P.Scale, primes: list[Prime]) -> int | None:
    """An ordinary prime with two or more contracts, not the one left uninspected."""
    ordinary = [p.index for p in primes if p.profile == "ORDINARY"]
    nations = (
        {P.AREAS[int(c[3:]) - 1].nation for c in scale.contract_slots}
        if scale.contract_slots
        else {a.nation for a in P.AREAS}
    )
    if not set(P.TWO_NATION_NATIONS) <= nations:
        return None
    return next((i for i in ordinary[1:] if scale.contracts_per_prime[i] >= 2), None)


def _areas() -> tuple[list[str], pl.DataFrame]:
    cpa_ids = [f"CPA{i + 1:02d}" for i in range(len(P.AREAS))]
    table = pl.DataFrame(
        {
            "cpa_id": cpa_ids,
            "name": [a.name for a in P.AREAS],
            "nation": [a.nation for a in P.AREAS],
            "region": [a.region for a in P.AREAS],
            "is_rural": ["true" if a.is_rural else "false" for a in P.AREAS],
        }
    )
    return cpa_ids, table


def _local_authorities(rng: np.random.Generator):
    next_number = {"E06": 1, "E07": 1, "E08": 1, "E09": 1, "W06": 1, "S12": 1}
    codes, names, area_of = [], [], []
    taken: set[str] = set()
    for a, area in enumerate(P.AREAS):
        for k, name in enumerate(place_names(rng, area.nation, area.n_local_authorities, taken)):
            prefix = area.la_prefixes[k % len(area.la_prefixes)]
            codes.append(f"{prefix}{next_number[prefix]:06d}")
            next_number[prefix] += int(rng.integers(1, 4))  # real code lists have gaps
            names.append(name)
            area_of.append(a)
    weight = rng.lognormal(0.0, 0.5, len(codes))
    table = pl.DataFrame({"la_code": codes, "name": names, "cpa_id": [f"CPA{a + 1:02d}" for a in area_of]})
    return codes, np.array(area_of, dtype=np.int32), weight, table


def _providers(rng: np.random.Generator, scale: P.Scale):
    n_primes = len(scale.prime_profiles)
    n_delivery = scale.n_delivery_providers
    numbers = ukprns(rng, n_primes + n_delivery)
    names = provider_names(rng, n_primes + n_delivery)
    prime_sectors = rng.choice(["PRIVATE", "THIRD_SECTOR", "PUBLIC"], size=n_primes, p=[0.7, 0.2, 0.1])
    primes = [
        Prime(
            index=i,
            ukprn=numbers[i],
            name=names[i],
            sector=str(prime_sectors[i]),
            profile=scale.prime_profiles[i],
        )
        for i in range(n_primes)
    ]
    delivery_sectors = [
        str(s) for s in rng.choice(list(P.PRIME_SECTORS), size=n_delivery, p=[0.25, 0.45, 0.10, 0.20])
    ]
    delivery_names = names[n_primes:]
    # A college name with a comma: valid CSV needs quoting, and a reader must cope.
    for k, sector in enumerate(delivery_sectors):
        if sector == "FE_COLLEGE":
            delivery_names[k] = f"{delivery_names[k].split()[0]} College, Further Education Corporation"
            break
    return primes, (numbers[n_primes:], delivery_names), delivery_sectors


def _assign_file_habits(primes: list[Prime]) -> None:
    """Give ordinary primes the file habits the ingest must cope with (all within the MI specification)."""
    ordinary = [p for p in primes if p.profile == "ORDINARY"]
    if ordinary:
        ordinary[-1].file_format = "xlsx"
    if len(ordinary) > 1:
        ordinary[0].csv_dialect = "bom_crlf"
        ordinary[0].header_style = "upper"
    strong = [p for p in primes if p.profile == "STRONG"]
    if strong:
        strong[0].header_style = "shuffled"
    for p in primes:
        p.writes_claim_status = p.index % 3 != 1  # the others leave it empty: ACTIVE by default


def _slots(scale: P.Scale) -> list[int]:
    if scale.contract_slots:
        slots = [int(c[3:]) - 1 for c in scale.contract_slots]
    else:
        slots = [a for a in range(len(P.AREAS)) for _ in range(2)]
        slots += [int(c[3:]) - 1 for c in scale.extra_slots]
    if len(slots) != sum(scale.contracts_per_prime):
        raise ValueError(
            f"scale {scale.name}: {len(slots)} contract slots for {sum(scale.contracts_per_prime)} contracts"
        )
    return slots


def _allocate_slots(
    rng: np.random.Generator, scale: P.Scale, two_nation: int | None = None
) -> list[tuple[int, int]]:
    """(prime, area) of each first-round contract; a prime holds at most one per area.

    The PARKER chooses first (the hardest areas), then the two-nation prime (its
    first contracts one in each of ``TWO_NATION_NATIONS``), then the others.
    """
    slots = _slots(scale)
    hard_first = sorted(range(len(P.AREAS)), key=lambda a: -P.AREAS[a].hard_mix)
    order = sorted(
        range(len(scale.prime_profiles)),
        key=lambda i: (
            scale.prime_profiles[i] != "PARKER",
            i != two_nation,
            -scale.contracts_per_prime[i],
            i,
        ),
    )
    for _attempt in range(200):
        free = list(slots)
        held: list[tuple[int, int]] = []
        ok = True
        for prime in order:
            mine: set[int] = set()
            for k in range(scale.contracts_per_prime[prime]):
                options = sorted({a for a in free if a not in mine})
                if prime == two_nation and k < len(P.TWO_NATION_NATIONS):
                    options = [a for a in options if P.AREAS[a].nation == P.TWO_NATION_NATIONS[k]]
                if not options:
                    ok = False
                    break
                if scale.prime_profiles[prime] == "PARKER":
                    area = next(a for a in hard_first if a in options)
                else:
                    area = options[int(rng.integers(len(options)))]
                free.remove(area)
                mine.add(area)
                held.append((prime, area))
            if not ok:
                break
        if ok:
            return sorted(held)
    raise RuntimeError("could not allocate contracts to areas")


def _contracts(
    rng: np.random.Generator,
    scale: P.Scale,
    quarters: Quarters,
    primes: list[Prime],
    two_nation: int | None = None,
) -> Contracts:
    extract = quarters.last_day
    held = _allocate_slots(rng, scale, two_nation)
    n_first = len(held)
    programmes = ["ESF"] * max(1, round(P.PROGRAMME_SHARES["ESF"] * n_first)) + ["WPG"] * max(
        1, round(P.PROGRAMME_SHARES["WPG"] * n_first)
    )
    programmes += ["FND"] * (n_first - len(programmes))
    programmes = [programmes[i] for i in rng.permutation(n_first)]
    slots_in_area = np.bincount([a for _, a in held], minlength=len(P.AREAS))

    rows: list[dict] = []
    for k, (prime, area) in enumerate(held):
        start = day_number(str(rng.choice(list(scale.contract_starts))))
        volume = P.AREAS[area].population / slots_in_area[area] * rng.lognormal(0.0, 0.2)
        rows.append(
            dict(
                programme=programmes[k],
                prime=prime,
                area=area,
                start=start,
                years=int(rng.choice(P.CONTRACT_YEARS)),
                volume=volume,
            )
        )
    # The parker's contracts are large on purpose (and without noise), so that each
    # has 30+ hard-to-help participants in its mature cohorts, enough to be flagged.
    typical = float(np.mean([r["volume"] for r in rows]))
    for r in rows:
        if primes[r["prime"]].profile == "PARKER":
            r["volume"] = typical * scale.big_prime_volume
    # Re-letting: when a contract ends inside the world, its area gets a new one,
    # won back by the incumbent or let to a prime with no contract in that area.
    for k in range(n_first if scale.successor_contracts else 0):
        last = rows[k]
        while (end := add_years(last["start"], last["years"])) < extract:
            holders = {r["prime"] for r in rows if r["area"] == last["area"]}
            others = [p for p in range(len(primes)) if p not in holders]
            # the two-nation prime keeps its areas, so it works in both nations to the end
            if rng.random() < P.INCUMBENT_REWIN_SHARE or not others or last["prime"] == two_nation:
                successor = last["prime"]
            else:
                successor = others[int(rng.integers(len(others)))]
            last = dict(
                programme=str(rng.choice(["WPG", "FND", "ESF"], p=[0.6, 0.2, 0.2])),
                prime=successor,
                area=last["area"],
                start=end + 1,
                years=int(rng.choice(P.CONTRACT_YEARS)),
                volume=last["volume"],
            )
            rows.append(last)

    number = int(rng.integers(10, 60))
    contract_id, end, last_referral, status = [], [], [], []
    for r in rows:
        contract_id.append(f"{r['programme']}{number:05d}")
        number += int(rng.integers(1, 9))
        e = add_years(r["start"], r["years"])
        end.append(e)
        last_referral.append(e)
        status.append("ENDED" if e < extract else "LIVE")
    if scale.terminate_one_weak_contract:
        weak = [
            k
            for k, r in enumerate(rows)
            if primes[r["prime"]].profile == "WEAK"
            and status[k] == "LIVE"
            and r["start"] < quarters.starts[-4]
        ]
        if weak:
            k = weak[-1]
            status[k] = "TERMINATED"
            last_referral[k] = int(quarters.ends[-3])  # referrals stop two quarters before the extract

    volume = np.array([r["volume"] for r in rows])
    quarters_of_life = np.array([r["years"] * 4 for r in rows])
    share = volume / volume[:n_first].sum()
    value = np.round(
        share * scale.referrals_per_quarter * quarters_of_life * P.CONTRACT_COST_PER_REFERRAL_GBP, -4
    )
    return Contracts(
        contract_id=contract_id,
        programme=[r["programme"] for r in rows],
        prime=np.array([r["prime"] for r in rows], dtype=np.int32),
        area=np.array([r["area"] for r in rows], dtype=np.int32),
        start=np.array([r["start"] for r in rows], dtype=np.int32),
        end=np.array(end, dtype=np.int32),
        last_referral=np.array(last_referral, dtype=np.int32),
        status=status,
        volume=volume,
        value_gbp=value,
        hard_mix=np.array([P.AREAS[r["area"]].hard_mix for r in rows]),
        chain_provider=[],
        chain_from=[],
        chain_to=[],
        chain_weight=[],
    )


def _supply_chains(
    rng: np.random.Generator, contracts: Contracts, quarters: Quarters, n_primes: int, n_delivery: int
) -> None:
    lo, hi = int(quarters.starts[0]) + 60, quarters.last_day - 60
    for c in range(len(contracts)):
        k = int(rng.integers(2, 5))
        members = list(n_primes + rng.choice(n_delivery, size=k + 1, replace=False))
        joiner = members.pop()
        start, end = int(contracts.start[c]), int(contracts.last_referral[c])
        valid_from = [start] * k
        valid_to = [int(NO_DATE)] * k
        weight = list(rng.dirichlet(np.full(k, 3.0)))
        window_lo, window_hi = max(lo, start + 60), min(hi, end - 60)
        if window_lo < window_hi and rng.random() < P.SUPPLY_CHAIN_LEAVE_SHARE:
            valid_to[int(rng.integers(k))] = int(rng.integers(window_lo, window_hi))
        if window_lo < window_hi and rng.random() < P.SUPPLY_CHAIN_JOIN_SHARE:
            members.append(joiner)
            valid_from.append(int(rng.integers(window_lo, window_hi)))
            valid_to.append(int(NO_DATE))
            weight.append(float(rng.uniform(0.15, 0.4)))
        if rng.random() < P.PRIME_SELF_DELIVERY_SHARE:
            members.append(int(contracts.prime[c]))
            valid_from.append(start)
            valid_to.append(int(NO_DATE))
            weight.append(float(rng.uniform(0.2, 0.5)))
        contracts.chain_provider.append(np.array(members, dtype=np.int32))
        contracts.chain_from.append(np.array(valid_from, dtype=np.int32))
        contracts.chain_to.append(np.array(valid_to, dtype=np.int32))
        contracts.chain_weight.append(np.array(weight))


def _contracts_table(contracts: Contracts, provider_ukprn: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "contract_id": contracts.contract_id,
            "programme": contracts.programme,
            "prime_ukprn": [provider_ukprn[p] for p in contracts.prime],
            "cpa_id": [f"CPA{a + 1:02d}" for a in contracts.area],
            "start_date": [iso(d) for d in contracts.start],
            "end_date": [iso(d) for d in contracts.end],
            "contract_value_gbp": [f"{v:.0f}" for v in contracts.value_gbp],
            "status": contracts.status,
        }
    )


def _supply_chain_table(contracts: Contracts, provider_ukprn: list[str]) -> pl.DataFrame:
    rows = []
    for c, cid in enumerate(contracts.contract_id):
        for p, f, t in zip(
            contracts.chain_provider[c], contracts.chain_from[c], contracts.chain_to[c], strict=False
        ):
            rows.append((cid, provider_ukprn[p], iso(f), None if t == NO_DATE else iso(t)))
    return pl.DataFrame(
        rows, schema=["contract_id", "delivery_ukprn", "valid_from", "valid_to"], orient="row"
    ).sort("contract_id", "delivery_ukprn", "valid_from")


def _payment_rates() -> pl.DataFrame:
    rows = []
    for programme in P.PROGRAMMES:
        for group in P.CUSTOMER_GROUPS:
            weight = P.GROUPS[group].fee_weight
            for fee in P.FEE_TYPES:
                factor = weight**P.START_FEE_WEIGHT_POWER if fee == "START" else weight
                amount = round(P.FEE_BASE_GBP[programme][fee] * factor / 5) * 5
                if fee == "SUSTAINED_78W" and programme not in P.LONG_OUTCOME_PROGRAMMES:
                    amount = 0  # outside the trial the long outcome is not paid
                rows.append((programme, group, fee, f"{amount:.2f}"))
    return pl.DataFrame(rows, schema=list(P.REFERENCE_FIELDS["payment_rates"]), orient="row")


def _performance_levels() -> pl.DataFrame:
    rows = [
        (
            programme,
            group,
            f"{P.GROUPS[group].minimum_sustained_rate * P.PROGRAMME_MPL_FACTOR[programme]:.3f}",
        )
        for programme in P.PROGRAMMES
        for group in P.CUSTOMER_GROUPS
    ]
    return pl.DataFrame(rows, schema=list(P.REFERENCE_FIELDS["performance_levels"]), orient="row")


def _inspections(
    rng: np.random.Generator,
    primes: list[Prime],
    contracts: Contracts,
    quarters: Quarters,
    two_nation: int | None = None,
) -> pl.DataFrame:
    """Inspections of each prime by the inspectorate of every nation it works in.

    The two-nation prime is graded the same by each inspectorate every time, and
    differently by the two (``TWO_NATION_GRADES``).
    """
    extract = quarters.last_day
    earliest = int(quarters.starts[0]) - 3 * 365
    ordinary = [p.index for p in primes if p.profile == "ORDINARY"]
    rows = []
    for prime in primes:
        profile = P.PROFILES[prime.profile]
        nations = sorted({P.AREAS[int(a)].nation for a in contracts.area[contracts.prime == prime.index]})
        # One ordinary prime has not been inspected for over three years: its
        # quality domain is unavailable and the star rating must renormalise.
        stale = bool(ordinary) and prime.index == ordinary[0]
        seen: set[int] = set()
        for nation in nations:
            day = extract - int(rng.integers(1200, 1500) if stale else rng.integers(30, 700))
            while day >= earliest:
                if day not in seen:
                    seen.add(day)
                    grade = int(rng.choice([1, 2, 3, 4], p=profile.inspection_grades))
                    inspectorate = P.INSPECTORATE_BY_NATION[nation]
                    if prime.index == two_nation and inspectorate in P.TWO_NATION_GRADES:
                        grade = P.TWO_NATION_GRADES[inspectorate]
                    rows.append((prime.ukprn, inspectorate, iso(day), str(grade)))
                day -= int(rng.integers(420, 900))
    return pl.DataFrame(rows, schema=list(P.REFERENCE_FIELDS["inspections"]), orient="row").sort(
        "ukprn", "inspection_date"
    )


def _unemployment(rng: np.random.Generator, la_area: np.ndarray, periods: list[str]) -> np.ndarray:
    n_la, n_q = len(la_area), len(periods)
    base = np.array([P.AREAS[a].unemployment_rate for a in la_area]) + rng.normal(0, 0.9, n_la)
    t = np.arange(n_q)
    cycle = 1.0 + 0.08 * np.sin(2 * np.pi * (t + rng.integers(0, 16)) / 16.0)
    seasonal = np.array([0.25, 0.0, -0.1, -0.15])[[int(p[-1]) - 1 for p in periods]]
    rates = base[:, None] * cycle[None, :] + seasonal[None, :] + rng.normal(0, 0.12, (n_la, n_q))
    return np.round(np.clip(rates, 1.5, 20.0), 1)
