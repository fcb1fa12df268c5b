"""A provider's own performance (claims, payment statement, unclaimed outcomes, ratings), over HTTP.

The portal reads the analysts' copy of the small world (``tests/support/performance_world.py``);
every expectation is checked against the warehouse's own marts, never against
figures written here.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import xml.etree.ElementTree as ET

import duckdb
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from portal import accounts, performance
from portal.app import create_app
from portal.charts import IndexPoint, OutcomesPoint, actual_expected_chart, index_chart
from publish.published_ratings import write_published_ratings
from tests.portal.conftest import sign_in
from tests.support.performance_world import PerformanceWorld, make_world

#: Columns of the marts that are evidence or a person key: no answer may carry them.
EVIDENCE = {
    "person_key",
    "employer_paye_ref",
    "evidence_spell_start",
    "window_start",
    "window_end",
    "days_in_work",
    "days_required",
    "job_start_date",
    "hours_per_week",
    "evidence_job_start",
    "requirement_met_on",
    "claim_due_by",
    "fee_if_claimed_gbp",
}


@pytest.fixture(scope="module")
def pw(small_world, tmp_path_factory) -> PerformanceWorld:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        patch.delenv(performance.PREVIEW_VARIABLE, raising=False)
        yield make_world(tmp_path_factory.mktemp("performance") / "home", small_world)


@pytest.fixture
def browser_of(pw):
    """A signed-in web client of one of the world's users."""

    def signed_in(name: str):
        client = pw.client()
        assert sign_in(client, name).status_code == 303
        return client

    return signed_in


def _quarters_of(pw: PerformanceWorld, ukprn: str) -> list[str]:
    return [
        row[0]
        for row in pw.query(
            "select distinct period from marts.fct_outcome_claims where ukprn = ? order by 1", [ukprn]
        )
    ]


def _person_keys(pw: PerformanceWorld, ukprn: str) -> set[str]:
    return {
        row[0]
        for row in pw.query("select person_key from marts.fct_participants where prime_ukprn = ?", [ukprn])
    }


def _not_found_body(response) -> tuple[int, dict]:
    return response.status_code, response.json()


# --- claims --------------------------------------------------------------------------------------


def test_a_prime_reads_every_claim_of_a_period_with_the_reason_in_plain_words(pw):
    client = pw.client()
    period = _quarters_of(pw, pw.prime)[-2]
    expected = pw.query(
        "select claims.claim_id, claims.verification_status, labels.label, claims.payable_fee_gbp "
        "from marts.fct_outcome_claims claims join marts.dim_code_labels labels "
        "on labels.list = 'verification_status' and labels.code = claims.verification_status "
        "where claims.ukprn = ? and claims.period = ?",
        [pw.prime, period],
    )
    seen: dict[str, dict] = {}
    texts = []
    url = f"/api/v1/claims?period={period}&page_size=25"
    while url:
        response = client.get(url, headers=pw.auth("pat"))
        texts.append(response.text)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(expected) and len(body["claims"]) <= 25
        seen.update({claim["claim_id"]: claim for claim in body["claims"]})
        url = body["next"]
    assert set(seen) == {row[0] for row in expected}
    for claim_id, status, label, fee in expected:
        claim = seen[claim_id]
        assert claim["verification_status"] == status and claim["reason"] == label and claim["reason_detail"]
        assert claim["payable_fee_gbp"] == (round(fee, 2) if fee is not None else None)
        assert claim["prime_ukprn"] == pw.prime and claim["seen_as"] == "PRIME"
        assert not EVIDENCE & set(claim), "a claim carries evidence"
        assert set(claim) == set(performance.CLAIM_FIELDS) | {"url"}
    failed = [c for c in seen.values() if c["verification_status"] not in ("VERIFIED", "PENDING")]
    assert failed, "the small world's prime has failed claims in this period"
    keys = _person_keys(pw, pw.prime)
    assert not any(key in text for key in keys for text in texts)

    one = client.get(failed[0]["url"], headers=pw.auth("pat"))
    assert one.status_code == 200 and one.json()["reason"] == failed[0]["reason"]


def test_the_status_filter_and_bad_queries(pw):
    client = pw.client()
    period = _quarters_of(pw, pw.prime)[-2]
    (count,) = pw.query(
        "select count(*) from marts.fct_outcome_claims where ukprn = ? and period = ? "
        "and verification_status = 'NO_EVIDENCE'",
        [pw.prime, period],
    )[0]
    response = client.get(f"/api/v1/claims?period={period}&status=no_evidence", headers=pw.auth("pat"))
    assert response.status_code == 200 and response.json()["total"] == count
    assert {c["verification_status"] for c in response.json()["claims"]} <= {"NO_EVIDENCE"}

    bad = client.get(f"/api/v1/claims?period={period}&status=PAID", headers=pw.auth("pat"))
    assert (
        bad.status_code == 422
        and bad.json()["error"] == "invalid_field"
        and "VERIFIED" in bad.json()["message"]
    )
    missing = client.get("/api/v1/claims", headers=pw.auth("pat"))
    assert missing.status_code == 422 and missing.json() == {
        "error": "missing_field",
        "message": "Missing: period.",
    }
    wrong = client.get("/api/v1/claims?period=2026-Q1", headers=pw.auth("pat"))
    assert wrong.status_code == 422 and wrong.json()["error"] == "invalid_field"
    assert client.get(f"/api/v1/claims?period={period}").status_code == 401
    analyst = client.get(f"/api/v1/claims?period={period}", headers=pw.auth("ann"))
    assert analyst.status_code == 403 and analyst.json()["error"] == "forbidden"


def test_the_claims_csv_holds_every_claim_of_the_period(pw):
    period = _quarters_of(pw, pw.prime)[-1]
    response = pw.client().get(f"/api/v1/claims.csv?period={period}", headers=pw.auth("pat"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert f'filename="claims_{period}.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(performance.CLAIM_FIELDS)
    (count,) = pw.query(
        "select count(*) from marts.fct_outcome_claims where ukprn = ? and period = ?", [pw.prime, period]
    )[0]
    assert len(rows) == count and {r["prime_ukprn"] for r in rows} == {pw.prime}


def test_another_providers_claim_answers_404_exactly_as_a_missing_one(pw):
    client = pw.client()
    other_claim = pw.query(
        "select ukprn, claim_id from marts.fct_outcome_claims where ukprn = ? order by claim_id limit 1",
        [pw.other_prime],
    )[0]
    foreign = client.get(f"/api/v1/claims/{other_claim[0]}/{other_claim[1]}", headers=pw.auth("pat"))
    missing = client.get(f"/api/v1/claims/{pw.prime}/NO-SUCH-CLAIM", headers=pw.auth("pat"))
    assert (
        _not_found_body(foreign)
        == _not_found_body(missing)
        == (
            404,
            {
                "error": "not_found",
                "message": "There is no claim with this reference.",
            },
        )
    )
    # ... while its own prime sees it
    assert (
        client.get(f"/api/v1/claims/{other_claim[0]}/{other_claim[1]}", headers=pw.auth("otto")).status_code
        == 200
    )


# --- payment statement ---------------------------------------------------------------------------


def test_every_statement_of_the_prime_reconciles_with_mart_contract_review(pw):
    client = pw.client()
    review = pw.query(
        "select period, contract_id, start_fees_due_gbp, outcome_fees_due_gbp, payments_due_gbp "
        "from marts.mart_contract_review where prime_ukprn = ? order by period, contract_id",
        [pw.prime],
    )
    periods = sorted({row[0] for row in review})
    assert len(periods) >= 8
    for period in periods:
        response = client.get(f"/api/v1/statements/{period}", headers=pw.auth("pat"))
        assert response.status_code == 200, (period, response.text)
        statement = response.json()
        rows = [row for row in review if row[0] == period]
        by_contract = {c["contract_id"]: c for c in statement["contracts"]}
        assert set(by_contract) == {row[1] for row in rows}
        for _, contract_id, start, outcome, total in rows:
            contract = by_contract[contract_id]
            assert contract["start_fees_due_gbp"] == pytest.approx(start, abs=0.005)
            assert contract["outcome_fees_due_gbp"] == pytest.approx(outcome, abs=0.005)
            assert contract["payments_due_gbp"] == pytest.approx(total, abs=0.005)
            for group in ("start_fees", "outcome_fees"):
                lines = contract[group]["lines"]
                assert contract[group]["count"] == len(lines)
                assert sum(line["fee_gbp"] for line in lines) == pytest.approx(contract[group]["total_gbp"])
                assert all(period == _quarter(line["payment_due_on"]) for line in lines)
        assert statement["payments_due_gbp"] == pytest.approx(sum(row[4] for row in rows), abs=0.005)
        assert statement["start_fees_due_gbp"] == pytest.approx(sum(row[2] for row in rows), abs=0.005)
        assert statement["outcome_fees_due_gbp"] == pytest.approx(sum(row[3] for row in rows), abs=0.005)


def _quarter(day: str) -> str:
    return f"{day[:4]}Q{(int(day[5:7]) - 1) // 3 + 1}"


def test_the_statement_csv_lists_the_claims_behind_the_fees(pw):
    client = pw.client()
    period = _quarters_of(pw, pw.prime)[-2]
    statement = client.get(f"/api/v1/statements/{period}", headers=pw.auth("pat")).json()
    response = client.get(f"/api/v1/statements/{period}.csv", headers=pw.auth("pat"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == list(performance.STATEMENT_LINE_FIELDS)
    assert sum(float(r["fee_gbp"]) for r in rows) == pytest.approx(statement["payments_due_gbp"])
    claims = {r["claim_id"] for r in rows if r["fee_type"] != "START"}
    verified = {
        row[0]
        for row in pw.query(
            "select claim_id from marts.fct_outcome_claims where prime_ukprn = ? "
            "and verification_status = 'VERIFIED' "
            "and payment_due_on between ? and ?",
            [pw.prime, *_bounds(period)],
        )
    }
    assert claims == verified and claims


def _bounds(period: str) -> tuple[str, str]:
    from core.periods import Period

    quarter = Period.parse(period)
    return quarter.start.isoformat(), quarter.end.isoformat()


def test_another_providers_statement_or_contract_answers_404_exactly_as_a_missing_one(pw):
    client = pw.client()
    period = _quarters_of(pw, pw.prime)[-2]
    other_contract = pw.query(
        "select min(contract_id) from marts.mart_contract_review where prime_ukprn = ?", [pw.other_prime]
    )[0][0]
    foreign = client.get(f"/api/v1/statements/{period}?contract_id={other_contract}", headers=pw.auth("pat"))
    missing = client.get(f"/api/v1/statements/{period}?contract_id=ZZZ99999", headers=pw.auth("pat"))
    assert _not_found_body(foreign) == _not_found_body(missing)
    assert foreign.status_code == 404 and foreign.json()["error"] == "not_found"

    no_quarter = client.get("/api/v1/statements/1999Q1", headers=pw.auth("pat"))
    as_delivery = client.get(f"/api/v1/statements/{period}", headers=pw.auth("dora"))
    assert _not_found_body(as_delivery) == _not_found_body(no_quarter)
    assert as_delivery.status_code == 404
    assert client.get(f"/api/v1/statements/{period}.csv", headers=pw.auth("dora")).json() == no_quarter.json()

    browser = client
    assert sign_in(browser, "pat").status_code == 303
    page_foreign = browser.get(f"/performance/{other_contract}")
    page_missing = browser.get("/performance/ZZZ99999")
    assert page_foreign.status_code == page_missing.status_code == 404
    assert page_foreign.text == page_missing.text


# --- a delivery provider -------------------------------------------------------------------------


def test_a_delivery_provider_sees_only_the_rows_it_delivered_and_no_fees(pw):
    client = pw.client()
    totals = 0
    for period in _quarters_of(pw, pw.prime):
        (count,) = pw.query(
            "select count(*) from marts.fct_outcome_claims where period = ? and delivery_ukprn = ?",
            [period, pw.delivery],
        )[0]
        response = client.get(f"/api/v1/claims?period={period}&page_size=1000", headers=pw.auth("dora"))
        body = response.json()
        assert response.status_code == 200 and body["total"] == count == len(body["claims"])
        assert all(c["delivery_ukprn"] == pw.delivery and c["seen_as"] == "DELIVERY" for c in body["claims"])
        assert all(c["payable_fee_gbp"] is None for c in body["claims"]), "a delivery provider sees a tariff"
        totals += count
    assert totals > 0

    unclaimed = client.get("/api/v1/unclaimed?page_size=1000", headers=pw.auth("dora")).json()
    delivered = {
        row[0]
        for row in pw.query(
            "select u.participant_ref from marts.fct_unclaimed_outcomes u join marts.fct_participants p "
            "on p.ukprn = u.ukprn and p.participant_ref = u.participant_ref "
            "where u.claim_state = 'UNCLAIMED' and p.delivery_ukprn = ?",
            [pw.delivery],
        )
    }
    assert {u["participant_ref"] for u in unclaimed["unclaimed"]} == delivered
    assert all(u["delivery_ukprn"] == pw.delivery for u in unclaimed["unclaimed"])


# --- unclaimed outcomes --------------------------------------------------------------------------


def test_a_prime_finds_its_unclaimed_outcomes_without_their_evidence(pw):
    response = pw.client().get("/api/v1/unclaimed?page_size=1000", headers=pw.auth("pat"))
    assert response.status_code == 200
    body = response.json()
    expected = pw.query(
        "select contract_id, participant_ref, outcome_type, met_quarter from marts.fct_unclaimed_outcomes "
        "where prime_ukprn = ? and claim_state = 'UNCLAIMED'",
        [pw.prime],
    )
    assert body["total"] == len(expected) > 0
    assert sorted(
        (u["contract_id"], u["participant_ref"], u["outcome_type"], u["met_quarter"])
        for u in body["unclaimed"]
    ) == sorted(expected)
    assert all(set(u) == set(performance.UNCLAIMED_FIELDS) for u in body["unclaimed"])
    assert not re.search(r"\d{4}-\d{2}-\d{2}", response.text), "an unclaimed outcome carries a date"
    assert not any(key in response.text for key in _person_keys(pw, pw.prime))
    quarter = expected[0][3]
    one_quarter = pw.client().get(f"/api/v1/unclaimed?quarter={quarter}", headers=pw.auth("pat")).json()
    assert one_quarter["total"] == sum(1 for row in expected if row[3] == quarter)


# --- pages ---------------------------------------------------------------------------------------


def test_the_prime_reads_its_claims_statement_and_unclaimed_outcomes_in_pages(pw, browser_of):
    client = browser_of("pat")
    period = _quarters_of(pw, pw.prime)[-2]
    page = client.get(f"/claims?period={period}&status=NO_EVIDENCE")
    assert page.status_code == 200
    label, description = pw.query(
        "select label, description from marts.dim_code_labels where list = 'verification_status' "
        "and code = 'NO_EVIDENCE'"
    )[0]
    assert label in page.text and description.replace("'", "&#39;") in page.text
    assert f'href="/claims.csv?period={period}&amp;status=NO_EVIDENCE"' in page.text
    csv_download = client.get(f"/claims.csv?period={period}&status=NO_EVIDENCE")
    assert csv_download.status_code == 200 and csv_download.text.startswith(
        ",".join(performance.CLAIM_FIELDS)
    )

    statement = client.get(f"/statements/{period}")
    (total,) = pw.query(
        "select sum(payments_due_gbp) from marts.mart_contract_review where prime_ukprn = ? and period = ?",
        [pw.prime, period],
    )[0]
    assert statement.status_code == 200 and f"£{total:,.2f}" in statement.text
    assert client.get(f"/statements/{period}.csv").status_code == 200

    unclaimed = client.get("/unclaimed")
    ref = pw.query(
        "select participant_ref from marts.fct_unclaimed_outcomes where prime_ukprn = ? "
        "and claim_state = 'UNCLAIMED' order by met_quarter, contract_id, participant_ref limit 1",
        [pw.prime],
    )[0][0]
    assert unclaimed.status_code == 200 and ref in unclaimed.text
    for text in (page.text, statement.text, unclaimed.text):
        assert not any(key in text for key in _person_keys(pw, pw.prime))


def test_the_delivery_provider_gets_no_statement_page(pw, browser_of):
    client = browser_of("dora")
    period = _quarters_of(pw, pw.prime)[-2]
    assert client.get(f"/statements/{period}").status_code == 404
    assert client.get(f"/statements/{period}").text == client.get("/statements/1999Q1").text
    listing = client.get("/statements")
    assert listing.status_code == 200 and "for prime providers" in listing.text
    assert "/statements/" not in listing.text.split("<main")[1]


def test_signed_out_visitors_go_to_sign_in_and_analysts_are_refused(pw, browser_of):
    response = pw.client().get("/performance")
    assert response.status_code == 303 and response.headers["location"] == "/sign-in?next=%2Fperformance"
    assert browser_of("ann").get("/claims").status_code == 403


def test_your_performance_shows_provisional_ratings_with_charts_and_tables(pw, browser_of):
    page = browser_of("pat").get("/performance")
    assert page.status_code == 200
    html = page.text
    ratings = pw.query(
        "select contract_id, rating_quarter, stars, outcomes_ratio, outcomes_lower, outcomes_upper "
        "from marts.mart_star_ratings where prime_ukprn = ? order by contract_id, rating_quarter",
        [pw.prime],
    )
    assert ratings
    assert performance.PROVISIONAL_WARNING.capitalize() in html
    assert html.count("not published; do not share") >= len(ratings)
    contracts = sorted({r[0] for r in ratings})
    assert html.count('<svg class="chart chart--index"') == len(contracts)
    assert html.count('<svg class="chart chart--outcomes"') == len(contracts)
    for *_, index, lower, upper in ratings:
        assert f"{lower:.2f}–{upper:.2f}" in html and f">{index:.2f}<" in html
    flags = pw.query(
        "select count(*) from marts.mart_parking_indicators where prime_ukprn = ? and parking_risk",
        [pw.prime],
    )[0][0]
    assert flags > 0 and "Parking flags" in html
    assert "Minimum performance level" in html
    assert "style=" not in html and "<script" not in html
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_without_the_preview_unpublished_ratings_are_hidden(pw, monkeypatch, browser_of):
    monkeypatch.setenv(performance.PREVIEW_VARIABLE, "off")
    client = TestClient(create_app(pw.paths), follow_redirects=False)
    assert sign_in(client, "pat").status_code == 303
    html = client.get("/performance").text
    assert "not published; do not share" not in html and "<svg" not in html
    assert "Ratings are shown here once they are published" in html

    monkeypatch.setenv(performance.PREVIEW_VARIABLE, "maybe")
    with pytest.raises(ValueError, match="MI_RATINGS_PREVIEW must be on or off"):
        create_app(pw.paths)


def test_a_quarter_shows_as_published_once_its_release_is_approved(pw, browser_of, tmp_path):
    rows = pw.query(
        "select contract_id, rating_quarter, rating_status, stars, composite from marts.mart_star_ratings "
        "where prime_ukprn = ? order by rating_quarter, contract_id",
        [pw.prime],
    )
    quarter = rows[0][1]
    published = [
        {
            "rated_unit_type": "CONTRACT",
            "rated_unit_id": contract,
            "contract_id": contract,
            "prime_ukprn": pw.prime,
            "rating_quarter": q,
            "rating_status": status,
            "stars": 5 if status == "RATED" else None,  # what the public saw, unlike today's figure
            "composite": composite,
        }
        for contract, q, status, _, composite in rows
        if q == quarter
    ]
    prime_status = pw.query(
        "select rating_status, composite from marts.mart_prime_star_ratings "
        "where prime_ukprn = ? and rating_quarter = ?",
        [pw.prime, quarter],
    )[0]
    published.append(
        {
            "rated_unit_type": "PRIME",
            "rated_unit_id": pw.prime,
            "contract_id": None,
            "prime_ukprn": pw.prime,
            "rating_quarter": quarter,
            "rating_status": prime_status[0],
            "stars": 5 if prime_status[0] == "RATED" else None,
            "composite": prime_status[1],
        }
    )
    client = browser_of("pat")
    write_published_ratings(quarter, 1, published, approved_at="2026-07-01T09:00:00Z", paths=pw.paths)
    try:
        html = client.get("/performance").text
        assert f"in release {quarter}" not in html, (
            "a dataset whose release folder is missing counts as published"
        )
        (pw.paths.releases / quarter / "v1").mkdir(parents=True)
        html = client.get("/performance").text
        assert f"in release {quarter} v1" in html
        row = re.search(rf"<tr><td>{quarter}</td>\s*<td><strong>([^<]+)</strong>", html)
        assert row and row.group(1) == "5 stars"
        later = [q for _, q, *_ in rows if q != quarter]
        assert later and "not published; do not share" in html
        off = create_app(pw.paths)
        off.state.ratings_preview = False
        client = TestClient(off, follow_redirects=False)
        assert sign_in(client, "pat").status_code == 303
        html = client.get("/performance").text
        assert f"in release {quarter} v1" in html and "do not share" not in html
        assert all(f"<tr><td>{q}</td>\n<td><strong>" not in html for q in later)
    finally:
        shutil.rmtree(pw.paths.lake / "published_ratings")
        shutil.rmtree(pw.paths.releases)


def test_the_warehouses_published_stars_make_a_quarter_published(small_world, tmp_path, monkeypatch):
    warehouse = tmp_path / "copy.duckdb"
    shutil.copyfile(small_world / "warehouse" / "mi.duckdb", warehouse)
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    with duckdb.connect(str(warehouse)) as connection:
        prime, quarter = connection.execute(
            "select prime_ukprn, min(rating_quarter) from marts.mart_star_ratings "
            "where rating_status = 'RATED' group by prime_ukprn order by prime_ukprn limit 1"
        ).fetchone()
        connection.execute(
            "update marts.mart_star_ratings set published_stars = 1, published_release = ? "
            "where prime_ukprn = ? and rating_quarter = ?",
            [f"{quarter} v2", prime, quarter],
        )
    world = make_world(tmp_path / "home", small_world, warehouse=warehouse)
    accounts.add_user(world.paths, "pia", role="provider", ukprn=prime, password="correct horse battery")
    client = world.client()
    assert sign_in(client, "pia").status_code == 303
    html = client.get("/performance").text
    assert f"in release {quarter} v2" in html
    assert re.search(rf"<tr><td>{quarter}</td>\s*<td><strong>1 star</strong>", html)
    assert "recomputed today" in html


def test_the_api_says_unavailable_before_the_warehouse_is_built(world):
    response = world.client().get(
        "/api/v1/claims?period=2026Q1", headers={"Authorization": f"Bearer {world.token_a}"}
    )
    assert response.status_code == 503 and response.json()["error"] == "unavailable"
    assert response.headers["retry-after"]
    client = world.client()
    assert sign_in(client, "alice").status_code == 303
    page = client.get("/performance")
    assert page.status_code == 503 and "not available yet" in page.text


def test_the_openapi_document_describes_the_routes(pw):
    document = pw.client().get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/claims",
        "/api/v1/claims.csv",
        "/api/v1/claims/{ukprn}/{claim_id}",
        "/api/v1/statements/{period}",
        "/api/v1/statements/{period}.csv",
        "/api/v1/unclaimed",
    ):
        assert "get" in document["paths"][path], path
    claim = document["components"]["schemas"]["Claim"]["properties"]
    assert set(performance.CLAIM_FIELDS) <= set(claim) and not EVIDENCE & set(claim)
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/claims"]["get"]["parameters"]}
    assert parameters["period"]["required"] and "status" in parameters and "page_size" in parameters


# --- charts --------------------------------------------------------------------------------------


def test_charts_are_plain_svg_with_a_band_a_line_and_the_national_position():
    svg = index_chart(
        "c1",
        [
            IndexPoint("2025Q1", 0.9, 0.7, 1.2),
            IndexPoint("2025Q2", None, None, None),
            IndexPoint("2025Q3", 1.3, 1.05, 1.6),
        ],
        title="Index <of> C1",
    )
    root = ET.fromstring(str(svg))
    tags = [element.tag.split("}")[1] for element in root.iter()]
    assert {"title", "desc", "polygon", "line", "circle"} <= set(tags)
    assert tags.count("circle") == 2, "a quarter without an index gets no point"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Index <of> C1"
    assert "style=" not in str(svg) and "script" not in str(svg)

    bars = actual_expected_chart(
        "c2", [OutcomesPoint("2025Q1", 4, 5.5), OutcomesPoint("2025Q2", 0, 2.0)], title="t"
    )
    tags = [element.tag.split("}")[1] for element in ET.fromstring(str(bars)).iter()]
    assert tags.count("rect") == 4 and "polyline" in tags
