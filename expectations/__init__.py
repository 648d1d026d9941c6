"""Great Expectations suites that judge the raw tables and the marts on every refresh.

One module per suite (raw_letters, raw_items, marts); `runner` reads the warehouse read-only
into pandas (GE 1.24 cannot validate DuckDB through its SQL datasource), runs every suite, keeps
the results, and says whether any critical expectation failed.
"""

import warnings

# Great Expectations imports pyspark when it is installed (the spark extra), and pyspark warns
# about pandas 3 on every `imr validate` and refresh; no pandas frame here goes to Spark.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
