"""Files through Hadoop's FileSystem, in the JVM of a Spark session: the same calls for a local
folder, hdfs://, s3a:// or abfss://, with the credentials and settings the session has.

Only small things go through here (the lake's markers, listings, renames); table files are read
and written by Spark itself.
"""

from __future__ import annotations

from typing import Any


class HadoopFiles:
    """Paths given as URLs (or local absolute paths), each on its own file system."""

    def __init__(self, spark: Any) -> None:
        self._jvm = spark._jvm
        self._conf = spark._jsc.hadoopConfiguration()

    def qualified(self, url: str) -> str:
        """The URL in full, as Spark's listings give it (`/x` -> `file:/x`, `hdfs:///x` -> `hdfs://nn:8020/x`)."""
        path = self._path(url)
        return str(self._fs(path).makeQualified(path).toString())

    def status(self, url: str) -> tuple[bool, int] | None:
        """(is a folder, length) of a path, None when there is nothing there."""
        path = self._path(url)
        try:
            found = self._fs(path).getFileStatus(path)
        except Exception as error:
            if _java_class(error) == "java.io.FileNotFoundException":
                return None
            raise
        return bool(found.isDirectory()), int(found.getLen())

    def names(self, url: str) -> list[str]:
        """The names in a folder, sorted; none when it does not exist."""
        path = self._path(url)
        try:
            return sorted(str(entry.getPath().getName()) for entry in self._fs(path).listStatus(path))
        except Exception as error:
            if _java_class(error) == "java.io.FileNotFoundException":
                return []
            raise

    def read_text(self, url: str) -> str:
        path = self._path(url)
        stream = self._fs(path).open(path)
        try:
            return bytes(self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream)).decode()
        finally:
            stream.close()

    def write_text(self, url: str, text: str, exclusive: bool = False) -> bool:
        """Write a small file; with `exclusive`, only where there is none (else False). Exclusive
        is atomic on local and HDFS file systems; object stores check, then write."""
        path = self._path(url)
        try:
            stream = self._fs(path).create(path, not exclusive)
        except Exception as error:
            if exclusive and _java_class(error) == "org.apache.hadoop.fs.FileAlreadyExistsException":
                return False
            raise
        try:
            stream.write(text.encode())
        finally:
            stream.close()
        return True

    def publish_text(self, url: str, text: str) -> None:
        """Write a small file whole or not at all: aside, then renamed into place."""
        folder, name = url.rsplit("/", 1)
        aside = f"{folder}/.{name}.tmp"
        self.write_text(aside, text)
        self.move(aside, url)

    def move(self, source: str, target: str) -> None:
        """Rename, making the target's folder. A move already done (no source, the target there)
        is skipped, so the same moves can be made twice."""
        if self.status(source) is None and self.status(target) is not None:
            return
        from_path, to_path = self._path(source), self._path(target)
        fs = self._fs(to_path)
        fs.mkdirs(to_path.getParent())
        if not fs.rename(from_path, to_path):
            raise OSError(f"cannot move {source} to {target}")

    def delete(self, url: str) -> None:
        """Delete a file or a folder and all in it (nothing there: nothing done)."""
        path = self._path(url)
        self._fs(path).delete(path, True)

    def _path(self, url: str) -> Any:
        return self._jvm.org.apache.hadoop.fs.Path(url)

    def _fs(self, path: Any) -> Any:
        return path.getFileSystem(self._conf)  # cached by Hadoop, per scheme and authority


def _java_class(error: Exception) -> str | None:
    """The Java exception's class behind a py4j error."""
    java = getattr(error, "java_exception", None)
    return str(java.getClass().getName()) if java is not None else None
