with

plm_products as (

    select * from {{ ref('stg_erp__plm_products') }}

),

erp_products as (

    select * from {{ ref('stg_erp__products') }}

),

subscriptions as (

    select * from {{ ref('stg_erp__subscriptions') }}

),

quotes as (

    select * from {{ ref('stg_erp__quotes') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

crm_names as (

    select * from {{ ref('crm_product_names') }}

),

-- every ERP article anything names: the product file, the subscriptions and the quotes
erp_references as (

    select
        erp_product_id as product_reference,
        0 as requests
    from erp_products
    union all
    select
        erp_product_id as product_reference,
        0 as requests
    from subscriptions
    where erp_product_id is not null
    union all
    select
        erp_product_id as product_reference,
        1 as requests
    from quotes
    where erp_product_id is not null

),

crm_references as (

    select
        crm_product_name as product_reference,
        0 as requests
    from crm_names
    union all
    select
        crm_product_name as product_reference,
        1 as requests
    from opportunities
    where crm_product_name is not null

),

erp_mapped as (

    select
        'erp_product_id' as reference_kind,
        erp_references.product_reference,
        max(plm_products.plm_product_id) as plm_product_id,
        cast(sum(erp_references.requests) as bigint) as quotes_and_deals
    from erp_references
    left join plm_products
        on erp_references.product_reference = plm_products.erp_product_id
    group by erp_references.product_reference

),

crm_mapped as (

    select
        'crm_product_name' as reference_kind,
        crm_references.product_reference,
        max(plm_products.plm_product_id) as plm_product_id,
        cast(sum(crm_references.requests) as bigint) as quotes_and_deals
    from crm_references
    left join crm_names
        on crm_references.product_reference = crm_names.crm_product_name
    -- a seed line naming a product the PLM does not hold (or no PLM export) maps nothing
    left join plm_products
        on crm_names.plm_product_id = plm_products.plm_product_id
    group by crm_references.product_reference

),

unioned as (

    select * from erp_mapped
    union all
    select * from crm_mapped

),

final as (

    select
        unioned.reference_kind,
        unioned.product_reference,
        unioned.plm_product_id,
        unioned.plm_product_id is not null as is_mapped,
        erp_products.erp_product_id is not null as is_in_erp_products,
        unioned.quotes_and_deals
    from unioned
    left join erp_products
        on
            unioned.reference_kind = 'erp_product_id'
            and unioned.product_reference = erp_products.erp_product_id

)

select * from final
