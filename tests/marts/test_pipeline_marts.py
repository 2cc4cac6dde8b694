"""Pipeline, forecast, lost-request and sales-force marts beyond the dbt unit tests:

- the mapping tests catch what they are for: a lost deal with a reason the lost_reasons seed
  does not list, a CRM stage the crm_stages seed does not list (dbt test on a throwaway
  warehouse holding only the tables the tests read);
- on 14 generated days loaded through the real loader and `salesdw build`, the counts the
  generator's ground truth knows, exactly: lost requests per reason group, breached tickets,
  late deliveries, orphaned accounts and slipped deals (the truth lists what the extracts can
  show: see the generator's _opportunity_change and _account);
- ../shared/reference-data/maven_crm_sales_opportunities, mapped to the CRM contract
  (tests/marts/maven_crm.py), gives the win rate and won value counted by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from salesdw.config import PROJECT_ROOT, Settings
from salesdw.connectors import LocalConnector
from salesdw.ingest.loader import load_entity_day
from tests.marts.conftest import build
from tests.marts.maven_crm import to_crm_extract
from tests.marts.metricflow import SemanticLayer

SHARED = Path(os.environ.get("SALESDW_SHARED_DIR") or PROJECT_ROOT.parent / "shared")
MAVEN = SHARED / "reference-data" / "maven_crm_sales_opportunities"
CENT = Decimal("0.01")


# --- the mapping tests -------------------------------------------------------------------


def _mapping_warehouse(home: Path, lost_reason: str, stage: str) -> None:
    """Only the relations the two mapping tests read, one lost deal and one stage each."""
    (home / "warehouse").mkdir(parents=True)
    statements = [
        part.strip()
        for part in """
            create schema staging; create schema intermediate; create schema seeds;
            create table staging.stg_crm__opportunities as
                select $stage as stage, $reason as lost_reason,
                       timestamp '2026-01-10 10:00:00' as closed_at, false as is_won;
            create table staging.stg_crm__leads as
                select 'disqualified' as status, 'Hors cible' as disqualification_reason;
            create table staging.stg_erp__quotes as
                select 'refused' as status, 'Tarif' as refusal_reason;
            create table staging.stg_crm__opportunity_history as
                select 'stage' as field, 'Qualification' as old_value, $stage as new_value;
            create table staging.stg_crm__opportunity_versions as select $stage as stage;
            create table seeds.lost_reasons as
                select * from (values
                    ('lost_opportunity', 'Prix trop élevé', 'price'),
                    ('disqualified_lead', 'Hors cible', 'out_of_scope'),
                    ('refused_quote', 'Tarif', 'price')
                ) as t(request_kind, raw_reason, reason_group);
            create table seeds.crm_stages as
                select * from (values ('Qualification', 'qualification'), ('Perdu', 'lost'))
                as t(crm_stage, pipeline_stage);
            """.split(";")
        if part.strip()
    ]
    with duckdb.connect(str(home / "warehouse" / "salesdw.duckdb")) as con:
        for statement in statements:
            params = {
                k: v for k, v in (("stage", stage), ("reason", lost_reason)) if f"${k}" in statement
            }
            con.execute(statement, params or None)


def _run_mapping_tests(tmp_path: Path) -> dict[str, tuple[str, int]]:
    from dbt.cli.main import dbtRunner

    project = str(PROJECT_ROOT / "dbt_project")
    result = dbtRunner().invoke(
        [
            "test",
            "--select",
            "assert_every_lost_reason_is_mapped assert_every_crm_stage_is_mapped",
            "--project-dir",
            project,
            "--profiles-dir",
            project,
            "--target-path",
            str(tmp_path / "dbt" / "target"),
            "--log-path",
            str(tmp_path / "dbt" / "logs"),
            "--quiet",
        ]
    )
    assert result.exception is None, result.exception
    return {
        r.node.name: (str(r.status).rsplit(".", 1)[-1].lower(), r.failures or 0)
        for r in result.result.results
    }


def test_a_lost_deal_with_an_unmapped_reason_fails_the_mapping_test(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    _mapping_warehouse(tmp_path / "home", lost_reason="Trop cher", stage="Perdu")
    outcome = _run_mapping_tests(tmp_path)
    assert outcome["assert_every_lost_reason_is_mapped"] == ("fail", 1)
    assert outcome["assert_every_crm_stage_is_mapped"] == ("pass", 0)


def test_a_mapped_reason_passes_and_an_unmapped_stage_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    _mapping_warehouse(tmp_path / "home", lost_reason="Prix trop élevé", stage="Relance")
    outcome = _run_mapping_tests(tmp_path)
    assert outcome["assert_every_lost_reason_is_mapped"] == ("pass", 0)
    assert outcome["assert_every_crm_stage_is_mapped"] == ("fail", 1)


# --- ground truth on generated data --------------------------------------------------------


def _truth(landing: Path, name: str) -> list[dict]:
    with (landing / "_ground_truth" / f"{name}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def generated(generated_sample):
    """The session's 14 built days (tests/marts/conftest.py), read-only."""
    landing, home, start = generated_sample
    con = duckdb.connect(str(home / "warehouse" / "salesdw.duckdb"), read_only=True)
    yield landing, con, start
    con.close()


# every metric the tests below read over the whole sample, queried at once (one `mf query`)
SCALAR_METRICS = [
    "qualification_score",
    "qualification_cases",
    "out_of_scope_requests",
    "new_lost_reasons",
    "late_stage_surprises",
    "yo_yo_deals",
    "leads",
    "lead_handoffs",
    "month_end_wins",
    "exit_criteria_share",
    "win_rate_with_exit_criteria",
    "win_rate_without_exit_criteria",
    "slipped_deals",
    "repeat_slippers",
    "orphaned_accounts",
    "quota_attainment",
    "nps_by_rep",
    "nps_by_support_experience",
    "client_churns",
    "golden_record_changes",
]


@pytest.fixture(scope="module")
def metrics(semantic) -> dict[str, str]:
    """MetricFlow's value of each of SCALAR_METRICS over the whole sample."""
    (row,) = semantic.query(",".join(SCALAR_METRICS))
    return row


@pytest.fixture(scope="module")
def semantic(generated, tmp_path_factory) -> SemanticLayer:
    """The semantic layer over one copy of the sample's warehouse, parsed once for the module
    (a parse costs as much as a query)."""
    _, con, _ = generated
    tmp = tmp_path_factory.mktemp("semantic")
    return SemanticLayer(PROJECT_ROOT / "dbt_project", _warehouse_copy(con, tmp), tmp)


@pytest.mark.slow
def test_lost_requests_per_reason_group_match_the_ground_truth(generated):
    landing, con, _ = generated
    groups = {
        (kind, reason): group
        for kind, reason, group in con.execute(
            "select request_kind, raw_reason, reason_group from seeds.lost_reasons"
        ).fetchall()
    }
    truth = Counter(groups[(r["kind"], r["raw_reason"])] for r in _truth(landing, "lost_requests"))
    ours = Counter(
        dict(
            con.execute(
                "select reason_group, count(*) from marts.fct_lost_requests group by all"
            ).fetchall()
        )
    )
    assert sum(truth.values()) > 100
    assert ours == truth
    truth_ids = {(r["kind"], r["request_id"]) for r in _truth(landing, "lost_requests")}
    our_ids = set(
        con.execute("select request_kind, request_id from marts.fct_lost_requests").fetchall()
    )
    assert our_ids == truth_ids
    # the report adds up to the fact
    [(reported,)] = con.execute(
        "select sum(lost_requests) from marts.rpt_lost_reasons where segment = 'all'"
    ).fetchall()
    assert reported == sum(truth.values())


@pytest.mark.slow
def test_lost_requests_per_quarter_and_type_of_request_match_the_ground_truth(generated):
    """Per quarter, request kind and type of request, the lost requests the truth lists: a
    deal's type is the CRM's raw value through the categorical_values seed, a lead is a new
    client, a quote has no type; the renewals are there as renewals."""
    landing, con, _ = generated
    types = dict(
        con.execute(
            "select raw_value, value from seeds.categorical_values where attribute = 'request_type'"
        ).fetchall()
    )
    expected = Counter()
    for r in _truth(landing, "lost_requests"):
        lost_on = dt.datetime.fromisoformat(r["lost_at"]).date()
        quarter = dt.date(lost_on.year, (lost_on.month - 1) // 3 * 3 + 1, 1)
        kind = r["kind"]
        request_type = {
            "lost_opportunity": types.get(r["request_type"], "unmapped"),
            "disqualified_lead": "new_client",
            "refused_quote": "unknown",
        }[kind]
        expected[(quarter, kind, request_type)] += 1
    ours = Counter(
        {
            (start, kind, request_type): n
            for start, kind, request_type, n in con.execute(
                "select period_start, request_kind, request_type, lost_requests "
                "from marts.rpt_lost_requests_by_type "
                "where period_grain = 'quarter' and request_kind <> 'all' "
                "and request_type <> 'all'"
            ).fetchall()
        }
    )
    renewals = sum(n for (_, kind, t), n in expected.items() if t == "renewal")
    assert renewals > 50 and ours == expected


@pytest.mark.slow
def test_who_asked_and_on_what_conditions_match_the_ground_truth(generated):
    """Every lost request's contact, title, decision-maker (the generator's titles that sign,
    not the mart's reading of them), lead source, campaign, channel (the lead source through
    the acquisition_channels seed), competitor named and requested product family, as the
    generator's world has them; a deal no lead was converted into has no channel."""
    landing, con, _ = generated
    channels = dict(
        con.execute(
            "select raw_channel, channel from seeds.acquisition_channels where source = 'crm_lead'"
        ).fetchall()
    )
    families = {
        (r["request_kind"], r["request_id"]): r["family"]
        for r in _truth(landing, "product_requests")
    }
    product_kind = {"lost_opportunity": "opportunity", "refused_quote": "quote"}
    expected = {
        (
            r["kind"],
            r["request_id"],
            r["contact_id"] or None,
            r["job_title"] or None,
            r["is_decision_maker"] == "true",
            r["lead_source"] or None,
            r["campaign"] or None,
            channels.get(r["lead_source"], "unmapped") if r["lead_source"] else "unknown",
            r["competitor"] != "",
            families[(product_kind[r["kind"]], r["request_id"])]
            if r["kind"] in product_kind
            else "none",
        )
        for r in _truth(landing, "lost_requests")
    }
    ours = set(
        con.execute(
            "select request_kind, request_id, crm_contact_id, job_title, is_decision_maker, "
            "lead_source, campaign, channel, has_competitor_named, product_family "
            "from marts.fct_lost_requests"
        ).fetchall()
    )
    decision_makers = sum(1 for row in expected if row[4])
    deals_with_channel = sum(
        1 for row in expected if row[0] == "lost_opportunity" and row[7] != "unknown"
    )
    assert decision_makers > 100 and deals_with_channel > 100
    assert ours == expected


QUALIFICATION_MIN_CASES, TEMPLATE_MIN_USES = 10, 5  # dbt_project.yml's defaults


@pytest.mark.slow
def test_qualification_score_matches_the_ground_truth(generated, metrics):
    """Per month and rep, the qualification score's parts from the generator's world: the
    rep's lost deals and disqualified leads, their reason through the lost_reasons seed, the
    detail the rep wrote (a text written on 5 losses or more is a template), the contact or
    title captured, the stage a deal was lost in (through the crm_stages seed); the ranking
    from 10 cases; and MetricFlow's qualification_score over every month and rep."""
    landing, con, _ = generated
    mapped = set(con.execute("select request_kind, raw_reason from seeds.lost_reasons").fetchall())
    stages = dict(con.execute("select crm_stage, stage_number from seeds.crm_stages").fetchall())
    losses = [
        r
        for r in _truth(landing, "lost_requests")
        if r["kind"] in ("lost_opportunity", "disqualified_lead") and r["owner_id"]
    ]
    uses = Counter(r["reason_detail"] for r in losses if r["reason_detail"])
    parts: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, 0, 0, Decimal(0)])
    for r in losses:
        lost_on = dt.datetime.fromisoformat(r["lost_at"]).date()
        is_mapped = (r["kind"], r["raw_reason"]) in mapped
        detail = r["reason_detail"]
        named = bool(r["contact_id"]) if r["kind"] == "lost_opportunity" else bool(r["job_title"])
        early = (
            Decimal(1)
            if r["kind"] == "disqualified_lead"
            else Decimal(5 - stages[r["lost_from_stage"]]) / 4
        )
        row = parts[(lost_on.replace(day=1), r["owner_id"])]
        row[0] += 1
        row[1] += is_mapped
        row[2] += is_mapped and bool(detail)
        row[3] += bool(detail) and uses[detail] < TEMPLATE_MIN_USES and detail != r["raw_reason"]
        row[4] += named
        row[5] += early
    expected = {}
    for key, (n, with_mapped, well, specific, named, early) in parts.items():
        score = (with_mapped + specific + named + early) / (4 * n)
        # DuckDB's round() takes a half away from zero
        score = score.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        expected[key] = (n, with_mapped, well, specific, named, float(early), score)
    ranked = {key for key, row in expected.items() if row[0] >= QUALIFICATION_MIN_CASES}
    rank = {
        key: 1 + sum(expected[k][6] > expected[key][6] for k in ranked if k[0] == key[0])
        for key in ranked
    }
    expected = {
        key: (*row[:6], float(row[6]), key in ranked, rank.get(key))
        for key, row in expected.items()
    }
    ours = {
        (month, owner): tuple(rest)
        for month, owner, *rest in con.execute(
            "select month, owner_crm_user_id, lost_requests, with_mapped_reason, "
            "well_qualified, with_specific_detail, with_named_contact, early_loss_credit, "
            "qualification_score, is_ranked, score_rank from marts.rpt_qualification_quality"
        ).fetchall()
    }
    assert len(ranked) > 20 and ours == expected
    cases = sum(row[0] for row in expected.values())
    credits = sum((p[1] + p[3] + p[4] + p[5]) / 4 for p in parts.values())
    row = metrics
    assert int(float(row["qualification_cases"])) == cases
    assert round(float(row["qualification_score"]), 6) == round(float(credits / cases), 6)


def _period_starts(day: dt.date) -> list[tuple[str, dt.date]]:
    return [
        ("month", day.replace(day=1)),
        ("quarter", dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)),
    ]


@pytest.mark.slow
def test_significant_cases_match_the_ground_truth(generated, metrics):
    """Per month and quarter: the raw reasons first lost for in the period (per kind) with
    their requests, the out-of-scope requests per requested product family (reason groups
    through the lost_reasons seed; families from product_requests.csv, `none` for leads);
    the largest amounts as far as the truth's euro amounts go (converted ones left out): each
    listed euro request has its amount, and no unlisted euro request is larger than the
    period's smallest listed amount."""
    landing, con, _ = generated
    groups = dict(
        ((kind, reason), group)
        for kind, reason, group in con.execute(
            "select request_kind, raw_reason, reason_group from seeds.lost_reasons"
        ).fetchall()
    )
    families = {
        (r["request_kind"], r["request_id"]): r["family"]
        for r in _truth(landing, "product_requests")
    }
    product_kind = {"lost_opportunity": "opportunity", "refused_quote": "quote"}
    truth = _truth(landing, "lost_requests")
    first: dict[tuple[str, str], dt.datetime] = {}
    for r in truth:
        if r["raw_reason"]:
            at = dt.datetime.fromisoformat(r["lost_at"])
            key = (r["kind"], r["raw_reason"])
            first[key] = min(first.get(key, at), at)
    new_reasons, out_of_scope = Counter(), Counter()
    for r in truth:
        lost_on = dt.datetime.fromisoformat(r["lost_at"]).date()
        for grain, start in _period_starts(lost_on):
            key = (r["kind"], r["raw_reason"])
            if r["raw_reason"] and (grain, start) in _period_starts(first[key].date()):
                new_reasons[(grain, start, *key)] += 1
            if groups.get(key) == "out_of_scope":
                family = (
                    families[(product_kind[r["kind"]], r["request_id"])]
                    if r["kind"] in product_kind
                    else "none"
                )
                out_of_scope[(grain, start, family)] += 1
    ours_new = {
        (grain, start, kind, reason): n
        for grain, start, kind, reason, n in con.execute(
            "select period_grain, period_start, request_kind, raw_reason, lost_requests "
            "from marts.rpt_lost_requests_significant where signal = 'new_reason'"
        ).fetchall()
    }
    ours_scope = {
        (grain, start, family): n
        for grain, start, family, n in con.execute(
            "select period_grain, period_start, product_family, lost_requests "
            "from marts.rpt_lost_requests_significant where signal = 'out_of_scope'"
        ).fetchall()
    }
    assert len(new_reasons) > 10 and ours_new == dict(new_reasons)
    assert len(out_of_scope) > 50 and ours_scope == dict(out_of_scope)
    euros = {
        (r["kind"], r["request_id"]): Decimal(r["amount"])
        for r in truth
        if r["currency"] == "EUR" and r["amount"]
    }
    listed: dict[tuple, list] = defaultdict(list)
    for grain, start, kind, request_id, amount in con.execute(
        "select period_grain, period_start, request_kind, request_id, lost_amount "
        "from marts.rpt_lost_requests_significant where signal = 'largest_amount'"
    ).fetchall():
        listed[(grain, start)].append(((kind, request_id), amount))
    checked = 0
    for r in truth:
        key = (r["kind"], r["request_id"])
        if key not in euros:
            continue
        for period in _period_starts(dt.datetime.fromisoformat(r["lost_at"]).date()):
            amounts = dict(listed[period])
            if key in amounts:
                assert amounts[key] == euros[key]
                checked += 1
            else:
                assert len(amounts) == 5 and euros[key] <= min(amounts.values())
    assert checked > 100
    row = metrics
    assert int(float(row["out_of_scope_requests"])) == sum(
        n for (grain, _, _), n in out_of_scope.items() if grain == "month"
    )
    assert int(float(row["new_lost_reasons"])) == len(first)


@pytest.mark.slow
def test_breached_tickets_and_late_deliveries_match_the_ground_truth(generated):
    landing, con, _ = generated
    truth = {
        (r["ticket_id"], r["first_response_breached"] == "true", r["resolution_breached"] == "true")
        for r in _truth(landing, "breached_tickets")
    }
    ours = set(
        con.execute(
            "select support_ticket_id, is_answered_late, is_solved_late "
            "from marts.fct_support_tickets where is_answered_late or is_solved_late"
        ).fetchall()
    )
    assert len(truth) > 50 and ours == truth
    late = {r["order_id"]: int(r["days_late"]) for r in _truth(landing, "late_deliveries")}
    [(reported,)] = con.execute(
        "select sum(late_deliveries) from marts.rpt_support_service where priority = 'all'"
    ).fetchall()
    assert reported == len(late)


@pytest.mark.slow
def test_orphaned_accounts_match_the_ground_truth(generated):
    """Every orphaned account of the truth (still orphaned, or reassigned during the extract
    window), with its departed owner, leave date and reassignment, and no other."""
    landing, con, start = generated
    truth = _truth(landing, "orphaned_accounts")
    visible = {
        (r["account_id"], r["departed_owner_id"], r["leave_date"], r["reassigned_at"] or None)
        for r in truth
    }
    ours = {
        (a, o, str(d), r.isoformat() if r else None)
        for a, o, d, r in con.execute(
            "select crm_account_id, departed_owner_crm_user_id, owner_left_on, reassigned_at "
            "from marts.rpt_account_coverage where was_orphaned"
        ).fetchall()
    }
    assert len(visible) > 10 and ours == visible
    [(still,)] = con.execute(
        "select count(*) from marts.rpt_account_coverage where is_orphaned"
    ).fetchall()
    assert still == sum(1 for r in truth if not r["reassigned_at"])


@pytest.mark.slow
def test_slipped_deals_match_the_ground_truth(generated):
    """Every slipped deal of the truth with its slip count, and no other. Some slips are only
    in the warehouse's own dated versions (the CRM history missed them during the window)."""
    landing, con, _ = generated
    truth = {r["opportunity_id"]: int(r["slip_count"]) for r in _truth(landing, "slipped_deals")}
    ours = dict(
        con.execute(
            "select crm_opportunity_id, slip_count from marts.fct_slipped_deals "
            "where slip_count > 0"
        ).fetchall()
    )
    assert len(truth) > 100 and ours == truth


OPEN_CATEGORY_RANK = {"omitted": 0, "pipeline": 1, "best_case": 2, "commit": 3}


@pytest.mark.slow
def test_forecast_category_changes_and_late_stage_surprises_match_the_ground_truth(
    generated, metrics
):
    """Every forecast-category change the daily extracts show, on its day, and no other (the
    CRM delivers no history of the category: the warehouse's versions are the only source,
    and a version carries the time of the day's last change of the deal, so the day is what
    it can know); the deals that went up and down, counted from the truth's changes; the
    late-stage surprises exactly; and MetricFlow's counts of both."""
    landing, con, _ = generated
    truth = _truth(landing, "forecast_category_changes")
    expected = {
        (r["opportunity_id"], r["changed_at"][:10], r["old_category"], r["new_category"])
        for r in truth
    }
    ours = {
        (opportunity, changed_at.date().isoformat(), old, new)
        for opportunity, changed_at, old, new in con.execute(
            "select crm_opportunity_id, changed_at, old_category, new_category "
            "from marts.fct_forecast_category_changes"
        ).fetchall()
    }
    assert len(expected) > 100 and ours == expected
    moves: dict[str, set[str]] = {}
    for r in truth:
        old, new = (
            OPEN_CATEGORY_RANK.get(r["old_category"]),
            OPEN_CATEGORY_RANK.get(r["new_category"]),
        )
        if old is not None and new is not None:
            moves.setdefault(r["opportunity_id"], set()).add("up" if new > old else "down")
    yo_yo = {opportunity for opportunity, seen in moves.items() if seen == {"up", "down"}}
    ours_yo_yo = {
        row[0]
        for row in con.execute(
            "select crm_opportunity_id from marts.rpt_forecast_category_paths where is_yo_yo"
        ).fetchall()
    }
    assert yo_yo and ours_yo_yo == yo_yo
    surprises = {r["opportunity_id"] for r in _truth(landing, "late_stage_surprises")}
    ours_surprises = {
        row[0]
        for row in con.execute(
            "select crm_opportunity_id from marts.rpt_forecast_category_paths "
            "where is_late_stage_surprise"
        ).fetchall()
    }
    assert len(surprises) > 5 and ours_surprises == surprises
    row = metrics
    assert (int(float(row["late_stage_surprises"])), int(float(row["yo_yo_deals"]))) == (
        len(surprises),
        len(yo_yo),
    )


@pytest.mark.slow
def test_lead_hand_offs_match_the_ground_truth(generated, metrics):
    """Every lead with its owner's role, whether it converted (on which day), was handed
    off to another rep and was won, as the generator's truth lists them; the funnel's
    counts per month and role are those of the truth; MetricFlow's leads and hand-offs
    too."""
    landing, con, _ = generated
    truth = _truth(landing, "lead_funnel")
    expected = {
        r["lead_id"]: (
            r["owner_role"],
            r["converted_at"][:10] or None,
            r["is_handoff"] == "true",
            r["is_won"] == "true",
        )
        for r in truth
    }
    ours = {
        lead: (role, converted_at.date().isoformat() if converted_at else None, handoff, won)
        for lead, role, converted_at, handoff, won in con.execute(
            "select crm_lead_id, owner_role, converted_at, is_handoff, is_won "
            "from marts.fct_lead_handoffs"
        ).fetchall()
    }
    assert len(expected) > 300 and sum(v[2] for v in expected.values()) > 100
    assert ours == expected
    per_role = Counter()
    for r in truth:
        key = (r["created_at"][:7], r["owner_role"])
        per_role[key + ("leads",)] += 1
        per_role[key + ("converted",)] += bool(r["converted_at"])
        per_role[key + ("handed_off",)] += r["is_handoff"] == "true"
        per_role[key + ("won",)] += r["is_won"] == "true"
    reported = Counter()
    for month, role, leads, converted, handed, won in con.execute(
        "select created_month, owner_role, leads, converted_leads, handed_off_leads, "
        "won_leads from marts.rpt_lead_funnel "
        "where owner_role <> 'all' and owner_crm_user_id = 'all'"
    ).fetchall():
        for name, value in (
            ("leads", leads),
            ("converted", converted),
            ("handed_off", handed),
            ("won", won),
        ):
            if value:
                reported[(month.isoformat()[:7], role, name)] = value
    assert reported == +per_role
    row = metrics
    assert (int(float(row["leads"])), int(float(row["lead_handoffs"]))) == (
        len(truth),
        sum(r["is_handoff"] == "true" for r in truth),
    )


def _last_five_business_days(day: dt.date, grain: str) -> bool:
    """Whether ``day`` is one of the last five Monday-to-Friday days of its month or quarter,
    by walking the calendar to the period's end."""
    first_month = day.month if grain == "month" else (day.month - 1) // 3 * 3 + 1
    months = 1 if grain == "month" else 3
    end_year, end_month = divmod(first_month - 1 + months, 12)
    period_end = dt.date(day.year + end_year, end_month + 1, 1) - dt.timedelta(days=1)
    later = sum(
        1
        for n in range(1, (period_end - day).days + 1)
        if (day + dt.timedelta(days=n)).weekday() < 5
    )
    return later < 5


@pytest.mark.slow
def test_period_end_wins_match_the_ground_truth(generated, metrics):
    """The wins per month and quarter, and those closed in the period's last five business
    days (found here by walking the calendar), from the generator's list of won deals; and
    MetricFlow's month-end wins."""
    landing, con, _ = generated
    truth = _truth(landing, "won_deals")
    expected = Counter()
    for r in truth:
        day = dt.datetime.fromisoformat(r["closed_at"]).date()
        for grain in ("month", "quarter"):
            month = day.month if grain == "month" else (day.month - 1) // 3 * 3 + 1
            start = dt.date(day.year, month, 1)
            expected[(grain, start, "wins")] += 1
            expected[(grain, start, "ends")] += _last_five_business_days(day, grain)
    ours = Counter()
    for grain, start, wins, ends in con.execute(
        "select period_grain, period_start, wins, period_end_wins "
        "from marts.rpt_period_end_wins where owner_crm_user_id = 'all'"
    ).fetchall():
        ours[(grain, start, "wins")] += wins
        ours[(grain, start, "ends")] += ends
    assert len(truth) > 500 and +ours == +expected
    row = metrics
    month_ends = sum(
        v for (grain, _, kind), v in expected.items() if (grain, kind) == ("month", "ends")
    )
    assert int(float(row["month_end_wins"])) == month_ends


@pytest.mark.slow
def test_key_accounts_match_the_ground_truth(generated, semantic):
    """The key accounts are the generator's top 20 true clients by ARR (no tie at the cut),
    each one master client holding one true client; over the mart's 12 months each one's
    MRR, owners to date, last meeting, notes in 90 days, open tickets and latest NPS answer
    are the truth's (key_accounts.csv, read at each month's end); MetricFlow's key-account
    MRR per month adds those MRRs up."""
    landing, con, _ = generated
    truth = _truth(landing, "key_accounts")
    ranks = sorted({(r["true_client_id"], int(r["arr_rank"])) for r in truth}, key=lambda r: r[1])
    assert ranks[19][1] == 20 and ranks[20][1] == 21  # no tie at var key_account_top_n's cut
    top = {client for client, rank in ranks[:20]}
    true_client = {
        (r["source_system"], r["source_entity"], r["source_id"]): r["true_client_id"]
        for r in _truth(landing, "source_records")
    }
    members = defaultdict(set)
    for client_id, *record in con.execute(
        "select client_id, source_system, source_entity, source_id"
        " from marts.map_client_source_ids"
        " where client_id in (select client_id from marts.rpt_key_accounts)"
    ).fetchall():
        members[client_id].add(true_client[tuple(record)])
    assert all(len(m) == 1 for m in members.values())
    columns = [
        "mrr_eur",
        "owners",
        "last_meeting_date",
        "notes_90_days",
        "open_tickets",
        "latest_nps_score",
    ]
    expected = {
        (r["true_client_id"], r["month"]): tuple(r[c] for c in columns)
        for r in truth
        if r["true_client_id"] in top
    }
    ours = {}
    for client_id, month, *values in con.execute(
        "select client_id, month, mrr, owners_to_date, last_meeting_date, notes_90_days,"
        " open_tickets, latest_nps_score from marts.rpt_key_accounts"
    ).fetchall():
        mrr, owners, meeting, notes, tickets, nps = values
        ours[(next(iter(members[client_id])), month.isoformat())] = (
            f"{mrr:.2f}",
            str(owners),
            meeting.isoformat() if meeting else "",
            str(notes),
            str(tickets),
            "" if nps is None else str(nps),
        )
    assert len(ours) == 240 and ours == expected
    rows = semantic.query("key_account_mrr", group_by="metric_time__month")
    per_month = Counter()
    for (_, month), values in expected.items():
        per_month[month] += Decimal(values[0])
    assert {
        r["metric_time__month"][:10]: Decimal(r["key_account_mrr"]).quantize(Decimal("0.01"))
        for r in rows
    } == +per_month


def _monthly_mean_discounts(truth: list[dict], at_column: str) -> dict:
    """{(month, at its last five business days): the exact mean discount_pct} of a truth
    file's rows, dated by ``at_column``."""
    sums, counts = Counter(), Counter()
    for r in truth:
        day = dt.datetime.fromisoformat(r[at_column]).date()
        key = (day.replace(day=1), _last_five_business_days(day, "month"))
        sums[key] += Decimal(r["discount_pct"])
        counts[key] += 1
    return {key: sums[key] / n for key, n in counts.items()}


@pytest.mark.slow
def test_period_end_discounts_match_the_ground_truth(generated, semantic):
    """The generator's won deals with their discount (won_deal_discounts): the deals it gave
    a period-end discount are those won in the last five business days (the calendar walked
    here), and per month the mart's mean discount of the period-end wins and of the others is
    the truth's, rounded half up to the column's two decimals; period-end wins are discounted
    deeper. MetricFlow's mean discounts per month of the month-end and other wins, and of the
    month-end and other accepted quotes (accepted_quote_discounts; one MetricFlow run for
    both), are the truth's to four decimals (MetricFlow divides in floating point)."""
    landing, con, _ = generated
    truth = _truth(landing, "won_deal_discounts")
    sums = Counter()
    for r in truth:
        day = dt.datetime.fromisoformat(r["closed_at"]).date()
        at_end = _last_five_business_days(day, "month")
        assert (r["period_end"] != "none") == at_end
        assert (r["period_end"] == "quarter") == _last_five_business_days(day, "quarter")
        key = (day.replace(day=1), at_end)
        sums[key + ("n",)] += 1
        sums[key + ("pct",)] += Decimal(r["discount_pct"])
    means = {
        (month, at_end): (sums[(month, at_end, "pct")] / n).quantize(CENT, ROUND_HALF_UP)
        for (month, at_end, kind), n in sums.items()
        if kind == "n"
    }
    rows = con.execute(
        "select period_start, period_end_discount_pct, other_discount_pct "
        "from marts.rpt_period_end_wins where period_grain = 'month' and owner_crm_user_id = 'all'"
    ).fetchall()
    ours = {}
    for month, at_end, other in rows:
        ours.update({(month, True): at_end, (month, False): other})
    assert {k: v for k, v in ours.items() if v is not None} == means
    deep = [sums[k] for k in sums if k[1] and k[2] == "pct"]
    shallow = [sums[k] for k in sums if not k[1] and k[2] == "pct"]
    n_deep = sum(sums[k] for k in sums if k[1] and k[2] == "n")
    n_shallow = sum(sums[k] for k in sums if not k[1] and k[2] == "n")
    assert n_deep > 100 and sum(deep) / n_deep > sum(shallow) / n_shallow + 5
    quotes = _monthly_mean_discounts(_truth(landing, "accepted_quote_discounts"), "accepted_at")
    rows = semantic.query(
        "month_end_win_discount_pct,other_win_discount_pct,"
        "month_end_quote_discount_pct,other_quote_discount_pct",
        group_by="metric_time__month",
    )
    four = Decimal("0.0001")
    ours = defaultdict(dict)
    for r in rows:
        month = dt.date.fromisoformat(r["metric_time__month"][:10])
        for kind, at_end, metric in (
            ("wins", True, "month_end_win_discount_pct"),
            ("wins", False, "other_win_discount_pct"),
            ("quotes", True, "month_end_quote_discount_pct"),
            ("quotes", False, "other_quote_discount_pct"),
        ):
            if r[metric]:
                ours[kind][(month, at_end)] = Decimal(r[metric]).quantize(four)
    assert ours == {
        "wins": {
            k: v.quantize(four) for k, v in _monthly_mean_discounts(truth, "closed_at").items()
        },
        "quotes": {k: v.quantize(four) for k, v in quotes.items()},
    }


def test_period_end_quote_discounts_match_the_ground_truth(generated):
    """The generator's accepted quotes with their discount (accepted_quote_discounts): those
    it gave a period-end discount were accepted in the last five business days (the calendar
    walked here); per month and quarter rpt_period_end_quotes counts the acceptances and
    those at the end, and gives the truth's mean discount of each, rounded half up to two
    decimals."""
    landing, con, _ = generated
    truth = _truth(landing, "accepted_quote_discounts")
    counts, sums = Counter(), Counter()
    for r in truth:
        day = dt.datetime.fromisoformat(r["accepted_at"]).date()
        assert (r["period_end"] != "none") == _last_five_business_days(day, "month")
        for grain in ("month", "quarter"):
            month = day.month if grain == "month" else (day.month - 1) // 3 * 3 + 1
            key = (grain, dt.date(day.year, month, 1), _last_five_business_days(day, grain))
            counts[key] += 1
            sums[key] += Decimal(r["discount_pct"])
    expected = {}
    for (grain, start, at_end), n in counts.items():
        accepted = counts[(grain, start, True)] + counts[(grain, start, False)]
        row = expected.setdefault(
            (grain, start), [accepted, counts[(grain, start, True)], None, None]
        )
        row[2 if at_end else 3] = (sums[(grain, start, at_end)] / n).quantize(CENT, ROUND_HALF_UP)
    ours = {
        (grain, start): list(values)
        for grain, start, *values in con.execute(
            "select period_grain, period_start, accepted_quotes, period_end_accepted_quotes,"
            " period_end_discount_pct, other_discount_pct from marts.rpt_period_end_quotes"
        ).fetchall()
    }
    assert len(truth) > 100 and ours == expected
    at_end = [k for k in counts if k[0] == "month" and k[2]]
    others = [k for k in counts if k[0] == "month" and not k[2]]
    deep = sum(sums[k] for k in at_end) / sum(counts[k] for k in at_end)
    assert deep > sum(sums[k] for k in others) / sum(counts[k] for k in others) + 5


@pytest.mark.slow
def test_stage_actions_and_controls_match_the_ground_truth(generated, metrics):
    """Per stage visit (the generator's stage_visits: its activities linked to the deal, the
    exit criteria it recorded and the deal's outcome), fct_stage_actions exactly, for every
    visit whose two ends the extracts show at their true time; per stage and exit month,
    rpt_stage_controls' exits with and without the criteria and their wins; MetricFlow's share
    and win rates of the exits."""
    landing, con, _ = generated
    truth = _truth(landing, "stage_visits")
    exact = [r for r in truth if r["is_time_exact"] == "true"]
    expected = {
        (r["opportunity_id"], int(r["visit_number"])): (
            r["pipeline_stage"],
            int(r["activities"]),
            int(r["criteria_met"]),
            r["has_met_exit_criteria"] == "true",
            r["outcome"],
        )
        for r in exact
    }
    ours = {
        (opp, visit): rest
        for opp, visit, *rest in con.execute(
            "select crm_opportunity_id, visit_number, pipeline_stage, activities, criteria_met, "
            "has_met_exit_criteria, opportunity_outcome from marts.fct_stage_actions"
        ).fetchall()
    }
    assert set(ours) == {(r["opportunity_id"], int(r["visit_number"])) for r in truth}
    assert len(exact) > 10_000 and len(truth) - len(exact) < 10
    assert {key: tuple(ours[key]) for key in expected} == expected
    assert sum(r["activities"] != "0" for r in exact) > 1_000
    exits = Counter()
    for r in truth:
        if not r["exited_at"]:
            continue
        month = dt.datetime.fromisoformat(r["exited_at"]).date().replace(day=1)
        met = r["has_met_exit_criteria"] == "true"
        key = (r["pipeline_stage"], month)
        exits[key + ("exits",)] += 1
        exits[key + ("with",)] += met
        exits[key + ("closed_with",)] += met and r["outcome"] != "open"
        exits[key + ("won_with",)] += met and r["outcome"] == "won"
        exits[key + ("closed_without",)] += not met and r["outcome"] != "open"
        exits[key + ("won_without",)] += not met and r["outcome"] == "won"
    reported = Counter()
    names = ("exits", "with", "closed_with", "won_with", "closed_without", "won_without")
    for stage, month, *counts in con.execute(
        "select pipeline_stage, exit_month, stage_exits, exits_with_criteria, "
        "closed_with_criteria, won_with_criteria, closed_without_criteria, won_without_criteria "
        "from marts.rpt_stage_controls where owner_crm_user_id = 'all'"
    ).fetchall():
        for name, n in zip(names, counts, strict=True):
            reported[(stage, month, name)] += n
    assert +reported == +exits
    total = {name: sum(n for k, n in exits.items() if k[2] == name) for name in names}
    assert total["won_with"] / total["closed_with"] > total["won_without"] / total["closed_without"]
    row = metrics
    assert (
        round(float(row["exit_criteria_share"]), 6),
        round(float(row["win_rate_with_exit_criteria"]), 6),
        round(float(row["win_rate_without_exit_criteria"]), 6),
    ) == (
        round(total["with"] / total["exits"], 6),
        round(total["won_with"] / total["closed_with"], 6),
        round(total["won_without"] / total["closed_without"], 6),
    )


@pytest.mark.slow
def test_invariants_on_generated_data(generated):
    _, con, _ = generated
    [(bad_conversion,)] = con.execute(
        "select count(*) from marts.rpt_pipeline_funnel "
        "where conversion_rate not between 0 and 1 or win_rate_by_count not between 0 and 1"
    ).fetchall()
    [(negative,)] = con.execute(
        "select count(*) from marts.fct_opportunity_stage_visits where days_in_stage < 0"
    ).fetchall()
    [(ungrouped,)] = con.execute(
        "select count(*) from marts.fct_lost_requests where reason_group is null"
    ).fetchall()
    assert (bad_conversion, negative, ungrouped) == (0, 0, 0)
    [(leavers,)] = con.execute("select sum(leavers) from marts.rpt_rep_turnover").fetchall()
    [(employee_leavers,)] = con.execute(
        "select count(*) from staging.stg_erp__employees where role <> 'other' "
        "and leave_date <= (select max(year_end) from marts.rpt_rep_turnover)"
    ).fetchall()
    assert leavers == employee_leavers


# --- reference data: the Maven CRM sample --------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    not (MAVEN / "sales_pipeline.csv").is_file(),
    reason=f"reference data not found at {MAVEN}: set SALESDW_SHARED_DIR",
)
def test_maven_sample_win_rate_and_won_value(tmp_path, monkeypatch):
    """Counted by hand in sales_pipeline.csv (awk on deal_stage and close_value): 4,238 Won,
    2,473 Lost, 1,589 Engaging, 500 Prospecting; won value 10,005,534. Win rate by count
    4238 / 6711 = 0.6315. The traps, counted the same way: 1,480 deals of product `GTXPro`,
    12 accounts in sector `technolgy`, 1,425 open deals with no account (1,088 Engaging,
    337 Prospecting)."""
    landing, home = tmp_path / "landing", tmp_path / "home"
    extract_date = dt.date(2018, 1, 1)
    traps = to_crm_extract(MAVEN, landing, extract_date)
    assert traps["product_spelling"] == Counter({"GTXPro": 1480})
    assert traps["sector_spelling"] == Counter({"technolgy": 12})
    assert traps["open_deal_without_account"] == Counter({"Engaging": 1088, "Prospecting": 337})

    monkeypatch.setenv("SALESDW_HOME", str(home))
    settings = Settings.from_env()
    loaded = {}
    for entity in ("users", "accounts", "opportunities"):
        [outcome] = load_entity_day(
            settings, LocalConnector(landing), "crm", entity, extract_date, "test"
        )
        assert outcome.rows_quarantined == 0, outcome
        loaded[entity] = outcome.rows_loaded
    assert loaded == {"users": 35, "accounts": 85, "opportunities": 8800}  # no row dropped
    build(home)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        [(won, lost, won_amount)] = con.execute(
            "select sum(won_opportunities), sum(lost_opportunities), sum(won_amount) "
            "from marts.rpt_pipeline_funnel "
            "where segment = 'all' and owner_crm_user_id = 'all' and pipeline_stage = 'all'"
        ).fetchall()
        [(stored_opportunities, without_account)] = con.execute(
            "select count(*), count(*) filter (where crm_account_id is null) "
            "from intermediate.int_opportunities_enriched"
        ).fetchall()
    assert (won, lost) == (4238, 2473)
    assert round(won / (won + lost), 4) == 0.6315
    assert won_amount == 10_005_534
    assert (stored_opportunities, without_account) == (8800, 1425)


def _warehouse_copy(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> Path:
    """A home holding a copy of the fixture's warehouse, for MetricFlow to read."""
    [(path,)] = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()
    home = tmp_path / "home"
    (home / "warehouse").mkdir(parents=True)
    shutil.copyfile(path, home / "warehouse" / "salesdw.duckdb")
    return home


def test_metricflow_gives_the_ground_truth_counts(generated, metrics):
    """The semantic layer's slipped, repeat-slipped and orphaned counts, queried with
    MetricFlow on a copy of the warehouse, equal the generator's ground truth."""
    landing, con, _ = generated
    row = metrics
    slips = [int(r["slip_count"]) for r in _truth(landing, "slipped_deals")]
    orphans = [r for r in _truth(landing, "orphaned_accounts") if not r["reassigned_at"]]
    assert (
        int(float(row["slipped_deals"])),
        int(float(row["repeat_slippers"])),
        int(float(row["orphaned_accounts"])),
    ) == (len(slips), sum(n >= 2 for n in slips), len(orphans))


@pytest.mark.slow
def test_quota_attainment_holds_together_and_metricflow_reads_it(generated, metrics):
    """rpt_quota_attainment on the 14 generated days (its arithmetic is the dbt unit test
    `quota_attainment_by_hand`): one row per month employed for each rep with a quota, the
    quota prorated never above the monthly one, only the as-of month incomplete, every won
    amount the forecast mart's actual; and MetricFlow's quota_attainment is Σ won / Σ quota
    of those rows."""
    _, con, _ = generated
    [(as_of_month,)] = con.execute("select as_of_month from intermediate.int_as_of").fetchall()
    reps_with_quota = con.execute(
        "select count(*) from marts.dim_sales_reps where monthly_quota is not null"
    ).fetchone()[0]
    assert reps_with_quota > 0
    rows = con.execute(
        "select count(distinct crm_user_id), count(*) filter (where quota_amount > monthly_quota), "
        "count(*) filter (where not is_complete and month <> ?), "
        "count(*) filter (where is_complete and month = ?) from marts.rpt_quota_attainment",
        [as_of_month, as_of_month],
    ).fetchone()
    assert rows == (reps_with_quota, 0, 0, 0)
    [(unmatched,)] = con.execute(
        """
        select count(*) from marts.rpt_quota_attainment as quota
        left join marts.rpt_forecast_accuracy as forecast
            on forecast.owner_crm_user_id = quota.crm_user_id and forecast.month = quota.month
            and forecast.team <> 'all'
        where quota.won_amount <> coalesce(forecast.actual_amount, 0)
        """
    ).fetchall()
    assert unmatched == 0
    [(won, quota)] = con.execute(
        "select sum(won_amount), sum(quota_amount) from marts.rpt_quota_attainment"
    ).fetchall()
    row = metrics
    assert round(float(row["quota_attainment"]), 6) == round(float(won) / float(quota), 6)


# --- what clients say ----------------------------------------------------------------------


def _single_true_clients(landing: Path, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Master clients whose records are all, and only, one true client's (the master data got
    them right), each with that true client, so that what the marts say of the master client
    is what the truth says of the true one."""
    true_of = {
        (r["source_system"], r["source_entity"], r["source_id"]): r["true_client_id"]
        for r in _truth(landing, "source_records")
    }
    members, masters = defaultdict(set), defaultdict(set)
    for client_id, system, entity, source_id in con.execute(
        "select client_id, source_system, source_entity, source_id from marts.map_client_source_ids"
    ).fetchall():
        true_client = true_of.get((system, entity, source_id))
        members[client_id].add(true_client)
        masters[true_client].add(client_id)
    return {
        client_id: next(iter(true_clients))
        for client_id, true_clients in members.items()
        if len(true_clients) == 1
        and None not in true_clients
        and len(masters[next(iter(true_clients))]) == 1
    }


def _counted_in_nps(responses: list[dict]) -> set[str]:
    """The responses NPS counts: a contact's (e-mail at one organisation) latest of a month."""
    latest: dict[tuple, dict] = {}
    for r in responses:
        key = (r["responded_at"][:7], r["respondent_email"].lower(), r["organization_id"])
        if key not in latest or (r["responded_at"], r["response_id"]) > (
            latest[key]["responded_at"],
            latest[key]["response_id"],
        ):
            latest[key] = r
    return {r["response_id"] for r in latest.values()}


def _nps_group(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


@pytest.mark.slow
def test_survey_responses_owners_and_support_failures_match_the_ground_truth(generated):
    """Every survey response of the truth is in fct_survey_responses, NPS counting the
    contact's latest of each month; for the responses of a master client that is exactly one
    true client, the owning rep and whether a missed SLA target came in the 30 days before
    equal the truth's. Per month, the NPS marts' `all` rows count what the truth counts."""
    landing, con, _ = generated
    truth = {r["response_id"]: r for r in _truth(landing, "survey_responses")}
    counted = _counted_in_nps(list(truth.values()))
    ours = {
        row[0]: row[1:]
        for row in con.execute(
            "select support_response_id, client_id, owner_crm_user_id, is_counted_in_nps, "
            "follows_support_failure from marts.fct_survey_responses"
        ).fetchall()
    }
    assert ours.keys() == truth.keys()
    assert {rid for rid, row in ours.items() if row[2]} == counted
    single = _single_true_clients(landing, con)
    checked = {rid: row for rid, row in ours.items() if row[0] in single}
    assert len(checked) > 0.9 * len(truth)
    assert {rid: (row[1] or "", row[3]) for rid, row in checked.items()} == {
        rid: (truth[rid]["owner_id"], truth[rid]["follows_support_failure"] == "true")
        for rid in checked
    }
    after = sum(truth[rid]["follows_support_failure"] == "true" for rid in checked)
    assert after > 50
    expected = Counter()
    for rid in counted:
        month = dt.date.fromisoformat(truth[rid]["responded_at"][:7] + "-01")
        expected[(month, _nps_group(int(truth[rid]["score"])))] += 1
    for mart, column in (
        ("rpt_nps_by_rep", "owner_crm_user_id"),
        ("rpt_nps_after_support_failure", "support_experience"),
    ):
        reported = Counter()
        for month, promoters, passives, detractors in con.execute(
            f"select month, promoters, passives, detractors from marts.{mart} "
            f"where {column} = 'all'"
        ).fetchall():
            reported.update(
                {(month, "promoter"): promoters, (month, "passive"): passives}
                | {(month, "detractor"): detractors}
            )
        assert +reported == +expected, mart


@pytest.mark.slow
def test_metricflow_nps_churns_and_golden_record_changes(generated, semantic, metrics):
    """MetricFlow's NPS by owning rep and by support experience over every month is the
    truth's (its counted responses, 100 x (promoters - detractors) / responses by hand); per
    support experience, the mart's counts put through the same formula; its churns and
    golden-record changes are the marts' rows."""
    landing, con, _ = generated
    truth = _truth(landing, "survey_responses")
    counted = _counted_in_nps(truth)
    groups = Counter(_nps_group(int(r["score"])) for r in truth if r["response_id"] in counted)
    row = metrics
    nps = 100.0 * (groups["promoter"] - groups["detractor"]) / sum(groups.values())
    assert round(float(row["nps_by_rep"]), 6) == round(nps, 6)
    assert round(float(row["nps_by_support_experience"]), 6) == round(nps, 6)
    [(churns,)] = con.execute("select count(*) from marts.fct_client_churns").fetchall()
    [(changes,)] = con.execute(
        "select count(*) from marts.dim_clients_history where version_number > 1"
    ).fetchall()
    assert (int(float(row["client_churns"])), int(float(row["golden_record_changes"]))) == (
        churns,
        changes,
    )
    by_experience = {
        r["nps_month_experience__support_experience"]: round(
            float(r["nps_by_support_experience"]), 6
        )
        for r in semantic.query(
            "nps_by_support_experience", group_by="nps_month_experience__support_experience"
        )
        # the `all` rows weigh nothing: MetricFlow's group of them is 0 / 0
        if r["nps_month_experience__support_experience"] != "all"
    }
    assert by_experience == {
        experience: round(100.0 * (p - d) / n, 6)
        for experience, p, d, n in con.execute(
            "select support_experience, sum(promoters), sum(detractors), sum(responses) "
            "from marts.rpt_nps_after_support_failure where support_experience <> 'all' "
            "group by all"
        ).fetchall()
    }


@pytest.mark.slow
def test_exit_reasons_of_churned_clients_match_the_ground_truth(generated):
    """For the master clients that are exactly one true client, every churn up to the as-of
    month, with the termination reason the ERP holds for it, and no other; the reasons group
    through the seed (an empty one is not_given)."""
    landing, con, _ = generated
    single = _single_true_clients(landing, con)
    ours = {
        (single[client_id], month.isoformat(), reason or "")
        for client_id, month, reason in con.execute(
            "select client_id, churn_month, exit_reason from marts.fct_client_churns"
        ).fetchall()
        if client_id in single
    }
    kept = set(single.values())
    truth = {
        (r["true_client_id"], r["churn_month"], r["termination_reason"])
        for r in _truth(landing, "exit_reasons")
        if r["true_client_id"] in kept
    }
    assert len(truth) > 100 and ours == truth
    groups = dict(
        con.execute("select raw_reason, exit_reason_group from seeds.exit_reasons").fetchall()
    )
    expected = Counter(groups[reason] if reason else "not_given" for *_, reason in truth)
    reported = Counter(
        dict(
            con.execute(
                "select exit_reason_group, count(*) from marts.fct_client_churns "
                f"where client_id in ({', '.join('?' * len(single))}) group by all",
                list(single),
            ).fetchall()
        )
    )
    assert reported == expected


@pytest.mark.slow
def test_the_golden_record_history_ends_in_dim_clients_and_shows_reassignments(generated):
    """Each client's current row of dim_clients_history is its dim_clients row, attribute by
    attribute, and it has exactly one; for the master clients that are exactly one true
    client with one CRM account, the owner changes the history shows are the truth's
    reassignments during the window (orphaned_accounts.csv), at the moment they happened."""
    landing, con, _ = generated
    columns = (
        "client_id, legal_name, billing_street, billing_postal_code, billing_city, "
        "billing_country, segment, owner_crm_user_id"
    )
    current = con.execute(
        f"select {columns} from marts.dim_clients_history where is_current"
    ).fetchall()
    clients = con.execute(f"select {columns} from marts.dim_clients").fetchall()
    assert len(current) == len(clients) > 1000 and set(current) == set(clients)
    single = _single_true_clients(landing, con)
    accounts = defaultdict(list)
    for client_id, account_id in con.execute(
        "select client_id, source_id from marts.map_client_source_ids "
        "where source_system = 'crm' and source_entity = 'accounts'"
    ).fetchall():
        accounts[client_id].append(account_id)
    account_of = {c: a[0] for c, a in accounts.items() if c in single and len(a) == 1}
    ours = {
        (account_of[client_id], previous, valid_from.isoformat())
        for client_id, valid_from, owner, previous in con.execute(
            "select client_id, valid_from, owner_crm_user_id, lag(owner_crm_user_id) over "
            "(partition by client_id order by valid_from) from marts.dim_clients_history"
        ).fetchall()
        if client_id in account_of and previous is not None and owner not in (None, previous)
    }
    kept = set(account_of.values())
    truth = {
        (r["account_id"], r["departed_owner_id"], r["reassigned_at"])
        for r in _truth(landing, "orphaned_accounts")
        if r["reassigned_at"] and r["account_id"] in kept
    }
    assert len(truth) >= 1 and ours == truth
