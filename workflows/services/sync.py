"""Loading definition files into versioned rows: a changed file becomes a new version.

The files live in the folders subject apps register (`registry.register_definitions`); each
file gets its folder's defaults before it is validated and its checksum taken.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from ..models import WorkflowDefinition
from ..registry import DefinitionDirectory, Registry
from ..registry import registry as default_registry
from ..validation import DefinitionError, validate_definition


@dataclass(frozen=True)
class SyncResult:
    key: str
    version: int
    created: bool


def definition_file_read(
    path: Path, *, registry: Registry | None = None, directory: DefinitionDirectory | None = None
) -> tuple[dict[str, Any], str]:
    """The validated data (with `directory`'s defaults) and the text of one definition file.

    DefinitionError names what is wrong.
    """
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError([f"not valid YAML: {exc}"], source=path.name) from None
    if directory is not None:
        data = directory.with_defaults(data)
    problems = validate_definition(data, registry=registry)
    if not problems and data["key"] != path.stem:
        problems.append(f"the file declares key '{data['key']}': name it {data['key']}.yaml")
    if problems:
        raise DefinitionError(problems, source=path.name)
    return data, text


def checksum_of(data: dict[str, Any]) -> str:
    """Of the meaning, not the text: a comment or a re-indented line makes no new version."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def workflow_definitions_sync(
    *, directory: Path | None = None, registry: Registry | None = None
) -> list[SyncResult]:
    """Validate the `*.yaml` files of every registered folder (or of `directory`); store changed ones.

    Each changed file becomes a new version. A `directory` that is registered brings its
    defaults; any other has none. All or nothing: if any file is invalid, DefinitionError lists
    every problem of every file and nothing is stored.
    """
    registry = registry or default_registry
    if directory is None:
        folders = list(registry.definition_directories.values())
    else:
        folders = [registry.definition_directory(directory)]
    loaded, problems, seen = [], [], {}
    for folder in folders:
        if not folder.path.is_dir():
            problems.append(f"{folder.path}: no such folder")
        for path in sorted(folder.path.glob("*.yaml")):
            if path.stem in seen:
                problems.append(f"{path.name}: key '{path.stem}' is already defined in {seen[path.stem]}")
                continue
            seen[path.stem] = path.parent
            try:
                loaded.append(definition_file_read(path, registry=registry, directory=folder))
            except DefinitionError as exc:
                problems += [f"{exc.source}: {problem}" for problem in exc.problems]
    if problems:
        raise DefinitionError(problems)
    results = []
    with transaction.atomic():
        for data, text in loaded:
            checksum = checksum_of(data)
            latest = (
                WorkflowDefinition.objects.select_for_update()
                .filter(key=data["key"])
                .order_by("-version")
                .first()
            )
            if latest is not None and latest.checksum == checksum:
                results.append(SyncResult(key=data["key"], version=latest.version, created=False))
                continue
            row = WorkflowDefinition.objects.create(
                key=data["key"],
                version=latest.version + 1 if latest else 1,
                checksum=checksum,
                source=text,
                data=data,
            )
            results.append(SyncResult(key=row.key, version=row.version, created=True))
    return results
