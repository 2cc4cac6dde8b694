"""The dashboard's server process (``python -m salesdw.dashboard.launch <streamlit flags>``):
Streamlit's own ``streamlit run`` on app.py, with the read-ahead thread of warm.py started
first, so that the imports and the current publication's queries are done before, or while,
the first reader connects."""

from __future__ import annotations

import logging
import sys
import threading

from salesdw.config import Settings
from salesdw.dashboard import warm

APP = __file__.rsplit("/", 1)[0] + "/app.py"


def main() -> None:
    # the read-ahead says what it did in the server's log
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("salesdw")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    threading.Thread(
        target=warm.watch, args=(Settings.from_env(),), name="salesdw-read-ahead", daemon=True
    ).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", APP, *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
