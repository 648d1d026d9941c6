-- The models join items and citations to their letter on letter_key, the first 15 hex digits of
-- the SHA-256: no two loaded documents, current or replaced, may share one. (Two of 1.7 million
-- would by chance about once in a million builds; the build then stops here instead of mixing
-- their items.)
select
    {{ sha256_key('sha256') }} as letter_key,
    count(*) as documents
from {{ source('imr', 'letters') }}
group by {{ sha256_key('sha256') }}
having count(*) > 1
