"""How the loader's connection stores the raw tables."""

from __future__ import annotations

from pathlib import Path

from imr.home import Home
from ingest.load.schema import ROW_GROUP_SIZE, ddl
from ingest.load.store import open_raw


def test_raw_tables_keep_small_row_groups_across_connections(tmp_path: Path) -> None:
    # Small row groups keep each checkpoint's rewrite of a table's last row group small.
    folder = tmp_path / "it's"  # a quote in the path, too
    folder.mkdir()
    rows = ROW_GROUP_SIZE + 100
    for _ in range(2):  # the second connection fills the last row group, then starts new ones of the same size
        con = open_raw(Home(folder).raw)
        con.execute(ddl())
        con.execute("insert into raw.sources select 'sha' || i, 'path', 'load', now() from range(?) t(i)", [rows])
        con.execute("checkpoint")
        sizes = con.execute("select row_group_id, max(count) from pragma_storage_info('raw.sources') group by all order by all").fetchall()
        con.close()
    assert [size for _, size in sizes] == [ROW_GROUP_SIZE, ROW_GROUP_SIZE, 2 * rows - 2 * ROW_GROUP_SIZE]
