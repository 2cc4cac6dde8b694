{#
    Referential integrity across the sources, one row per check (int_source_records_unmapped
    says what each one looks for): how many source records point at a client master data
    does not know, the money they carry, and the files that can explain them. Every check has
    a row, zero included, so that an auditor sees what was checked.

    unmapped_mrr_share = the unmapped subscriptions' MRR in the as-of month / all of that
    month's MRR (mapped or not). Above var unmapped_mrr_share_max it blocks the publication
    (tests/assert_unmapped_mrr_within_its_share.sql); any unmapped record below it is a
    warning (tests/assert_every_source_record_has_a_client.sql). Grain: check_name.
#}

with

unmapped as (

    select * from {{ ref('int_source_records_unmapped') }}

),

subscription_months as (

    select * from {{ ref('int_subscription_months') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

checks as (

    select
        check_list.check_name,
        check_list.source_system,
        check_list.source_entity,
        check_list.references_entity
    from (
        values
        ('subscription_without_client', 'erp', 'subscriptions', 'erp customers'),
        ('invoice_without_client', 'erp', 'invoices', 'erp customers'),
        ('order_without_client', 'erp', 'orders', 'erp customers'),
        ('quote_without_client', 'erp', 'quotes', 'erp customers'),
        ('opportunity_without_account', 'crm', 'opportunities', 'crm accounts'),
        ('ticket_without_organization', 'support', 'tickets', 'support organizations'),
        ('survey_without_organization', 'support', 'surveys', 'support organizations')
    ) as check_list (check_name, source_system, source_entity, references_entity)

),

as_of_mrr as (

    select sum(subscription_months.mrr) as mrr
    from subscription_months
    inner join as_of
        on subscription_months.month = as_of.as_of_month

),

counted as (

    select
        check_name,
        count(*) as unmapped_records,
        sum(mrr) as unmapped_mrr,
        sum(amount) as unmapped_amount,
        {{ array_sorted(array_agg_values('record_id')) }} as record_ids,
        {{ array_sorted(array_distinct_values('flatten(' ~ array_agg_values('explained_by') ~ ')')) }} as explained_by
    from unmapped
    group by check_name

),

final as (

    select
        checks.check_name,
        checks.source_system,
        checks.source_entity,
        checks.references_entity,
        coalesce(counted.unmapped_records, 0) as unmapped_records,
        cast(coalesce(counted.unmapped_mrr, 0) as decimal(18, 2)) as unmapped_mrr,
        cast(counted.unmapped_amount as decimal(18, 2)) as unmapped_amount,
        cast(as_of_mrr.mrr as decimal(18, 2)) as as_of_month_mrr,
        cast(round(coalesce(counted.unmapped_mrr, 0) / nullif(as_of_mrr.mrr, 0), 6) as double)
            as unmapped_mrr_share,
        cast({{ var('unmapped_mrr_share_max') }} as double) as unmapped_mrr_share_max,
        coalesce(counted.unmapped_mrr, 0) / nullif(as_of_mrr.mrr, 0)
        > {{ var('unmapped_mrr_share_max') }} as is_blocking,
        coalesce(counted.record_ids, {{ array_of([]) }}) as record_ids,
        coalesce(counted.explained_by, {{ array_of([]) }}) as explained_by,
        as_of.as_of_date
    from checks
    cross join as_of_mrr
    cross join as_of
    left join counted
        on checks.check_name = counted.check_name

)

select * from final
