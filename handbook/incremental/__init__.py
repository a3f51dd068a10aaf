"""Everything that lets a build skip work: keys, the stores in build/.cache/, the manifest, Make's dependency list."""
