"""The plan of the hypothesis experiment: which experiment files, checked to share one design.

:func:`load_plan` reads ``experiments/wksbm_*.toml`` (one file per condition, plus the
Sobol experiment) and refuses, before any run, a condition whose design drifts from the
baseline's.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oslsim.errors import InputError

__all__ = ["CONDITIONS", "CONTROLS", "COORDINATION_NULL", "Condition", "DOSE_FACTOR",
           "LABEL_ONLY", "Plan",
           "OVERLAP_FACTOR", "OVERLAP_FILE", "QUICK_REPLICATES",
           "QUICK", "QUICK_DOSES", "QUICK_MONTHS", "QUICK_SAMPLES", "QUICK_SITES",
           "QUICK_WARMUP_MONTHS", "SENSITIVITY_FILE", "find_experiments_dir", "load_plan"]

#: The design factor that sets the dose: the share of RW a coordinating WKSBM covers.
DOSE_FACTOR = "organisations.wksbm_coverage"
#: Replicates per design point and Sobol base samples of ``--quick`` (the same design).
QUICK_REPLICATES = 3
QUICK_SAMPLES = 2
#: The quick run's smaller size, the same structure: the ends and the middle of the dose,
#: an urban and a rural site, five measured years after a warm start of at most ten.
QUICK_DOSES = (0.0, 0.5, 1.0)
QUICK_SITES = ("klender", "cibodas")
QUICK_MONTHS = 60
QUICK_WARMUP_MONTHS = 120
#: The changes that make a condition file quick (see :func:`_read`).
QUICK = {"replicates": QUICK_REPLICATES, "name": "_quick", "months": QUICK_MONTHS,
         "doses": QUICK_DOSES, "sites": QUICK_SITES, "warmup": QUICK_WARMUP_MONTHS}


@dataclass(frozen=True)
class Condition:
    """One arm of the experiment: its file and its names for the report (id, en)."""

    name: str
    file: str
    label_id: str
    label_en: str
    what_id: str
    what_en: str


#: The baseline and the mechanism checks, in report order; the first is the reference.
CONDITIONS: tuple[Condition, ...] = (
    Condition("baseline", "wksbm_hypothesis.toml", "Kondisi dasar", "Baseline",
              "profil lokasi apa adanya, pemerintah sebagai fasilitator",
              "the site as it is, government as facilitator"),
    Condition("coordination_null", "wksbm_coordination_null.toml", "Nol koordinasi",
              "Coordination null",
              "label WKSBM diberikan, uang dan orang sama, tetapi forum tidak bekerja dan label "
              "tidak membawa prioritas hibah atau diklat",
              "the WKSBM label is given, same money and people, but the forum does no work and "
              "the label brings no grant or training priority"),
    Condition("label_only", "wksbm_label_only.toml", "Label saja", "Label only",
              "label WKSBM membawa prioritas hibah dan diklat, tetapi forum tidak bekerja",
              "the WKSBM label brings grant and training priority, but the forum does no work"),
    Condition("service_off", "wksbm_service_off.toml", "Uji kewajaran: tanpa layanan",
              "Sanity check: no service",
              "OSL ada dan bertemu tetapi tidak ada yang melayani, pemerintah pun tidak",
              "organisations exist and meet but nobody serves, government included"),
    Condition("no_capacity", "wksbm_no_capacity.toml", "Tanpa kapasitas pengurus",
              "No pengurus capacity",
              "pengurus tanpa keterampilan dan diklat yang tidak menambah keterampilan",
              "pengurus without skills, training that adds none"),
    Condition("no_money", "wksbm_no_money.toml", "Tanpa dana", "No money",
              "tanpa iuran, arisan, sumbangan warga (jimpitan, kas RT, infak) dan hibah",
              "no dues, no arisan, no giving (jimpitan, kas RT, infak), no grants"),
    Condition("exclusive", "wksbm_exclusive.toml", "Keanggotaan eksklusif",
              "Exclusive membership",
              "hanya separuh warga yang lebih mampu boleh menjadi anggota",
              "only the better-off half of households may join"),
    Condition("directive", "wksbm_directive.toml", "Pengarahan dari atas", "Top-down direction",
              "pemerintah mengarahkan dan menggeser upaya sukarela (tanpa membentuk WKSBM sendiri, "
              "agar dosisnya tetap)",
              "government directs and crowds out voluntary effort (founding no WKSBM of its own, "
              "so that the dose holds)"),
    Condition("no_government", "wksbm_no_government.toml", "Tanpa pemerintah", "No government",
              "tanpa anggaran, hibah, diklat dan rujukan pemerintah",
              "no government budget, grants, training or referral"),
)
SENSITIVITY_FILE = "wksbm_sensitivity.toml"
#: The overlap sub-experiment: 1, 2, 3 WKSBM per RW at full coverage.
OVERLAP_FILE = "wksbm_overlap.toml"
OVERLAP_FACTOR = "organisations.wksbm_per_1000"
#: The coordination null, the label's government priorities alone, and the controls that
#: are not mechanism checks of the claim (the report words them on their own).
COORDINATION_NULL = "coordination_null"
LABEL_ONLY = "label_only"
CONTROLS = (COORDINATION_NULL, LABEL_ONLY, "service_off")


def find_experiments_dir(path: str | Path | None = None) -> Path:
    """The folder holding ``wksbm_hypothesis.toml``: ``path``, ``./experiments`` or the repo's."""
    if path is not None:
        folder = Path(path).expanduser()
        if not (folder / CONDITIONS[0].file).is_file():
            raise InputError(f"--experiments {folder}: no {CONDITIONS[0].file} there; give the "
                             "folder holding the wksbm_*.toml experiment files")
        return folder
    for folder in (Path.cwd() / "experiments", Path(__file__).resolve().parents[2] / "experiments"):
        if (folder / CONDITIONS[0].file).is_file():
            return folder
    raise InputError(f"experiments/{CONDITIONS[0].file}: not found; run from the oslsim "
                     "repository's folder or give --experiments DIR")


@dataclass(frozen=True)
class Plan:
    """The experiments of one hypothesis run: one per condition, and the sensitivity one."""

    conditions: tuple[tuple[Condition, Any], ...]
    sensitivity: Any | None
    quick: bool
    directory: Path
    overlap: Any | None = None

    @property
    def reference(self) -> Any:
        """The baseline experiment (the first condition)."""
        return self.conditions[0][1]

    @property
    def doses(self) -> tuple[float, ...]:
        """The design doses (WKSBM coverage: share of RW covered)."""
        return tuple(float(v) for v in _factor(self.reference, DOSE_FACTOR).values)

    @property
    def sites(self) -> tuple[str, ...]:
        """The scenario labels crossed (the study's sites)."""
        return tuple(self.reference.scenario_labels)

    @property
    def experiments(self) -> list[Any]:
        """Every experiment to sweep, in order."""
        exps = [exp for _, exp in self.conditions]
        extra = [e for e in (self.overlap, self.sensitivity) if e is not None]
        return exps + extra

    def runs(self) -> int:
        """How many runs the plan holds."""
        from oslsim.experiments.designs import build_design

        return sum(len(build_design(e, e.seed or 0)) * e.replicates for e in self.experiments)


def _factor(exp: Any, name: str) -> Any:
    for f in exp.factors:
        if f.name == name:
            return f
    raise InputError(f"{exp.source}: factors.{name}: missing; the hypothesis experiment "
                     f"varies {name}")


def _read(path: Path, changes: Mapping[str, Any]) -> Any:
    """Load an experiment file with top-level ``changes`` (the quick variant)."""
    from oslsim.experiments import ExperimentError, parse_experiment

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found; the hypothesis needs it beside "
                         f"{CONDITIONS[0].file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ExperimentError(f"{path}: not valid TOML: {' '.join(str(exc).split())}") from None
    for key, value in changes.items():
        if key == "name":
            data["name"] = f"{data.get('name', path.stem)}{value}"
        elif key in ("doses", "sites"):
            name = DOSE_FACTOR if key == "doses" else "scenario"
            listed = data.get("factors", {}).get(name)
            if isinstance(listed, list) and set(value) <= set(listed):
                data["factors"][name] = [v for v in listed if v in value]
        elif key == "warmup":
            if isinstance(data.get("warmup"), dict):
                data["warmup"]["max_months"] = min(value, data["warmup"].get("max_months", 360))
        elif key == "months" and key in data:
            data["months"] = months = min(int(value), int(data["months"]))
            kept = data.get("keep", {}).get("months")
            if isinstance(kept, list):  # the last year, as in the full file
                data["keep"]["months"] = list(range(max(0, months - len(kept) + 1), months + 1))
        elif key in data or key == "replicates":
            data[key] = min(int(value), int(data.get(key, value)))
    return parse_experiment(data, source=str(path), text=text, base_dir=path.parent,
                            default_name=path.stem)


def _check_same_design(ref: Any, exp: Any) -> None:
    """Every condition must share the baseline's sites, doses, replicates, months and seed."""
    checks = (
        ("factors.scenario", tuple(ref.scenario_labels), tuple(exp.scenario_labels)),
        (f"factors.{DOSE_FACTOR}", _factor(ref, DOSE_FACTOR).values,
         _factor(exp, DOSE_FACTOR).values),
        ("replicates", ref.replicates, exp.replicates),
        ("months", ref.months, exp.months),
        ("seed", ref.seed, exp.seed),
        ("keep", ref.keep, exp.keep),
        ("design", ref.design, exp.design),
        ("warmup", getattr(ref, "warmup", None), getattr(exp, "warmup", None)),
    )
    for key, want, got in checks:
        if want != got:
            raise InputError(f"{exp.source}: {key}: {got!r} differs from {want!r} in "
                             f"{ref.source}; every condition must share the baseline's design")
    extra = [f.name for f in exp.factors if f.name not in ("scenario", DOSE_FACTOR)]
    if extra:
        raise InputError(f"{exp.source}: factors.{extra[0]}: not allowed here; a condition "
                         "varies only scenario and the dose (put constants under [params])")


def load_plan(directory: str | Path | None = None, quick: bool = False,
              sensitivity: bool = True) -> Plan:
    """Load and check the experiment files of the hypothesis.

    Parameters
    ----------
    directory : path, optional
        Folder of the ``wksbm_*.toml`` files (default: see :func:`find_experiments_dir`).
    quick : bool
        The same structure at a smaller size (:data:`QUICK`): :data:`QUICK_REPLICATES`
        replicates, the doses :data:`QUICK_DOSES` at the sites :data:`QUICK_SITES`,
        :data:`QUICK_MONTHS` measured months after a warm start of at most
        :data:`QUICK_WARMUP_MONTHS`, and :data:`QUICK_SAMPLES` Sobol base samples; the
        experiments get a ``_quick`` suffix so a store can hold both.
    sensitivity : bool
        Include the Sobol and overlap experiments (when their files exist).
    """
    folder = find_experiments_dir(directory)
    changes: dict[str, Any] = dict(QUICK) if quick else {}
    conditions = []
    for cond in CONDITIONS:
        path = folder / cond.file
        if cond is not CONDITIONS[0] and not path.is_file():
            continue  # a user may drop mechanism checks
        exp = _read(path, changes)
        if conditions:
            _check_same_design(conditions[0][1], exp)
        else:
            _factor(exp, DOSE_FACTOR)
            if exp.seed is None:
                raise InputError(f"{exp.source}: seed: missing; the conditions pair their runs "
                                 "through one root seed, e.g. seed = 20250611")
            if len(_factor(exp, DOSE_FACTOR).values or ()) < 2:
                raise InputError(f"{exp.source}: factors.{DOSE_FACTOR}: list at least two "
                                 "coverage levels, starting from 0")
        conditions.append((cond, exp))
    sens = None
    path = folder / SENSITIVITY_FILE
    if sensitivity and path.is_file():
        sens_changes = ({"samples": QUICK_SAMPLES, "name": "_quick", "months": QUICK_MONTHS,
                         "warmup": QUICK_WARMUP_MONTHS} if quick else {})
        sens = _read(path, sens_changes)
        dose = _factor(sens, DOSE_FACTOR)
        if sens.design != "sobol" or dose.values is None or len(dose.values) != 2:
            raise InputError(f"{sens.source}: the sensitivity experiment needs design = "
                             f"\"sobol\" and factors.{DOSE_FACTOR} = [low, high]")
    overlap = None
    path = folder / OVERLAP_FILE
    if sensitivity and path.is_file():
        overlap = _read(path, changes)
        _factor(overlap, OVERLAP_FACTOR)
    return Plan(tuple(conditions), sens, quick, folder, overlap)


