"""Normalisation macros on real edge cases, each expected value worked out by hand.

The macros run through dbt (`dbt show --inline`), exactly as models call them. All cases go
to dbt in one query (dbt's start-up costs seconds); each test then checks its own group, so
that a failure names the macro and the case.
"""

from __future__ import annotations

import pytest


def sql_literal(value: str | None) -> str:
    """A SQL string literal, or null."""
    return "null" if value is None else "'" + value.replace("'", "''") + "'"


CASES: dict[str, tuple[str, list[tuple[str | None, str | None]]]] = {
    "company_name": (
        "{{ normalize_company_name('raw') }}",
        [
            ("Sté DUPONT & Fils, S.A.R.L.", "dupont fils"),
            ("Groupe Martin Transports SAS", "martin transports"),
            ("Ets Lefèvre et Cie", "lefevre cie"),
            ("Compagnie Générale de Chauffe", "cie generale chauffe"),
            ("Müller GmbH", "muller"),
            ("ACME Inc.", "acme"),
            ("L'Atelier du Bois SARL", "atelier bois"),
            ("Philips N.V.", "philips"),
            ("Dupont International SA", "dupont intl"),
            ("Saint-Gobain", "saint gobain"),
            ("Société Générale", "generale"),
            ("SAS", None),  # nothing left but a legal form: no usable name
            (None, None),
        ],
    ),
    # the world's companies: legal forms and their dotted spellings, articles,
    # conjunctions, transliteration, and a trailing place kept out of the name
    "world_company_name": (
        "{{ normalize_company_name('raw') }}",
        [
            ("Koninklijke Philips N.V.", "philips"),
            ("ASML Holding N.V.", "asml holding"),
            ("Heineken B.V.", "heineken"),
            ("Ferrari S.p.A.", "ferrari"),
            ("Robert Bosch GmbH & Co. KG", "robert bosch"),
            ("Siemens AG Munich", "siemens"),
            ("Philips France", "philips"),
            ("Tesco PLC", "tesco"),
            ("Acme Ltd.", "acme"),
            ("Apple Inc.", "apple"),
            ("Microsoft Corp.", "microsoft"),
            ("The Coca-Cola Company", "coca cola"),
            ("Sony Group Corporation", "sony"),
            ("Toyota Jidosha K.K.", "toyota jidosha"),
            ("Nokia Oyj", "nokia"),
            ("Kone Oy", "kone"),
            ("Volvo AB", "volvo"),
            ("A.P. Møller - Mærsk A/S", "ap moller maersk"),
            ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"),
            ("Cemex S.A. de C.V.", "cemex"),
            ("Marks & Spencer Group plc", "marks spencer"),
            ("Marks and Spencer", "marks spencer"),
            ("Müller und Söhne GmbH", "muller sohne"),
            ("Straße Bau GmbH", "strasse bau"),
            ("Łódź Trading sp. z o.o.", "lodz trading"),
            ("Boulangerie de Lyon", "boulangerie lyon"),  # a place after "de" is the name
            ("Bank of America", "bank america"),
            ("Paris", "paris"),  # a place alone is the name
            ("Спортмастер", "спортмастер"),  # other scripts are kept, not erased
        ],
    ),
    "company_place": (
        "{{ company_name_place('raw') }}",
        [
            ("Philips France", "france"),
            ("Siemens AG Munich", "munich"),
            ("Spago (Los Angeles)", "los angeles"),
            ("Park Avenue Cafe (New York City)", "new york city"),
            ("Philips", None),
            ("Boulangerie de Lyon", None),
            ("Bank of America", None),
            ("Paris", None),
            (None, None),
        ],
    ),
    "token_key": (
        "{{ company_name_token_key(normalize_company_name('raw')) }}",
        [
            ("Transports Martin SARL", "martin transports"),
            ("martin TRANSPORTS", "martin transports"),
            ("Boulangerie Dupont et Fils", "boulangerie dupont fils"),
        ],
    ),
    "siren": (
        "{{ valid_siren('raw') }}",
        [
            ("732829320", "732829320"),  # valid Luhn (INSEE's example)
            ("732 829 320", "732829320"),  # spaces removed
            ("552.120.222", "552120222"),  # dots removed
            ("732829321", None),  # last digit wrong: Luhn fails
            ("123456789", None),  # 9 digits, Luhn fails
            ("73282932", None),  # 8 digits
            ("73282932000074", None),  # a SIRET is not a SIREN
            ("", None),
            (None, None),
        ],
    ),
    "siret": (
        "{{ valid_siret('raw') }}",
        [
            ("732 829 320 00074", "73282932000074"),  # valid Luhn over 14 digits
            ("73282932000075", None),  # Luhn fails
            ("35600000000010", "35600000000010"),  # La Poste: Luhn fails, digit sum 15 % 5 == 0
            ("35600000012345", None),  # La Poste, digit sum 29: invalid
            ("732829320", None),  # a SIREN is not a SIRET
        ],
    ),
    # key(732829320) = (12 + 3 * (732829320 mod 97)) mod 97 = 44; key(552120222) = 27.
    "fr_vat": (
        "{{ siren_from_fr_vat('raw') }}",
        [
            ("FR44732829320", "732829320"),
            ("fr 44 732 829 320", "732829320"),
            ("FR27552120222", "552120222"),
            ("FR45732829320", None),  # wrong key
            ("FR44732829321", None),  # right shape, SIREN fails Luhn
            ("DE123456789", None),  # not French
            (None, None),
        ],
    ),
    "web_domain": (
        "{{ web_domain('raw') }}",
        [
            ("https://www.Dupont-Fils.fr/contact", "dupont-fils.fr"),
            ("dupont.fr", "dupont.fr"),
            ("http://shop.acme.com:8080/x", "shop.acme.com"),
            ("WWW.ACME.COM", "acme.com"),
            ("", None),
        ],
    ),
    "corporate_email_domain": (
        "{{ corporate_domain(email_domain('raw')) }}",
        [
            ("Jean.Dupont@Dupont-Fils.FR", "dupont-fils.fr"),
            ("jean.dupont@gmail.com", None),
            ("contact@orange.fr", None),
            ("compta@wanadoo.fr", None),
            ("a@laposte.net", None),
            ("b@sfr.fr", None),
            ("not-an-address", None),
        ],
    ),
    "phone": (
        "{{ phone_e164('raw') }}",
        [
            ("01 23 45 67 89", "+33123456789"),
            ("+33 (0)1 23 45 67 89", "+33123456789"),
            ("0033 1 23 45 67 89", "+33123456789"),
            ("1 23 45 67 89", "+33123456789"),  # leading zero lost by a spreadsheet
            ("33123456789", "+33123456789"),
            ("01.23.45.67.89", "+33123456789"),
            ("+44 20 7946 0958", "+442079460958"),
            ("n/a", None),
            ("12345", None),
        ],
    ),
    "postcode": (
        "{{ postcode_fr('raw') }}",
        [
            ("75008", "75008"),
            ("1000", "01000"),
            ("75 008", "75008"),
            ("F-69001", "69001"),
            ("123", None),
        ],
    ),
    "city": (
        "{{ normalize_city('raw') }}",
        [
            ("PARIS CEDEX 08", "paris"),
            ("St-Étienne", "saint etienne"),
            ("Lyon 3e", "lyon"),
            ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
            ("Paris 15ème", "paris"),
            ("Aix-en-Provence", "aix en provence"),
        ],
    ),
}


@pytest.fixture(scope="module")
def results(dbt_show_module):
    """{group: {input: output}} for every case, from one dbt query."""
    selects = []
    for group, (expression, cases) in CASES.items():
        values = ", ".join(f"({i}, {sql_literal(raw)})" for i, (raw, _) in enumerate(cases))
        selects.append(
            f"select '{group}' as grp, case_id, cast({expression} as varchar) as got "
            f"from (values {values}) as cases(case_id, raw)"
        )
    rows = dbt_show_module(" union all ".join(selects))
    out: dict[str, dict] = {group: {} for group in CASES}
    for row in rows:
        cases = CASES[row["grp"]][1]
        out[row["grp"]][cases[int(row["case_id"])][0]] = row["got"]
    return out


@pytest.mark.parametrize("group", list(CASES))
def test_normalisation(group, results):
    expected = dict(CASES[group][1])
    assert results[group] == expected
