-- Days from the application for IMR to the decision, per decision month (one row per letter
-- counted once, not per item).
with

letters as (

    select * from {{ ref('int_letters_described') }}

),

turnaround as (

    select
        decision_month,
        {{ count_of('*') }} as letters,
        avg(days_application_to_decision) as mean_days,
        {{ percentile('days_application_to_decision', 0.5) }} as median_days,
        {{ percentile('days_application_to_decision', 0.9) }} as p90_days,
        max(days_application_to_decision) as max_days
    from letters
    where days_application_to_decision is not null
    group by decision_month

)

select * from turnaround
