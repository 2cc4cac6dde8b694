with

source as (

    select * from {{ source('crm', 'opportunities') }}

),

latest as (

    select *
    from source
    -- the record with the latest updated_at wins: a re-sent or late row
    -- with an older updated_at never overwrites a newer one
    qualify row_number() over (
        partition by opportunity_id
        order by updated_at desc nulls last, _loaded_at desc, _line_number desc
    ) = 1

),

renamed as (

    select
        nullif(trim(opportunity_id), '') as crm_opportunity_id,
        nullif(trim(account_id), '') as crm_account_id,
        nullif(trim(owner_id), '') as owner_crm_user_id,
        nullif(trim(opportunity_name), '') as opportunity_name,
        nullif(trim(request_type), '') as request_type,
        amount,
        upper(trim(currency)) as currency,
        nullif(trim(stage), '') as stage,
        probability,
        nullif(trim(forecast_category), '') as forecast_category,
        expected_close_date,
        created_at,
        closed_at,
        is_won,
        nullif(trim(lost_reason), '') as lost_reason,
        nullif(trim(lost_reason_detail), '') as lost_reason_detail,
        nullif(trim(competitor), '') as competitor,
        updated_at,
        coalesce(is_deleted, false) as is_deleted,
        _batch_id,
        _source_file,
        _extract_date
    from latest

)

select * from renamed
where not is_deleted
