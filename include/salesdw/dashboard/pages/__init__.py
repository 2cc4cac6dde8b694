"""The eight pages, in the sidebar's order. Each reads only its own ``sql/<page>.sql``
through ``Context.read``."""

from __future__ import annotations

from salesdw.dashboard.pages.client import client
from salesdw.dashboard.pages.overview import overview
from salesdw.dashboard.pages.pipeline import lost, pipeline
from salesdw.dashboard.pages.quality import quality
from salesdw.dashboard.pages.revenue import revenue
from salesdw.dashboard.pages.team import support, team

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
