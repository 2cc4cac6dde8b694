{#
    Sales and marketing spend, one row per ERP expense the seed expense_categories marks so:
    its month, its acquisition channel (seed acquisition_channels; an expense with no channel
    is `unattributed`) and its amount in EUR at the month-end rate (the latest ERP rate on or before the month's
    last day).
#}

with

expenses as (

    select * from {{ ref('stg_erp__expenses') }}

),

categories as (

    select * from {{ ref('expense_categories') }}

),

channels as (

    select * from {{ ref('acquisition_channels') }}
    where source = 'erp_expense'

),

rates as (

    select * from {{ ref('stg_erp__exchange_rates') }}

),

sales_and_marketing as (

    select expenses.*
    from expenses
    inner join categories
        on expenses.category = categories.category
    where categories.is_sales_and_marketing

),

converted as (

    select
        sales_and_marketing.erp_expense_id,
        date_trunc('month', sales_and_marketing.expense_date)::date as month,
        coalesce(channels.channel, 'unattributed') as channel,
        sales_and_marketing.amount * case
            when sales_and_marketing.currency = 'EUR' then 1.0 else rates.eur_per_unit
        end as amount_reporting
    from sales_and_marketing
    left join channels
        on sales_and_marketing.channel = channels.raw_channel
    asof left join rates
        on
            sales_and_marketing.currency = rates.currency
            and last_day(sales_and_marketing.expense_date) >= rates.rate_date

)

select * from converted
