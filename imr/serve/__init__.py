"""The marts as readers reach them, all from the served file opened read-only (`warehouse`):
`sql` (the analyst's prompt), `report` (one HTML file of charts), `export` (Parquet), `publish`
(a PostgreSQL schema with a read-only role) and `docs` (the dbt docs site)."""
