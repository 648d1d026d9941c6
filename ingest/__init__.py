"""Letters in, raw tables out, by stage: `extract` (file bytes to text), `parse` (text to the
letter record of `record`), `load` (records into the raw DuckDB tables), and `synth` (SYNTHETIC
letters for demos, tests and benchmarks). `process` joins extract and parse for one file."""
