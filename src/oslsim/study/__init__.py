"""The study's hypothesis put to the test: the WKSBM dose experiment, its analysis, its report.

*Semakin banyak bentukan OSL sebagai WKSBM akan mengurangi beban warga masyarakatnya* — the
more OSLs work as WKSBM, the lighter the community's burden. One module per job:

- :mod:`~oslsim.study.plan`: which experiment files, checked to share one design;
- :mod:`~oslsim.study.collect`: from the results store to one row per run;
- :mod:`~oslsim.study.analyse`: every statistic (:mod:`oslsim.analysis`), as numbers;
- :mod:`~oslsim.study.words`: the sentences, chosen from those numbers, id and en;
- :mod:`~oslsim.study.figures`: one function per figure;
- :mod:`~oslsim.study.report`: Markdown, HTML, ``summary.json`` and the docs section;
- :mod:`~oslsim.study.run`: :func:`run_hypothesis`, the whole job behind ``oslsim hypothesis``.
"""

from oslsim.study.analyse import (
    ALPHA,
    MIN_EFFECT,
    N_BOOT,
    HypothesisAnalysis,
    analyse,
    replicate_study,
    sobol_summary,
    stationarity,
)
from oslsim.study.collect import SIDE_OUTCOMES, WINDOW, collect, sensitivity_effects
from oslsim.study.figures import FIGURES, figures
from oslsim.study.plan import (
    CONDITIONS,
    DOSE_FACTOR,
    QUICK_REPLICATES,
    QUICK_SAMPLES,
    SENSITIVITY_FILE,
    Condition,
    Plan,
    find_experiments_dir,
    load_plan,
)
from oslsim.study.report import (
    DOCS_BEGIN,
    DOCS_END,
    docs_section,
    render_html,
    render_markdown,
    update_docs,
    write_report,
)
from oslsim.study.run import STORE_NAME, HypothesisRun, run_hypothesis
from oslsim.study.words import (
    PARAM_LABELS,
    STRENGTH,
    condition_sentences,
    headline,
    sensitivity_sentences,
    strength,
    verdict_sentences,
)

__all__ = [
    "ALPHA", "CONDITIONS", "DOCS_BEGIN", "DOCS_END", "DOSE_FACTOR", "FIGURES", "MIN_EFFECT",
    "N_BOOT", "PARAM_LABELS", "QUICK_REPLICATES", "QUICK_SAMPLES", "SENSITIVITY_FILE",
    "SIDE_OUTCOMES", "STORE_NAME", "STRENGTH", "WINDOW", "Condition", "HypothesisAnalysis",
    "HypothesisRun", "Plan", "analyse", "collect", "condition_sentences", "docs_section",
    "figures", "find_experiments_dir", "headline", "load_plan", "render_html",
    "render_markdown", "replicate_study", "run_hypothesis", "sensitivity_effects",
    "sensitivity_sentences", "sobol_summary", "stationarity", "strength", "update_docs",
    "verdict_sentences",
    "write_report",
]
