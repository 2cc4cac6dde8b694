"""Run an entity's boundary suite on a landed batch (``expectations/boundary_suites.py``).

The loader types a batch and checks the contract's row rules in SQL (ingest/parse.py); GX
validates what those rules do not (the suites' cross-column expectations), and the loader
keeps both kinds of result in ``audit.validation_results`` (quality/gx.py). Each entity's
suite and validation definition are registered once per process.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache

from salesdw import contract
from salesdw.contract import Entity
from salesdw.quality import gx

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _context():
    return gx.context()


@cache
def _validator_parts(qualified_name: str):
    """The suite and a batch definition for this entity, registered once per process."""
    import great_expectations

    context = _context()
    entity = contract.entity(*qualified_name.split("__"))
    suite = context.suites.add(gx.suites_module("boundary_suites.py").build_suite(entity))
    source = context.data_sources.add_pandas(f"boundary_{qualified_name}")
    batch_definition = source.add_dataframe_asset(
        qualified_name
    ).add_batch_definition_whole_dataframe("file")
    return context.validation_definitions.add(
        great_expectations.ValidationDefinition(
            name=f"boundary_{qualified_name}", data=batch_definition, suite=suite
        )
    )


def batch_frame(con, entity: Entity):
    """The typed columns of ``_checked``, decimals as doubles, for the rows that are records."""
    typed = ", ".join(
        f"cast({col.name} as double) as {col.name}" if col.type == "decimal" else col.name
        for col in entity.columns
    )
    # a broken JSON Lines line is no record: it is quarantined whole, not validated
    return con.execute(f"select {typed} from _checked where _broken is null").df()


def validate_frame(entity: Entity, frame) -> list[gx.CheckResult]:
    """Validate a batch frame (see ``batch_frame``) with the entity's suite. Pure pandas and
    GX: the loader runs it in a thread while DuckDB writes the batch."""
    definition = _validator_parts(entity.qualified_name)
    if not definition.suite.expectations:
        return []
    validation = definition.run(
        batch_parameters={"dataframe": frame}, result_format=gx.RESULT_FORMAT
    )
    out = gx.results_of(validation, entity.qualified_name)
    failed = [r for r in out if not r.success]
    if failed:
        log.info(
            "%s: %d expectation(s) failed: %s",
            entity.qualified_name,
            len(failed),
            "; ".join(f"{r.expectation}({r.column}) x{r.unexpected_count}" for r in failed),
        )
    return out
