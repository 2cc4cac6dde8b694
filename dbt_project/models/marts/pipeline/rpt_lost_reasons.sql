{#
    Why requests are lost, by reason group, segment and month (KPI-DEFINITIONS.md, Lost and
    refused requests). Grain: month, segment (`all` is every segment), reason_group; every
    reason group of the seed has a row every month, zero included, so that shares compare.
    - lost_requests: lost opportunities, disqualified leads and refused quotes of the month
      with that reason group (fct_lost_requests);
    - closed_requests: every request decided in the month, whatever the outcome
      (int_requests_closed: won and lost opportunities, converted and disqualified leads,
      accepted and refused quotes; expired quotes were never decided);
    - lost_rate = lost_requests / closed_requests; share_of_losses = lost_requests / all the
      month's lost requests of the segment;
    - is_recurring_motif: the share of losses rose three months in a row, or exceeds its
      average over the 12 months before by more than var lost_reason_motif_margin (absolute,
      0.1 = 10 points; that average needs at least 3 months of history), and the group counts
      at least var lost_reason_motif_min_requests lost requests that month (one lost request
      is not a motif).
#}

with

lost as (

    select * from {{ ref('fct_lost_requests') }}

),

closed as (

    select
        closed_month as month,
        segment
    from {{ ref('int_requests_closed') }}
    where closed_at is not null

),

reasons as (

    select distinct reason_group from {{ ref('lost_reasons') }}
    union
    select 'other' as reason_group

),

closed_counts as (

    select
        month,
        case when grouping(segment) = 1 then 'all' else segment end as segment,
        count(*) as closed_requests
    from closed
    group by grouping sets ((month, segment), (month))

),

lost_counts as (

    select
        lost_month as month,
        case when grouping(segment) = 1 then 'all' else segment end as segment,
        reason_group,
        count(*) as lost_requests
    from lost
    where reason_group is not null
    group by grouping sets ((lost_month, segment, reason_group), (lost_month, reason_group))

),

segments as (

    select distinct segment from closed_counts
    union
    select distinct segment from lost_counts

),

months as (

    select {{ date_series_rows(
        "(select min(month) from closed_counts)",
        "(select max(month) from closed_counts)",
        "interval 1 month"
    ) }} as month

),

spine as (

    select
        months.month,
        segments.segment,
        reasons.reason_group
    from months
    cross join segments
    cross join reasons

),

counted as (

    select
        spine.month,
        spine.segment,
        spine.reason_group,
        coalesce(lost_counts.lost_requests, 0) as lost_requests,
        coalesce(closed_counts.closed_requests, 0) as closed_requests,
        sum(coalesce(lost_counts.lost_requests, 0)) over (
            partition by spine.month, spine.segment
        ) as month_lost_requests
    from spine
    left join lost_counts
        on
            spine.month = lost_counts.month
            and spine.segment = lost_counts.segment
            and spine.reason_group = lost_counts.reason_group
    left join closed_counts
        on
            spine.month = closed_counts.month
            and spine.segment = closed_counts.segment

),

shares as (

    select
        *,
        lost_requests / nullif(closed_requests, 0) as lost_rate,
        coalesce(lost_requests / nullif(month_lost_requests, 0), 0) as share_of_losses
    from counted

),

trends as (

    select
        *,
        avg(share_of_losses) over twelve_before as average_share_12_months,
        count(*) over twelve_before as months_of_history,
        share_of_losses > lag(share_of_losses, 1) over by_month
        and lag(share_of_losses, 1) over by_month > lag(share_of_losses, 2) over by_month
        and lag(share_of_losses, 2) over by_month > lag(share_of_losses, 3) over by_month
            as has_risen_3_months
    from shares
    window
        by_month as (partition by segment, reason_group order by month),
        twelve_before as (
            partition by segment, reason_group order by month
            rows between 12 preceding and 1 preceding
        )

),

final as (

    select
        month,
        segment,
        reason_group,
        lost_requests,
        closed_requests,
        round(lost_rate, 4)::double as lost_rate,
        round(share_of_losses, 4)::double as share_of_losses,
        round(average_share_12_months, 4)::double as average_share_12_months,
        lost_requests >= {{ var('lost_reason_motif_min_requests') }}
        and (
            coalesce(has_risen_3_months, false)
            or coalesce(
                months_of_history >= 3
                and share_of_losses
                > average_share_12_months + {{ var('lost_reason_motif_margin') }},
                false
            )
        ) as is_recurring_motif
    from trends

)

select * from final
