-- Every lead source channel and expense channel is in the acquisition_channels seed: a new
-- channel is a decision, not spend or clients that silently fall out of their channel's CAC.
-- Rows returned are failures.
with

channels as (

    select * from {{ ref('acquisition_channels') }}

),

raw_channels as (

    select distinct
        'crm_lead' as source,
        source_channel as raw_channel
    from {{ ref('stg_crm__leads') }}
    where source_channel is not null

    union

    select distinct
        'erp_expense' as source,
        channel as raw_channel
    from {{ ref('stg_erp__expenses') }}
    where channel is not null

)

select raw_channels.*
from raw_channels
left join channels
    on
        raw_channels.source = channels.source
        and raw_channels.raw_channel = channels.raw_channel
where channels.raw_channel is null
