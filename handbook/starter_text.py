"""The words of the starter book `handbook new` writes, in each language it can start a book in.

Every sentence says what to replace it with: a starter book must never be mistaken for a
finished one, and it states no medical fact.
"""
from __future__ import annotations

_README_EN = """\
# {slug}

A patient handbook built with the `handbook` tool: print-ready PDFs, an accessible e-book
and a web edition, for every clinic and language, from the YAML files in `chapters/` and
`sources/`.

## Build it

    python3 -m venv .venv && .venv/bin/pip install "{install}"
    .venv/bin/handbook check          # every file checked; problems as path:line: message
    .venv/bin/handbook build          # every edition, into build/
    .venv/bin/handbook serve          # the web edition on http://127.0.0.1:8000/, reloaded as you save

WeasyPrint needs the Pango library (Debian and Ubuntu: `sudo apt-get install
libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`; macOS: `brew install pango`).

## What is here

| file | what it holds |
| --- | --- |
| `chapters/book.yaml` | the book: its identifier, dates, languages, the order of chapters, the editions |
| `chapters/<language>/*.yaml` | one file per chapter, in each language |
| `chapters/<language>/clinic.yaml` | the phone lines and instructions every edition prints |
| `sources/sources.yaml` | every source the chapters cite |
| `clinics/*.yaml` | one file per clinic: its name and numbers |
| `.github/workflows/handbook.yml` | CI: check, build every edition, upload them, say what changed |

Start with `chapters/en/welcome.yaml`: every sentence in it says what to put there. The
source format is described in the tool's docs/format.md.
"""

_README_ES = """\
# {slug}

Un manual para pacientes hecho con la herramienta `handbook`: PDF listos para imprimir, un
libro electrónico accesible y una edición web, para cada clínica e idioma, a partir de los
archivos YAML de `chapters/` y `sources/`.

## Cómo construirlo

    python3 -m venv .venv && .venv/bin/pip install "{install}"
    .venv/bin/handbook check          # revisa cada archivo; los problemas salen como ruta:línea: mensaje
    .venv/bin/handbook build          # todas las ediciones, en build/
    .venv/bin/handbook serve          # la edición web en http://127.0.0.1:8000/, que se recarga al guardar

WeasyPrint necesita la biblioteca Pango (Debian y Ubuntu: `sudo apt-get install
libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`; macOS: `brew install pango`).

Empiece por `chapters/es/welcome.yaml`: cada oración dice qué poner en su lugar. El
formato de los archivos está descrito en docs/format.md de la herramienta.
"""

TEXT = {
    "en": {
        "publisher": "Your organisation's name",
        "title": "Your handbook's title",
        "subtitle": "A subtitle that says who the handbook is for",
        "edition": "Draft edition",
        "source_kind": "example",
        "source_note": "An example: replace it with a source the handbook is based on, described as it describes "
                       "itself.",
        "clinic_name": "Example Clinic",
        "readme": _README_EN,
        "welcome": """\
title: Welcome
summary: Replace this chapter with the first chapter of your handbook.
sections:
  - title: How to write a chapter
    id: writing
    blocks:
      - paragraph: Write each fact in your own plain words, and say which source it comes from, as this
          sentence does [@example-source].
      - paragraph: A word your readers may not know, such as care team, is linked to the glossary the
          first time it is used [@example-source].
      - callout:
          kind: key-points
          blocks:
            - bullets:
                - Replace every sentence of this chapter with your own [@example-source].
                - Ask your clinicians to review each chapter before it goes to patients.
              guidance: true
""",
        "glossary": """\
title: Glossary
summary: The words this handbook uses, and what they mean.
sections:
  - title: Words used in this handbook
    id: words
    blocks:
      - definitions:
          - term: Care team
            text: Replace this with what the word means in your handbook, and where that comes from
              [@example-source].
""",
        "clinic_defaults": """\
# yaml-language-server: $schema=../../.vscode/schemas/clinic-defaults.schema.json
phones:
  - id: clinic
    label: Your clinic
    number: ""
instructions: {}
""",
    },
    "es": {
        "publisher": "El nombre de su organización",
        "title": "El título de su manual",
        "subtitle": "Un subtítulo que diga para quién es el manual",
        "edition": "Edición de borrador",
        "source_kind": "ejemplo",
        "source_note": "Un ejemplo: cámbielo por una fuente en la que se basa el manual, descrita como ella se "
                       "describe.",
        "clinic_name": "Clínica de ejemplo",
        "readme": _README_ES,
        "welcome": """\
title: Bienvenida
summary: Cambie este capítulo por el primer capítulo de su manual.
sections:
  - title: Cómo escribir un capítulo
    id: writing
    blocks:
      - paragraph: Escriba cada dato con sus propias palabras sencillas, y diga de qué fuente viene, como
          lo hace esta oración [@example-source].
      - paragraph: Una palabra que sus lectores quizás no conocen, como equipo de atención, se enlaza al
          glosario la primera vez que se usa [@example-source].
      - callout:
          kind: key-points
          blocks:
            - bullets:
                - Cambie cada oración de este capítulo por las suyas [@example-source].
                - Pida a sus profesionales clínicos que revisen cada capítulo antes de darlo a los pacientes.
              guidance: true
""",
        "glossary": """\
title: Glosario
summary: Las palabras que usa este manual, y lo que significan.
sections:
  - title: Palabras que usa este manual
    id: words
    blocks:
      - definitions:
          - term: Equipo de atención
            text: Cambie esto por lo que la palabra significa en su manual, y de dónde viene
              [@example-source].
""",
        "clinic_defaults": """\
# yaml-language-server: $schema=../../.vscode/schemas/clinic-defaults.schema.json
phones:
  - id: clinic
    label: Su clínica
    number: ""
instructions: {}
""",
    },
}
