{#
    Every client id salesdw ever issued, and the id to use today: itself while active, the
    surviving client's id once merged. Join old references through this map.
#}

with

client_ids as (

    select * from {{ ref('stg_mdm__client_ids') }}

),

final as (

    select
        client_id,
        case
            when status = 'active' then client_id
            else merged_into
        end as current_client_id,
        status,
        created_in_run,
        retired_in_run,
        retired_reason
    from client_ids

)

select * from final
