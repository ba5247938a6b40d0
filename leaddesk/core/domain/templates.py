"""Mail templates: `templates/*.md` or `*.txt` in the config folder, first line
`Subject: …`, the rest the body, merge fields written `{first_name}`.

Rendering is `string.Formatter`'s parser, restricted: a field is a bare name
from FIELDS — no attribute or index access (`{lead.__class__}`), no conversion,
no format spec — so a template can only ever insert lead text, which is the
whole of a mail merge. That is sandboxed by construction and needs no template
engine (jinja2's SandboxedEnvironment would bring `{{ }}`, loops and filters a
sales email never needs). `{{` and `}}` are literal braces. A field that is
unknown, or empty for this lead, is an error before anything is sent.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from leaddesk.core.domain.errors import InvalidInput

# The merge fields, each with what it holds (`leaddesk templates` lists them).
FIELDS: dict[str, str] = {
    "first_name": "the lead's first name (the first word of the name)",
    "last_name": "the lead's last name (the last word of the name)",
    "name": "the lead's full name",
    "company": "the lead's company",
    "title": "the lead's job title",
    "email": "the lead's email address",
    "interest": "what the lead is interested in",
    "source": "where the lead came from",
    "city": "the lead's city",
    "region": "the lead's state or region",
    "address": "the lead's postal address (letters)",
    "postcode": "the lead's postcode",
    "country": "the lead's country",
    "rep_name": "your name ([rep] name)",
    "date": "today's date in your zone, e.g. December 7, 2026",
}
SUFFIXES = (".md", ".txt")
_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class Template:
    name: str  # the file's stem: "new-lead-4", "nurture", "letter"
    subject: str
    body: str
    origin: str  # the file it came from, or "built in"

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_fields(self.subject, self) + _fields(self.body, self)))


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def parse_template(text: str, name: str, origin: str) -> Template:
    """A template from its file text; InvalidInput names the file and what is wrong."""
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    if not first.lower().startswith("subject:"):
        raise InvalidInput(f"template {origin}: line 1 must be 'Subject: …'")
    subject = first.split(":", 1)[1].strip()
    if not subject:
        raise InvalidInput(f"template {origin}: the subject is empty")
    template = Template(name, subject, rest.lstrip("\n").rstrip() + "\n", origin)
    unknown = [f for f in template.fields if f not in FIELDS]
    if unknown:
        raise InvalidInput(
            f"template {origin}: unknown field {{{unknown[0]}}} (known: {', '.join(FIELDS)})"
        )
    return template


def _fields(text: str, template: Template | None = None) -> tuple[str, ...]:
    where = template.origin if template else "template"
    names = []
    try:
        for _literal, field, spec, conversion in _FORMATTER.parse(text):
            if field is None:
                continue
            if not field.isidentifier() or spec or conversion:
                raise InvalidInput(
                    f"template {where}: {{{field}{'!' + conversion if conversion else ''}"
                    f"{':' + spec if spec else ''}}} is not a plain field like {{first_name}}"
                )
            names.append(field)
    except ValueError as exc:
        raise InvalidInput(f"template {where}: {exc} (write {{{{ for a literal brace)") from None
    return tuple(names)


def render(template: Template, values: dict[str, str], who: str) -> Rendered:
    """The template filled in for one lead; InvalidInput for a field that is empty
    for this lead (`who` names the lead), never a message with a blank in it."""
    empty = [f for f in template.fields if not str(values.get(f, "")).strip()]
    if empty:
        raise InvalidInput(
            f"{who}: template {template.name} needs {{{empty[0]}}}, which is empty for this lead"
        )
    clean = {f: str(values[f]).strip() for f in template.fields}
    subject = _FORMATTER.vformat(template.subject, (), clean)
    return Rendered(" ".join(subject.split()), _FORMATTER.vformat(template.body, (), clean))


def load_templates(folder: Path | None) -> dict[str, Template]:
    """The built-in templates, overridden by the rep's own of the same name."""
    found: dict[str, Template] = {}
    builtin = resources.files("leaddesk.core.domain") / "mail_templates"
    for item in sorted(builtin.iterdir(), key=lambda i: i.name):
        if item.name.endswith(SUFFIXES):
            stem = item.name.rsplit(".", 1)[0]
            found[stem] = parse_template(item.read_text("utf-8"), stem, "built in")
    if folder is not None:
        loaded, problems = check_templates(folder)
        if problems:
            raise InvalidInput(problems[0])
        found.update({t.name: t for t in loaded})
    return found


def check_templates(folder: Path | None) -> tuple[list[Template], list[str]]:
    """Every template that loads, and one line per file that does not — all of
    them, not only the first (`leaddesk templates --check`)."""
    good = load_templates(None)
    problems = []
    if folder is not None and folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in SUFFIXES and path.is_file():
                try:
                    text = path.read_text("utf-8")
                    good[path.stem] = parse_template(text, path.stem, str(path))
                except InvalidInput as exc:
                    problems.append(str(exc))
                except (OSError, UnicodeDecodeError) as exc:
                    problems.append(f"template {path}: cannot read it ({exc})")
    return sorted(good.values(), key=lambda t: t.name), problems


def template_for(
    templates: dict[str, Template], cadence: str, step: int, status: str, channel: str
) -> Template:
    """The template of a lead's next mail step: `<cadence>-<step number>` (1-based,
    as the cadence's steps are listed), `nurture` for a lead in nurture or a
    customer check-in, else the channel's own (`email`, `letter`)."""
    names = [] if channel == "letter" else [f"{cadence}-{step + 1}"]
    if status in ("nurture", "won"):
        names.insert(0, "nurture" if channel == "email" else "nurture-letter")
    names.append(channel)
    for name in names:
        if name in templates:
            return templates[name]
    raise InvalidInput(f"no template for this {channel} step (add templates/{names[0]}.md)")


def pick(templates: dict[str, Template], name: str) -> Template:
    if name not in templates:
        raise InvalidInput(f"no template {name!r} (known: {', '.join(sorted(templates))})")
    return templates[name]
