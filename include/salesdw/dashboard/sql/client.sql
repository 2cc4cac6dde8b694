-- name: directory
-- every spelling a client is known by: its golden name, SIREN, VAT number, domains and the
-- id of each source record (ERP customer, CRM account, support organisation)
select clients.client_id, clients.legal_name, clients.siren, clients.vat_number,
    clients.segment, ids.source_system, ids.source_id
from marts.dim_clients as clients
left join marts.map_client_source_ids as ids on ids.client_id = clients.client_id

-- name: golden
select * from marts.dim_clients where client_id = :client_id

-- name: summary
select * from marts.dim_client_360 where client_id = :client_id

-- name: records
select source_system, source_entity, source_id, record_key, link_rule, link_weight,
    decided_in_run, decided_at
from marts.map_client_source_ids
where client_id = :client_id
order by source_system, source_id

-- name: evidence
select left_record_key, right_record_key, decision, total_weight, deterministic_rule,
    attribute, level, weight
from marts.client_match_evidence
where left_client_id = :client_id or right_client_id = :client_id
order by left_record_key, right_record_key, attribute

-- name: mrr
select month, mrr, category, movement
from marts.fct_mrr
where client_id = :client_id
order by month

-- name: deals
select crm_opportunity_id, pipeline_stage, entered_at, days_in_stage, owner_crm_user_id
from marts.fct_opportunity_stage_visits
where client_id = :client_id and is_open_visit
order by entered_at desc

-- name: tickets
select support_ticket_id, priority, category, status, created_at, solved_at, is_breached
from marts.fct_support_tickets
where client_id = :client_id
order by created_at desc

-- name: history
select run_id, recorded_at, event, client_id, related_client_id, records, reason
from marts.client_id_history
where client_id = :client_id or related_client_id = :client_id
order by recorded_at

-- name: owners
select crm_account_id, owner_crm_user_id, owner_name, is_owner_active, was_orphaned,
    departed_owner_crm_user_id, owner_left_on, reassigned_at
from marts.rpt_account_coverage
where client_id = :client_id

-- name: contacts
-- decision-makers first
select contact_name, job_title, is_decision_maker, email, phone, source_system
from marts.dim_client_contacts
where client_id = :client_id
order by is_decision_maker desc, crm_contact_id

-- name: notes
select activity_date, activity_type, author_name, contact_name, subject, notes
from marts.fct_client_recent_activities
where client_id = :client_id
order by recency_rank
