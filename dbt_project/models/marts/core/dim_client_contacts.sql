{#
    One row per CRM contact of a master client: what the client page lists under its
    contacts. A contact's client is its CRM account's (map_client_source_ids); contacts
    deleted in the CRM are gone from staging already.
#}

with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}

),

crm_accounts as (

    select
        source_id as crm_account_id,
        client_id
    from client_map
    where source_system = 'crm' and source_entity = 'accounts'

),

final as (

    select
        contacts.crm_contact_id,
        crm_accounts.client_id,
        contacts.crm_account_id,
        nullif(trim(concat_ws(' ', contacts.first_name, contacts.last_name)), '') as contact_name,
        contacts.job_title,
        {{ is_decision_maker_title('contacts.job_title') }} as is_decision_maker,
        contacts.email,
        contacts.phone,
        'crm' as source_system,
        contacts.updated_at
    from contacts
    inner join crm_accounts
        on contacts.crm_account_id = crm_accounts.crm_account_id

)

select * from final
