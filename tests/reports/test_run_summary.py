"""The run summary's KPI lines on hand-made marts: the unmapped source records with their
money and files, the current and past-due pipeline apart, rates whose window has not elapsed
marked so, and each segment's own CAC. Every expected line is written out by hand."""

from __future__ import annotations

import duckdb
import pytest

from salesdw.reports.run_summary import (
    SALES_MARTS,
    _product_line,
    _sales_lines,
    _segment_cac_lines,
    _unmapped_lines,
)

MARTS = """
create schema marts;
create table marts.rpt_referential_integrity as select * from (values
    ('subscription_without_client', 3, 9743.00, 9743.00, 0.0058, 0.01, false,
     ['erp/customers/2026-01-05/customers_20260105.csv']),
    ('invoice_without_client', 2, 0.00, 11756.00, 0.0, 0.01, false, []::varchar[]),
    ('ticket_without_organization', 0, 0.00, null, 0.0, 0.01, false, []::varchar[])
) as t(check_name, unmapped_records, unmapped_mrr, unmapped_amount, unmapped_mrr_share,
       unmapped_mrr_share_max, is_blocking, explained_by);
create table marts.rpt_pipeline_funnel as select * from (values
    (date '2025-12-01', 'all', 'all', 'all', 0.5, 0.5, 80, 100, 100.0, 50.0, 1, 10.0, true),
    (date '2026-01-01', 'all', 'all', 'all', 0.49, 0.503, 82, 109, 7741939.13, 3739840.0,
     776, 10834411.38, false),
    (date '2026-01-01', 'smb', 'all', 'all', 0.1, 0.1, 1, 1, 1.0, 1.0, 1, 1.0, false)
) as t(month, segment, owner_crm_user_id, pipeline_stage, win_rate_by_count,
       win_rate_by_amount, median_sales_cycle_days, p90_sales_cycle_days, pipeline_amount,
       weighted_pipeline_amount, past_due_opportunities, past_due_amount, is_complete);
create table marts.rpt_forecast_accuracy as select * from (values
    (date '2026-01-01', 'all', 'all', 100.0, 80.0, 0.75, -0.2)
) as t(month, team, owner_crm_user_id, forecast_amount, actual_amount, forecast_accuracy,
       forecast_bias);
create table marts.fct_slipped_deals (slip_count int, is_repeat_slipper bool, is_stalled bool);
create table marts.rpt_lost_reasons (month date, reason_group varchar, lost_requests int,
    is_recurring_motif bool, segment varchar);
create table marts.rpt_account_coverage (is_orphaned bool, mrr_at_risk decimal(18, 2),
    open_pipeline_at_risk decimal(18, 2));
create table marts.rpt_support_service as select * from (values
    (date '2025-10-01', 'all', 10, 4.0, 18.0, 0.9, 1, true, 0.25, 0.05),
    (date '2025-11-01', 'all', 10, 4.0, 18.0, 0.9, 1, false, null, null),
    (date '2025-12-01', 'all', 10, 4.0, 18.0, 0.9, 1, false, null, null),
    (date '2026-01-01', 'all', 316, 4.1, 18.4, 0.871, 71, false, null, null),
    (date '2026-01-01', 'urgent', 5, 1.0, 2.0, 1.0, 0, null, null, null)
) as t(month, priority, tickets, median_first_response_hours, p90_first_response_hours,
       sla_compliance, breached_tickets, is_churn_window_complete,
       churn_rate_3_months_after_failure, churn_rate_3_months_without_failure);
create table marts.rpt_rep_turnover as select * from (values
    (2025, 0.17, 365, false, 0.17),
    (2026, 0.1333, 30, true, 1.6218)
) as t(year, turnover_rate, days_observed, is_partial_year, annualised_turnover_rate);
create table marts.rpt_key_accounts as select * from (values
    ('K1', date '2025-12-01', true, false, 9999.00, 0.00, false, 5, 3, null, null, false),
    ('K1', date '2026-01-01', true, false, 10000.00, 500.00, true, 0, 0, date '2025-12-20', 25,
     true),
    ('K2', date '2026-01-01', true, true, 8000.00, -1000.00, false, 2, 1, null, null, true),
    ('K3', date '2026-01-01', false, true, 1500.00, 0.00, false, 1, 2, date '2025-09-01', 135,
     true)
) as t(client_id, month, is_top_arr, is_strategic, mrr, mrr_change, is_knowledge_captured,
       open_tickets, sla_breaches, last_meeting_date, days_since_last_meeting, is_as_of_month);
create table marts.rpt_quota_attainment as select * from (values
    (date '2025-12-01', 'R1', 30000.00, 30000.00, true),
    (date '2025-12-01', 'R2', 20000.00, 15000.00, true),
    (date '2026-01-01', 'R1', 9677.42, 1000.00, false),
    (date '2026-01-01', 'R2', 6451.61, 2225.81, false)
) as t(month, crm_user_id, quota_amount, won_amount, is_complete);
create table marts.rpt_forecast_category_paths as select * from (values
    ('O1', 2, 1, true, false, 5000.00),
    ('O2', 1, 0, false, true, 1200.40),
    ('O3', 0, 0, false, true, 800.00),
    ('O4', 0, 0, false, false, 99.00)
) as t(crm_opportunity_id, ups, downs, is_yo_yo, is_late_stage_surprise, amount_reporting);
create table marts.rpt_lead_funnel as select * from (values
    (date '2025-12-01', 'SDR', 'U1', 3, 2, 2, 1),
    (date '2026-01-01', 'SDR', 'U1', 4, 1, 1, 0),
    (date '2026-01-01', 'SDR', 'U2', 1, 1, 1, 1),
    (date '2026-01-01', 'AE', 'U3', 2, 2, 0, 1),
    (date '2025-12-01', 'SDR', 'all', 3, 2, 2, 1),
    (date '2026-01-01', 'SDR', 'all', 5, 2, 2, 1),
    (date '2026-01-01', 'AE', 'all', 2, 2, 0, 1),
    (date '2026-01-01', 'all', 'all', 7, 4, 2, 2)
) as t(created_month, owner_role, owner_crm_user_id, leads, converted_leads,
       handed_off_leads, won_leads);
create table marts.rpt_period_end_wins as select * from (values
    ('month', date '2025-12-01', 'all', 10, 4, 0.4, 0.2273, true, 9.0, 3.0),
    ('month', date '2026-01-01', 'all', 8, 2, 0.25, 0.2273, true, 12.3, 3.5),
    ('month', date '2026-01-01', 'U1', 8, 8, 1.0, 0.2273, true, 1.0, null),
    ('month', date '2026-02-01', 'all', 3, 3, 1.0, 0.25, false, 5.0, null),
    ('quarter', date '2025-10-01', 'all', 30, 6, 0.2, 0.0781, true, null, 4.0),
    ('quarter', date '2026-01-01', 'all', 11, 5, 0.4545, 0.0781, false, 8.0, 8.0)
) as t(period_grain, period_start, owner_crm_user_id, wins, period_end_wins,
       period_end_share_by_count, share_without_pressure, is_complete,
       period_end_discount_pct, other_discount_pct);
create table marts.rpt_period_end_quotes as select * from (values
    ('month', date '2025-12-01', 6, 1, 10.0, 2.0, true),
    ('month', date '2026-01-01', 12, 3, 11.2, 4.1, true),
    ('month', date '2026-02-01', 2, 2, 9.0, null, false),
    ('quarter', date '2025-10-01', 20, 2, 13.0, null, true),
    ('quarter', date '2026-01-01', 14, 3, 11.2, 4.1, false)
) as t(period_grain, period_start, accepted_quotes, period_end_accepted_quotes,
       period_end_discount_pct, other_discount_pct, is_complete);
create table marts.rpt_lost_requests_by_type as select * from (values
    ('quarter', date '2025-10-01', 'all', 'all', 9, true),
    ('quarter', date '2025-10-01', 'all', 'renewal', 6, true),
    ('quarter', date '2025-10-01', 'all', 'new_client', 3, true),
    ('quarter', date '2025-10-01', 'lost_opportunity', 'renewal', 6, true),
    ('quarter', date '2026-01-01', 'all', 'all', 2, false),
    ('quarter', date '2026-01-01', 'all', 'services', 2, false),
    ('month', date '2025-12-01', 'all', 'renewal', 4, true)
) as t(period_grain, period_start, request_kind, request_type, lost_requests, is_complete);
create table marts.rpt_nps_after_support_failure as select * from (values
    (date '2025-01-01', 'no_failure', 5, 0, 0, 5),
    (date '2025-02-01', 'after_failure', 4, 1, 1, 2),
    (date '2025-06-01', 'no_failure', 20, 10, 6, 4),
    (date '2026-01-01', 'after_failure', 6, 2, 1, 3),
    (date '2026-01-01', 'no_failure', 10, 5, 3, 2),
    (date '2026-01-01', 'all', 16, 7, 4, 5)
) as t(month, support_experience, responses, promoters, passives, detractors);
create table marts.rpt_nps_by_rep as select * from (values
    (date '2025-01-01', 'R3', 5, 5, 0, 0),
    (date '2025-03-01', 'R1', 4, 1, 1, 2),
    (date '2026-01-01', 'R1', 8, 2, 2, 4),
    (date '2026-01-01', 'R2', 10, 8, 2, 0),
    (date '2026-01-01', 'R3', 9, 9, 0, 0),
    (date '2026-01-01', 'unowned', 20, 20, 0, 0),
    (date '2026-01-01', 'all', 51, 40, 4, 7)
) as t(month, owner_crm_user_id, responses, promoters, passives, detractors);
create table marts.fct_client_churns as select * from (values
    ('A', date '2025-01-01', 'price'),
    ('B', date '2025-02-01', 'competition'),
    ('C', date '2025-07-01', 'price'),
    ('D', date '2026-01-01', 'price'),
    ('E', date '2026-01-01', 'not_given')
) as t(client_id, churn_month, exit_reason_group);
create table marts.dim_clients_history as select * from (values
    ('K', 1, timestamp '2025-01-01 10:00:00'),
    ('K', 2, timestamp '2026-01-14 09:00:00'),
    ('K', 3, timestamp '2026-01-14 17:00:00'),
    ('L', 1, timestamp '2026-01-14 08:00:00'),
    ('M', 1, timestamp '2025-06-01 10:00:00'),
    ('M', 2, timestamp '2025-12-01 10:00:00')
) as t(client_id, version_number, valid_from);
create table marts.rpt_stage_controls as select * from (values
    ('prospecting', 'all', date '2025-12-01', 4, 1, 1, 1, 2, 0),
    ('prospecting', 'all', date '2026-01-01', 6, 4, 2, 1, 1, 1),
    ('prospecting', 'U1', date '2026-01-01', 6, 4, 2, 1, 1, 1),
    ('qualification', 'all', date '2026-01-01', 5, 0, 0, 0, 0, 0)
) as t(pipeline_stage, owner_crm_user_id, exit_month, stage_exits, exits_with_criteria,
       closed_with_criteria, won_with_criteria, closed_without_criteria, won_without_criteria);
create table marts.fct_lost_requests as select * from (values
    (date '2025-12-01', true, true, true, 'web'),
    (date '2026-01-01', true, true, false, 'web'),
    (date '2026-01-01', false, true, true, 'unknown'),
    (date '2026-01-01', false, false, false, 'unknown'),
    (date '2026-01-01', false, false, false, 'events')
) as t(lost_month, is_decision_maker, has_named_contact, has_competitor_named, channel);
create table marts.rpt_qualification_quality as select * from (values
    (date '2025-12-01', 'U9', 0.9, true, 1),
    (date '2026-01-01', 'U3', 0.7, true, 1),
    (date '2026-01-01', 'U2', 0.7, true, 1),
    (date '2026-01-01', 'U1', 0.4567, true, 3),
    (date '2026-01-01', 'U4', 1.0, false, null),
    (date '2026-02-01', 'U5', 1.0, false, null)
) as t(month, owner_crm_user_id, qualification_score, is_ranked, score_rank);
create table marts.rpt_lost_requests_significant as select * from (values
    ('month', date '2025-12-01', 'largest_amount', 1, 'lost_opportunity', 'O9', null, null,
     1, 99999.00, true),
    ('month', date '2026-01-01', 'largest_amount', 1, 'refused_quote', 'Q1', null, null,
     1, 12000.00, true),
    ('month', date '2026-01-01', 'largest_amount', 2, 'lost_opportunity', 'O1', null, null,
     1, 9000.00, true),
    ('month', date '2026-01-01', 'new_reason', 1, 'refused_quote', null, 'Tarif', null,
     1, 12000.00, true),
    ('month', date '2026-01-01', 'out_of_scope', 1, null, null, null, 'materiel', 3, 500.00,
     true),
    ('month', date '2026-01-01', 'out_of_scope', 2, null, null, null, 'none', 1, null, true),
    ('quarter', date '2026-01-01', 'largest_amount', 1, 'refused_quote', 'Q7', null, null,
     1, 50000.00, false),
    ('month', date '2026-02-01', 'largest_amount', 1, 'refused_quote', 'Q8', null, null,
     1, 70000.00, false)
) as t(period_grain, period_start, signal, signal_rank, request_kind, request_id, raw_reason,
       product_family, lost_requests, lost_amount, is_complete);
create table marts.rpt_cac_by_segment as select * from (values
    (date '2025-12-01', 'all', 'smb', 9, 999.00),
    (date '2026-01-01', 'all', 'all', 5, 320.00),
    (date '2026-01-01', 'all', 'smb', 3, 300.00),
    (date '2026-01-01', 'all', 'enterprise', 2, 350.00),
    (date '2026-01-01', 'web', 'smb', 2, 400.00)
) as t(month, channel, segment, new_clients, cac);
"""


@pytest.fixture
def con():
    with duckdb.connect() as connection:
        connection.execute(MARTS)
        yield connection


PRESENT = {f"marts.{m}" for m in SALES_MARTS} | {
    "marts.rpt_referential_integrity",
    "marts.rpt_rep_turnover",
    "marts.rpt_cac_by_segment",
    "marts.rpt_quota_attainment",
    "marts.rpt_key_accounts",
    "marts.rpt_forecast_category_paths",
    "marts.rpt_lead_funnel",
    "marts.rpt_period_end_wins",
    "marts.rpt_period_end_quotes",
    "marts.rpt_lost_requests_by_type",
    "marts.rpt_nps_after_support_failure",
    "marts.rpt_nps_by_rep",
    "marts.fct_client_churns",
    "marts.dim_clients_history",
    "marts.rpt_stage_controls",
    "marts.fct_lost_requests",
    "marts.rpt_qualification_quality",
    "marts.rpt_lost_requests_significant",
}


def test_unmapped_records_with_their_money_share_and_files(con):
    assert _unmapped_lines(con, PRESENT) == [
        "Unmapped source records: 5 (marts.rpt_referential_integrity)",
        "  subscription_without_client         3  MRR 9,743, 0.58% of the as-of month's "
        "(warns: the gate blocks above 1.00%); explained by: "
        "erp/customers/2026-01-05/customers_20260105.csv",
        "  invoice_without_client              2  amount 11,756; "
        "explained by: no rejected or quarantined file",
    ]


def test_current_and_past_due_pipeline_apart_and_incomplete_rates_marked(con):
    lines = _sales_lines(con, PRESENT)
    assert lines[0] == (
        "Pipeline 2026-01: win rate 49.0% by count, 50.3% by amount (month not over: "
        "incomplete); sales cycle median 82 d, p90 109 d; current pipeline 7,741,939 "
        "(weighted 3,739,840); past due, apart: 776 deals, 10,834,411 "
        "(marts.rpt_pipeline_funnel, rpt_past_due_pipeline)"
    )
    # the latest complete churn window is October's; November to January are not over
    assert (
        "  churn within 3 months 2025-10: 25.0% after a service failure, 5.0% without; "
        "3 later month(s) incomplete (window not elapsed: null, not 0)"
    ) in lines
    assert (
        "Rep turnover 2026: 13.3% over 30 days (partial year), annualised 162.2% "
        "(marts.rpt_rep_turnover)"
    ) in lines


def test_key_accounts_of_the_as_of_month_and_those_needing_attention(con):
    # January only: 10,000 + 8,000 + 1,500 MRR, +500 - 1,000 + 0 on the month; K2 and K3
    # lack knowledge and have open tickets (1 + 2 breaches); K2 was never met, K3 135 days ago
    assert (
        "Key accounts 2026-01: 3 (2 by ARR, 1 strategic only), MRR 19,500 (-500 on the month); "
        "2 without captured knowledge, 2 with open tickets (3 SLA breaches this month), 2 not "
        "met in 90 days (marts.rpt_key_accounts)"
    ) in _sales_lines(con, PRESENT)


def test_quota_attainment_of_the_last_whole_month_and_the_current_one_to_date(con):
    # December: 45,000 won of 50,000 = 90.0%; January to date: 3,225.81 of 16,129.03 = 20.0%
    assert _sales_lines(con, PRESENT)[-1] == (
        "Quota attainment 2025-12: 90.0% (45,000 won of 50,000 quota, 2 reps); 2026-01 to "
        "date: 20.0% (month not over) (marts.rpt_quota_attainment)"
    )


def test_forecast_category_moves_and_late_stage_surprises(con):
    # O1 and O2 moved (3 up, 1 down), O1 both ways; O2 and O3 are surprises: 1,200.40 + 800
    assert (
        "Forecast categories: 2 deals moved between open categories (3 up, 1 down), 1 up and "
        "down; late-stage surprises: 2 lost from negotiation after a commit, 2,000 "
        "(marts.rpt_forecast_category_paths)"
    ) in _sales_lines(con, PRESENT)


def test_lead_hand_offs_per_owner_role_over_every_month(con):
    # the SDR role rows: December 3 + January 5 leads, 2 + 2 converted and handed off, 1 + 1
    # won; the AE's 2 leads, both converted by the AE: no hand-off
    assert (
        "Lead hand-offs by owner role: SDR 8 leads, 4 converted, 4 handed off, 2 won; AE 2 "
        "leads, 2 converted, 0 handed off, 1 won (marts.rpt_lead_funnel)"
    ) in _sales_lines(con, PRESENT)


def test_period_end_wins_of_the_latest_whole_month_and_quarter(con):
    # February and Q1 2026 are not over: January 2026 and Q4 2025 are the latest whole ones
    assert (
        "Wins in the last five business days, month of 2026-01: 2 of 8 wins (25.0%; 22.7% "
        "without pressure; discount 12.3% against 3.5%); quarter of 2025-10: 6 of 30 wins "
        "(20.0%; 7.8% without pressure; discount n/a against 4.0%) "
        "(marts.rpt_period_end_wins)"
    ) in _sales_lines(con, PRESENT)


def test_period_end_quotes_of_the_latest_whole_month_and_quarter(con):
    # February and Q1 2026 are not over: January 2026 and Q4 2025 are the latest whole ones;
    # Q4 2025's other acceptances came from files without the discount (n/a)
    assert (
        "Quotes accepted in the last five business days, month of 2026-01: 3 of 12 (discount "
        "11.2% against 4.1%); quarter of 2025-10: 2 of 20 (discount 13.0% against n/a) "
        "(marts.rpt_period_end_quotes)"
    ) in _sales_lines(con, PRESENT)


def test_lost_requests_by_type_of_the_latest_whole_quarter(con):
    # Q1 2026 is not over: Q4 2025's kinds-together rows, largest first
    assert (
        "Lost requests by type of request 2025-Q4: renewal 6, new_client 3 "
        "(marts.rpt_lost_requests_by_type)"
    ) in _sales_lines(con, PRESENT)


def test_nps_after_a_support_failure_and_by_rep_over_12_months(con):
    # Feb 2025 to Jan 2026: after a failure 4 + 6 responses, 100 x (3 - 5) / 10 = -20.0;
    # without 20 + 10, 100 x (15 - 6) / 30 = 30.0 (Jan 2025 is 13 months back). R1 12
    # responses, 100 x (3 - 6) / 12 = -25.0; R2 80.0; R3 has 9 in the window: left out
    assert (
        "NPS, 12 months to 2026-01: after a support failure -20.0 (10 responses), without "
        "30.0 (30 responses); by owning rep from -25.0 (R1) to 80.0 (R2), 2 reps with 10+ "
        "responses (marts.rpt_nps_after_support_failure, rpt_nps_by_rep)"
    ) in _sales_lines(con, PRESENT)


def test_exit_reasons_of_the_churns_of_12_months(con):
    # Feb 2025 to Jan 2026: B, C, D, E (A churned 13 months back); price 2, then by name
    assert (
        "Exit reasons, churns of the 12 months to 2026-01: 4 (price 2, competition 1, "
        "not_given 1) (marts.fct_client_churns)"
    ) in _sales_lines(con, PRESENT)


def test_golden_record_history_with_the_changes_of_the_latest_day(con):
    # 3 clients, 6 versions, 3 of them changes (version > 1); on Jan 14 K's two (L's first
    # version is its start, not a change)
    assert (
        "Golden record history: 3 clients, 6 versions, 3 changes of name, address, segment "
        "or owner (2 on 2026-01-14) (marts.dim_clients_history)"
    ) in _sales_lines(con, PRESENT)


def test_lost_requests_of_the_latest_month_by_contact_and_conditions(con):
    # January 2026: 4 lost, 2 named (1 decision-maker), 1 competitor named, 2 channels known
    assert (
        "Lost requests 2026-01 by contact and conditions: 4, 2 with a named contact "
        "(1 of them decision-makers), 1 with a competitor named, 2 with a known channel "
        "(marts.fct_lost_requests)"
    ) in _sales_lines(con, PRESENT)


def test_qualification_score_of_the_latest_month_with_ranked_reps(con):
    # February has no ranked rep; in January U4's 1.0 is not ranked, U2 and U3 tie first
    assert (
        "Qualification score 2026-01: 3 reps ranked, best 0.70 (U2), lowest 0.46 "
        "(marts.rpt_qualification_quality)"
    ) in _sales_lines(con, PRESENT)


def test_significant_cases_of_the_latest_whole_month(con):
    # February is not over: January's largest amount, its new reason, its out-of-scope families
    assert (
        "Significant cases 2026-01: largest 12,000 (refused_quote Q1); new reasons: Tarif; "
        "out of scope by family: materiel 3, none 1 (marts.rpt_lost_requests_significant)"
    ) in _sales_lines(con, PRESENT)


def test_each_segment_reads_its_own_cac(con):
    assert _segment_cac_lines(con, PRESENT) == [
        "  CAC by segment 2026-01: enterprise 350 (2 new), smb 300 (3 new) "
        "(marts.rpt_cac_by_segment)"
    ]


def test_product_families_of_the_as_of_month_with_the_unmapped_apart():
    # the as-of month is January (the last with subscriptions); open pipeline of every month:
    # 1,500 + 5,000 + 700 = 7,200; January lost 1 + 1 = 2; unmapped asked 3 deals + 1 quote
    families = """
    create schema marts;
    create table marts.rpt_product_families as select * from (values
        ('logiciel', date '2025-12-01', 900.00, 9, 3, 1, 0.00, 2, 0, 0),
        ('logiciel', date '2026-01-01', 1000.40, 10, 4, 2, 0.00, 1, 0, 1),
        ('logiciel', date '2026-02-01', 0.00, 0, 0, 0, 1500.00, 0, 0, 0),
        ('module', date '2026-01-01', 250.00, 3, 2, 0, 0.00, 0, 2, 0),
        ('module', date '2026-03-01', 0.00, 0, 0, 0, 5000.00, 0, 0, 0),
        ('unmapped', date '2026-01-01', 0.00, 0, 3, 1, 0.00, 1, 0, 0),
        ('unmapped', date '2026-02-01', 0.00, 0, 0, 0, 700.00, 0, 0, 0)
    ) as t(family, month, mrr, subscriptions, opportunities, quotes, open_pipeline_amount,
           lost_requests, requests_not_released, requests_end_of_life);
    """
    from salesdw.reports.sql import queries

    with duckdb.connect() as connection:
        connection.execute(families)
        rows = connection.execute(queries("run_summary")["product_families"]).fetchall()
    assert _product_line(rows) == (
        "Products 2026-01: MRR logiciel 1,000, module 250; open pipeline 7,200; lost requests "
        "2; requests for products not released 2, at end of life 1; unmapped product: 4 "
        "requests, MRR 0 (marts.rpt_product_families)"
    )
    assert _product_line([]) is None


def test_stage_controls_to_date_per_stage_in_pipeline_order(con):
    # prospecting, company-wide (U1's row is not counted again): 5 of 10 exits with the
    # criteria; with them 2 won of 3 closed, without them 1 of 3; qualification: no closed
    # deal, so no rate (n/a), and it comes first
    assert (
        "Stage exits with the exit criteria met, to date: qualification 0.0% of 5 (win rate "
        "n/a with, n/a without); prospecting 50.0% of 10 (win rate 66.7% with, 33.3% without) "
        "(marts.rpt_stage_controls)"
    ) in _sales_lines(con, PRESENT)
