"""Harvesting: following the sector's feeds and sitemaps, and saving each post into a source folder.

Harvest only writes files (the original page plus what was known about it, in `<name>.meta.json`);
`lgsearch index` reads them like any other. `run.py` is the job; `sites.py` the sites file;
`fetch.py` the one HTTP client, polite by construction; `feeds.py` feeds, sitemaps and discovery;
`addresses.py` when two addresses are one post; `state.py` what earlier runs saw; `saved.py` the files.
"""

from indexer.harvest.fetch import HarvestSettings, MissingContact
from indexer.harvest.run import HarvestBusy, HarvestReport, harvest
from indexer.harvest.sites import SitesError, read_sites

__all__ = ["HarvestBusy", "HarvestReport", "HarvestSettings", "MissingContact", "SitesError", "harvest", "read_sites"]
