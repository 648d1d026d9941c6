"""SYNTHETIC letters in the real layout, each with the record the parser must give: the main
job's embedded default, the tests' letters and the benchmarks' input. `letters` writes their
text and truth; `pdf` draws a letter as a PDF."""

from ingest.synth.letters import SYNTHETIC_YEAR, SyntheticLetter, generate, write

__all__ = ["SYNTHETIC_YEAR", "SyntheticLetter", "generate", "write"]
