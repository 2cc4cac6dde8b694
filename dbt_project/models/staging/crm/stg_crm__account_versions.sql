{#
    Every loaded version of every CRM account (the raw layer keeps them all, with their
    updated_at): who owned it when. Staging keeps two views of accounts: the latest version of
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
        _extract_date
    from versions

)

select * from renamed
