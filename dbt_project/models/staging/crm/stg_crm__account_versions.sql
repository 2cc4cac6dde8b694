{#
    Every loaded version of every CRM account (the raw layer keeps them all, with their
    updated_at): who owned it when. Staging keeps two views of accounts: the latest version of
    each (stg_crm__accounts) and this one. Grain: one row per account and updated_at (a
    version loaded twice collapses into one row: the latest load wins).
#}

with

source as (

    select * from {{ source('crm', 'accounts') }}

),

versions as (

    select
        trim(account_id) as crm_account_id,
        updated_at,
        created_at,
        nullif(trim(owner_id), '') as owner_crm_user_id,
        _extract_date
    from source
    where nullif(trim(account_id), '') is not null and updated_at is not null
    qualify row_number() over (
        partition by trim(account_id), updated_at
        order by _loaded_at desc, _line_number desc
    ) = 1

)

select * from versions
