{#
    CAC per month, acquisition channel and segment (KPI-DEFINITIONS.md, Acquisition and value).
    A channel's spend goes to the new clients that channel brought (int_new_clients_attributed),
    shared between their segments by their count. The rest is unattributed: spend with no
    channel (seed acquisition_channels), and a channel's spend in a month it brought no new
    client. It is allocated to every new client of the month alike, and shown apart in
    allocated_unattributed_spend. So a cell's CAC is its channel's spend per client plus the
    month's unattributed spend per client, and the `all` rows add up to the company-wide CAC
    (all spend / all new clients). A month without a new client has CAC null.
#}

with

spend as (

    select * from {{ ref('int_acquisition_spend_converted') }}

),

new_clients as (

    select * from {{ ref('int_new_clients_attributed') }}

),

spend_by_channel as (

    select
        month,
        channel,
        sum(amount_reporting) as spend
    from spend
    group by all

),

cells as (

    select
        month,
        channel,
        segment,
        count(*) as new_clients
    from new_clients
    group by all

),

channel_clients as (

    select
        month,
        channel,
        sum(new_clients) as new_clients
    from cells
    group by all

),

attributable as (

    select
        spend_by_channel.month,
        spend_by_channel.channel,
        spend_by_channel.spend
    from spend_by_channel
    inner join channel_clients
        on
            spend_by_channel.month = channel_clients.month
            and spend_by_channel.channel = channel_clients.channel
    where spend_by_channel.channel <> 'unattributed'

),

months as (

    select month from spend_by_channel
    union
    select month from cells

),

month_spend as (

    select
        month,
        sum(spend) as sm_spend
    from spend_by_channel
    group by month

),

month_attributable as (

    select
        month,
        sum(spend) as attributed_spend
    from attributable
    group by month

),

month_clients as (

    select
        month,
        sum(new_clients) as new_clients
    from cells
    group by month

),

month_totals as (

    select
        months.month,
        coalesce(month_spend.sm_spend, 0) as sm_spend,
        coalesce(month_attributable.attributed_spend, 0) as attributed_spend,
        coalesce(month_clients.new_clients, 0) as new_clients
    from months
    left join month_spend
        on months.month = month_spend.month
    left join month_attributable
        on months.month = month_attributable.month
    left join month_clients
        on months.month = month_clients.month

),

cells_costed as (

    select
        cells.month,
        cells.channel,
        cells.segment,
        cells.new_clients,
        coalesce(attributable.spend, 0) * cells.new_clients / channel_clients.new_clients
            as attributed_spend,
        (month_totals.sm_spend - month_totals.attributed_spend)
        * cells.new_clients / month_totals.new_clients as allocated_unattributed_spend
    from cells
    inner join channel_clients
        on
            cells.month = channel_clients.month
            and cells.channel = channel_clients.channel
    inner join month_totals
        on cells.month = month_totals.month
    left join attributable
        on
            cells.month = attributable.month
            and cells.channel = attributable.channel

),

rolled_up as (

    select
        month,
        coalesce(channel, 'all') as channel,
        coalesce(segment, 'all') as segment,
        sum(attributed_spend) as attributed_spend,
        sum(allocated_unattributed_spend) as allocated_unattributed_spend,
        sum(new_clients) as new_clients
    from cells_costed
    group by grouping sets ((month, channel, segment), (month, channel), (month, segment))

    union all

    select
        month,
        'all' as channel,
        'all' as segment,
        attributed_spend,
        sm_spend - attributed_spend as allocated_unattributed_spend,
        new_clients
    from month_totals

),

final as (

    select
        month,
        channel,
        segment,
        attributed_spend::decimal(18, 2) as attributed_spend,
        allocated_unattributed_spend::decimal(18, 2) as allocated_unattributed_spend,
        (attributed_spend + allocated_unattributed_spend)::decimal(18, 2) as sm_spend,
        new_clients::bigint as new_clients,
        (
            (attributed_spend + allocated_unattributed_spend) / nullif(new_clients, 0)
        )::decimal(18, 2) as cac
    from rolled_up

)

select * from final
