"""The eight pages, in the sidebar's order. Each reads only its own ``sql/<page>.sql``
through ``Context.read``."""

from __future__ import annotations

from salesdw.dashboard.screens.client import client
from salesdw.dashboard.screens.overview import overview
from salesdw.dashboard.screens.pipeline import lost, pipeline
from salesdw.dashboard.screens.quality import quality
from salesdw.dashboard.screens.revenue import revenue
from salesdw.dashboard.screens.team import support, team

PAGES = {
    "overview": overview,
    "revenue": revenue,
    "pipeline": pipeline,
    "lost": lost,
    "team": team,
    "support": support,
    "client": client,
    "quality": quality,
}
