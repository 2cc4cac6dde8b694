-- Every line of the strategic_accounts seed names a source record master data knows
-- (map_client_source_ids), so that a mistyped id does not silently drop a strategic account
-- from the key accounts. A warning, not a failure: a record can also leave its source system.
-- Rows returned: the seed lines that name no client.
{{ config(severity='warn') }}

with

strategic_accounts as (

    select * from {{ ref('strategic_accounts') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}

)

select
    strategic_accounts.source_system,
    strategic_accounts.source_entity,
    strategic_accounts.source_id
from strategic_accounts
left join client_map
    on
        strategic_accounts.source_system = client_map.source_system
        and strategic_accounts.source_entity = client_map.source_entity
        and strategic_accounts.source_id = client_map.source_id
where client_map.client_id is null
