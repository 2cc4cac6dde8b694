"""Tables as written on screen: French dates and decimals, whole counts without decimals,
money always with cents (the CSV download keeps the raw frame)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from salesdw.dashboard.ui import displayed

NN = "\u202f"


def test_a_table_is_written_in_french():
    frame = pd.DataFrame(
        {
            "month": [dt.date(2026, 1, 1), None],
            "published_at": [pd.Timestamp("2026-01-02 14:05"), pd.NaT],
            "open_opportunities": [Decimal("38"), Decimal("1200")],
            "pipeline_amount": [Decimal("641808"), None],
            "conversion_rate": [0.5, 0.125],
            "year": [2026, 2025],
        }
    )
    shown = displayed(frame, "fr")
    assert shown["month"].tolist() == ["01/01/2026", "–"]
    assert shown["published_at"].tolist() == ["02/01/2026 14:05", "–"]
    assert shown["open_opportunities"].tolist() == ["38", f"1{NN}200"]
    assert shown["pipeline_amount"].tolist() == [f"641{NN}808,00", "–"]
    assert shown["conversion_rate"].tolist() == ["0,50", "0,13"]
    assert shown["year"].tolist() == [2026, 2025]
    assert frame["open_opportunities"].iloc[0] == Decimal("38")  # the frame is not changed
