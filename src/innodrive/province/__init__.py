"""innodrive.province — Sichuan's 市州 and 区县 side by side.

The board (:mod:`~innodrive.province.board`) puts every 市州 or 区县 of the province
on one table for a catalogue indicator and year, from the store's observations;
:mod:`~innodrive.province.sti_index` computes the provincial 科技创新水平指数 for every
市州 with its gap to the 60% line and the levers that move it; :mod:`~innodrive.province.checks`
holds the pre-publication checks of a composite index (correlations, Cronbach's alpha,
effective influence, drop-one impact); :mod:`~innodrive.province.maps` reads the map and
tile-grid data prepared at build time; :mod:`~innodrive.province.cities` sets the example
cities' targets side by side.
"""
