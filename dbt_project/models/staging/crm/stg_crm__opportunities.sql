with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

latest as (

    select * from source
    -- the latest updated_at wins: a late row with an older one never overwrites a newer one
    {{ latest_version('opportunity_id', 'updated_at') }}

),

renamed as (

    select
        opportunity_id as crm_opportunity_id,
        account_id as crm_account_id,
        owner_id as owner_crm_user_id,
        opportunity_name,
        request_type,
        amount,
        upper(currency) as currency,
        stage,
        probability,
        forecast_category,
        expected_close_date,
        created_at,
        closed_at,
        is_won,
        lost_reason,
        lost_reason_detail,
        competitor,
        nullif(trim(product_name), '') as crm_product_name,
        need_identified_at,
        budget_confirmed_at,
        decision_maker_met_at,
        solution_demonstrated_at,
        proposal_sent_at,
        commitments_obtained_at,
        discount_pct,
        nullif(trim(contact_id), '') as crm_contact_id,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
where not is_deleted
