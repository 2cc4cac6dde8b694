"""What reps do at each pipeline stage: activities linked to the deal they were for, and the
dated exit criteria a rep records on the deal when moving it on, drawn after the world is built.

The draws come from their own random stream, so that every other file of a seeded sample
stays byte for byte what it was before activities named their opportunity and opportunities
carried exit criteria. The fact ``stage_visits`` is the truth the stage-action marts
reproduce.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from salesdw.generate.catalog import CRM_STAGES, LOST, WON
from salesdw.generate.model import World

EXIT_CRITERIA = (  # (pipeline stage index, the opportunity's dated field): the seed's rows
    (0, "need_identified_at"),
    (0, "budget_confirmed_at"),
    (1, "decision_maker_met_at"),
    (2, "solution_demonstrated_at"),
    (3, "proposal_sent_at"),
    (4, "commitments_obtained_at"),
)
CRITERION_MET_CHANCE = {"won": 0.85, "open": 0.6, "lost": 0.4}
"""Per visit and criterion not yet met, the chance the rep meets it before the deal leaves the
stage, by the deal's outcome: deals that meet their criteria win more often."""
LINKED_SHARE = 0.8
"""The share of activities made while an account has an open deal that name one of them."""
PIPELINE_STAGES = ("qualification", "prospecting", "maturation", "project_building")
PIPELINE_STAGES += ("negotiation_closing", "negotiation_closing")  # Négociation, Closing


def _pipeline_stage(crm_stage: str) -> str:
    if crm_stage in (WON, LOST):
        return "won" if crm_stage == WON else "lost"
    return PIPELINE_STAGES[CRM_STAGES.index(crm_stage)]


def _visits(versions: list[dict]) -> list[dict]:
    """The pipeline-stage visits of one opportunity's versions (a move between two CRM stages
    of one pipeline stage is no new visit)."""
    visits: list[dict] = []
    for row in versions:
        stage = _pipeline_stage(row["stage"])
        if not visits or visits[-1]["pipeline_stage"] != stage:
            if visits:
                visits[-1]["exited_at"] = row["_at"]
            visits.append({"pipeline_stage": stage, "entered_at": row["_at"], "exited_at": None})
    return visits


def link_stage_actions(world: World, rng: random.Random) -> None:
    """Fills ``opportunity_id`` on activities, the exit-criteria fields on every opportunity
    version, and records the fact ``stage_visits``."""
    by_opp: dict[str, list[dict]] = defaultdict(list)
    for row in world.versions.get("crm__opportunities", []):
        by_opp[row["opportunity_id"]].append(row)
    # The changes the extracts show at their true time: those in the CRM's field history,
    # and the others where the daily file holds the very version that made them (the last of
    # its day; a later change the same day would date it later).
    seen = {
        (h["opportunity_id"], h["changed_at"])
        for h in world.versions.get("crm__opportunity_history", [])
        if h["field"] == "stage"
    }
    for opp_id, versions in by_opp.items():
        last_of_day = {v["_at"].date(): v["_at"] for v in versions}
        seen.update((opp_id, at) for at in last_of_day.values())
    visits_of: dict[str, list[dict]] = {}
    for opp_id, versions in by_opp.items():
        last = versions[-1]
        outcome = {WON: "won", LOST: "lost"}.get(last["stage"], "open")
        visits = _visits(versions)
        met: dict[str, dt.datetime] = {}
        for visit in visits:
            if visit["exited_at"] is None or visit["pipeline_stage"] in ("won", "lost"):
                continue  # criteria are recorded when the deal moves on
            stage_index = PIPELINE_STAGES.index(visit["pipeline_stage"])
            span = int((visit["exited_at"] - visit["entered_at"]).total_seconds())
            for index, field in EXIT_CRITERIA:
                if index == stage_index and field not in met:
                    roll, offset = rng.random(), rng.random()
                    if roll < CRITERION_MET_CHANCE[outcome]:
                        met[field] = visit["entered_at"] + dt.timedelta(seconds=int(offset * span))
        for row in versions:
            for _, field in EXIT_CRITERIA:
                row[field] = met[field] if field in met and met[field] <= row["_at"] else None
        if not last["is_deleted"]:
            for visit in visits:
                visit.update(opportunity=last, outcome=outcome, met=met, activities=0)
            visits_of[opp_id] = visits
    _link_activities(world, rng, visits_of)
    for opp_id, visits in visits_of.items():
        _visit_facts(world, opp_id, visits, seen)


def _link_activities(world: World, rng: random.Random, visits_of: dict[str, list[dict]]) -> None:
    """An activity made while its account has open deals names one of them (most do)."""
    open_deals: dict[str, list[tuple[dt.datetime, dt.datetime, list[dict]]]] = defaultdict(list)
    for visits in visits_of.values():
        opp = visits[0]["opportunity"]
        closed = opp["closed_at"] or world.horizon
        open_deals[opp["account_id"]].append((opp["created_at"], closed, visits))
    for activity in world.versions.get("crm__activities", []):
        at = activity["occurred_at"]
        deals = open_deals[activity["account_id"]]
        candidates = [visits for start, end, visits in deals if start <= at < end]
        roll, which = rng.random(), rng.random()
        if not candidates or roll >= LINKED_SHARE:
            continue
        visits = candidates[int(which * len(candidates))]
        activity["opportunity_id"] = visits[0]["opportunity"]["opportunity_id"]
        for visit in visits:
            exited = visit["exited_at"]
            if visit["entered_at"] <= at and (exited is None or at < exited):
                visit["activities"] += 1


def _visit_facts(world: World, opp_id: str, visits: list[dict], seen: set) -> None:
    """One fact per visit of a stage before won/lost. is_time_exact: the extracts show both
    its ends at their true time (creation always; the open visit has no exit), so that the
    warehouse places the visit's activities and criteria as the truth does."""
    for number, visit in enumerate(visits, start=1):
        stage = visit["pipeline_stage"]
        if stage in ("won", "lost"):
            continue
        entry_known = number == 1 or (opp_id, visit["entered_at"]) in seen
        exit_known = visit["exited_at"] is None or (opp_id, visit["exited_at"]) in seen
        criteria = [f for i, f in EXIT_CRITERIA if PIPELINE_STAGES[i] == stage]
        exited = visit["exited_at"]
        until = exited or world.horizon  # the open visit: the criteria met so far
        met = sum(1 for f in criteria if f in visit["met"] and visit["met"][f] <= until)
        world.fact(
            "stage_visits",
            opportunity_id=opp_id,
            visit_number=number,
            owner_id=visit["opportunity"]["owner_id"],
            pipeline_stage=stage,
            entered_at=visit["entered_at"],
            exited_at=exited,
            is_time_exact=entry_known and exit_known,
            activities=visit["activities"],
            criteria_required=len(criteria),
            criteria_met=met,
            has_met_exit_criteria=exited is not None and met == len(criteria),
            outcome=visit["outcome"],
        )
