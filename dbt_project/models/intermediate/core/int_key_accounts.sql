{#
    The key accounts: the var key_account_top_n clients with the largest ARR in the as-of
    month (fct_mrr; a tie at the cut goes to the smaller client_id, so that every build picks
    the same), and every client a line of the strategic_accounts seed names by one of its
    source records (map_client_source_ids). Grain: one row per key account (client_id).
#}

with

mrr as (

    select * from {{ ref('fct_mrr') }}

),

as_of as (

    select * from {{ ref('int_as_of') }}

),

client_map as (

    select * from {{ ref('map_client_source_ids') }}

),

strategic_accounts as (

    select * from {{ ref('strategic_accounts') }}

),

ranked as (

    select
        mrr.client_id,
        mrr.arr,
        row_number() over (order by mrr.arr desc, mrr.client_id asc) as arr_rank
    from mrr
    inner join as_of
        on mrr.month = as_of.as_of_month
    where mrr.arr > 0

),

top_arr as (

    select * from ranked
    where arr_rank <= {{ var('key_account_top_n', 20) }}

),

strategic as (

    -- two seed lines can name two records of one client: one key account, the first reason
    select
        client_map.client_id,
        strategic_accounts.reason as strategic_reason
    from strategic_accounts
    inner join client_map
        on
            strategic_accounts.source_system = client_map.source_system
            and strategic_accounts.source_entity = client_map.source_entity
            and strategic_accounts.source_id = client_map.source_id
    qualify row_number() over (
        partition by client_map.client_id
        order by strategic_accounts.decided_on, strategic_accounts.source_id
    ) = 1

),

final as (

    select
        coalesce(top_arr.client_id, strategic.client_id) as client_id,
        top_arr.arr_rank,
        top_arr.client_id is not null as is_top_arr,
        strategic.client_id is not null as is_strategic,
        strategic.strategic_reason
    from top_arr
    full outer join strategic
        on top_arr.client_id = strategic.client_id

)

select * from final
