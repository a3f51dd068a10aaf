"""The CI workflow `handbook new` writes: a book repository's GitHub Actions, with the tool from pip.

It needs nothing from the tool's own repository (no Makefile): it installs the tool with
pip at the version given, checks the book, asks whether every part's words are approved
as the book's policy requires (`handbook approvals --check`: where not, every edition is
built as a draft, under build/drafts/, for the reviewers to read, and the run fails), plans
the editions with `handbook editions --json`, builds each row with `handbook build`, uploads
each row's outputs with its manifest, and a last job gathers the manifests and says which
editions changed since the set last published (the manifests the team keeps in
`published/`; drafts are never listed as ready for print). docs/ci.md explains it.
"""
from __future__ import annotations

import json

_WORKFLOW = """\
# Check the book, build every edition it declares, and say what changed since the last print.
# Written by `handbook new`; see the tool's docs/ci.md.
name: handbook

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

env:
  # The tool, at a pinned version: every job builds with the same one, so the same sources
  # give the same bytes. Change it (a version, or a git tag of the tool's repository) to upgrade.
  HANDBOOK: {install}
  PANGO: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      matrix: ${{{{ steps.plan.outputs.matrix }}}}
      draft: ${{{{ steps.approvals.outputs.draft }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the tool
        run: |
          sudo apt-get update -qq && sudo apt-get install -y -qq $PANGO
          pip install "$HANDBOOK"
          handbook --version
      - name: Check every file of the book
        run: handbook check --draft
      - id: approvals
        name: Are the words approved for patients?
        # Where a part lacks an approval the book's policy requires (or the words changed
        # since it), every edition is built as a draft, under build/drafts/, for the
        # reviewers to read, and the last job fails: nothing unapproved is built for patients.
        run: |
          if handbook approvals --check > approvals.txt; then draft=""; else draft="--draft"; fi
          echo "draft=$draft" >> "$GITHUB_OUTPUT"
          {{ echo '```'; cat approvals.txt; echo '```'; }} >> "$GITHUB_STEP_SUMMARY"
      - id: plan
        name: List the editions
        env:
          DRAFT: ${{{{ steps.approvals.outputs.draft }}}}
        run: echo "matrix=$(handbook editions --json $DRAFT)" >> "$GITHUB_OUTPUT"

  build:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix: ${{{{ fromJSON(needs.plan.outputs.matrix) }}}}
    name: ${{{{ matrix.artifact }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the tool
        run: |
          sudo apt-get update -qq && sudo apt-get install -y -qq $PANGO
          pip install "$HANDBOOK"
      - name: Build
        # The row's values reach the shell through the environment, never pasted into the script.
        env:
          CLINICS: ${{{{ matrix.clinics }}}}
          LANGUAGE: ${{{{ matrix.language }}}}
          LAYOUT: ${{{{ matrix.layout }}}}
          FORMAT: ${{{{ matrix.format }}}}
          DRAFT: ${{{{ needs.plan.outputs.draft }}}}
        # The commit's date, so that every job (and a rebuild anywhere) gives the same bytes.
        run: |
          export SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
          if [ -n "$FORMAT" ]; then
            handbook build $DRAFT --clinic "$CLINICS" --language "$LANGUAGE" --layout "$LAYOUT" --format "$FORMAT"
          else
            for clinic in $CLINICS; do handbook build $DRAFT --clinic "$clinic"; done
          fi
      - uses: actions/upload-artifact@v4
        with:
          name: ${{{{ matrix.artifact }}}}
          path: |
            build/${{{{ matrix.output }}}}
            build/manifest.json
            !build/.cache
          if-no-files-found: error

  changes:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the tool
        run: pip install "$HANDBOOK"
      - uses: actions/download-artifact@v4
        with:
          path: new
      - name: Say which editions changed since the last print
        # published/ holds the manifests of the editions last sent to print (copy a run's
        # manifests there when you print); with none, every edition is new.
        run: |
          if [ -d published ]; then
            handbook diff published new | tee -a "$GITHUB_STEP_SUMMARY"
          else
            echo "No published/ manifests yet: every edition is new." | tee -a "$GITHUB_STEP_SUMMARY"
          fi

  approved:
    # Fails the run when the editions were built as drafts: the words are not approved yet.
    needs: [plan, build]
    if: needs.plan.outputs.draft != ''
    runs-on: ubuntu-latest
    steps:
      - name: Say that the words are not approved
        run: |
          message="Some words lack an approval the book's policy requires: these editions are drafts, not for patients."
          echo "$message See the plan job's summary, and record the approvals with handbook approve." \\
            | tee -a "$GITHUB_STEP_SUMMARY"
          exit 1
"""


def workflow(install: str) -> str:
    """Return the workflow, installing the tool with `pip install <install>`."""
    return _WORKFLOW.format(install=json.dumps(install))
