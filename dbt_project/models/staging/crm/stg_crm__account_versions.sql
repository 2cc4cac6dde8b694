{#
    Every loaded version of every CRM account (the raw layer keeps them all, with their
    updated_at): who owned it when, and its name, address and segment then. Staging keeps two views of accounts: the latest version of
    each (stg_crm__accounts) and this one. Grain: one row per account and updated_at (a
    version loaded twice collapses into one row: the latest load wins).
#}

with

source as (

    select * from {{ source('crm', 'accounts') }}
    where updated_at is not null

),

versions as (

    select * from source
    -- the same version loaded twice (re-delivery, a later file): the latest load wins
    {{ latest_version(['account_id', 'updated_at']) }}

),

renamed as (

    select
        account_id as crm_account_id,
        updated_at,
        created_at,
        owner_id as owner_crm_user_id,
        account_name,
        billing_street,
        billing_postal_code,
        billing_city,
        upper(billing_country) as billing_country,
        replace(lower(segment), '-', '_') as segment,
        coalesce(is_deleted, false) as is_deleted,
        _extract_date
    from versions

)

select * from renamed
