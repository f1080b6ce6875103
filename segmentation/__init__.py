"""Customer segmentation with RFM and K-Means: any transactions file to labelled customers.

The data flows one way, one named stage per arrow (see :mod:`segmentation.pipeline`)::

    file bytes -> load_transactions -> clean_stage -> rfm_stage -> transform_stage ->
    elbow_stage / fit_stage -> profile_stage -> exports / recipe
                                      (on demand) stability_stage

:func:`segment` runs every stage after loading. This package never imports Streamlit; its
public API is ``__init__.pyi`` (the dashboard uses nothing else): what editors and type checkers
read, and where each name is loaded from on first use, so that the command line starts reading
a file before scikit-learn and SciPy are loaded.

The package is a folder per stage of the walk (each imports only from the folders before it; a
test checks the direction): ``reading/`` (bytes to a table), ``columns/`` (what each column
means), ``method/`` (cleaning to segments), ``outcomes/`` (what a marketer takes away),
``engines/`` (the recipe at warehouse scale), with ``pipeline.py`` and ``cli.py`` on top and
``errors.py``, ``settings.py`` and ``words.py`` shared by all.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
