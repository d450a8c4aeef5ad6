"""Discover the catalogue: every module `perimeter/queries/<family>/<query_id>.py`.

Each module exports one `QUERY` spec whose id equals the file stem and starts with the
family folder's name. Discovery fails loudly on a module without a spec, a mismatched id or a
duplicate id, so a broken catalogue never loads half-way.
"""

import importlib
import pkgutil
from functools import cache

import perimeter.queries as queries_package
from perimeter.errors import CatalogueError
from perimeter.queries.spec import QuerySpec


def _family_modules() -> list[tuple[str, str]]:
    found = []
    for family in pkgutil.iter_modules(queries_package.__path__):
        if not family.ispkg:
            continue
        package = importlib.import_module(f"{queries_package.__name__}.{family.name}")
        for module in pkgutil.iter_modules(package.__path__):
            if not module.name.startswith("_"):
                found.append((family.name, module.name))
    return sorted(found)


@cache
def catalogue() -> dict[str, QuerySpec]:
    """Every query of the catalogue, by id, in id order."""
    specs: dict[str, QuerySpec] = {}
    for family, stem in _family_modules():
        module = importlib.import_module(f"{queries_package.__name__}.{family}.{stem}")
        spec = getattr(module, "QUERY", None)
        if not isinstance(spec, QuerySpec):
            raise CatalogueError(f"{family}/{stem}.py: no QUERY spec")
        if spec.id != stem or not stem.startswith(f"{family}_"):
            raise CatalogueError(f"{family}/{stem}.py: id {spec.id!r} must equal the file stem")
        if spec.id in specs:
            raise CatalogueError(f"{family}/{stem}.py: duplicate query id {spec.id!r}")
        specs[spec.id] = spec
    return dict(sorted(specs.items()))


def select(tokens: list[str]) -> list[QuerySpec]:
    """Queries whose id contains any token (`all` selects every query), as upstream's `-lq`.

    Raises:
        CatalogueError: a token matches no query; the message lists the valid ids.
    """
    specs = catalogue()
    if not tokens or "all" in tokens:
        return list(specs.values())
    chosen: dict[str, QuerySpec] = {}
    for token in tokens:
        hits = [s for s in specs.values() if token in s.id]
        if not hits:
            raise CatalogueError(f"no query matches {token!r}; valid ids: {', '.join(specs)}")
        chosen.update((s.id, s) for s in hits)
    return [chosen[k] for k in sorted(chosen)]
