with

plm_products as (

    select * from {{ ref('stg_erp__plm_products') }}

),

erp_products as (

    select * from {{ ref('stg_erp__products') }}

),

references_mapped as (

    select * from {{ ref('int_product_references_mapped') }}

),

crm_names as (

    select
        plm_product_id,
        cast(count(*) as bigint) as crm_product_names
    from references_mapped
    where reference_kind = 'crm_product_name' and is_mapped
    group by plm_product_id

),

final as (

    select
        plm_products.plm_product_id,
        plm_products.product_name,
        plm_products.family,
        plm_products.lifecycle_status,
        plm_products.lifecycle_status = 'released' as is_released,
        plm_products.lifecycle_status in ('phase_out', 'obsolete') as is_end_of_life,
        plm_products.version,
        plm_products.launch_date,
        plm_products.erp_product_id,
        erp_products.product_name as erp_product_name,
        erp_products.family as erp_family,
        erp_products.billing_period,
        erp_products.is_recurring,
        erp_products.erp_product_id is not null as is_in_erp_products,
        coalesce(crm_names.crm_product_names, 0) as crm_product_names
    from plm_products
    left join erp_products
        on plm_products.erp_product_id = erp_products.erp_product_id
    left join crm_names
        on plm_products.plm_product_id = crm_names.plm_product_id

)

select * from final
