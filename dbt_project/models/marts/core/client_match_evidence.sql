{#
    Why two source records are, or are nearly, one client: one row per compared attribute of
    every pair the last master-data run linked, refused, was told about by a steward, or
    scored as a near miss. Weights are log2 Bayes factors (matching.yml); a pair is linked at
    total_weight >= the match threshold, or by `rule`, or by a steward override.
#}

with

evidence as (

    select * from {{ ref('stg_mdm__pair_evidence') }}

),

record_clients as (

    select * from {{ ref('stg_mdm__record_clients') }}

),

final as (

    select
        evidence.run_id,
        evidence.left_record_key,
        evidence.right_record_key,
        left_records.client_id as left_client_id,
        right_records.client_id as right_client_id,
        evidence.decision,
        evidence.total_weight,
        evidence.rule as deterministic_rule,
        evidence.conflict,
        evidence.override_id,
        evidence.attribute,
        evidence.level,
        evidence.weight
    from evidence
    inner join record_clients as left_records
        on evidence.left_record_key = left_records.record_key
    inner join record_clients as right_records
        on evidence.right_record_key = right_records.record_key

)

select * from final
