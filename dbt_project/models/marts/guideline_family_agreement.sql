-- How often the reviewer relied on the same guideline family as the claims administrator, and
-- the overturn rate for each pairing.
with

decisions as (

    select * from {{ ref('fct_imr_decisions') }}

),

pairs as (

    select
        ca_guideline_family,
        reviewer_guideline_family,
        ca_guideline_family = reviewer_guideline_family as same_family,
        {{ overturn_rate_columns() }}
    from decisions
    group by ca_guideline_family, reviewer_guideline_family

),

with_share as (

    select
        pairs.*,
        {{ dbt.cast('pairs.decisions', 'double') }} / sum(pairs.decisions) over () as share_of_decisions
    from pairs

)

select * from with_share
