"""``oslsim scenarios``: list the built-in scenarios and sites, or explain one."""

from __future__ import annotations

import argparse
import textwrap
from importlib import resources
from pathlib import Path

from oslsim.params import Params, param_info
from oslsim.scenarios import Scenario, list_scenarios, load_scenario

WIDTH = 96


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``scenarios`` subcommand with its ``list`` and ``show`` actions."""
    p = sub.add_parser(
        "scenarios", help="list the built-in scenarios and sites, or explain one",
        description="The study's recommendations and its four sites as editable TOML "
                    "scenarios (format: docs/scenarios.md).",
        epilog="examples:\n  oslsim scenarios list\n  oslsim scenarios show diklat_pdps\n"
               "  oslsim scenarios show baseline --toml > desa_saya.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    inner = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    ls = inner.add_parser("list", help="name and title (Bahasa Indonesia / English) of each")
    ls.set_defaults(func=list_command)
    show = inner.add_parser("show", help="site, overrides and dated interventions, explained")
    show.add_argument("scenario", metavar="NAME|FILE", help="a built-in name or a .toml file")
    show.add_argument("--lang", choices=("id", "en", "both"), default="both",
                      help="language of titles and descriptions (default both)")
    show.add_argument("--toml", action="store_true",
                      help="print the scenario's TOML text (copy a built-in to start your own)")
    show.set_defaults(func=show_command)
    p.set_defaults(func=_usage(p))


def _usage(parser: argparse.ArgumentParser):  # noqa: ANN202 - an argparse callback
    def usage(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2
    return usage


def list_command(args: argparse.Namespace) -> int:
    """Print every built-in: recommendations first, then sites; id title, then en title."""
    scenarios = list_scenarios()
    groups = (("Skenario rekomendasi / Recommendation scenarios",
               [s for s in scenarios if not s.is_site]),
              ("Profil lokasi penelitian / Study site profiles",
               [s for s in scenarios if s.is_site]))
    width = max(len(s.name) for s in scenarios) + 2
    for i, (heading, items) in enumerate(groups):
        if i:
            print()
        print(heading + ":")
        for s in items:
            print(f"  {s.name:<{width}}{s.title('id')}")
            print(f"  {'':<{width}}{s.title('en')}")
    from oslsim.region import load_region, region_names

    print("\nWilayah (kabupaten/kota) / Regions (docs/regions.md):")
    for name in region_names():
        r = load_region(name)
        print(f"  {name:<{width}}{r.title('id')}")
        print(f"  {'':<{width}}{r.title('en')}")
    print("\nMore: oslsim scenarios show NAME; run: oslsim run --scenario NAME")
    return 0


def _show_region(sc, args: argparse.Namespace) -> int:  # noqa: ANN001 - a Region
    """Explain a region: its title, budget rule and kelurahan."""
    if args.toml:
        path = Path(sc.source)
        if not path.is_file():
            path = Path(str(resources.files("oslsim.scenarios") / "regions" / f"{sc.name}.toml"))
        print(path.read_text(encoding="utf-8"), end="")
        return 0
    b = sc.budget
    total = "budget_per_household x households" if b.total is None else f"Rp {b.total:,.0f}"
    print(f"{sc.name}: {sc.title('en')}\n  {sc.households:,} households in "
          f"{len(sc.kelurahan)} kelurahan/desa; {sc.months} months\n  budget {total} a month, "
          f"rule {b.rule} {dict(b.params)}, reallocated every {b.every} months")
    for k in sc.kelurahan:
        own = ", ".join(f"{key}={value}" for key, value in k.params.items())
        print(f"  {k.name:<28} {k.kind:<9} {k.site:<14} {k.households:>8,}  {own}")
    names = [k.name for k in sc.kelurahan]
    for iv in sc.interventions:  # dated interventions: the whole region or named kelurahan
        where = iv.args.get("_kelurahan")
        on = "whole region" if where is None else ", ".join(names[i] for i in where)
        print(f"  intervention: {iv.describe('en')} - on {on}")
    return 0


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent,
                         subsequent_indent=indent)


def _param_line(path: str, value: object) -> str:
    info = param_info(path)
    default = Params().get(path)
    unit = f"{info.unit}; " if info.unit else ""
    return _wrap(f"{path} = {value!r}  ({unit}default {default!r}) — {info.doc}", "  ")


def show_command(args: argparse.Namespace) -> int:
    """Explain one scenario: texts, site, months, overrides and interventions."""
    sc = load_scenario(args.scenario)
    from oslsim.region import Region

    if isinstance(sc, Region):
        return _show_region(sc, args)
    if args.toml:
        print(_toml_text(sc, args.scenario), end="")
        return 0
    langs = ("id", "en") if args.lang == "both" else (args.lang,)
    print(f"{sc.name}  ({sc.source})")
    for lang in langs:
        print(f"  [{lang}] {sc.title(lang)}")
    for lang in langs:
        if sc.description(lang):
            print()
            print(_wrap(f"[{lang}] {sc.description(lang)}"))
    print()
    site = sc.site or "(none: model defaults)"
    print(f"site: {site}    months: {sc.months}")
    if sc.site_params:
        print(f"\nparameters from the site {sc.site!r}:")
        for path, value in sc.site_params.items():
            if path not in sc.params:
                print(_param_line(path, value))
    print("\nparameters set by this scenario:" if sc.params else
          "\nparameters set by this scenario: none")
    for path, value in sc.params.items():
        print(_param_line(path, value))
    if not sc.interventions:
        print("\ninterventions: none")
    else:
        print("\ninterventions:")
        for iv in sc.interventions:
            for lang in langs:
                print(f"  - [{lang}] {iv.describe(lang)}")
            print(_wrap(iv.definition.doc, "      "))
    ref = sc.name if sc.source.startswith("builtin:") else args.scenario
    print(f"\nsources and assumptions: oslsim scenarios show {ref} --toml")
    print(f"run it: oslsim run --scenario {ref}")
    return 0


def _toml_text(sc: Scenario, ref: str) -> str:
    if sc.source.startswith("builtin:"):
        res = resources.files("oslsim.scenarios") / "builtin" / f"{sc.name}.toml"
        return res.read_text(encoding="utf-8")
    from oslsim.scenarios import ScenarioError
    from oslsim.tomlcheck import read_text

    return read_text(Path(ref), ref, "a scenario file", ScenarioError, "give a .toml file")
