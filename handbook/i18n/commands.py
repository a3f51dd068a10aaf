"""The language commands: `handbook translations` and `handbook labels` (cli.py parses their arguments)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..project import Project


def translations(args: argparse.Namespace, project: Project) -> int:
    """Show what to translate again, or record that a translation has caught up."""
    from ..analyse.stamp import stamp_language
    from ..analyse.translation import translation_status
    from ..confine import check_kind
    from ..errors import Problems
    from ..load.settings import load_settings
    from ..prepare import check_book_files
    from ..theme import load_theme

    problems = Problems()
    theme = problems.checked(load_theme(project, problems))
    check_kind("book", (project.book_file,), project, problems)
    problems.raise_if_any()
    settings = load_settings(project, tuple(theme.layouts), problems)
    if settings is not None:  # `stamp` writes into the chapters: never through a link out of their place
        check_book_files(project, theme, settings, problems)
    settings = problems.checked(settings)
    codes = [language.code for language in settings.languages]
    stale = 0
    for language in args.language or codes[1:]:
        if args.action == "stamp":
            changed = stamp_language(project, settings, language, args.chapter or settings.chapters)
            print(f"{language}: recorded the current source in {changed} place{'s' if changed != 1 else ''}")
            continue
        found = translation_status(project, settings, language)  # a file it cannot read: HandbookError, exit 1
        for problem in found:
            print(problem)
        stale += len(found)
        print(f"{language}: {len(found)} to translate again" if found else f"{language}: in step with {codes[0]}")
    return 1 if stale and args.check else 0


def labels(args: argparse.Namespace, project: Project) -> int:
    """Refresh the list of labels and each language's catalogue.

    In the tool's own repository that is the default theme's; in any other book it is the
    book's own layouts/locales/, never the installed package."""
    from ..theme import default_theme_dir
    from .catalogues import extract, update_catalogue, write_template

    theme = default_theme_dir()
    template = extract(theme, Path(__file__).parents[1])
    own = project.layouts.resolve() == theme.resolve()
    target = theme if own else project.layouts
    if own:
        print(f"wrote {write_template(template, theme)}: {len(template)} labels")
    found = sorted(path.parent.parent.name for path in target.glob("locales/*/LC_MESSAGES/messages.po"))
    for language in args.language or found:
        path, missing = update_catalogue(template, target, language)
        state = f"{len(missing)} to translate: " + "; ".join(missing[:5]) + (" ..." if len(missing) > 5 else "") \
            if missing else "complete"
        print(f"wrote {path}: {state}")
    if not own and not (args.language or found):
        print(f"handbook: the book has no catalogues of its own in {project.layouts / 'locales'}; start one with "
              "`handbook labels --language CODE`")
    return 0
