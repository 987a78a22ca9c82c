"""Typical wrong answers to the exercises, one fixture per mistake, named after the mistake.

Each :class:`Wrong` replaces one answer cell. ``caught_by`` says where the student meets the
mistake: ``"test"`` (the visible tests under the answer reject it), ``"answer"`` (the course
library refuses it with a Danish message in the answer cell itself), or ``None`` (the visible tests
pass it; only the hidden tests take the points, as the pipeline tests check). ``message`` is a
piece of the Danish message the student must see.

Answer cells of ``videnskvalitet``'s opg3 start with four given lines (the groups and their sizes),
repeated here so every fixture is the whole cell a student would submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Wrong:
    """One wrong answer: the answer cell's code and what the student must be told."""

    grade_id: str
    name: str
    code: str
    caught_by: Literal["test", "answer"] | None
    message: str = ""


_VK_GIVEN = (
    'indsats = nsw.loc[nsw["treat"] == 1, "re78"]\n'
    'kontrol = nsw.loc[nsw["treat"] == 0, "re78"]\n'
    "n1 = len(indsats)\n"
    "n0 = len(kontrol)\n"
    "s1 = indsats.std()\n"
    "s0 = kontrol.std()\n"
)
_VK_POOLED = "s_pooled = (((n1 - 1) * s1**2 + (n0 - 1) * s0**2) / (n1 + n0 - 2)) ** 0.5\n"

VIDENSKVALITET = [
    Wrong(
        "opg1_svar",
        "series_where_a_number_is_asked",
        'antal_indsats = nsw[nsw["treat"] == 1].count()\n'
        'antal_kontrol = nsw[nsw["treat"] == 0].count()',
        "test",
        "antal_indsats skal være ét heltal",
    ),
    Wrong(
        "opg1_svar",
        "groups_swapped",
        'antal_indsats = len(nsw[nsw["treat"] == 0])\nantal_kontrol = len(nsw[nsw["treat"] == 1])',
        "test",
        "byttet om på grupperne",
    ),
    Wrong(
        "opg1_svar",
        "whole_data_twice",
        "antal_indsats = len(nsw)\nantal_kontrol = len(nsw)",
        "test",
        "tilsammen være alle rækker",
    ),
    Wrong(
        "opg2_svar",
        "wrong_sign",
        'm_indsats = nsw.loc[nsw["treat"] == 1, "re78"].mean()\n'
        'm_kontrol = nsw.loc[nsw["treat"] == 0, "re78"].mean()\n'
        "forskel_eksperiment = m_kontrol - m_indsats",
        "test",
        "Forskellen er negativ: tjek rækkefølgen",
    ),
    Wrong(
        "opg2_svar",
        "control_mean_not_subtracted",
        'm_indsats = nsw.loc[nsw["treat"] == 1, "re78"].mean()\nforskel_eksperiment = m_indsats',
        "test",
        "husket at trække kontrolgruppens gennemsnit fra",
    ),
    Wrong(
        "opg2_svar",
        "series_where_a_number_is_asked",
        'forskel_eksperiment = nsw.groupby("treat")["re78"].mean()',
        "test",
        "Gem forskellen som ét tal",
    ),
    Wrong(
        "opg3_svar",
        "control_sd_instead_of_pooled",
        _VK_GIVEN + "s_pooled = s0\nd_eksperiment = (indsats.mean() - kontrol.mean()) / s_pooled",
        "test",
        "s_pooled skal ligge mellem de to gruppers standardafvigelser",
    ),
    Wrong(
        "opg3_svar",
        "variance_instead_of_sd",
        _VK_GIVEN
        + "s_pooled = ((n1 - 1) * s1**2 + (n0 - 1) * s0**2) / (n1 + n0 - 2)\n"
        + "d_eksperiment = (indsats.mean() - kontrol.mean()) / s_pooled",
        "test",
        "s_pooled skal ligge mellem de to gruppers standardafvigelser",
    ),
    Wrong(
        "opg3_svar",
        "not_divided_by_the_spread",
        _VK_GIVEN + _VK_POOLED + "d_eksperiment = indsats.mean() - kontrol.mean()",
        "test",
        "husket at dele med s_pooled",
    ),
    Wrong(
        "opg3_svar",
        "wrong_sign",
        _VK_GIVEN + _VK_POOLED + "d_eksperiment = (kontrol.mean() - indsats.mean()) / s_pooled",
        "test",
        "d har forkert fortegn",
    ),
    # Passes the visible tests (the mean of two SDs lies between them); the hidden test fails.
    Wrong(
        "opg3_svar",
        "mean_of_the_two_sds",
        _VK_GIVEN
        + "s_pooled = (s1 + s0) / 2\n"
        + "d_eksperiment = (indsats.mean() - kontrol.mean()) / s_pooled",
        None,
    ),
    Wrong(
        "opg4_svar",
        "wrong_sign",
        'm_cps = cps["re78"].mean()\n'
        'forskel_cps = m_cps - nsw.loc[nsw["treat"] == 1, "re78"].mean()',
        "test",
        "Tjek rækkefølgen: NSW's deltagere minus CPS",
    ),
    Wrong(
        "opg4_svar",
        "series_where_a_number_is_asked",
        'forskel_cps = nsw.loc[nsw["treat"] == 1, ["re78"]].mean() - cps[["re78"]].mean()',
        "test",
        "Gem forskellen som ét tal",
    ),
    # The whole NSW sample (controls too) instead of the participants: the hidden test fails.
    Wrong(
        "opg4_svar",
        "all_of_nsw_not_the_participants",
        'm_cps = cps["re78"].mean()\nforskel_cps = nsw["re78"].mean() - m_cps',
        None,
    ),
]

DOKUMENTATION = [
    Wrong(
        "opg1_svar",
        "missing_answers_counted_as_valid",
        "gyldig = udsagn.isin([1, 2, 3, 4, 5]) | udsagn.isna()\n"
        "alle_gyldige = gyldig.all(axis=1)\n"
        "fejl = skemaer[~alle_gyldige]",
        "test",
        "Et skema med et manglende svar (tomt felt) er også en fejl",
    ),
    Wrong(
        "opg1_svar",
        "not_forgotten",
        "gyldig = udsagn.isin([1, 2, 3, 4, 5])\n"
        "alle_gyldige = gyldig.all(axis=1)\n"
        "fejl = skemaer[alle_gyldige]",
        "test",
        "husket ~ (ikke)",
    ),
    Wrong(
        "opg1_svar",
        "any_instead_of_all",
        "gyldig = udsagn.isin([1, 2, 3, 4, 5])\n"
        "alle_gyldige = gyldig.any(axis=1)\n"
        "fejl = skemaer[~alle_gyldige]",
        "test",
        "fejl er tom",
    ),
    Wrong(
        "opg1_svar",
        "series_where_a_table_is_asked",
        "gyldig = udsagn.isin([1, 2, 3, 4, 5])\n"
        "alle_gyldige = gyldig.all(axis=1)\n"
        "fejl = ~alle_gyldige",
        "test",
        "fejl skal være en tabel (DataFrame)",
    ),
    Wrong(
        "opg2_svar",
        "pandas_sum_of_every_form",
        "total = udsagn.sum(axis=1)",
        "test",
        "Der er en total for alle 120 skemaer",
    ),
    Wrong(
        "opg2_svar",
        "mean_instead_of_sum",
        "komplette = udsagn[alle_gyldige]\ntotal = komplette.mean(axis=1)",
        "test",
        "ikke gennemsnittet",
    ),
    Wrong(
        "opg2_svar",
        "typos_left_in",
        "total = wemwbs_total(udsagn)",
        "answer",
        "WEMWBS-svar skal være hele tal fra 1 til 5",
    ),
    # Typos clipped into 1-5 and kept: plausible totals (visible tests pass), hidden test fails.
    Wrong(
        "opg2_svar",
        "typos_clipped_into_range",
        "total = udsagn.dropna().clip(1, 5).sum(axis=1)",
        None,
    ),
    Wrong(
        "opg3_svar",
        "series_where_a_number_is_asked",
        "alpha = komplette.var()",
        "test",
        "Gem alpha som ét tal",
    ),
    Wrong(
        "opg3_svar",
        "incomplete_forms",
        "alpha = cronbach_alpha(udsagn)",
        "answer",
        "manglende værdier (NaN)",
    ),
    Wrong(
        "opg3_svar",
        "typos_clipped_into_range",
        "alpha = cronbach_alpha(udsagn.dropna().clip(1, 5))",
        None,
    ),
    Wrong(
        "opg4_svar",
        "share_not_percent",
        "procent_med_fejl = len(fejl) / len(skemaer)",
        "test",
        "ser ud som en andel",
    ),
    Wrong(
        "opg4_svar",
        "divided_the_wrong_way",
        "procent_med_fejl = 100 * len(skemaer) / len(fejl)",
        "test",
        "Procenten skal være under 100",
    ),
]

_FT_INDICATOR = (
    'Indicator(what="Tillid", how="Skema", when="Efter 3 måneder", who="Mentoren", '
    'data_source="Kommunens skema")'
)

FORANDRINGSTEORI = [
    Wrong(
        "opg2_svar",
        "misspelled_kind",
        'toc.add_element("aktivitett", "Ugentlige møder", id="mentormoeder")',
        "answer",
        'Mente du "aktivitet"?',
    ),
    Wrong(
        "opg2_svar",
        "outcome_given_as_output",
        'toc.add_element("ressource", "En koordinator", id="koordinator")\n'
        'toc.add_element("aktivitet", "Ugentlige møder", id="mentormoeder")\n'
        'toc.add_element("leverance", "Møderne bliver holdt", id="gennemfoerte_moeder")\n'
        'toc.add_element("leverance", "Den unge har en voksen at stole på", id="relation")\n'
        'toc.add_element("langsigtet virkning", "I uddannelse eller job", id="uddannelse_job")',
        "test",
        "skal være af slagsen 'kortsigtet resultat'",
    ),
    Wrong(
        "opg2_svar",
        "arrow_backwards",
        'toc.add_element("ressource", "En koordinator", id="koordinator")\n'
        'toc.add_element("aktivitet", "Ugentlige møder", id="mentormoeder")\n'
        'toc.add_element("leverance", "Møderne bliver holdt", id="gennemfoerte_moeder")\n'
        'toc.add_element("kortsigtet resultat", "En voksen at stole på", id="relation")\n'
        'toc.add_element("langsigtet virkning", "I uddannelse eller job", id="uddannelse_job")\n'
        'toc.add_link("koordinator", "mentormoeder")\n'
        'toc.add_link("mentormoeder", "gennemfoerte_moeder")\n'
        'toc.add_link("gennemfoerte_moeder", "relation")\n'
        'toc.add_link("relation", "uddannelse_job")\n'
        'toc.add_link("uddannelse_job", "mentormoeder")',
        "test",
        "Kæden har fejl",
    ),
    Wrong(
        "opg3_svar",
        "assumptions_too_short",
        "for x in toc.links:\n    x.assumption = 'Det virker'",
        "test",
        "mindst fem ord",
    ),
    Wrong(
        "opg3_svar",
        "only_the_critical_arrows",
        'toc.link("gennemfoerte_moeder", "relation").assumption = (\n'
        '    "Mange møder med den samme voksne opbygger tillid over tid"\n)\n'
        'toc.link("relation", "uddannelse_job").assumption = (\n'
        '    "En voksen at stole på gør det lettere at starte på en uddannelse"\n)',
        "test",
        "Pile uden antagelse",
    ),
    Wrong(
        "opg3_svar",
        "misspelled_arrow",
        'toc.link("relation", "uddannelse").assumption = "En voksen gør det lettere at starte"',
        "answer",
        'Der er ingen pil fra "relation" til "uddannelse"',
    ),
    Wrong(
        "opg4_svar",
        "only_what_filled_in",
        "for element in toc.elements:\n"
        "    if element.kind.is_outcome:\n"
        '        element.indicators = [Indicator(what="Spørgeskema")]',
        "test",
        "Udfyld alle fem felter",
    ),
    Wrong(
        "opg4_svar",
        "misspelled_element_id",
        f'toc.element("relasjon").indicators = [{_FT_INDICATOR}]',
        "answer",
        'Der er intet element med id\'et "relasjon". Mente du "relation"?',
    ),
    Wrong(
        "opg4_svar",
        "danish_field_name",
        'toc.element("relation").indicators = [Indicator(hvad="Tillid")]',
        "answer",
        'Feltet "hvad" kendes ikke',
    ),
]

_OPF_ROWS = (
    'maal = data[(data["person_id"] == "B072") & (data["occasion"] == 4) '
    '& (data["instrument"] == "GAS")]\n'
)
_OPF_XW = 'x = maal["score"]\nw = maal["weight"]\ntaeller = (w * x).sum()\n'
_OPF_NAEVNER = "naevner = ((1 - 0.3) * (w**2).sum() + 0.3 * w.sum() ** 2) ** 0.5\n"
_OPF_START = 'start = data[(data["instrument"] == "WEMWBS") & (data["occasion"] == 1)]["score"]\n'
_OPF_BOERN = (
    'boern["kategori"] = classify_change(\n'
    '    boern["foer"], boern["efter"], s_diff=3.0, cutoff={cutoff}, direction="{direction}"\n)'
)
_OPF_SUMMARY = (
    'wemwbs = data[data["instrument"] == "WEMWBS"]\n'
    'opsummering = followup.summary_by_occasion(wemwbs, by=["occasion"])\n'
    'antal = wemwbs.groupby("occasion")["person_id"].nunique()\n'
)

OPFOELGNING = [
    Wrong(
        "opg1_svar",
        "square_root_left_out",
        _OPF_ROWS
        + _OPF_XW
        + "naevner = (1 - 0.3) * (w**2).sum() + 0.3 * w.sum() ** 2\n"
        + "t_b072 = 50 + 10 * taeller / naevner",
        "test",
        "husket kvadratroden",
    ),
    Wrong(
        "opg1_svar",
        "fifty_left_out",
        _OPF_ROWS + _OPF_XW + _OPF_NAEVNER + "t_b072 = 10 * taeller / naevner",
        "test",
        "mellem 20 og 80",
    ),
    Wrong(
        "opg1_svar",
        "every_occasion",
        'maal = data[(data["person_id"] == "B072") & (data["instrument"] == "GAS")]\n'
        + _OPF_XW
        + _OPF_NAEVNER
        + "t_b072 = 50 + 10 * taeller / naevner",
        "test",
        "kun have måletidspunkt 4",
    ),
    Wrong(
        "opg1_svar",
        "series_where_a_number_is_asked",
        _OPF_ROWS + _OPF_XW + _OPF_NAEVNER + "t_b072 = 50 + 10 * (w * x) / naevner",
        "test",
        "Gem T for B072 som ét tal",
    ),
    # "10 ·" left out: T stays near 50 (visible tests pass); the hidden test fails.
    Wrong(
        "opg1_svar",
        "ten_left_out",
        _OPF_ROWS + _OPF_XW + _OPF_NAEVNER + "t_b072 = 50 + taeller / naevner",
        None,
    ),
    Wrong(
        "opg2_svar",
        "every_occasion",
        'start = data[data["instrument"] == "WEMWBS"]["score"]\n'
        "s_diff = standard_error_of_difference(start.std(), 0.89)\n"
        "rc_graense = 1.96 * s_diff",
        "test",
        "én WEMWBS-score pr. borger ved indskrivningen",
    ),
    Wrong(
        "opg2_svar",
        "measurement_error_not_difference",
        "from vidensbasering.measures import standard_error_of_measurement\n\n"
        + _OPF_START
        + "s_diff = standard_error_of_measurement(start.std(), 0.89)\n"
        + "rc_graense = 1.96 * s_diff",
        "test",
        "ikke større end målefejlen SE",
    ),
    Wrong(
        "opg2_svar",
        "z_left_out",
        _OPF_START
        + "s_diff = standard_error_of_difference(start.std(), 0.89)\nrc_graense = s_diff",
        "test",
        "1,96 gange S_diff",
    ),
    Wrong(
        "opg3_svar",
        "scale_direction_reversed",
        _OPF_BOERN.format(cutoff=13.5, direction="højere er bedre"),
        "test",
        "tjek skalaens retning",
    ),
    Wrong(
        "opg3_svar",
        "direction_misspelled",
        _OPF_BOERN.format(cutoff=13.5, direction="higher is worse"),
        "answer",
        'direction skal være "højere er bedre" eller "højere er værre"',
    ),
    # The Danish 95th-percentile cut-off 17 answers another question: hidden test fails.
    Wrong(
        "opg3_svar",
        "abnormal_band_cutoff",
        _OPF_BOERN.format(cutoff=17, direction="højere er værre"),
        None,
    ),
    Wrong(
        "opg4_svar",
        "dropout_reversed",
        _OPF_SUMMARY + "frafald = int(antal[4] - antal[1])",
        "test",
        "frafald er negativt",
    ),
    Wrong(
        "opg4_svar",
        "series_where_a_number_is_asked",
        _OPF_SUMMARY + "frafald = antal",
        "test",
        "frafald skal være ét heltal",
    ),
]

_LP_RATINGS = "{1: 2, 2: 0, 3: 3, 4: 1, 5: 1, 7: 3, 8: 2, 9: 3, 10: 0, 11: 1}"
_LP_GROUPS = "grupper = pp.group_summary(vurdering)\n"
_LP_COMPARE = "forskel = pp.compare({first}, {second})\n"
_LP_UP_DOWN = (
    'steget = forskel.loc[forskel["difference"] {up} 0, "element"].tolist()\n'
    'faldet = forskel.loc[forskel["difference"] {down} 0, "element"].tolist()'
)

# Both lovende_praksis and synopsis ask for the elements rated 0 or 1 in ``svage``.
_WEAK_ELEMENTS = (
    # The library's default: only the three weakest. The visible tests pass; the hidden test fails.
    Wrong(
        "opg3_svar",
        "only_the_three_weakest",
        "svage = [w.element.number for w in pp.weakest(vurdering)]",
        None,
    ),
    Wrong(
        "opg3_svar",
        "i_nogen_grad_included",
        "tabel = pp.ratings_table(vurdering)\n"
        'svage = tabel.loc[tabel["rating"] <= 2, "element"].tolist()',
        "test",
        "svage må kun have elementer, der er vurderet 0 eller 1",
    ),
)

LOVENDE_PRAKSIS = [
    Wrong(
        "opg1_svar",
        "not_rated_as_zero",
        "vurdering = pp.assess(\n"
        "    {1: 2, 2: 0, 3: 3, 4: 1, 5: 1, 6: 0, 7: 3, 8: 2, 9: 3, 10: 0, 11: 1},\n"
        '    service="Ung med mentor",\n)',
        "test",
        "'Ikke vurderet' er ikke det samme som 'slet ikke' (0)",
    ),
    Wrong(
        "opg1_svar",
        "service_left_out",
        f"vurdering = pp.assess({_LP_RATINGS})",
        "test",
        'service="Ung med mentor"',
    ),
    Wrong(
        "opg1_svar",
        "scale_from_one",
        "vurdering = pp.assess(\n"
        "    {1: 3, 2: 1, 3: 4, 4: 2, 5: 2, 7: 4, 8: 3, 9: 4, 10: 1, 11: 2},\n"
        '    service="Ung med mentor",\n)',
        "answer",
        "skal være et helt tal fra 0 til 3",
    ),
    # "I høj grad" read as 2 for element 9 only: the visible tests pass; the hidden test fails.
    Wrong(
        "opg1_svar",
        "one_element_misread",
        "vurdering = pp.assess(\n"
        "    {1: 2, 2: 0, 3: 3, 4: 1, 5: 1, 7: 3, 8: 2, 9: 2, 10: 0, 11: 1},\n"
        '    service="Ung med mentor",\n)',
        None,
    ),
    Wrong(
        "opg2_svar",
        "series_where_a_number_is_asked",
        _LP_GROUPS + 'tilpasning = grupper.loc[grupper["group"] == "Tilpasning", "mean"]',
        "test",
        "tilpasning skal være ét tal, ikke en tabel",
    ),
    *_WEAK_ELEMENTS,
    Wrong(
        "opg4_svar",
        "order_swapped",
        _LP_COMPARE.format(first="efter", second="vurdering")
        + _LP_UP_DOWN.format(up=">", down="<"),
        "test",
        "Tjek rækkefølgen i pp.compare",
    ),
    Wrong(
        "opg4_svar",
        "unchanged_counted",
        _LP_COMPARE.format(first="vurdering", second="efter")
        + _LP_UP_DOWN.format(up=">=", down="<="),
        "test",
        "tag kun elementer med en forskel over eller under 0",
    ),
]

_SYN_COUNTS = (
    'startet = wemwbs.loc[wemwbs["occasion"] == 1, "person_id"].nunique()\n'
    'maalt_12 = wemwbs.loc[wemwbs["occasion"] == 4, "person_id"].nunique()\n'
)
_SYN_CASES = (
    "samtaler = followup.cases_to_discuss(\n"
    '    data, "WEMWBS", reliability={reliability}, direction="{direction}", occasion=4\n'
    ")\n"
    "uden_aendring = len(\n"
    '    samtaler[samtaler["reason"] == "Ingen pålidelig ændring ved opfølgningen"]\n'
    ")\n"
)

SYNOPSIS = [
    Wrong(
        "opg1_svar",
        "fraction_upside_down",
        _SYN_COUNTS + "andel_maalt = startet / maalt_12",
        "test",
        "En andel ligger mellem 0 og 1",
    ),
    # Divided by every WEMWBS row (all occasions), not by the citizens who started: a share in
    # 0-1 (visible tests pass); the hidden test fails.
    Wrong(
        "opg1_svar",
        "rows_as_denominator",
        _SYN_COUNTS + "andel_maalt = maalt_12 / len(wemwbs)",
        None,
    ),
    Wrong(
        "opg2_svar",
        "scale_direction_reversed",
        _SYN_CASES.format(reliability=0.89, direction="lavere er bedre")
        + "andel_uden_aendring = uden_aendring / 98",
        "test",
        "tjek skalaens retning",
    ),
    # The population reliability 0.91 instead of the cautious 0.89: hidden test fails.
    Wrong(
        "opg2_svar",
        "reliability_not_the_cautious_one",
        _SYN_CASES.format(reliability=0.91, direction="højere er bedre")
        + 'maalt_12 = wemwbs.loc[wemwbs["occasion"] == 4, "person_id"].nunique()\n'
        + "andel_uden_aendring = uden_aendring / maalt_12",
        None,
    ),
    # Divided by everyone who started: those who dropped out could never get the reason.
    Wrong(
        "opg2_svar",
        "everyone_who_started_as_denominator",
        _SYN_CASES.format(reliability=0.89, direction="højere er bedre")
        + 'startet = wemwbs.loc[wemwbs["occasion"] == 1, "person_id"].nunique()\n'
        + "andel_uden_aendring = uden_aendring / startet",
        None,
    ),
    *_WEAK_ELEMENTS,
]


def _ref_cases(
    *,
    instrument: str = "WEMWBS",
    reliability: float = 0.89,
    direction: str = "højere er bedre",
    occasion: int = 4,
    by: str = ', by=["group"]',
) -> str:
    """Refleksion's opg1 answer with one of the professional choices changed."""
    return (
        "samtaler = followup.cases_to_discuss(\n"
        f'    data, "{instrument}", reliability={reliability}, direction="{direction}",\n'
        f"    occasion={occasion}{by}\n)"
    )


_REF_DROPPED = 'faldet_fra = len(samtaler[samtaler["reason"] == "Faldet fra før opfølgningen"])\n'
_REF_STARTED = 'startet = wemwbs.loc[wemwbs["occasion"] == 1, "person_id"].nunique()\n'
_REF_UNCHANGED = (
    "uden_aendring = (\n"
    '    samtaler[samtaler["reason"] == "{reason}"]\n'
    '    .groupby("group")\n'
    "    .size()\n"
    ")\n"
)
_REF_MEASURED = (
    'maalt_12 = wemwbs[wemwbs["occasion"] == {occasion}].groupby("group")["person_id"].nunique()\n'
)

REFLEKSION = [
    Wrong(
        "opg1_svar",
        "scale_direction_reversed",
        _ref_cases(direction="lavere er bedre"),
        "test",
        "tjek skalaens retning (hvad er bedst på WEMWBS?)",
    ),
    # Occasion 3 is about 6 months: fewer have dropped out than the data say for 12 months.
    Wrong(
        "opg1_svar",
        "six_months_not_twelve",
        _ref_cases(occasion=3),
        "test",
        "tjek måletidspunktet (12 måneder)",
    ),
    Wrong(
        "opg1_svar",
        "months_as_occasion",
        _ref_cases(occasion=12),
        "answer",
        "Måletidspunkt 12 er ikke et opfølgningstidspunkt i tabellen. Vælg et af: 2, 3, 4.",
    ),
    Wrong(
        "opg1_svar",
        "reliability_in_percent",
        _ref_cases(reliability=89),
        "answer",
        "Reliabiliteten 89 kan ikke bruges",
    ),
    Wrong(
        "opg1_svar",
        "gas_not_wemwbs",
        _ref_cases(instrument="GAS"),
        "answer",
        "Måleredskabet 'GAS' findes ikke i tabellen. Der er: WEMWBS.",
    ),
    Wrong(
        "opg1_svar",
        "team_left_out",
        _ref_cases(by=""),
        "test",
        'Teamet mangler: brug by=["group"].',
    ),
    # The population reliability 0.91 instead of the cautious 0.89: 4 deteriorations and 49
    # without reliable change instead of 3 and 56. Only the hidden test can tell.
    Wrong(
        "opg1_svar",
        "reliability_not_the_cautious_one",
        _ref_cases(reliability=0.91),
        None,
    ),
    Wrong(
        "opg2_svar",
        "series_not_list",
        'forvaerret = samtaler.loc[samtaler["reason"] == "Pålidelig forværring", "person_id"]',
        "test",
        "forvaerret skal være en liste (brug .tolist())",
    ),
    Wrong(
        "opg2_svar",
        "no_reliable_change_instead",
        "forvaerret = samtaler.loc[\n"
        '    samtaler["reason"] == "Ingen pålidelig ændring ved opfølgningen", "person_id"\n'
        "].tolist()",
        "test",
        "Listen er for lang: tag kun årsagen 'Pålidelig forværring'.",
    ),
    # Every fall, however small, read as a deterioration: 29 citizens, most within the
    # measurement error.
    Wrong(
        "opg2_svar",
        "any_fall_counted",
        "forvaerret = samtaler.loc[\n"
        '    samtaler["latest_score"] < samtaler["first_score"], "person_id"\n'
        "].tolist()",
        "test",
        "Listen er for lang",
    ),
    Wrong(
        "opg2_svar",
        "reason_misspelled",
        "forvaerret = samtaler.loc[\n"
        '    samtaler["reason"] == "Pålidelig forværing", "person_id"\n'
        "].tolist()",
        "test",
        "forvaerret har 0 borgere, men samtaler har 3 med årsagen 'Pålidelig forværring'",
    ),
    Wrong(
        "opg3_svar",
        "percent_not_share",
        _REF_STARTED + _REF_DROPPED + "andel_frafald = 100 * faldet_fra / startet",
        "test",
        "En andel ligger mellem 0 og 1 (ikke i procent).",
    ),
    Wrong(
        "opg3_svar",
        "fraction_upside_down",
        _REF_STARTED + _REF_DROPPED + "andel_frafald = startet / faldet_fra",
        "test",
        "En andel ligger mellem 0 og 1",
    ),
    # The share still measured at 12 months (98 of 120), not the share who dropped out.
    Wrong(
        "opg3_svar",
        "share_measured_not_dropped",
        _REF_STARTED
        + 'maalt_12 = wemwbs.loc[wemwbs["occasion"] == 4, "person_id"].nunique()\n'
        + "andel_frafald = maalt_12 / startet",
        "test",
        "Over halvdelen faldet fra?",
    ),
    # The rows, not their number: pandas cannot divide the table's text by a number, and the
    # Danish hint under Python's error says what to check.
    Wrong(
        "opg3_svar",
        "table_where_a_number_is_asked",
        _REF_STARTED
        + 'faldet_fra = samtaler[samtaler["reason"] == "Faldet fra før opfølgningen"]\n'
        + "andel_frafald = faldet_fra / startet",
        "answer",
        "Tip: en funktion fik en værdi af en anden slags",
    ),
    # Divided by those measured at 12 months (22 of 98) instead of those who started (22 of
    # 120): a share below one half, so only the hidden test can tell.
    Wrong(
        "opg3_svar",
        "measured_as_denominator",
        'maalt = wemwbs.loc[wemwbs["occasion"] == 4, "person_id"].nunique()\n'
        'faldet = samtaler[samtaler["reason"] == "Faldet fra før opfølgningen"]\n'
        "andel_frafald = len(faldet) / maalt",
        None,
    ),
    Wrong(
        "opg4_svar",
        "counts_not_shares",
        _REF_UNCHANGED.format(reason="Ingen pålidelig ændring ved opfølgningen")
        + "uden_aendring_pr_team = uden_aendring",
        "test",
        "Andele ligger mellem 0 og 1: del antal med et antal.",
    ),
    Wrong(
        "opg4_svar",
        "one_share_for_both_teams",
        _REF_UNCHANGED.format(reason="Ingen pålidelig ændring ved opfølgningen")
        + 'maalt_12 = wemwbs.loc[wemwbs["occasion"] == 4, "person_id"].nunique()\n'
        + "uden_aendring_pr_team = uden_aendring.sum() / maalt_12",
        "test",
        "uden_aendring_pr_team skal være en Series.",
    ),
    # The deteriorations instead: none in Team Nord, so its share is missing (NaN).
    Wrong(
        "opg4_svar",
        "deterioration_instead",
        _REF_MEASURED.format(occasion=4)
        + _REF_UNCHANGED.format(reason="Pålidelig forværring")
        + "uden_aendring_pr_team = uden_aendring / maalt_12",
        "test",
        "Et team har ingen andel (NaN)",
    ),
    # Divided by everyone who started in the team: shares in 0-1, but citizens who dropped out
    # could never get "no reliable change". Only the hidden test can tell.
    Wrong(
        "opg4_svar",
        "everyone_who_started_as_denominator",
        _REF_MEASURED.format(occasion=1)
        + _REF_UNCHANGED.format(reason="Ingen pålidelig ændring ved opfølgningen")
        + "uden_aendring_pr_team = uden_aendring / maalt_12",
        None,
    ),
    # Divided by the team's rows in samtaler (the citizens to talk about), not by the measured.
    Wrong(
        "opg4_svar",
        "rows_to_discuss_as_denominator",
        _REF_UNCHANGED.format(reason="Ingen pålidelig ændring ved opfølgningen")
        + 'uden_aendring_pr_team = uden_aendring / samtaler.groupby("group").size()',
        None,
    ),
]


def _rf_level(
    name: str,
    level: str,
    *,
    reliability: float = 0.89,
    direction: str = "højere er bedre",
    occasion: int = 4,
) -> str:
    """Rollefordeling's call of ``levels.aggregate_by_level`` with one choice changed."""
    return (
        f"{name} = levels.aggregate_by_level(\n"
        f'    data, "{level}", instrument="WEMWBS", reliability={reliability},\n'
        f'    direction="{direction}", occasion={occasion}\n)\n'
    )


_RF_PLACED = (
    "landstal = national.national_figures()\n"
    'anbragte = landstal[landstal["measure"] == "{measure}"]\n'
    'n_2023 = anbragte.loc[anbragte["year"] == 2023, "count"].iloc[0]\n'
    'n_2011 = anbragte.loc[anbragte["year"] == 2011, "count"].iloc[0]\n'
)
_RF_MEASURE = "Anbragte børn og unge (0-22 år) pr. 31. december"

ROLLEFORDELING = [
    Wrong(
        "opg1_svar",
        "scale_direction_reversed",
        _rf_level("borgere", "borger", direction="lavere er bedre"),
        "test",
        "Over en fjerdedel har en pålidelig forværring: tjek skalaens retning.",
    ),
    Wrong(
        "opg1_svar",
        "six_months_not_twelve",
        _rf_level("borgere", "borger", occasion=3),
        "test",
        "Kun borgere målt ved 12 måneder skal have en kategori: tjek måletidspunktet.",
    ),
    Wrong(
        "opg1_svar",
        "months_as_occasion",
        _rf_level("borgere", "borger", occasion=12),
        "answer",
        "Måletidspunkt 12 er ikke et opfølgningstidspunkt i tabellen",
    ),
    Wrong(
        "opg1_svar",
        "team_level_not_citizen",
        _rf_level("borgere", "team"),
        "test",
        "borgere skal have én række pr. borger.",
    ),
    Wrong(
        "opg1_svar",
        "level_named_in_plural",
        _rf_level("borgere", "borgere"),
        "answer",
        "Niveauet 'borgere' findes ikke. Vælg et af: borger, team, tilbud, kommune.",
    ),
    # The population reliability 0.91 instead of the cautious 0.89: more citizens get a reliable
    # change, but only the hidden test can tell.
    Wrong(
        "opg1_svar",
        "reliability_not_the_cautious_one",
        _rf_level("borgere", "borger", reliability=0.91),
        None,
    ),
    Wrong(
        "opg2_svar",
        "team_level_not_service",
        _rf_level("tilbud", "team")
        + 'mest_frafald = tilbud.loc[tilbud["share_dropped_out"].idxmax(), "service"]',
        "test",
        "tilbud skal have én række pr. tilbud.",
    ),
    Wrong(
        "opg2_svar",
        "row_number_not_name",
        _rf_level("tilbud", "tilbud") + 'mest_frafald = tilbud["share_dropped_out"].idxmax()',
        "test",
        "mest_frafald skal være ét navn (tekst) fra kolonnen service",
    ),
    Wrong(
        "opg2_svar",
        "share_not_name",
        _rf_level("tilbud", "tilbud") + 'mest_frafald = tilbud["share_dropped_out"].max()',
        "test",
        "mest_frafald skal være ét navn (tekst) fra kolonnen service",
    ),
    Wrong(
        "opg2_svar",
        "short_name_typed",
        _rf_level("tilbud", "tilbud") + 'mest_frafald = "Engen"',
        "test",
        "mest_frafald skal være et tilbuds navn fra kolonnen service.",
    ),
    Wrong(
        "opg2_svar",
        "smallest_not_largest",
        _rf_level("tilbud", "tilbud")
        + 'mest_frafald = tilbud.loc[tilbud["share_dropped_out"].idxmin(), "service"]',
        "test",
        "mest_frafald har den mindste andel faldet fra i tilbud",
    ),
    # Deterioration read as dropping out: Bostøtte Bakken, which has the smallest dropout.
    Wrong(
        "opg2_svar",
        "deterioration_not_dropout",
        _rf_level("tilbud", "tilbud")
        + 'mest_frafald = tilbud.loc[tilbud["share_deteriorated"].idxmax(), "service"]',
        "test",
        "mest_frafald har den mindste andel faldet fra i tilbud",
    ),
    # Dropout by 6 months (occasion 3): Bakken and Engen tie at 13 of 120, idxmax gives Bakken.
    Wrong(
        "opg2_svar",
        "six_months_not_twelve",
        _rf_level("tilbud", "tilbud", occasion=3)
        + 'mest_frafald = tilbud.loc[tilbud["share_dropped_out"].idxmax(), "service"]',
        None,
    ),
    Wrong(
        "opg3_svar",
        "service_level_not_municipality",
        _rf_level("kommuner", "tilbud"),
        "test",
        "kommuner skal have én række pr. kommune.",
    ),
    # The services' figures averaged per municipality: Ådal Kommune gets 120 citizens, not 240,
    # and its mean change is not weighted by the number followed.
    Wrong(
        "opg3_svar",
        "mean_of_the_services",
        'kommuner = tilbud.groupby("municipality", as_index=False).mean(numeric_only=True)',
        "test",
        "Kommunerne skal tilsammen have alle borgere, der startede (n_started)",
    ),
    Wrong(
        "opg3_svar",
        "scale_direction_reversed",
        _rf_level("kommuner", "kommune", direction="lavere er bedre"),
        "test",
        "Over en fjerdedel har en pålidelig forværring: tjek skalaens retning.",
    ),
    # 6 months instead of 12: right shape and counts; the hidden test finds the mean change.
    Wrong(
        "opg3_svar",
        "six_months_not_twelve",
        _rf_level("kommuner", "kommune", occasion=3),
        None,
    ),
    Wrong(
        "opg4_svar",
        "int_left_out",
        _RF_PLACED.format(measure=_RF_MEASURE) + "aendring_anbragte = n_2023 - n_2011",
        "test",
        "aendring_anbragte skal være ét helt tal (brug int(...)).",
    ),
    Wrong(
        "opg4_svar",
        "level_not_change",
        _RF_PLACED.format(measure=_RF_MEASURE) + "aendring_anbragte = int(n_2023)",
        "test",
        "tjek, at du trækker antallet i 2011 fra antallet i 2023",
    ),
    Wrong(
        "opg4_svar",
        "percent_change",
        _RF_PLACED.format(measure=_RF_MEASURE)
        + "aendring_anbragte = int(100 * (n_2023 - n_2011) / n_2011)",
        "test",
        "tjek, at du regner i antal børn (ikke i procent)",
    ),
    # A shortened name of the figure selects no rows; the Danish hint under the IndexError says
    # what to check.
    Wrong(
        "opg4_svar",
        "measure_name_shortened",
        _RF_PLACED.format(measure="Anbragte børn og unge")
        + "aendring_anbragte = int(n_2023 - n_2011)",
        "answer",
        "Tip: du beder om nummer, der ikke findes",
    ),
    # 2011 minus 2023: the right size, the wrong sign (a fall of 1,078 reads as a rise).
    Wrong(
        "opg4_svar",
        "wrong_sign",
        _RF_PLACED.format(measure=_RF_MEASURE) + "aendring_anbragte = int(n_2011 - n_2023)",
        None,
    ),
]

_VD_A = "studie_a = evidence.Study(theory_of_change=True)\n"
_VD_B = "studie_b = evidence.Study(measured_change=True, comparison_group=True, randomised=True)\n"
_VD_C = (
    "studie_c = evidence.Study(\n"
    "    theory_of_change=True, measured_change=True, comparison_group=True, cost_known=True\n"
    ")\n"
)
_VD_D = (
    "studie_d = evidence.Study(\n"
    "    theory_of_change=True,\n"
    "    measured_change=True,\n"
    "    comparison_group=True,\n"
    "    randomised=True,\n"
    "    independent_replication=True,\n"
    "    cost_known=True,\n"
    "{extra})\n"
)
_VD_SELECT = 'til_notatet = klassificeret.loc[\n    {condition},\n    "{column}",\n]{tail}'
_VD_LEVEL = 'klassificeret["nesta_level"] >= 3'
_VD_GROUP = 'klassificeret["maalgruppe"] == "tidligere anbragte unge"'

VIDENDELING = [
    # "How the mentors create a relation" read as a measurement of it.
    Wrong(
        "opg1_svar",
        "description_read_as_measurement",
        "studie_a = evidence.Study(theory_of_change=True, measured_change=True)\n" + _VD_B,
        "test",
        "Står der noget om målinger i A?",
    ),
    Wrong(
        "opg1_svar",
        "lottery_without_comparison_group",
        _VD_A + "studie_b = evidence.Study(measured_change=True, randomised=True)",
        "answer",
        "Lodtrækning kræver en sammenligningsgruppe",
    ),
    Wrong(
        "opg1_svar",
        "danish_field_name",
        "studie_a = evidence.Study(forandringsteori=True)\n" + _VD_B,
        "answer",
        "Tip: en funktion fik en værdi af en anden slags",
    ),
    Wrong(
        "opg1_svar",
        "yes_as_text",
        'studie_a = evidence.Study(theory_of_change="ja")\n' + _VD_B,
        "answer",
        "theory_of_change skal være True (ja) eller False (nej).",
    ),
    # The lottery overlooked: B read as a plain comparison (level 3 either way, but not a trial).
    Wrong(
        "opg1_svar",
        "lottery_overlooked",
        _VD_A + "studie_b = evidence.Study(measured_change=True, comparison_group=True)",
        None,
    ),
    # A trial assumed to have a theory of change, which B's description does not give.
    Wrong(
        "opg1_svar",
        "theory_assumed_for_the_trial",
        _VD_A
        + "studie_b = evidence.Study(\n"
        + "    theory_of_change=True, measured_change=True,\n"
        + "    comparison_group=True, randomised=True,\n"
        + ")",
        None,
    ),
    Wrong(
        "opg2_svar",
        "lottery_without_comparison_group",
        _VD_C
        + "studie_d = evidence.Study(\n"
        + "    theory_of_change=True, measured_change=True, randomised=True,\n"
        + "    independent_replication=True, cost_known=True\n"
        + ")",
        "answer",
        "Lodtrækning kræver en sammenligningsgruppe",
    ),
    # C's comparison read as "no measurement" (only the theory and the cost).
    Wrong(
        "opg2_svar",
        "c_without_measurements",
        "studie_c = evidence.Study(theory_of_change=True, cost_known=True)\n"
        + _VD_D.format(extra=""),
        "test",
        "Både C og D har målt de unges udfald.",
    ),
    # Self-selection read as a trial: the young people chose for themselves.
    Wrong(
        "opg2_svar",
        "self_selection_read_as_lottery",
        "studie_c = evidence.Study(\n"
        + "    theory_of_change=True, measured_change=True, comparison_group=True,\n"
        + "    randomised=True, cost_known=True\n"
        + ")\n"
        + _VD_D.format(extra=""),
        None,
    ),
    # Three cities without a common manual read as scaled (Nesta level 5 instead of 4).
    Wrong(
        "opg2_svar",
        "three_cities_read_as_scaled",
        _VD_C + _VD_D.format(extra="    scaled=True,\n"),
        None,
    ),
    # The replications in Norway and Sweden overlooked: D drops from level 4 to 3.
    Wrong(
        "opg2_svar",
        "replication_overlooked",
        _VD_C + _VD_D.format(extra="").replace("    independent_replication=True,\n", ""),
        None,
    ),
    Wrong(
        "opg3_svar",
        "table_not_classified",
        "klassificeret = studier",
        "test",
        "Brug evidence.classify_studies.",
    ),
    Wrong(
        "opg3_svar",
        "target_group_filtered_first",
        "klassificeret = evidence.classify_studies(\n"
        '    studier[studier["maalgruppe"] == "tidligere anbragte unge"]\n'
        ")",
        "test",
        "Alle seks undersøgelser skal være med.",
    ),
    # The function for one study, given the whole table.
    Wrong(
        "opg3_svar",
        "one_study_function_on_the_table",
        "klassificeret = evidence.nesta_level(studier)",
        "answer",
        "Til en tabel med flere undersøgelser: brug evidence.classify_studies.",
    ),
    Wrong(
        "opg4_svar",
        "series_not_list",
        _VD_SELECT.format(condition=f"({_VD_LEVEL}) & ({_VD_GROUP})", column="studie", tail=""),
        "test",
        "til_notatet skal være en liste (brug .tolist()).",
    ),
    Wrong(
        "opg4_svar",
        "or_instead_of_and",
        _VD_SELECT.format(
            condition=f"({_VD_LEVEL}) | ({_VD_GROUP})", column="studie", tail=".tolist()"
        ),
        "test",
        "J har ingen målinger: kan den vise, at mentoren var årsagen?",
    ),
    Wrong(
        "opg4_svar",
        "levels_not_names",
        _VD_SELECT.format(
            condition=f"({_VD_LEVEL}) & ({_VD_GROUP})", column="nesta_level", tail=".tolist()"
        ),
        "test",
        "Brug navnene fra kolonnen studie.",
    ),
    # "At least 3" written as > 3: the young people who left care have no study above 3.
    Wrong(
        "opg4_svar",
        "above_three_not_at_least",
        _VD_SELECT.format(
            condition='(klassificeret["nesta_level"] > 3) & (' + _VD_GROUP + ")",
            column="studie",
            tail=".tolist()",
        ),
        "test",
        "til_notatet er tom: tjek grænsen for niveauet (mindst 3)",
    ),
    Wrong(
        "opg4_svar",
        "target_group_misspelled",
        _VD_SELECT.format(
            condition=f'({_VD_LEVEL}) & (klassificeret["maalgruppe"] == "tidligere anbragte")',
            column="studie",
            tail=".tolist()",
        ),
        "test",
        "stavemåden af målgruppen",
    ),
    # Level only, target group forgotten: F (school pupils) and I (prison) slip in.
    Wrong(
        "opg4_svar",
        "target_group_forgotten",
        'til_notatet = klassificeret.loc[klassificeret["nesta_level"] >= 3, "studie"].tolist()',
        None,
    ),
    # Level 2 let in: E, a before-and-after measurement, cannot show the cause.
    Wrong(
        "opg4_svar",
        "before_after_let_in",
        _VD_SELECT.format(
            condition='(klassificeret["nesta_level"] >= 2) & (' + _VD_GROUP + ")",
            column="studie",
            tail=".tolist()",
        ),
        None,
    ),
]

#: Assignment -> its typical wrong answers.
WRONG_ANSWERS: dict[str, list[Wrong]] = {
    "videnskvalitet": VIDENSKVALITET,
    "dokumentation": DOKUMENTATION,
    "forandringsteori": FORANDRINGSTEORI,
    "opfoelgning": OPFOELGNING,
    "lovende_praksis": LOVENDE_PRAKSIS,
    "synopsis": SYNOPSIS,
    "refleksion": REFLEKSION,
    "rollefordeling": ROLLEFORDELING,
    "videndeling": VIDENDELING,
}


def passing_visible(assignment: str, grade_id: str, name: str) -> str:
    """The code of a wrong answer that the visible tests pass (for the pipeline's partly wrong
    student); ``KeyError`` if there is none by that name."""
    for wrong in WRONG_ANSWERS[assignment]:
        if (wrong.grade_id, wrong.name, wrong.caught_by) == (grade_id, name, None):
            return wrong.code
    raise KeyError((assignment, grade_id, name))


def wrong_code(assignment: str, grade_id: str, name: str) -> str:
    """The code of any typical wrong answer by its name; ``KeyError`` if there is none."""
    for wrong in WRONG_ANSWERS[assignment]:
        if (wrong.grade_id, wrong.name) == (grade_id, name):
            return wrong.code
    raise KeyError((assignment, grade_id, name))
