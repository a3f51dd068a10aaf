"""Read the sources file (sources/sources.yaml): every source the book cites."""
from __future__ import annotations

from ..errors import Problems
from ..model import Source
from ..project import Project
from .schema import read


def load_sources(project: Project, problems: Problems) -> tuple[Source, ...]:
    """Return the sources, or none after recording what is wrong."""
    document = read(project.sources_file, "sources", problems)
    if document is None:
        return ()
    sources = []
    for index, entry in enumerate(document.data["sources"]):
        text = {key: (entry[key].strip() if isinstance(entry[key], str) else None)
                for key in ("title", "author", "date")}
        sources.append(Source(entry["id"], document.location(("sources", index)), **text,
                              kind=entry["kind"].strip(), note=" ".join(entry["note"].split()),
                              added_by_publisher=entry.get("added_by_publisher", False), url=entry.get("url")))
    return tuple(sources)
