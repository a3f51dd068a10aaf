"""Everything that lets a build skip work: keys, the stores under build/.cache/, the manifest and Make's dependency list."""
